import { getConverter, hasConverter } from '../codecs/registry.js';
import { unitMapping } from '../codecs/units.js';
import { nameLabel } from '../errors/arguments.js';
import { parsePrefix } from '../prefixes/length-prefix.js';
import { berTagFromHex, MAX_BER_TAG_BYTES } from '../subfields/ber-tag.js';
import { isFieldKind, KIND_ALPHABETS } from './kinds.js';
import { MAX_NESTING } from './spec-keys.js';
import { isSpecObject as isObject, specProblem as fail } from './spec-problem.js';
import type { FieldSpec } from './types.js';

/** Checks one field spec at `path` (the caller's field check, passed in so data flows one way: field → layout). */
export type FieldCheck = (field: unknown, path: string) => asserts field is FieldSpec;

/** Tells whether `encoding` is text of one byte a character (ASCII, every EBCDIC code page). */
export function isSingleByteText(encoding: string): boolean {
  const c = getConverter(encoding);
  return c.valueType === 'string' && c.unit === 'chars' && c.byteLength(1) === 1;
}

/**
 * Tells whether `tag` names a BER-TLV tag as the codec writes it: a well-formed tag (`isWellFormedTag`: 1 to
 * {@link MAX_BER_TAG_BYTES} bytes, no leading `0x80` subsequent byte) in uppercase hex. A dictionary key of any
 * other form never matches a decoded tag.
 */
function isBerTagName(tag: string): boolean {
  return berTagFromHex(tag) !== undefined;
}

/** Checks a TLV layout's leading part: a length of 1–99 characters and a text kind `encoding` can write. */
function checkLeading(leading: unknown, encoding: string, path: string): void {
  const at = `${path}.leading`;
  if (!isObject(leading)) fail('subfields.leading must be an object { length, kind }', at);
  const { length, kind } = leading;
  if (!Number.isInteger(length) || (length as number) < 1 || (length as number) > 99) fail('subfields.leading.length must be 1 to 99', at);
  if (!isFieldKind(kind) || kind === 'b') fail(`subfields.leading.kind ${nameLabel(kind)} is not a text kind`, at);
  const charset = getConverter(encoding).charset;
  let any = false;
  for (let c = 0; c < 256 && !any; c++) any = KIND_ALPHABETS[kind][c] === 1 && (charset === undefined || charset[c] === 1);
  if (!any) fail(`converter ${nameLabel(encoding)} cannot represent any character of kind ${kind}`, at);
}

/**
 * Checks a subfield layout against the field that carries it (its keys are checked already); `checkField` checks
 * each subfield and TLV value. Throws `INVALID_SPEC` at the first problem.
 */
export function validateLayout(layout: unknown, field: FieldSpec, path: string, checkField: FieldCheck): void {
  if (path.split('.').length > MAX_NESTING) fail(`subfields nest deeper than ${MAX_NESTING} levels`, path);
  if (!isObject(layout)) fail('subfields must be an object', path);
  const converter = getConverter(field.encoding);
  const type = layout.type;
  if (type === 'track2') {
    if (field.kind !== 'z') fail('track2 subfields need kind z', path);
    const { separator } = layout;
    if (separator !== undefined && separator !== '=' && separator !== 'D') fail('subfields.separator must be = or D', path);
    // Packed digits have no = (nibble 13 is D): the letter is the only separator they can carry.
    if (separator === '=' && converter.unit === 'digits') fail('a packed track 2 separates with D, not =', path);
    return;
  }
  if (field.pad !== undefined) fail('a field with subfields is never padded', path);
  if (converter.name === 'hex') fail('subfields cannot live inside hex text', path);
  if (converter.unit === 'chars' && !isSingleByteText(field.encoding)) fail('subfields need a single-byte text, binary or BCD field', path);
  const subfieldMap = (fields: unknown, min: number, max: number): void => {
    if (!isObject(fields)) fail('subfields.fields must be an object', path);
    const keys = Object.keys(fields);
    if (keys.length === 0) fail('subfields.fields is empty', path);
    for (const key of keys) {
      const n = Number(key);
      // A key is named in the path only when it is a number of at most 3 digits: a longer one could be a PAN.
      if (!Number.isInteger(n) || String(n) !== key || n > 999) fail(`subfield keys must be numbers ${min}–${max}`, path);
      if (n < min || n > max) fail(`subfield numbers run ${min}–${max}`, `${path}.${key}`);
      checkField(fields[key], `${path}.${key}`);
    }
  };
  switch (type) {
    case 'positional': {
      subfieldMap(layout.fields, 1, 999);
      // A fixed container of fixed subfields must add up exactly, or no value could ever be encoded.
      const fixedBytes = (f: FieldSpec): number | undefined => {
        const shape = parsePrefix(f.prefix);
        if (shape === undefined || shape.type !== 'fixed') return undefined;
        const c = getConverter(f.encoding);
        return c.byteLength(unitMapping(c, f.lengthUnit ?? c.lengthUnits[0] ?? c.unit).toUnits(f.length));
      };
      const outer = fixedBytes(field);
      const inner = Object.values(layout.fields as Record<string, FieldSpec>).map(fixedBytes);
      if (outer !== undefined && inner.every((b) => b !== undefined)) {
        const sum = (inner as number[]).reduce((a, b) => a + b, 0);
        if (sum !== outer) fail(`fixed subfields take ${sum} bytes but the field holds ${outer}`, path);
      }
      return;
    }
    case 'bitmapped': {
      const bm = layout.bitmap;
      if (!isObject(bm) || (bm.format !== 'binary' && bm.format !== 'hex')) fail('subfields.bitmap.format must be binary or hex', path);
      if (bm.encoding !== undefined) {
        // A binary sub-bitmap is 8 raw bytes: an encoding there would be ignored, like a misspelt key.
        if (bm.format !== 'hex') fail('subfields.bitmap.encoding applies to hex sub-bitmaps only', path);
        if (typeof bm.encoding !== 'string' || !hasConverter(bm.encoding) || !isSingleByteText(bm.encoding)) {
          fail('subfields.bitmap.encoding must be a text converter', path);
        }
      }
      if (layout.secondary !== undefined && typeof layout.secondary !== 'boolean') fail('subfields.secondary must be a boolean', path);
      subfieldMap(layout.fields, layout.secondary === true ? 2 : 1, layout.secondary === true ? 128 : 64);
      return;
    }
    case 'tlv': {
      const { tagLength, lengthDigits, encoding, tags, unknownTags } = layout;
      if (!Number.isInteger(tagLength) || (tagLength as number) < 1 || (tagLength as number) > 4) fail('subfields.tagLength must be 1 to 4', path);
      if (!Number.isInteger(lengthDigits) || (lengthDigits as number) < 1 || (lengthDigits as number) > 4) fail('subfields.lengthDigits must be 1 to 4', path);
      if (typeof encoding !== 'string' || !hasConverter(encoding) || !isSingleByteText(encoding)) fail('subfields.encoding must be a text converter', path);
      if (unknownTags !== undefined && unknownTags !== 'keep' && unknownTags !== 'reject') fail('subfields.unknownTags must be keep or reject', path);
      if (layout.leading !== undefined) checkLeading(layout.leading, encoding, path);
      if (tags !== undefined) {
        if (!isObject(tags)) fail('subfields.tags must be an object', path);
        // Tags are read and written as ans text through the layout's encoding: a tag with another character could
        // never be on the wire, so it would describe nothing.
        const charset = getConverter(encoding).charset;
        const writable = (c: number): boolean => c < 256 && KIND_ALPHABETS.ans[c] === 1 && (charset === undefined || charset[c] === 1);
        for (const [tag, spec] of Object.entries(tags)) {
          if (tag.length !== tagLength) fail(`tag ${nameLabel(tag)} is not ${String(tagLength)} characters`, path);
          for (let i = 0; i < tag.length; i++) {
            if (!writable(tag.charCodeAt(i))) fail(`tag ${nameLabel(tag)} holds a character ${nameLabel(encoding)} cannot write as text (ans)`, path);
          }
          checkField(spec, `${path}.${tag}`);
          const t = spec;
          if (t.prefix !== undefined && t.prefix !== 'fixed') fail('values inside TLV take their length from the TLV, not a prefix', `${path}.${tag}`);
          if (t.subfields !== undefined) fail('TLV values cannot hold subfields', `${path}.${tag}`);
          if (getConverter(t.encoding).unit === 'digits') fail('TLV values are text or binary, not BCD', `${path}.${tag}`);
          if (t.length > 10 ** (lengthDigits as number) - 1) fail(`maximum ${t.length} does not fit ${String(lengthDigits)} length digits`, `${path}.${tag}`);
        }
      }
      return;
    }
    case 'ber-tlv': {
      if (converter.valueType !== 'bytes') fail('BER-TLV lives in a binary field (kind b, binary encoding)', path);
      if (layout.unknownTags !== undefined && layout.unknownTags !== 'keep' && layout.unknownTags !== 'reject') {
        fail('subfields.unknownTags must be keep or reject', path);
      }
      const tags = layout.tags;
      if (tags !== undefined) {
        if (!isObject(tags)) fail('subfields.tags must be an object', path);
        for (const [tag, entry] of Object.entries(tags)) {
          if (!isBerTagName(tag)) fail(`tag ${nameLabel(tag)} is not a BER-TLV tag of 1 to ${MAX_BER_TAG_BYTES} bytes in uppercase hex`, path);
          const at = `${path}.${tag}`;
          if (!isObject(entry)) fail('a BER-TLV tag entry must be an object', at);
          if (entry.description !== undefined && typeof entry.description !== 'string') fail('description must be a string', at);
          if (entry.sensitive !== undefined && typeof entry.sensitive !== 'boolean') fail('sensitive must be a boolean', at);
        }
      }
      return;
    }
    case 'track1':
      // Track 1 characters (0x20-0x5F) are all ans; the split counts one byte a character, as ASCII and EBCDIC are.
      if (field.kind !== 'ans') fail('track1 subfields need kind ans', path);
      if (converter.unit !== 'chars') fail('Track 1 is text of one byte a character (ASCII or EBCDIC)', path);
      return;
    case 'dataset': {
      if (converter.valueType !== 'bytes') fail('datasets live in a binary field (kind b, binary encoding)', path);
      const { tagBytes, lengthBytes, datasets, unknownDatasets } = layout;
      if (tagBytes !== 1 && tagBytes !== 2) fail('subfields.tagBytes must be 1 or 2', path);
      if (lengthBytes !== 1 && lengthBytes !== 2) fail('subfields.lengthBytes must be 1 or 2', path);
      if (unknownDatasets !== undefined && unknownDatasets !== 'keep' && unknownDatasets !== 'reject') fail('subfields.unknownDatasets must be keep or reject', path);
      if (datasets !== undefined) {
        if (!isObject(datasets)) fail('subfields.datasets must be an object', path);
        for (const [id, entry] of Object.entries(datasets)) {
          // Decode names a dataset by its one byte in uppercase hex: a key of any other form would match nothing.
          if (!/^[0-9A-F]{2}$/.test(id)) fail(`dataset id ${nameLabel(id)} is not one byte in uppercase hex`, path);
          const at = `${path}.${id}`;
          if (!isObject(entry)) fail('a dataset entry must be an object', at);
          if (entry.description !== undefined && typeof entry.description !== 'string') fail('description must be a string', at);
          if (entry.sensitive !== undefined && typeof entry.sensitive !== 'boolean') fail('sensitive must be a boolean', at);
        }
      }
      return;
    }
    default:
      fail(`unknown subfield layout ${nameLabel(type)}`, path);
  }
}
