/**
 * What a converter carries, as the places of a spec that name converters need it: `text` (one character a unit,
 * e.g. `ascii`, `ebcdic037`), `digits` (packed BCD) or `bytes` (a `Uint8Array` value: `binary`, `nop`, `hex`).
 *
 * Why: an MTI or a digit length prefix needs a converter that writes digits, a hex bitmap or a TLV layout one that
 * writes text; the class lets the types say so where the runtime checks it too.
 */
export type ConverterClass = 'text' | 'digits' | 'bytes';

/**
 * The converter names a spec may use, each mapped to its {@link ConverterClass}: the built-ins, plus the names
 * you add by declaration merging when you register a converter of your own.
 *
 * Why: specs refer to converters by name, and a typo in a name (`'acsii'`) should be a compile error where the
 * spec is written, not an `UNKNOWN_CONVERTER` when the codec is created. A registry interface (instead of
 * `string & {}`) is what makes that possible while still admitting custom converters: declaring the name once,
 * next to `registerConverter`, is the price, and it also tells the types what the converter carries.
 *
 * @example
 * ```ts
 * registerConverter({ ...getConverter('ascii'), name: 'latin1' });
 * declare module 'iso8583-codec' {
 *   interface ConverterRegistry { latin1: 'text' }
 * }
 * ```
 */
export interface ConverterRegistry {
  /** 7-bit ASCII text. */
  ascii: 'text';
  /** EBCDIC code page 037. */
  ebcdic037: 'text';
  /** EBCDIC code page 500. */
  ebcdic500: 'text';
  /** EBCDIC code page 1047. */
  ebcdic1047: 'text';
  /** Packed BCD digits. */
  bcd: 'digits';
  /** Raw bytes. */
  binary: 'bytes';
  /** Raw bytes (the name other libraries give `binary`). */
  nop: 'bytes';
  /** Bytes written as hex text. */
  hex: 'bytes';
}

/**
 * The name of a registered converter, optionally of some classes only: `ConverterName` is any name,
 * `ConverterName<'text'>` a text converter's.
 *
 * Why: each place of a spec that names a converter accepts exactly the names that can work there.
 */
export type ConverterName<C extends ConverterClass = ConverterClass> = {
  [K in keyof ConverterRegistry]: ConverterRegistry[K] extends C ? K : never;
}[keyof ConverterRegistry] &
  string;

/**
 * A length prefix as a spec writes it: `fixed`, one to six `L`s and the converter of the digits (`'LL/ascii'`,
 * `'LLL/bcd'`, `'LLLLLL/ascii'`), or `B1` to `B4` for a 1- to 4-byte big-endian binary count.
 *
 * Why: the prefix grammar is small and closed, so a template-literal type catches `'LL-ascii'` or `'LL/acsii'`
 * where the spec is written; the digits go through a converter that writes digits (text or BCD).
 */
export type PrefixName =
  | 'fixed'
  | `${'L' | 'LL' | 'LLL' | 'LLLL' | 'LLLLL' | 'LLLLLL'}/${ConverterName<'text' | 'digits'>}`
  | 'B1'
  | 'B2'
  | 'B3'
  | 'B4';
