import { isPlainName } from '../errors/arguments.js';
import { MAX_NESTING } from '../spec/spec-keys.js';
import type { BerTlvLayout, BitmappedLayout, FieldSpec, PositionalLayout, TlvLayout } from '../spec/types.js';
import { bitmapOf, checkKeys, fail, isObject, type Json, label, type MoovContext, positiveLength } from './moov-common.js';

/** Maps one moov field at `path` (passed in, so data flows one way: field → composite). */
export type MoovFieldMapper = (raw: unknown, path: string, ctx: MoovContext) => FieldSpec;

function subfieldEntries(raw: Json, path: string): [string, unknown][] {
  if (!isObject(raw.subfields) || Object.keys(raw.subfields).length === 0) fail('a Composite field needs subfields', path);
  return Object.entries(raw.subfields);
}

/** A subfield key as a number from 1 (positional and bitmapped composites key their subfields "1", "2" …). */
function subfieldNumber(key: string, path: string): number {
  if (!/^[1-9][0-9]{0,2}$/.test(key)) fail(`subfield key ${label(key)} is not a number from 1 to 999`, path);
  return Number(key);
}

/** A Composite field: a binary container whose subfields are positional, bitmapped, simple TLV or BER-TLV. */
export function compositeField(raw: Json, path: string, ctx: MoovContext, mapField: MoovFieldMapper): FieldSpec {
  if (path.split('.').length > MAX_NESTING) fail(`Composite fields nest deeper than a spec's subfields may (${MAX_NESTING} levels)`, path);
  if (raw.enc !== undefined) fail('a Composite field has no enc: its subfields have theirs', path);
  if (raw.padding !== undefined) fail('padding on a Composite field cannot be mapped: subfields are never padded', path);
  const length = positiveLength(raw, path);
  const tag = raw.tag;
  // The container is bytes: its prefix counts the bytes its subfields take.
  const prefix = raw.prefix === 'BerTLV' ? fail('prefix BerTLV belongs to the subfields of a BER-TLV composite', path) : ctx.prefix(raw.prefix, path);
  const container = { kind: 'b', length, ...(prefix === 'fixed' ? {} : { prefix }), encoding: 'binary' } as const;
  const entries = subfieldEntries(raw, path);
  if (tag !== undefined) {
    if (raw.bitmap !== undefined) fail('a Composite field has a tag or a bitmap, not both', path);
    return { ...container, subfields: taggedLayout(tag, entries, path, ctx, mapField) };
  }
  if (raw.bitmap !== undefined) {
    const { spec, autoExpand } = bitmapOf(raw.bitmap, `${path}.bitmap`);
    const fields: Record<number, FieldSpec> = {};
    for (const [key, sub] of entries) {
      const n = subfieldNumber(key, path);
      const at = `${path}.${n}`;
      if (autoExpand && n === 1) fail('bit 1 of the sub-bitmap announces the next one and cannot be a subfield', at);
      if (autoExpand && n === 65) fail('moov reads bit 65 of a sub-bitmap as the third one, so it cannot be a subfield', at);
      if (n > (autoExpand ? 128 : 64)) fail(`subfield ${n} is beyond what the sub-bitmap announces`, at);
      fields[n] = mapField(sub, at, ctx);
    }
    const layout: BitmappedLayout = { type: 'bitmapped', bitmap: spec.encoding === undefined ? { format: spec.format } : { format: spec.format, encoding: spec.encoding }, ...(autoExpand ? { secondary: true } : {}), fields };
    return { ...container, subfields: layout };
  }
  const fields: Record<number, FieldSpec> = {};
  for (const [key, sub] of entries) {
    const n = subfieldNumber(key, path);
    fields[n] = mapField(sub, `${path}.${n}`, ctx);
  }
  const layout: PositionalLayout = { type: 'positional', fields };
  return { ...container, subfields: layout };
}

/** A composite with a `tag`: BER-TLV when the tag is `BerTLVTag`, else simple TLV with text tags and lengths. */
function taggedLayout(tag: unknown, entries: [string, unknown][], path: string, ctx: MoovContext, mapField: MoovFieldMapper): TlvLayout | BerTlvLayout {
  if (!isObject(tag)) fail('tag must be an object { length, enc }', path);
  checkKeys(tag, ['length', 'enc', 'padding', 'sort'], 'tag', path);
  if (tag.padding !== undefined && !(isObject(tag.padding) && tag.padding.type === 'None')) fail('tag padding cannot be mapped: tags are written as they are here', path);
  if (tag.enc === 'BerTLVTag') {
    const tags: Record<string, { description?: string }> = {};
    for (const [key, sub] of entries) {
      if (!/^(?:[0-9A-F]{2}){1,8}$/.test(key)) fail(`BER-TLV tag key ${label(key)} is not uppercase hex of whole bytes`, path);
      if (!isObject(sub) || sub.prefix !== 'BerTLV') fail('every subfield of a BER-TLV composite has the prefix BerTLV', `${path}.${key}`);
      tags[key] = typeof sub.description === 'string' && sub.description !== '' ? { description: sub.description } : {};
    }
    return { type: 'ber-tlv', tags, unknownTags: 'reject' };
  }
  if (typeof tag.enc !== 'string') fail('tag.enc must be a string such as "ASCII"', path);
  const encoding = ctx.textEncoding(tag.enc, path, 'tag.enc');
  if (encoding === undefined) fail(`tag.enc ${label(tag.enc)} cannot be mapped (ASCII, EBCDIC, EBCDIC1047 or BerTLVTag can)`, path);
  const tagLength = tag.length;
  if (!Number.isInteger(tagLength)) fail('tag.length must be a whole number', path);
  let lengthDigits: number | undefined;
  const tags: Record<string, FieldSpec> = {};
  for (const [key, sub] of entries) {
    const at = `${path}.${isPlainName(key) ? key : '?'}`;
    if (key.length !== tagLength) fail(`tag ${label(key)} is not ${String(tagLength)} characters`, path);
    const spec = mapField(sub, at, ctx);
    const shape = /^(L{1,4})\/(.+)$/.exec(spec.prefix ?? '');
    if (shape === null || shape[2] !== encoding) {
      fail(`a subfield of a tagged composite needs a digit prefix in the tag's encoding (e.g. ${tag.enc}.LL) to become simple TLV`, at);
    }
    if (lengthDigits !== undefined && shape[1]!.length !== lengthDigits) fail('the subfields of a tagged composite must share one prefix length to become simple TLV', at);
    lengthDigits = shape[1]!.length;
    const { prefix: _prefix, ...value } = spec;
    tags[key] = value;
  }
  return { type: 'tlv', tagLength: tagLength as number, lengthDigits: lengthDigits!, encoding, tags, unknownTags: 'reject' };
}

