import { describe as group, expect, it } from 'vitest';
import {
  createCodec,
  describe,
  ErrorCode,
  fieldPaths,
  type LeadingTlv,
  type Message,
  messageFromJSON,
  messageToJSON,
  messageToMaskedJSON,
  presets,
  specFromJSON,
  specToJSON,
  toHex,
  validateSpec,
  withSubfields,
} from '../../src/index.js';
import { catchIso } from '../message/errors-helper.js';

/** DE48 of the ASCII preset as TLV after a one-letter tag class; tag 01 known (an ..10), others kept. */
const layout = {
  type: 'tlv',
  tagLength: 2,
  lengthDigits: 2,
  encoding: 'ascii',
  leading: { length: 1, kind: 'a' },
  tags: { '01': { kind: 'an', length: 10, encoding: 'ascii', description: 'Merchant reference' } },
} as const;
const spec = withSubfields(presets.iso87ascii, { 48: layout });
const codec = createCodec(spec);
const value: LeadingTlv = { leading: 'R', entries: [{ tag: '01', value: 'ACME1' }, { tag: '99', value: 'XY' }] };
/** The frame of DE48 alone: MTI (4 bytes), primary bitmap (8), LLL (3), then the leading part at byte 15. */
const LEADING_AT = 15;
const ascii = createCodec(presets.iso87ascii);
const rawFrame = (text: string): Uint8Array => ascii.encode({ mti: '0100', fields: { 48: text } });

group('TLV with a leading part', () => {
  it('decodes the leading characters, then the entries, into { leading, entries } and encodes the same bytes back', () => {
    const bytes = rawFrame('R0105ACME19902XY');
    expect(codec.decode(bytes).fields[48]).toEqual(value);
    expect(toHex(codec.encode({ mti: '0100', fields: { 48: value } }))).toBe(toHex(bytes));
  });

  it('reads a field that holds the leading part alone as no entries', () => {
    expect(codec.decode(rawFrame('R')).fields[48]).toEqual({ leading: 'R', entries: [] });
  });

  it('reads a leading part of several digits through EBCDIC', () => {
    const ebcdic = createCodec(withSubfields(presets.iso87ebcdic, { 48: { type: 'tlv', tagLength: 2, lengthDigits: 2, encoding: 'ebcdic037', leading: { length: 2, kind: 'n' } } }));
    const out = ebcdic.encode({ mti: '0100', fields: { 48: { leading: '07', entries: [{ tag: 'AB', value: 'x' }] } } });
    // LLL 007, then F0 F7 (the leading 07), tag C1 C2, length F0 F1, value 0xA7 (x in code page 037).
    expect(toHex(out.subarray(12))).toBe('F0F0F7F0F7C1C2F0F1A7');
    expect(ebcdic.decode(out).fields[48]).toEqual({ leading: '07', entries: [{ tag: 'AB', value: 'x' }] });
  });

  it('refuses a leading character outside its kind on decode: INVALID_CHARACTER at 48.leading, offset of the byte', () => {
    const e = catchIso(() => codec.decode(rawFrame('70105ACME1')));
    expect([e.code, e.field, e.offset]).toEqual([ErrorCode.INVALID_CHARACTER, '48.leading', LEADING_AT]);
  });

  it('refuses a leading character outside its kind on encode, at the offset it would take', () => {
    const e = catchIso(() => codec.encode({ mti: '0100', fields: { 48: { leading: '7', entries: [] } } }));
    expect([e.code, e.field, e.offset]).toEqual([ErrorCode.INVALID_CHARACTER, '48.leading', LEADING_AT]);
  });

  it('refuses a leading text of another length on encode: INVALID_VALUE_TYPE at 48.leading', () => {
    const e = catchIso(() => codec.encode({ mti: '0100', fields: { 48: { leading: 'RS', entries: [] } } }));
    expect([e.code, e.field, e.offset]).toEqual([ErrorCode.INVALID_VALUE_TYPE, '48.leading', LEADING_AT]);
  });

  it('refuses the plain list of entries where the layout has a leading part: INVALID_VALUE_TYPE at 48', () => {
    const e = catchIso(() => codec.encode({ mti: '0100', fields: { 48: [{ tag: '01', value: 'A' }] } } as unknown as Message));
    expect([e.code, e.field]).toEqual([ErrorCode.INVALID_VALUE_TYPE, '48']);
  });

  it('refuses an empty field, which cannot hold the leading part: TRUNCATED at 48.leading', () => {
    const e = catchIso(() => codec.decode(rawFrame('')));
    expect([e.code, e.field, e.offset]).toEqual([ErrorCode.TRUNCATED, '48.leading', LEADING_AT]);
  });

  it('reports an entry error after the leading part with the entry path, as without one', () => {
    const e = catchIso(() => codec.decode(rawFrame('R0109AB')));
    expect([e.code, e.field]).toEqual([ErrorCode.TRUNCATED, '48.01']);
  });
});

group('TLV with a leading part in JSON, describe and paths', () => {
  const message = { mti: '0100', fields: { 48: value } };

  it('writes { leading, entries } in JSON and reads it back', () => {
    const json = messageToJSON(message, spec);
    expect(json.fields[48]).toEqual({ leading: 'R', entries: [{ tag: '01', value: 'ACME1' }, { tag: '99', value: 'XY' }] });
    expect(messageFromJSON(json, spec)).toEqual(message);
  });

  it('refuses JSON of the wrong shape: a list at 48, a leading part that is not a string at 48.leading', () => {
    const list = catchIso(() => messageFromJSON({ mti: '0100', fields: { 48: [] } }, spec));
    expect([list.code, list.field]).toEqual([ErrorCode.INVALID_VALUE_TYPE, '48']);
    const number = catchIso(() => messageFromJSON({ mti: '0100', fields: { 48: { leading: 7, entries: [] } } }, spec));
    expect([number.code, number.field]).toEqual([ErrorCode.INVALID_VALUE_TYPE, '48.leading']);
    const shown = catchIso(() => messageToJSON({ mti: '0100', fields: { 48: { leading: 'R' } } } as unknown as Message, spec));
    expect([shown.code, shown.field]).toEqual([ErrorCode.INVALID_VALUE_TYPE, '48']);
  });

  it('prints the leading part on a 48.leading line and the entries by their paths', () => {
    const text = describe(message, spec);
    expect(text).toMatch(/^ {2}48\.leading +Leading part +"R"$/m);
    expect(text).toMatch(/^ {2}48\.01 +Merchant reference +"ACME1"$/m);
    expect(text).toMatch(/^48 .*\(TLV, leading part and 2 entries\)$/m);
  });

  it('hides the leading part inside a sensitive field, and writes masked JSON in the { leading, entries } shape', () => {
    const secret = withSubfields({ ...presets.iso87ascii, fields: { ...presets.iso87ascii.fields, 48: { ...presets.iso87ascii.fields[48], sensitive: true } } }, { 48: layout });
    expect(describe(message, secret)).toMatch(/^ {2}48\.leading +Leading part +\[hidden, 1 chars?\]$/m);
    expect(messageToMaskedJSON(message, secret).fields[48]).toEqual({
      leading: expect.stringMatching(/^\[hidden/),
      entries: [{ tag: '01', value: expect.stringMatching(/^\[hidden/) }, { tag: '99', value: expect.stringMatching(/^\[hidden/) }],
    });
    expect(messageToMaskedJSON(message, spec)).toEqual(messageToJSON(message, spec));
  });

  it('reads and writes 48.leading and the entries by path; the leading part is required', () => {
    const paths = fieldPaths(spec);
    expect(paths.get(message, '48.leading')).toBe('R');
    expect(paths.get(message, '48.01')).toBe('ACME1');
    expect(paths.set(message, '48.leading', 'S').fields[48]).toEqual({ ...value, leading: 'S' });
    expect(paths.set(message, '48.02', 'new').fields[48]).toEqual({ leading: 'R', entries: [...value.entries, { tag: '02', value: 'new' }] });
    const left = paths.remove(paths.remove(message, '48.01'), '48.99');
    expect(left.fields[48]).toEqual({ leading: 'R', entries: [] });
    expect(paths.has(left, '48.01')).toBe(false);
    // A literal path to a required part does not compile for remove; one computed at run time is refused.
    const removed = catchIso(() => paths.remove(message, '48.leading' as string));
    expect([removed.code, removed.field]).toEqual([ErrorCode.INVALID_MESSAGE, '48.leading']);
    const absent = catchIso(() => paths.set({ mti: '0100', fields: {} }, '48.01', 'A'));
    expect([absent.code, absent.field]).toEqual([ErrorCode.INVALID_MESSAGE, '48']);
  });

  it('refuses a path named leading in a TLV layout without a leading part (tags have at most 4 characters)', () => {
    const plain = withSubfields(presets.iso87ascii, { 48: { type: 'tlv', tagLength: 2, lengthDigits: 2, encoding: 'ascii' } });
    // The literal does not compile against this spec; computed at run time, it is refused.
    const e = catchIso(() => fieldPaths(plain).get({ mti: '0100', fields: {} }, '48.leading' as string));
    expect([e.code, e.field]).toEqual([ErrorCode.UNKNOWN_PATH, '48']);
  });
});

group('TLV leading part in the spec', () => {
  const withLeading = (leading: unknown): unknown => ({
    ...presets.iso87ascii,
    fields: { 48: { kind: 'ans', length: 999, prefix: 'LLL/ascii', encoding: 'ascii', subfields: { type: 'tlv', tagLength: 2, lengthDigits: 2, encoding: 'ascii', leading } } },
  });

  it('round-trips through JSON specs', () => {
    expect(specFromJSON(specToJSON(spec)).fields[48]!.subfields).toEqual(layout);
  });

  it.each([
    ['a length of 0', { length: 0, kind: 'a' }],
    ['a length of 100', { length: 100, kind: 'a' }],
    ['a fractional length', { length: 1.5, kind: 'a' }],
    ['kind b', { length: 1, kind: 'b' }],
    ['an unknown kind', { length: 1, kind: 'q' }],
    ['no kind', { length: 1 }],
    ['a string', 'R'],
  ])('refuses %s with INVALID_SPEC at 48.leading', (_what, leading) => {
    const e = catchIso(() => validateSpec(withLeading(leading)));
    expect([e.code, e.field]).toEqual([ErrorCode.INVALID_SPEC, '48.leading']);
  });

  it('refuses an unknown key in the leading part, naming its path', () => {
    const e = catchIso(() => validateSpec(withLeading({ lenght: 1, kind: 'a' })));
    expect([e.code, e.field]).toEqual([ErrorCode.INVALID_SPEC, '48']);
    expect(e.message).toContain('48.subfields.leading.lenght');
  });
});
