import type { MessageSpec } from '../spec/types.js';
import { type Iso87Dialect, type PresetFields, presetFromTable } from './build-preset.js';
import { ISO03_ELEMENTS, type Iso03Kinds } from './iso03-elements.js';
import { ISO93_ELEMENTS, type Iso93Kinds } from './iso93-elements.js';

/** A preset message spec over the ISO 8583:1993 element table. */
export interface Iso93Preset extends MessageSpec {
  readonly fields: PresetFields<Iso93Kinds>;
}

/** A preset message spec over the ISO 8583:2003 element table (2–64 and 128; bit 65 announces the tertiary bitmap). */
export interface Iso03Preset extends MessageSpec {
  readonly bitmap: { readonly format: 'binary'; readonly tertiary: true };
  readonly fields: PresetFields<Iso03Kinds>;
}

/** ASCII everywhere: MTI, text, numbers and LL…LLLL prefixes counting characters. */
function ascii(name: string): Iso87Dialect {
  return { name, mtiEncoding: 'ascii', textEncoding: 'ascii', numericEncoding: 'ascii', trackEncoding: 'ascii', prefixEncoding: 'ascii' };
}

/** Packed: BCD MTI, numbers, track data and prefixes (lengths count digits), ASCII text. */
function packed(name: string): Iso87Dialect {
  return { name, mtiEncoding: 'bcd', textEncoding: 'ascii', numericEncoding: 'bcd', trackEncoding: 'bcd', prefixEncoding: 'bcd' };
}

// The tables' kinds decide the field types; presetFromTable builds exactly one field per row with that kind.
const iso93 = (d: Iso87Dialect): Iso93Preset => presetFromTable(ISO93_ELEMENTS, d, { format: 'binary' }) as Iso93Preset;
const iso03 = (d: Iso87Dialect): Iso03Preset => presetFromTable(ISO03_ELEMENTS, d, { format: 'binary', tertiary: true }) as Iso03Preset;

/**
 * ISO 8583:1993 with ASCII everywhere: ASCII MTI (version digit `1`), ASCII text and numbers, ASCII LL/LLL prefixes
 * counting characters, 8-byte binary bitmaps, binary elements (52, 53, 55, 64, 65, 96, 128) as raw bytes.
 *
 * Why: networks on the 1993 version (function code in DE24, action code in DE39, DE12 date and time) get its table
 * without rewriting the 1987 one.
 */
export const iso93ascii: Iso93Preset = iso93(ascii('iso93ascii'));

/**
 * ISO 8583:1993 packed: BCD MTI (2 bytes), BCD numerics and track data (lengths count digits), BCD LL/LLL prefixes,
 * ASCII text, 8-byte binary bitmaps, raw binary elements.
 *
 * Why: the packed encoding of the 1993 table, as terminals and hosts that count bytes send it.
 */
export const iso93binary: Iso93Preset = iso93(packed('iso93binary'));

/**
 * ISO 8583:2003 with ASCII everywhere: ASCII MTI (version digit `2`), text, numbers and LL…LLLL prefixes, binary
 * bitmaps with bit 65 announcing the tertiary one, binary and mixed (`ansb`) elements as raw bytes.
 *
 * Why: the 2003 version carries currency inside amounts, a 12-digit STAN and century dates; its table differs too
 * much from 1987 and 1993 to be an override of either.
 */
export const iso03ascii: Iso03Preset = iso03(ascii('iso03ascii'));

/**
 * ISO 8583:2003 packed: BCD MTI, numbers, track data and LL…LLLL prefixes (lengths count digits), ASCII text, binary
 * bitmaps with bit 65 announcing the tertiary one, raw binary elements.
 *
 * Why: the packed encoding of the 2003 table.
 */
export const iso03binary: Iso03Preset = iso03(packed('iso03binary'));
