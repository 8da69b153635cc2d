import { describe as group, expect, it } from 'vitest';
import { describe, type FieldSpec, type Message, type MessageSpec, messageFromJSON, messageToJSON, valueToJSON } from '../../src/index.js';
import { catchIso } from './errors-helper.js';

/**
 * How a message nobody vouches for is checked and copied inside structured fields before messageToJSON, describe
 * and messageToMaskedJSON show it (src/message/read-message.ts): Track 1 and Track 2 parts, BER-TLV lists and their
 * depth, TLV entries and their tags, datasets with their hex ids and tags, positional and bitmapped subfields.
 * Each refusal is asserted by its code and the field path only that check gives.
 */

const AN = { kind: 'an', length: 10, encoding: 'ascii' } as const;
const TRACK2 = { kind: 'z', length: 37, prefix: 'LL/ascii', encoding: 'ascii', subfields: { type: 'track2' } } as const satisfies FieldSpec;
const TRACK1 = { kind: 'ans', length: 76, prefix: 'LL/ascii', encoding: 'ascii', subfields: { type: 'track1' } } as const satisfies FieldSpec;
const BER = { kind: 'b', length: 999, prefix: 'LLL/ascii', encoding: 'binary', subfields: { type: 'ber-tlv' } } as const satisfies FieldSpec;
const TLV_TAGS = { '01': AN, '02': { kind: 'b', length: 4, encoding: 'binary' } } as const;
/** A TLV layout of 2-character tags, 3 length digits. */
const tlv = (layout: object = {}): FieldSpec =>
  ({ kind: 'ans', length: 999, prefix: 'LLL/ascii', encoding: 'ascii', subfields: { type: 'tlv', tagLength: 2, lengthDigits: 3, encoding: 'ascii', ...layout } }) as FieldSpec;
/** A dataset layout (binary field). */
const datasets = (layout: object = {}): FieldSpec =>
  ({ kind: 'b', length: 999, prefix: 'LLL/ascii', encoding: 'binary', subfields: { type: 'dataset', tagBytes: 1, lengthBytes: 1, ...layout } }) as FieldSpec;
const POSITIONAL = {
  kind: 'n',
  length: 6,
  encoding: 'ascii',
  subfields: { type: 'positional', fields: { 1: { kind: 'n', length: 2, encoding: 'ascii' }, 2: { kind: 'n', length: 4, encoding: 'ascii' } } },
} as const satisfies FieldSpec;
const BITMAPPED = {
  kind: 'b',
  length: 999,
  prefix: 'LLL/ascii',
  encoding: 'binary',
  subfields: { type: 'bitmapped', bitmap: { format: 'hex' }, fields: { 2: { kind: 'ans', length: 20, prefix: 'LL/ascii', encoding: 'ascii' } } },
} as const satisfies FieldSpec;

const SPEC: MessageSpec = {
  name: 'read-message-layouts',
  mti: { encoding: 'ascii' },
  bitmap: { format: 'binary' },
  fields: {
    3: POSITIONAL,
    35: TRACK2,
    44: tlv(),
    45: TRACK1,
    47: tlv({ leading: { length: 1, kind: 'an' }, tags: TLV_TAGS }),
    48: tlv({ tags: TLV_TAGS }),
    55: BER,
    61: datasets({ tagBytes: 2 }),
    62: datasets(),
    63: BITMAPPED,
  },
};
/** The same fields, rejecting unknown TLV tags and datasets; tag ZZ and dataset 72 are inherited, not defined. */
const REJECTING: MessageSpec = {
  ...SPEC,
  name: 'read-message-rejecting',
  fields: {
    48: tlv({ tags: Object.assign(Object.create({ ZZ: AN }) as object, TLV_TAGS), unknownTags: 'reject' }),
    62: datasets({ datasets: Object.assign(Object.create({ 72: {} }) as object, { 71: {} }), unknownDatasets: 'reject' }),
  },
};

const loose = (m: unknown): Message => m as Message;
/** The JSON of field `n` that messageToJSON gives for a message carrying `value` there. */
const jsonOf = (n: number, value: unknown, spec: MessageSpec = SPEC): unknown => messageToJSON(loose({ mti: '0100', fields: { [n]: value } }), spec).fields[n];
/** The code, field and offset of the error `fn` throws: what only the check that raised it produces. */
const where = (fn: () => unknown): [string, string | undefined, number | undefined] => {
  const e = catchIso(fn);
  return [e.code, e.field, e.offset];
};
const refusal = (n: number, value: unknown, spec: MessageSpec = SPEC): [string, string | undefined, number | undefined] => where(() => jsonOf(n, value, spec));
const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

group('Track 2', () => {
  const T2 = { pan: '4111111111111111', expiry: '2512', serviceCode: '201', discretionary: '0000' };

  it('gives exactly the four parts, dropping any other key', () => {
    expect(jsonOf(35, { ...T2, cvv: '123' })).toStrictEqual(T2);
  });

  it('refuses a value that is not a record (null, a string, an array, bytes) as INVALID_VALUE_TYPE on the field', () => {
    for (const value of [null, '4111111111111111=2512', [T2], bytes(1)]) expect(refusal(35, value)).toEqual(['INVALID_VALUE_TYPE', '35', undefined]);
  });

  it.each(Object.keys(T2))('refuses a %s that is not a string as INVALID_VALUE_TYPE on the field', (part) => {
    expect(refusal(35, { ...T2, [part]: 1234 })).toEqual(['INVALID_VALUE_TYPE', '35', undefined]);
    expect(refusal(35, { ...T2, [part]: undefined })).toEqual(['INVALID_VALUE_TYPE', '35', undefined]);
  });

  it('reads Track 2 from JSON with the same checks', () => {
    expect(messageFromJSON({ mti: '0100', fields: { 35: T2 } }, SPEC).fields[35]).toStrictEqual(T2);
    expect(where(() => messageFromJSON({ mti: '0100', fields: { 35: { ...T2, expiry: 2512 } } }, SPEC))).toEqual(['INVALID_VALUE_TYPE', '35', undefined]);
  });
});

group('Track 1', () => {
  const T1 = { formatCode: 'B', pan: '4111111111111111', name: 'DOE/JOHN', expiry: '2512', serviceCode: '201', discretionary: '0000' };

  it('gives exactly the six parts, dropping any other key', () => {
    expect(jsonOf(45, { ...T1, extra: 'x' })).toStrictEqual(T1);
  });

  it('refuses a value that is not a record (null, a string) as INVALID_VALUE_TYPE on the field', () => {
    for (const value of [null, '%B4111111111111111^DOE/JOHN^2512201?', [T1]]) expect(refusal(45, value)).toEqual(['INVALID_VALUE_TYPE', '45', undefined]);
  });

  it('refuses a formatCode other than "B" (A, lowercase b, missing) as INVALID_VALUE_TYPE on the field', () => {
    for (const formatCode of ['A', 'b', undefined, 66]) expect(refusal(45, { ...T1, formatCode })).toEqual(['INVALID_VALUE_TYPE', '45', undefined]);
  });

  it.each(['pan', 'name', 'expiry', 'serviceCode', 'discretionary'])('refuses a %s that is not a string as INVALID_VALUE_TYPE on the field', (part) => {
    expect(refusal(45, { ...T1, [part]: 1234 })).toEqual(['INVALID_VALUE_TYPE', '45', undefined]);
  });
});

group('BER-TLV', () => {
  /** `levels` constructed E1 tags, one inside the other, around the primitive 9F02 01. */
  function nest(levels: number, leaf: unknown = bytes(1)): unknown {
    let v: unknown = [{ tag: '9F02', value: leaf }];
    for (let i = 0; i < levels; i++) v = [{ tag: 'E1', value: v }];
    return v;
  }
  const nestJSON = (levels: number): unknown => {
    let v: unknown = [{ tag: '9F02', value: '01' }];
    for (let i = 0; i < levels; i++) v = [{ tag: 'E1', value: v }];
    return v;
  };
  const pathOf = (levels: number): string => ['55', ...Array<string>(levels).fill('E1')].join('.');

  it('gives primitives as hex and constructed tags as their children, tags in uppercase', () => {
    const value = [
      { tag: '9f02', value: bytes(0, 0, 0, 1, 0, 0) },
      { tag: 'e1', value: [{ tag: '5a', value: bytes(0x41, 0x11) }] },
    ];
    expect(jsonOf(55, value)).toStrictEqual([
      { tag: '9F02', value: '000000010000' },
      { tag: 'E1', value: [{ tag: '5A', value: '4111' }] },
    ]);
  });

  it('accepts constructed tags nested exactly 8 deep (MAX_BER_DEPTH)', () => {
    expect(jsonOf(55, nest(8))).toStrictEqual(nestJSON(8));
  });

  it('refuses constructed tags nested one deeper than that as INVALID_TLV on the innermost constructed tag', () => {
    expect(refusal(55, nest(9))).toEqual(['INVALID_TLV', pathOf(9), undefined]);
  });

  it('refuses a cyclic list as INVALID_TLV once the depth limit is passed, instead of recursing', () => {
    const cyclic: unknown[] = [];
    cyclic.push({ tag: 'E1', value: cyclic });
    expect(refusal(55, cyclic)).toEqual(['INVALID_TLV', pathOf(9), undefined]);
  });

  it('refuses a list that is not an array (an object, a string, bytes) as INVALID_VALUE_TYPE on the field', () => {
    for (const value of [{}, { 0: { tag: '5A', value: bytes(1) }, length: 1 }, '5A0141', bytes(0x5a, 1, 0x41)]) {
      expect(refusal(55, value)).toEqual(['INVALID_VALUE_TYPE', '55', undefined]);
    }
  });

  it('refuses an entry that is not a record (a number, null, an array) as INVALID_VALUE_TYPE on the field', () => {
    for (const entry of [5, null, ['5A', bytes(1)]]) expect(refusal(55, [entry])).toEqual(['INVALID_VALUE_TYPE', '55', undefined]);
  });

  it('refuses a tag that is not a well-formed BER tag in hex (ZZ, a number, missing) as INVALID_TLV on the list', () => {
    for (const tag of ['ZZ', 0x5a, undefined, '9F']) expect(refusal(55, [{ tag, value: bytes(1) }])).toEqual(['INVALID_TLV', '55', undefined]);
    expect(refusal(55, [{ tag: 'E1', value: [{ tag: 'ZZ', value: bytes(1) }] }])).toEqual(['INVALID_TLV', '55.E1', undefined]);
  });

  it('refuses a primitive tag holding anything but bytes as INVALID_VALUE_TYPE on the tag, named in uppercase', () => {
    for (const value of ['01', [], undefined, new Int8Array(1)]) expect(refusal(55, [{ tag: '9f02', value }])).toEqual(['INVALID_VALUE_TYPE', '55.9F02', undefined]);
    expect(refusal(55, nest(2, 'AB'))).toEqual(['INVALID_VALUE_TYPE', `${pathOf(2)}.9F02`, undefined]);
  });

  it('refuses a constructed tag holding bytes as INVALID_VALUE_TYPE on the tag', () => {
    expect(refusal(55, [{ tag: 'E1', value: bytes(0x5a, 1, 0x41) }])).toEqual(['INVALID_VALUE_TYPE', '55.E1', undefined]);
  });

  it('names paths from the value itself when valueToJSON has no field', () => {
    expect(where(() => valueToJSON([{ tag: '9F02', value: 'AB' }] as never, BER))).toEqual(['INVALID_VALUE_TYPE', '9F02', undefined]);
    expect(where(() => valueToJSON([{ tag: 'E1', value: [{ tag: '5A', value: 1 }] }] as never, BER))).toEqual(['INVALID_VALUE_TYPE', 'E1.5A', undefined]);
  });
});

group('TLV', () => {
  it('gives each entry as tag and value: known tags by their spec, unknown ones as text', () => {
    const value = [
      { tag: '01', value: 'ABC' },
      { tag: '02', value: bytes(0xca, 0xfe) },
      { tag: 'ZZ', value: 'kept' },
    ];
    expect(jsonOf(48, value)).toStrictEqual([
      { tag: '01', value: 'ABC' },
      { tag: '02', value: 'CAFE' },
      { tag: 'ZZ', value: 'kept' },
    ]);
  });

  it('keeps unknown tags of a layout without a tag table', () => {
    expect(jsonOf(44, [{ tag: 'AB', value: 'x' }])).toStrictEqual([{ tag: 'AB', value: 'x' }]);
  });

  it('refuses a tag that is not a string of the layout tag length (ABC, A, a number, an array of two) as INVALID_VALUE_TYPE on the field', () => {
    for (const tag of ['ABC', 'A', 12, ['0', '1'], undefined]) expect(refusal(48, [{ tag, value: 'x' }])).toEqual(['INVALID_VALUE_TYPE', '48', undefined]);
  });

  it('refuses an unknown tag of a rejecting layout as UNKNOWN_TAG on the tag, an inherited tag included', () => {
    expect(refusal(48, [{ tag: 'AB', value: 'x' }], REJECTING)).toEqual(['UNKNOWN_TAG', '48.AB', undefined]);
    expect(refusal(48, [{ tag: 'ZZ', value: 'x' }], REJECTING)).toEqual(['UNKNOWN_TAG', '48.ZZ', undefined]);
  });

  it('accepts known tags of a rejecting layout', () => {
    expect(jsonOf(48, [{ tag: '01', value: 'A' }, { tag: '02', value: bytes(1) }], REJECTING)).toStrictEqual([
      { tag: '01', value: 'A' },
      { tag: '02', value: '01' },
    ]);
  });

  it('refuses an unknown tag of a keeping layout holding anything but a string as INVALID_VALUE_TYPE on the tag', () => {
    for (const value of [bytes(1), 5, undefined]) expect(refusal(48, [{ tag: 'ZZ', value }])).toEqual(['INVALID_VALUE_TYPE', '48.ZZ', undefined]);
  });

  it('checks a known tag value against its spec, as INVALID_VALUE_TYPE on the tag', () => {
    expect(refusal(48, [{ tag: '01', value: bytes(0x41) }])).toEqual(['INVALID_VALUE_TYPE', '48.01', undefined]);
    expect(refusal(48, [{ tag: '02', value: 'CAFE' }])).toEqual(['INVALID_VALUE_TYPE', '48.02', undefined]);
  });

  it('refuses a list that is not an array, and an entry that is not a record, as INVALID_VALUE_TYPE on the field', () => {
    expect(refusal(48, { tag: '01', value: 'A' })).toEqual(['INVALID_VALUE_TYPE', '48', undefined]);
    expect(refusal(48, [null])).toEqual(['INVALID_VALUE_TYPE', '48', undefined]);
  });

  it('gives a layout with a leading part as { leading, entries }', () => {
    expect(jsonOf(47, { leading: 'R', entries: [{ tag: '01', value: 'A' }] })).toStrictEqual({ leading: 'R', entries: [{ tag: '01', value: 'A' }] });
  });

  it('refuses a leading-part value that is not a record, or a leading part that is not a string, each at its path', () => {
    expect(refusal(47, [{ tag: '01', value: 'A' }])).toEqual(['INVALID_VALUE_TYPE', '47', undefined]);
    expect(refusal(47, { leading: 1, entries: [] })).toEqual(['INVALID_VALUE_TYPE', '47.leading', undefined]);
    expect(refusal(47, { leading: 'R', entries: [{ tag: '01', value: 1 }] })).toEqual(['INVALID_VALUE_TYPE', '47.01', undefined]);
  });
});

group('datasets', () => {
  it('gives ids and tags in uppercase hex, values as hex', () => {
    const value = [{ id: '7f', elements: [{ tag: 'aB', value: bytes(0xaa) }] }, { id: 'Ab', elements: [] }];
    expect(jsonOf(62, value)).toStrictEqual([{ id: '7F', elements: [{ tag: 'AB', value: 'AA' }] }, { id: 'AB', elements: [] }]);
  });

  it('reads two-byte tags as four hex digits when the layout says so', () => {
    expect(jsonOf(61, [{ id: '71', elements: [{ tag: '1f01', value: bytes(1) }] }])).toStrictEqual([{ id: '71', elements: [{ tag: '1F01', value: '01' }] }]);
    expect(refusal(61, [{ id: '71', elements: [{ tag: '1F', value: bytes(1) }] }])).toEqual(['INVALID_VALUE_TYPE', '61.71', undefined]);
  });

  it('refuses a value that is not an array, or a dataset that is not a record, as INVALID_VALUE_TYPE on the field', () => {
    for (const value of [{}, { id: '71', elements: [] }, 'x']) expect(refusal(62, value)).toEqual(['INVALID_VALUE_TYPE', '62', undefined]);
    for (const entry of [null, 5, [{ id: '71' }]]) expect(refusal(62, [entry])).toEqual(['INVALID_VALUE_TYPE', '62', undefined]);
  });

  it('refuses an id that is not one byte in hex (7, 711, G1, 1G, a number, one that only prints as hex) as INVALID_VALUE_TYPE on the field', () => {
    const printsAsHex = { length: 2, toString: (): string => '71' };
    for (const id of ['7', '711', '0071', 'G1', '1G', 'ZZ', 0x71, printsAsHex, undefined]) {
      expect(refusal(62, [{ id, elements: [] }])).toEqual(['INVALID_VALUE_TYPE', '62', undefined]);
    }
  });

  it('refuses an element tag that is not of the layout width in hex as INVALID_VALUE_TYPE on the dataset', () => {
    for (const tag of ['1', '011', 'G1', 1]) expect(refusal(62, [{ id: '71', elements: [{ tag, value: bytes(1) }] }])).toEqual(['INVALID_VALUE_TYPE', '62.71', undefined]);
  });

  it('refuses an element holding anything but bytes as INVALID_VALUE_TYPE on the element', () => {
    for (const value of ['AA', [0xaa], undefined]) expect(refusal(62, [{ id: '71', elements: [{ tag: '01', value }] }])).toEqual(['INVALID_VALUE_TYPE', '62.71.01', undefined]);
  });

  it('refuses elements that are not a list of records as INVALID_VALUE_TYPE on the dataset', () => {
    expect(refusal(62, [{ id: '71', elements: {} }])).toEqual(['INVALID_VALUE_TYPE', '62.71', undefined]);
    expect(refusal(62, [{ id: '71', elements: [null] }])).toEqual(['INVALID_VALUE_TYPE', '62.71', undefined]);
  });

  it('refuses an unknown dataset of a rejecting layout as UNKNOWN_TAG on the dataset, an inherited id included', () => {
    expect(refusal(62, [{ id: '7f', elements: [] }], REJECTING)).toEqual(['UNKNOWN_TAG', '62.7F', undefined]);
    expect(refusal(62, [{ id: '72', elements: [] }], REJECTING)).toEqual(['UNKNOWN_TAG', '62.72', undefined]);
  });

  it('accepts a known dataset of a rejecting layout, and any dataset of a keeping one', () => {
    expect(jsonOf(62, [{ id: '71', elements: [] }], REJECTING)).toStrictEqual([{ id: '71', elements: [] }]);
    expect(jsonOf(62, [{ id: '7F', elements: [] }])).toStrictEqual([{ id: '7F', elements: [] }]);
  });

  it('reads datasets from JSON with the same checks, ids in either case', () => {
    expect(messageFromJSON({ mti: '0100', fields: { 62: [{ id: '7f', elements: [{ tag: 'ab', value: 'AA' }] }] } }, SPEC).fields[62]).toStrictEqual([
      { id: '7F', elements: [{ tag: 'AB', value: bytes(0xaa) }] },
    ]);
    expect(where(() => messageFromJSON({ mti: '0100', fields: { 62: [{ id: '7F', elements: [] }] } }, REJECTING))).toEqual(['UNKNOWN_TAG', '62.7F', undefined]);
  });
});

group('positional and bitmapped subfields', () => {
  it('gives each subfield by its number, leaving out one set to undefined', () => {
    expect(jsonOf(3, { 1: '00', 2: undefined })).toStrictEqual({ 1: '00' });
    expect(jsonOf(3, { 1: '00', 2: '0000' })).toStrictEqual({ 1: '00', 2: '0000' });
    expect(jsonOf(63, { 2: 'abc' })).toStrictEqual({ 2: 'abc' });
  });

  it('refuses a value that is not a record (a string, null, an array) as INVALID_VALUE_TYPE on the field', () => {
    for (const value of ['000000', null, ['00', '0000']]) {
      expect(refusal(3, value)).toEqual(['INVALID_VALUE_TYPE', '3', undefined]);
      expect(refusal(63, value)).toEqual(['INVALID_VALUE_TYPE', '63', undefined]);
    }
  });

  it('refuses keys not spelled as subfield numbers (01, 0, 1.0) as INVALID_MESSAGE on the field', () => {
    for (const key of ['01', '0', '1.0', 'x']) expect(refusal(3, { [key]: '00' }), key).toEqual(['INVALID_MESSAGE', '3', undefined]);
  });

  it('refuses a subfield the layout does not define as UNKNOWN_FIELD on the subfield', () => {
    expect(refusal(3, { 3: '00' })).toEqual(['UNKNOWN_FIELD', '3.3', undefined]);
    expect(refusal(63, { 3: 'x' })).toEqual(['UNKNOWN_FIELD', '63.3', undefined]);
    expect(where(() => valueToJSON({ 9: '00' } as never, POSITIONAL))).toEqual(['UNKNOWN_FIELD', '9', undefined]);
  });

  it('checks each subfield value against its spec, on the subfield', () => {
    expect(refusal(3, { 1: bytes(0x30, 0x30) })).toEqual(['INVALID_VALUE_TYPE', '3.1', undefined]);
  });

  it('reads only own subfields: an inherited one is not part of the value', () => {
    expect(jsonOf(3, Object.assign(Object.create({ 2: '0000' }) as object, { 1: '00' }))).toStrictEqual({ 1: '00' });
  });

  it('shows the same checked copy through describe', () => {
    expect(describe(loose({ mti: '0100', fields: { 3: { 1: '12', 2: undefined } } }), SPEC, { unmask: true })).toContain('12');
    expect(where(() => describe(loose({ mti: '0100', fields: { 3: { 3: '00' } } }), SPEC))).toEqual(['UNKNOWN_FIELD', '3.3', undefined]);
  });
});
