import type { FieldKind } from './types.js';

/**
 * A 256-entry table: `table[charCode] === 1` when the character is allowed.
 *
 * Why: kinds are checked per character inside the converters' loops, so one array lookup replaces any regex.
 * Every built-in code page maps onto char codes 0–255, so 256 entries cover every decoded character.
 */
export type CharTable = Uint8Array;

function table(pred: (c: number) => boolean): CharTable {
  const t = new Uint8Array(256);
  for (let c = 0; c < 256; c++) t[c] = pred(c) ? 1 : 0;
  return t;
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isLetter = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
/** Printable characters: ASCII 0x20–0x7E and the Latin-1 printable range 0xA0–0xFF (EBCDIC code pages reach it). */
const isPrintable = (c: number): boolean => (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff);
/** Specials: printable characters that are neither letters nor digits (space included). */
const isSpecial = (c: number): boolean => isPrintable(c) && !isDigit(c) && !isLetter(c);

/**
 * The alphabet of each text kind.
 *
 * Wire facts: `a`/`an`/`anp` include the space because fixed text fields are space-padded; `z` is the magnetic
 * stripe code set 0x30–0x3F (digits and `: ; < = > ?`, `=` being the track-2 separator) plus `A`–`F`, the nibble
 * names BCD track data uses (`D` is the packed separator); `x+n` is checked positionally by the codec.
 */
export const KIND_ALPHABETS: Readonly<Record<Exclude<FieldKind, 'b'>, CharTable>> = {
  n: table(isDigit),
  a: table((c) => isLetter(c) || c === 0x20),
  an: table((c) => isLetter(c) || isDigit(c) || c === 0x20),
  anp: table((c) => isLetter(c) || isDigit(c) || c === 0x20),
  ans: table(isPrintable),
  as: table((c) => isLetter(c) || isSpecial(c)),
  ns: table((c) => isDigit(c) || isSpecial(c)),
  z: table((c) => (c >= 0x30 && c <= 0x3f) || (c >= 0x41 && c <= 0x46)),
  'x+n': table((c) => isDigit(c) || c === 0x43 || c === 0x44),
};

/** Every kind this library understands, for validation and tooling. */
export const FIELD_KINDS: readonly FieldKind[] = ['n', 'a', 'an', 'ans', 'as', 'ns', 'anp', 'z', 'x+n', 'b'];

/** Tells whether `kind` is a known {@link FieldKind}. */
export function isFieldKind(kind: unknown): kind is FieldKind {
  return typeof kind === 'string' && (FIELD_KINDS as readonly string[]).includes(kind);
}
