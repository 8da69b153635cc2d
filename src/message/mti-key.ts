import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error } from '../errors/iso8583-error.js';

/**
 * The MTI values a key of a codec set's `byMti` selects, as a type: the key itself for a whole MTI (`'0100'`), a
 * string starting with the key's digits for a pattern (`'08xx'` → `` `08${string}` ``), `string` when the key is
 * not a literal.
 *
 * Why: a message decoded through a set has an MTI its key selected; typing `mti` so makes the set's message type a
 * union that `if (m.mti === '0100')` narrows, without claiming more than the key says.
 */
export type MtiOfKey<K extends string> = K extends `${infer Digits}x${string}` ? `${Digits}${string}` : K;

/** A key of `byMti` read: the digits it fixes (all four for a whole MTI, fewer for a pattern). */
export interface MtiKey {
  /** The key as given (`'0100'`, `'08xx'`). */
  readonly key: string;
  /** The leading digits the key fixes: `'0100'`, `'08'`. */
  readonly digits: string;
}

// Wire fact: an MTI is four digits, version, class, function, origin, each refining the one before; a pattern fixes
// the leading ones and leaves the rest `x`. `xxxx` would match every MTI: that is the set's `default`.
const KEY = /^(?=[0-9x]{4}$)([0-9]+)x*$/;

/**
 * Reads a key of `byMti`: a whole MTI of four digits, or leading digits followed by `x` for each position left
 * open (`'08xx'`: every network management message of 1987, `'1xxx'`: every ISO 8583:1993 message); anything else
 * is `INVALID_OPTION` naming the call.
 *
 * Why: positions of an MTI narrow from left to right, so a pattern that fixes a prefix is the only kind a network
 * needs for "all of class 8", and the longest matching prefix is then always one key: no two keys can tie.
 */
export function readMtiKey(where: string, key: string): MtiKey {
  const match = KEY.exec(key);
  if (match === null) {
    // A key is at most shown when it is four characters of digits and x (it cannot hold a PAN then).
    const shown = /^[0-9xX]{1,4}$/.test(key) ? `"${key}"` : 'a key that is not shown';
    throw new Iso8583Error(
      ErrorCode.INVALID_OPTION,
      `${where}: byMti key ${shown} must be an MTI of four digits ('0100') or leading digits then x for the open positions ('08xx')`,
    );
  }
  return { key, digits: match[1]! };
}

/**
 * Finds the entry an MTI selects in a table keyed by the digits each key fixes: the whole MTI first, then its
 * longest prefix that is a key (`'0810'` tries `'0810'`, `'081'`, `'08'`, `'0'`).
 *
 * Why: a specific key beats a pattern, and a narrower pattern beats a wider one, so `'0800'` can differ from the
 * rest of `'08xx'`.
 */
export function selectByMti<T>(table: ReadonlyMap<string, T>, mti: string): T | undefined {
  for (let n = 4; n >= 1; n--) {
    const found = table.get(mti.slice(0, n));
    if (found !== undefined) return found;
  }
  return undefined;
}
