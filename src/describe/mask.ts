import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import { typeName } from '../message/read-message.js';

/**
 * Digits of a PAN that always stay hidden, whatever its length: a 15-digit PAN shown as its first 6 and last 4
 * hides 5, the fewest the PCI DSS display rule leaves; shorter PANs show fewer digits instead of hiding fewer.
 * The one exception is the rule's own: an 8-digit BIN on a PAN of 16 digits or more hides 4 or more.
 */
const MIN_HIDDEN = 5;

/**
 * Masks a PAN for display: at most the first 6 and the last 4 digits stay, the rest become `*`; the first 8 only
 * when `bin` is 8 and the PAN has 16 digits or more.
 *
 * Why: the PCI DSS display rule allows at most the BIN (6 digits, or 8 for PANs of 16 digits or more) and the
 * last four, whatever a caller asks for. A short number would be almost entirely revealed by 6 + 4, so at least
 * 5 digits always stay hidden: a PAN under 15 digits gives up leading digits first, then trailing ones (12 digits
 * show 3 + 4, 9 show the last 4, 5 or fewer show nothing). Throws `INVALID_VALUE_TYPE` if `pan` is not a string
 * and `INVALID_OPTION` if `bin` is not 6 or 8.
 *
 * @example
 * ```ts
 * maskPan('4111111111111111');    // '411111******1111'
 * maskPan('4111111111111111', 8); // '41111111****1111'
 * maskPan('378282246310005', 8);  // '378282*****0005' (15 digits: the BIN stays at 6)
 * maskPan('411111111');           // '*****1111'
 * ```
 */
export function maskPan(pan: string, bin: 6 | 8 = 6): string {
  if (typeof pan !== 'string') throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, `maskPan: pan must be a string, got ${typeName(pan)}`);
  if (bin !== 6 && bin !== 8) throw new Iso8583Error(ErrorCode.INVALID_OPTION, 'maskPan: bin must be 6 or 8');
  const n = pan.length;
  if (bin === 8 && n >= 16) return pan.slice(0, 8) + '*'.repeat(n - 12) + pan.slice(-4);
  let lead = 6;
  let tail = 4;
  while (n - lead - tail < MIN_HIDDEN && tail > 0) {
    if (lead > 0) lead--;
    else tail--;
  }
  if (n - lead - tail < MIN_HIDDEN) return '*'.repeat(n);
  return pan.slice(0, lead) + '*'.repeat(n - lead - tail) + pan.slice(n - tail);
}

/**
 * Replaces a value by its size only: `[hidden, 8 bytes]`.
 *
 * Why: a dump that says how long a PIN block or a cryptogram was helps debugging without showing it. Throws
 * `INVALID_OPTION` unless `length` is a whole number and `unit` is `chars` or `bytes`.
 *
 * @example
 * ```ts
 * hidden(8, 'bytes'); // '[hidden, 8 bytes]'
 * ```
 */
export function hidden(length: number, unit: 'chars' | 'bytes'): string {
  if (!Number.isSafeInteger(length) || length < 0) throw new Iso8583Error(ErrorCode.INVALID_OPTION, 'hidden: length must be a whole number');
  if (unit !== 'chars' && unit !== 'bytes') throw new Iso8583Error(ErrorCode.INVALID_OPTION, 'hidden: unit must be chars or bytes');
  return `[hidden, ${length} ${unit === 'chars' ? (length === 1 ? 'char' : 'chars') : length === 1 ? 'byte' : 'bytes'}]`;
}
