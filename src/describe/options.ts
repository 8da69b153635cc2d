import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import { isRecord, typeName } from '../message/read-message.js';

/** The display options `describe` and `messageToMaskedJSON` read, checked and with their defaults. */
export interface DisplaySettings {
  /** Show every value in clear. */
  readonly unmask: boolean;
  /** Leading PAN digits asked for (the PAN's length may allow fewer). */
  readonly bin: 6 | 8;
}

/** An option name is quoted in an error only when it is a plain word, so a stray value never reaches the text. */
function optionName(key: string): string {
  return /^[A-Za-z_$]{1,40}$/.test(key) ? `"${key}"` : '(a name that is not a plain word)';
}

/**
 * Checks an options argument: `undefined` or an object whose keys are all in `allowed`, `unmask` a boolean and
 * `binLength` 6 or 8. Throws `INVALID_OPTION` naming the function and the option otherwise.
 *
 * Why: plain JavaScript callers get no compiler to catch `{ unmsk: true }` or `{ binLength: '8' }`; a typo that
 * silently changed what is masked would be worse than an error.
 */
export function readDisplayOptions(fn: string, options: unknown, allowed: readonly ('unmask' | 'binLength')[]): DisplaySettings {
  if (options === undefined) return { unmask: false, bin: 6 };
  if (!isRecord(options)) throw new Iso8583Error(ErrorCode.INVALID_OPTION, `${fn}: options must be an object, got ${typeName(options)}`);
  let unmask: unknown;
  let binLength: unknown;
  for (const key of Object.keys(options)) {
    const value = options[key];
    if (value === undefined) continue;
    if (key === 'unmask' && allowed.includes('unmask')) unmask = value;
    else if (key === 'binLength' && allowed.includes('binLength')) binLength = value;
    else throw new Iso8583Error(ErrorCode.INVALID_OPTION, `${fn}: unknown option ${optionName(key)} (options: ${allowed.join(', ')})`);
  }
  if (unmask !== undefined && typeof unmask !== 'boolean') {
    throw new Iso8583Error(ErrorCode.INVALID_OPTION, `${fn}: option unmask must be a boolean, got ${typeName(unmask)}`);
  }
  if (binLength !== undefined && binLength !== 6 && binLength !== 8) {
    throw new Iso8583Error(ErrorCode.INVALID_OPTION, `${fn}: option binLength must be 6 or 8`);
  }
  return { unmask: unmask === true, bin: binLength === 8 ? 8 : 6 };
}
