import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error, isIso8583Error } from '../errors/iso8583-error.js';
import { createCodec } from '../message/codec.js';
import { describe } from '../describe/describe.js';
import { messageFromJSON, messageToJSON, toHex } from '../message/json.js';
import { parseArgs } from './args.js';
import { loadSpec, PRESET_NAMES } from './load-spec.js';
import { type InputStream, readFrameInput, readJsonInput } from './read-input.js';

/** The streams the CLI talks to; injected so tests can drive `run` in-process as well. */
export interface CliIO {
  /** Standard input. */
  readonly stdin: InputStream;
  /** Writes to standard output. */
  readonly stdout: (text: string | Uint8Array) => void;
  /** Writes to standard error. */
  readonly stderr: (text: string) => void;
}

/** The package version, injected by the build (tsup `define`); `dev` when run from sources. */
declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : 'dev';

/** Exit statuses: 0 success, 1 usage or unexpected error, 2 bad input (an `Iso8583Error`). */
export const EXIT = { OK: 0, USAGE: 1, BAD_INPUT: 2 } as const;

const USAGE = `Usage:
  iso8583 decode --spec <preset|spec.json> [hex | file | -]   decode a frame, print JSON
  iso8583 encode --spec <preset|spec.json> [file.json | -]    encode JSON, print hex (--raw: bytes)
  iso8583 describe --spec <preset|spec.json> [hex | file | -] field-by-field dump, card data masked (--unmask)
  iso8583 specs                                              list the built-in presets
  iso8583 --help | --version

Input for decode: a hex argument, a file of (annotated, '#' comments) hex or raw bytes, or stdin.
Presets: ${PRESET_NAMES.join(', ')}.
Exit status: 0 ok, 1 usage, 2 bad input (one line: code, field, offset; never a field value).`;

/** Formats an `Iso8583Error` as the CLI's single error line; it holds no field value. */
export function errorLine(e: Iso8583Error): string {
  let line = `iso8583: error ${e.code}`;
  if (e.field !== undefined) line += ` field ${e.field}`;
  if (e.offset !== undefined) line += ` at offset ${e.offset}`;
  return `${line}: ${e.detail}`;
}

/**
 * Runs the `iso8583` command and returns its exit status.
 *
 * Why: a testable entry point; `bin.ts` only wires it to the process.
 */
export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv);
  if (args.unknown.length > 0) {
    io.stderr(`iso8583: unknown option ${args.unknown[0]}\n${USAGE}\n`);
    return EXIT.USAGE;
  }
  try {
    switch (args.command) {
      case undefined:
      case 'help':
        io.stdout(`${USAGE}\n`);
        return args.command === undefined ? EXIT.USAGE : EXIT.OK;
      case 'version':
        io.stdout(`${VERSION}\n`);
        return EXIT.OK;
      case 'specs':
        io.stdout(`${PRESET_NAMES.join('\n')}\n`);
        return EXIT.OK;
      case 'decode':
      case 'describe':
      case 'encode': {
        if (args.spec === undefined) {
          io.stderr(`iso8583: ${args.command} needs --spec\n${USAGE}\n`);
          return EXIT.USAGE;
        }
        const spec = await loadSpec(args.spec);
        const codec = createCodec(spec);
        if (args.command === 'decode') {
          const frame = await readFrameInput(args.positional[0], io.stdin, args);
          io.stdout(`${JSON.stringify(messageToJSON(codec.decode(frame), spec), null, 2)}\n`);
        } else if (args.command === 'describe') {
          const frame = await readFrameInput(args.positional[0], io.stdin, args);
          io.stdout(`${describe(codec.decode(frame), spec, { unmask: args.unmask })}\n`);
        } else {
          const text = await readJsonInput(args.positional[0], io.stdin);
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            throw new Iso8583Error(ErrorCode.INVALID_MESSAGE, 'input is not valid JSON');
          }
          const bytes = codec.encode(messageFromJSON(json, spec));
          io.stdout(args.raw ? bytes : `${toHex(bytes)}\n`);
        }
        return EXIT.OK;
      }
      default:
        io.stderr(`iso8583: unknown command ${args.command}\n${USAGE}\n`);
        return EXIT.USAGE;
    }
  } catch (e) {
    if (isIso8583Error(e)) {
      io.stderr(`${errorLine(e)}\n`);
      return EXIT.BAD_INPUT;
    }
    const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : 'unexpected';
    // System errors (a missing file) are reported by code only: their text may quote paths, never card data,
    // but we keep one shape for every failure.
    io.stderr(`iso8583: error ${code}: could not complete ${args.command}\n`);
    return EXIT.USAGE;
  }
}
