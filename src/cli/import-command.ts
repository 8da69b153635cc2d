import { importJposPackager } from '../import/jpos-packager.js';
import { importMoovSpec, type MoovEbcdicCodePage } from '../import/moov-spec.js';
import { importPyiso8583Spec } from '../import/pyiso8583-spec.js';
import { specToJSON } from '../spec/spec-json.js';
import type { MessageSpec } from '../spec/types.js';
import { type InputStream, readJsonInput } from './read-input.js';

/** What `iso8583 import` passes on from its command line to the import. */
export interface ImportCommandOptions {
  /** `--ebcdic`: the code page moov's `EBCDIC` stands for (`import moov` only; checked before the import runs). */
  readonly ebcdic?: MoovEbcdicCodePage;
}

/** The formats `iso8583 import` reads, each with the function that imports it. */
export const IMPORT_FORMATS: Readonly<Record<string, (text: string, options: ImportCommandOptions) => MessageSpec>> = {
  jpos: (text) => importJposPackager(text),
  moov: (text, options) => importMoovSpec(text, options),
  pyiso8583: (text) => importPyiso8583Spec(text),
};

/**
 * Runs `iso8583 import <format> [--ebcdic <code page>] [file | -]`: reads the packager or spec text (a file, or
 * stdin), imports it and returns our spec as JSON text, ready for `--spec`.
 *
 * Why: a network's jPOS packager, moov spec or pyiso8583 spec becomes a spec file in one command, without writing code; the
 * import's own refusals (`INVALID_SPEC` with the field and the class) are the command's errors.
 */
export async function importCommand(format: string, input: string | undefined, stdin: InputStream, options: ImportCommandOptions = {}): Promise<string> {
  const text = await readJsonInput(input, stdin);
  const spec = IMPORT_FORMATS[format]!(text, options);
  return `${specToJSON(spec)}\n`;
}
