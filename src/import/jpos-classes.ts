import type { PrefixName } from '../spec/names.js';
import type { FieldKind, FieldSpec, MtiSpec, NibblePad } from '../spec/types.js';

/**
 * What one jPOS field-packager class means on the wire, in our terms.
 *
 * - `field`: a data element; `build` turns the packager's `length` and `pad` attributes into a field spec.
 * - `bitmap`: a presence bitmap (field 1, or the bitmap of a bitmapped sub-packager).
 */
export type JposClass =
  | { readonly type: 'field'; readonly build: (length: number, pad: boolean) => FieldSpec; readonly mti?: MtiSpec['encoding'] }
  | { readonly type: 'bitmap'; readonly format: 'binary' | 'hex'; readonly encoding?: 'ascii' | 'ebcdic1047' };

/** The package every class of the standard distribution lives in. */
export const JPOS_PACKAGE = 'org.jpos.iso.';

/**
 * EBCDIC in jPOS (ISOUtil) is code page 1047, so every `IFE_` class and the EBCDIC prefixers map to `ebcdic1047`.
 */
const EBCDIC = 'ebcdic1047';

const SPACE_RIGHT = { side: 'right', char: ' ' } as const;
const ZERO_LEFT = { side: 'left', char: '0' } as const;

/**
 * jPOS's BCD interpreter for odd digit counts: `pad="true"` puts the spare `0` nibble on the left (LEFT_PADDED),
 * `pad="false"` (and no `pad` attribute) on the right (RIGHT_PADDED).
 */
const nibble = (pad: boolean): NibblePad => ({ side: pad ? 'left' : 'right', nibble: '0' });

/** Fixed text through `encoding`, padded as jPOS's padder for the class pads it. */
function fixedText(kind: FieldKind, encoding: 'ascii' | typeof EBCDIC, pad: typeof SPACE_RIGHT | typeof ZERO_LEFT): (length: number) => FieldSpec {
  return (length) => ({ kind, length, encoding, pad });
}

/** A variable-length field: `prefix` in jPOS's prefixer terms, the value through `encoding`. */
function variable(kind: FieldKind, encoding: FieldSpec['encoding'], prefix: PrefixName, extra: Partial<FieldSpec> = {}): (length: number) => FieldSpec {
  return (length) => ({ kind, length, prefix, encoding, ...extra });
}

/** A variable BCD number: the prefix counts digits, the spare nibble sits where `pad` says. */
function bcdNumber(prefix: PrefixName): (length: number, pad: boolean) => FieldSpec {
  return (length, pad) => ({ kind: 'n', length, prefix, encoding: 'bcd', lengthUnit: 'digits', nibblePad: nibble(pad) });
}

const field = (build: (length: number, pad: boolean) => FieldSpec, mti?: MtiSpec['encoding']): JposClass =>
  mti === undefined ? { type: 'field', build } : { type: 'field', build, mti };

/**
 * IFB_AMOUNT: one ASCII sign character (`C` or `D`) then `length - 1` BCD digits, `1 + length / 2` bytes in all
 * (integer division). No single converter writes ASCII then BCD, so it becomes a fixed binary field of that many
 * bytes holding two positional subfields: 1 the sign (kind `a`, one ASCII letter), 2 the digits in BCD.
 */
function bcdAmount(length: number, pad: boolean): FieldSpec {
  return {
    kind: 'b',
    length: 1 + (length >> 1),
    encoding: 'binary',
    subfields: {
      type: 'positional',
      fields: {
        1: { kind: 'a', length: 1, encoding: 'ascii' },
        2: { kind: 'n', length: length - 1, encoding: 'bcd', nibblePad: nibble(pad) },
      },
    },
  };
}

/**
 * The field-packager classes of the jPOS distribution this importer maps, by simple class name. Facts per class
 * (prefixer, interpreter, padder) are from the jPOS sources and javadoc; the table is ours.
 *
 * Prefixers: `A…` ASCII digits (`LL/ascii`), `B…` BCD digits (`LL/bcd`, `LLL/bcd` in two bytes …), `…H…` a binary
 * count (`B1` for LLH, `B2` for LLLH), `E…` EBCDIC digits. Text values of `IFB_` classes are ASCII. A prefix
 * counts characters, digits (BCD numbers) or bytes (binary values), as the value is measured in jPOS.
 */
export const JPOS_CLASSES: Readonly<Record<string, JposClass>> = {
  // Fixed length.
  IF_CHAR: field(fixedText('ans', 'ascii', SPACE_RIGHT), 'ascii'),
  IFE_CHAR: field(fixedText('ans', EBCDIC, SPACE_RIGHT), EBCDIC),
  IFA_NUMERIC: field(fixedText('n', 'ascii', ZERO_LEFT), 'ascii'),
  IFE_NUMERIC: field(fixedText('n', EBCDIC, ZERO_LEFT), EBCDIC),
  IFB_NUMERIC: field((length, pad) => ({ kind: 'n', length, encoding: 'bcd', pad: ZERO_LEFT, nibblePad: nibble(pad) }), 'bcd'),
  IFA_AMOUNT: field((length) => ({ kind: 'x+n', length, encoding: 'ascii' })),
  IFB_AMOUNT: field(bcdAmount),
  IFA_BINARY: field((length) => ({ kind: 'b', length, encoding: 'hex', lengthUnit: 'bytes' })),
  IFB_BINARY: field((length) => ({ kind: 'b', length, encoding: 'binary' })),
  // ASCII digit prefixes.
  IFA_LCHAR: field(variable('ans', 'ascii', 'L/ascii')),
  IFA_LLCHAR: field(variable('ans', 'ascii', 'LL/ascii')),
  IFA_LLLCHAR: field(variable('ans', 'ascii', 'LLL/ascii')),
  IFA_LLLLCHAR: field(variable('ans', 'ascii', 'LLLL/ascii')),
  IFA_LLLLLCHAR: field(variable('ans', 'ascii', 'LLLLL/ascii')),
  IFA_LLLLLLCHAR: field(variable('ans', 'ascii', 'LLLLLL/ascii')),
  IFA_LLNUM: field(variable('n', 'ascii', 'LL/ascii')),
  IFA_LLLNUM: field(variable('n', 'ascii', 'LLL/ascii')),
  IFA_LBINARY: field(variable('b', 'binary', 'L/ascii')),
  IFA_LLBINARY: field(variable('b', 'binary', 'LL/ascii')),
  IFA_LLLBINARY: field(variable('b', 'binary', 'LLL/ascii')),
  IFA_LLLLBINARY: field(variable('b', 'binary', 'LLLL/ascii')),
  IFA_LLLLLBINARY: field(variable('b', 'binary', 'LLLLL/ascii')),
  IFA_LLLLLLBINARY: field(variable('b', 'binary', 'LLLLLL/ascii')),
  IFA_LLABINARY: field(variable('b', 'hex', 'LL/ascii', { lengthUnit: 'bytes' })),
  // BCD digit prefixes.
  IFB_LLNUM: field(bcdNumber('LL/bcd')),
  IFB_LLLNUM: field(bcdNumber('LLL/bcd')),
  IFB_LLCHAR: field(variable('ans', 'ascii', 'LL/bcd')),
  IFB_LLLCHAR: field(variable('ans', 'ascii', 'LLL/bcd')),
  IFB_LLLLCHAR: field(variable('ans', 'ascii', 'LLLL/bcd')),
  IFB_LLLLLLCHAR: field(variable('ans', 'ascii', 'LLLLLL/bcd')),
  IFB_LLBINARY: field(variable('b', 'binary', 'LL/bcd')),
  IFB_LLLBINARY: field(variable('b', 'binary', 'LLL/bcd')),
  IFB_LLLLBINARY: field(variable('b', 'binary', 'LLLL/bcd')),
  // Binary counts: one byte (LLH) or two (LLLH).
  IFB_LLHNUM: field(bcdNumber('B1')),
  IFB_LLLHNUM: field(bcdNumber('B2')),
  IFB_LLHCHAR: field(variable('ans', 'ascii', 'B1')),
  IFB_LLLHCHAR: field(variable('ans', 'ascii', 'B2')),
  IFB_LLHECHAR: field(variable('ans', EBCDIC, 'B1')),
  IFB_LLLHECHAR: field(variable('ans', EBCDIC, 'B2')),
  IFB_LLHBINARY: field(variable('b', 'binary', 'B1')),
  IFB_LLLHBINARY: field(variable('b', 'binary', 'B2')),
  // EBCDIC digit prefixes.
  IFE_LLCHAR: field(variable('ans', EBCDIC, `LL/${EBCDIC}`)),
  IFE_LLLCHAR: field(variable('ans', EBCDIC, `LLL/${EBCDIC}`)),
  IFE_LLNUM: field(variable('n', EBCDIC, `LL/${EBCDIC}`)),
  IFE_LBINARY: field(variable('b', 'binary', `L/${EBCDIC}`)),
  IFE_LLBINARY: field(variable('b', 'binary', `LL/${EBCDIC}`)),
  IFE_LLLBINARY: field(variable('b', 'binary', `LLL/${EBCDIC}`)),
  // Bitmaps: raw bytes, hex digits in ASCII, hex digits in EBCDIC.
  IFB_BITMAP: { type: 'bitmap', format: 'binary' },
  IFA_BITMAP: { type: 'bitmap', format: 'hex', encoding: 'ascii' },
  IFE_BITMAP: { type: 'bitmap', format: 'hex', encoding: EBCDIC },
};

/**
 * Classes of the distribution that are refused on purpose, with the reason: their wire form has no exact
 * equivalent here. Any other class is refused as not in the table.
 */
export const JPOS_REFUSED: Readonly<Record<string, string>> = {
  IFE_BINARY: 'it writes bytes as hex digits in EBCDIC, and no built-in converter does',
  IFA_LLBNUM: 'its ASCII prefix counts the digits rounded up to an even number, which no prefix here writes',
  IF_NOP: 'it occupies no bytes and carries no value',
  IFB_LLHFBINARY: 'it always takes its maximum length on the wire whatever its length byte says',
};
