import { buildIso87Preset, type Iso87Preset } from './build-preset.js';
import { iso03ascii, iso03binary, iso93ascii, iso93binary } from './versions.js';

/**
 * ISO 8583:1987 with ASCII everywhere: ASCII MTI, ASCII text and numbers, ASCII LL/LLL prefixes counting
 * characters, 8-byte binary bitmaps, binary elements (52, 55, 64, 96, 128) as raw bytes.
 */
export const iso87ascii: Iso87Preset = buildIso87Preset({
  name: 'iso87ascii',
  mtiEncoding: 'ascii',
  textEncoding: 'ascii',
  numericEncoding: 'ascii',
  trackEncoding: 'ascii',
  prefixEncoding: 'ascii',
});

/**
 * ISO 8583:1987 packed: BCD MTI (2 bytes), BCD numerics and track data (lengths count digits), BCD LL/LLL
 * prefixes, ASCII text, 8-byte binary bitmaps, raw binary elements.
 */
export const iso87binary: Iso87Preset = buildIso87Preset({
  name: 'iso87binary',
  mtiEncoding: 'bcd',
  textEncoding: 'ascii',
  numericEncoding: 'bcd',
  trackEncoding: 'bcd',
  prefixEncoding: 'bcd',
});

/**
 * ISO 8583:1987 for EBCDIC hosts: EBCDIC code page 037 MTI, text, numbers and LL/LLL prefixes, 8-byte binary
 * bitmaps, raw binary elements.
 */
export const iso87ebcdic: Iso87Preset = buildIso87Preset({
  name: 'iso87ebcdic',
  mtiEncoding: 'ebcdic037',
  textEncoding: 'ebcdic037',
  numericEncoding: 'ebcdic037',
  trackEncoding: 'ebcdic037',
  prefixEncoding: 'ebcdic037',
});

/**
 * The built-in spec tables, by name.
 *
 * Why: most links are one of these encodings of the 1987, 1993 or 2003 table; start from one and override fields
 * with `{ ...presets.iso87ascii, fields: { ...presets.iso87ascii.fields, 48: myField } }`.
 */
export const presets = { iso87ascii, iso87binary, iso87ebcdic, iso93ascii, iso93binary, iso03ascii, iso03binary } as const;

export type { Iso87Dialect, Iso87Encoding, Iso87Fields, Iso87Preset, PresetFields } from './build-preset.js';
export { buildIso87Preset } from './build-preset.js';
export type { DataElement } from './data-element.js';
export { ISO03_ELEMENTS, type Iso03Kinds } from './iso03-elements.js';
export { type Iso87Element, ISO87_ELEMENTS, type Iso87Kinds } from './iso87-elements.js';
export { ISO93_ELEMENTS, type Iso93Kinds } from './iso93-elements.js';
export { type Iso03Preset, iso03ascii, iso03binary, type Iso93Preset, iso93ascii, iso93binary } from './versions.js';
export { type StructuredOptionChecks, type StructuredPresetOptions, structuredPreset, withSubfields } from './structured.js';
export type {
  Carrying,
  De127DefaultFields,
  De127Layout,
  De127Subfield,
  LayoutOf,
  LayoutTable,
  OnlyFieldsOf,
  OptionOf,
  StructuredLayouts,
  StructuredPreset,
  WithLayouts,
  WithSubfields,
} from './structured-types.js';
