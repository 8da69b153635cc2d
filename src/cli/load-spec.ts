import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import { presets } from '../presets/index.js';
import type { MessageSpec } from '../spec/types.js';
import { validateSpec } from '../spec/validate-spec.js';
import { InputTooLargeError, readInputFile } from './read-input.js';

/** Names of the built-in presets the CLI accepts for `--spec`. */
export const PRESET_NAMES = Object.keys(presets) as (keyof typeof presets)[];

/**
 * Resolves `--spec`: a preset name, or a path to a JSON file holding a message spec (validated).
 *
 * Why: users ship their network's table as a JSON file and inspect frames with it without writing code. The value
 * of `--spec` is never repeated in an error (a file may be named after card data): the error says "the spec file".
 */
export async function loadSpec(nameOrPath: string): Promise<MessageSpec> {
  if (Object.prototype.hasOwnProperty.call(presets, nameOrPath)) return presets[nameOrPath as keyof typeof presets];
  let text: string;
  try {
    text = Buffer.from(await readInputFile(nameOrPath, 'the spec file')).toString('utf8');
  } catch (e) {
    if (e instanceof InputTooLargeError) throw e;
    const reason = e instanceof Iso8583Error ? e.detail : 'cannot read the spec file';
    throw new Iso8583Error(ErrorCode.INVALID_SPEC, `${reason}; --spec takes a preset (${PRESET_NAMES.join(', ')}) or a JSON spec file`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Iso8583Error(ErrorCode.INVALID_SPEC, 'the spec file is not valid JSON');
  }
  return validateSpec(json);
}
