import { fromHex, notHexDigit, oddDigits } from '../codecs/hex-digits.js';
import { describeType } from '../errors/arguments.js';
import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error } from '../errors/iso8583-error.js';

/**
 * Parses hex text that may carry annotations: `#` starts a comment to the end of the line, and white space
 * anywhere is ignored. Throws `INVALID_INPUT` for anything else, exactly as {@link fromHex} does: with the offset in
 * the text of a character that is not a hex digit, or for an odd number of digits.
 *
 * Why: golden fixtures and CLI input are written by people, who annotate each field on its own line.
 *
 * @example
 * ```ts
 * parseHexText('30313030  # MTI 0100\nF0 20 ... ');
 * ```
 */
export function parseHexText(text: string): Uint8Array {
  if (typeof text !== 'string') throw new Iso8583Error(ErrorCode.INVALID_INPUT, `parseHexText: text must be a string, got ${describeType(text)}`);
  let digits = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '#') {
      const nl = text.indexOf('\n', i);
      if (nl < 0) break;
      i = nl;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
    if (!/[0-9a-fA-F]/.test(c)) throw notHexDigit(i);
    digits += c;
  }
  if (digits.length % 2 !== 0) throw oddDigits();
  return fromHex(digits);
}
