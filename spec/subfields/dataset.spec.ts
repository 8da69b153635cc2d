import fc from 'fast-check';
import { describe as group, expect, it } from 'vitest';
import {
  type Codec,
  createCodec,
  type Dataset,
  type DatasetLayout,
  describe,
  type Infer,
  isIso8583Error,
  type Message,
  type MessageSpec,
  messageFromJSON,
  messageToJSON,
  toHex,
  validateSpec,
} from '../../src/index.js';
import { fieldPaths } from '../../src/paths/field-paths.js';
import { arbitraryFieldValue } from '../../src/testing/index.js';
import { catchIso } from '../message/errors-helper.js';

// DE62 alone in a frame: MTI "0100" (4 bytes), binary primary bitmap with bit 62 (8 bytes), an LLL/ascii prefix
// (3 bytes), then the datasets, whose first byte is therefore at offset 15 of the frame.
const DATA = 15;

function spec(layout: Partial<DatasetLayout> = {}, sensitive = false): MessageSpec {
  return {
    name: 'de62-datasets',
    mti: { encoding: 'ascii' },
    bitmap: { format: 'binary' },
    fields: {
      62: {
        kind: 'b', length: 999, prefix: 'LLL/ascii', encoding: 'binary', description: 'Composite data',
        ...(sensitive ? { sensitive: true } : {}),
        subfields: { type: 'dataset', tagBytes: 1, lengthBytes: 1, ...layout },
      },
    },
  };
}
const codecOf = (layout: Partial<DatasetLayout> = {}): Codec<Message> => createCodec(spec(layout)) as unknown as Codec<Message>;
const codec = codecOf();

/** A frame carrying `hex` as DE62. */
function frame(hex: string): Uint8Array {
  const data = Buffer.from(hex, 'hex');
  return Uint8Array.from([...Buffer.from('0100'), 0, 0, 0, 0, 0, 0, 0, 0x04, ...Buffer.from(String(data.length).padStart(3, '0')), ...data]);
}
const decode = (hex: string, c: Codec<Message> = codec): Dataset[] => c.decode(frame(hex)).fields[62] as Dataset[];
/** The DE62 bytes (in hex) that encoding `value` gives. */
const encode = (value: unknown, c: Codec<Message> = codec): string => toHex(c.encode({ mti: '0100', fields: { 62: value as Dataset[] } }).subarray(DATA));
const where = (fn: () => unknown): [string, string | undefined, number | undefined] => {
  const e = catchIso(fn);
  return [e.code, e.field, e.offset];
};

group('datasets on decode', () => {
  it('reads each dataset as its 1-byte id, 2-byte length and elements of binary tags and lengths', () => {
    // 71 0007: 01 02 AABB, 02 01 CC; then 72 0000 (an empty dataset).
    expect(decode('71' + '0007' + '0102AABB' + '0201CC' + '72' + '0000')).toEqual([
      { id: '71', elements: [{ tag: '01', value: Uint8Array.of(0xaa, 0xbb) }, { tag: '02', value: Uint8Array.of(0xcc) }] },
      { id: '72', elements: [] },
    ]);
  });

  it('reads 2-byte tags and 2-byte element lengths when the layout says so, and a 2-byte dataset length above 255', () => {
    const wide = codecOf({ tagBytes: 2, lengthBytes: 2 });
    const value = '00'.repeat(0x100);
    expect(decode('7F' + '0104' + '1F01' + '0100' + value, wide)).toEqual([{ id: '7F', elements: [{ tag: '1F01', value: new Uint8Array(0x100) }] }]);
  });

  it('keeps ids and tags in wire order, repeats included', () => {
    expect(decode('710003010100' + '710003010101').map((d) => d.elements[0]!.value[0])).toEqual([0, 1]);
  });

  it('refuses a dataset head cut short, at its first byte', () => {
    expect(where(() => codec.decode(frame('710000' + '7100')))).toEqual(['INVALID_TLV', '62', DATA + 3]);
  });

  it('refuses a dataset length that runs past the field, at the length', () => {
    expect(where(() => codec.decode(frame('710000' + '71' + '0004' + '010100')))).toEqual(['INVALID_TLV', '62.71', DATA + 4]);
  });

  it('refuses an element head cut short by its dataset, at the element', () => {
    // 71 0003 holds 01 01 00 and then one byte, 02, too short for a tag and a length; the next dataset follows.
    expect(where(() => codec.decode(frame('71' + '0004' + '010100' + '02' + '720000')))).toEqual(['INVALID_TLV', '62.71', DATA + 6]);
  });

  it('refuses an element length that runs past its dataset, at the element length, even when the field has bytes left', () => {
    expect(where(() => codec.decode(frame('71' + '0003' + '0102AA' + 'BB')))).toEqual(['INVALID_TLV', '62.71.01', DATA + 4]);
  });

  it('refuses, when told to, a dataset the layout does not list, at its id and under its own path', () => {
    const strict = codecOf({ datasets: { 71: { description: 'known' } }, unknownDatasets: 'reject' });
    expect(decode('710000', strict)).toEqual([{ id: '71', elements: [] }]);
    expect(where(() => strict.decode(frame('710000' + '7A0000')))).toEqual(['UNKNOWN_TAG', '62.7A', DATA + 3]);
  });
});

group('datasets on encode', () => {
  it('writes each dataset’s length from its elements, and ids and tags in either case of hex', () => {
    expect(encode([{ id: '7f', elements: [{ tag: '0a', value: Uint8Array.of(1, 2) }, { tag: '0B', value: new Uint8Array(0) }] }])).toBe('7F0006' + '0A020102' + '0B00');
  });

  it('writes a 2-byte element length and a dataset longer than 255 bytes', () => {
    const wide = codecOf({ tagBytes: 2, lengthBytes: 2 });
    expect(encode([{ id: '71', elements: [{ tag: '1F01', value: new Uint8Array(0x100) }] }], wide)).toBe('710104' + '1F010100' + '00'.repeat(0x100));
  });

  it('refuses an element value longer than its length bytes count, under the element’s path', () => {
    expect(where(() => encode([{ id: '71', elements: [{ tag: '01', value: new Uint8Array(256) }] }]))).toEqual(['LENGTH_EXCEEDS_MAX', '62.71.01', DATA + 3]);
  });

  it('refuses a dataset whose content exceeds 65,535 bytes, at the dataset', () => {
    // A field with an LLLLLL prefix holds more than one dataset can count: two elements of 65,535 bytes each.
    const wide = createCodec({ ...spec(), fields: { 62: { kind: 'b', length: 999999, prefix: 'LLLLLL/ascii', encoding: 'binary', subfields: { type: 'dataset', tagBytes: 1, lengthBytes: 2 } } } });
    const elements = Array.from({ length: 2 }, () => ({ tag: '01', value: new Uint8Array(0xffff - 3) }));
    const e = catchIso(() => wide.encode({ mti: '0100', fields: { 62: [{ id: '71', elements }] } }));
    expect([e.code, e.field, e.offset]).toEqual(['LENGTH_EXCEEDS_MAX', '62.71', 4 + 8 + 6]);
  });

  it.each([
    ['an id of two bytes', [{ id: '7101', elements: [] }], '62', DATA],
    ['an id that is not hex', [{ id: 'ZZ', elements: [] }], '62', DATA],
    ['elements that are not a list', [{ id: '71', elements: Uint8Array.of(1) }], '62.71', DATA],
    // Element problems are at the element, after the dataset's 3-byte head.
    ['a tag of the wrong width', [{ id: '71', elements: [{ tag: '0101', value: new Uint8Array(0) }] }], '62.71', DATA + 3],
    ['a value that is not bytes', [{ id: '71', elements: [{ tag: '01', value: '00' }] }], '62.71.01', DATA + 3],
  ])('refuses %s with INVALID_VALUE_TYPE, at the dataset or the element', (_what, value, field, offset) => {
    expect(where(() => encode(value))).toEqual(['INVALID_VALUE_TYPE', field, offset]);
  });

  it('refuses a value that is not a list, at the field', () => {
    expect(where(() => encode(Uint8Array.of(0x71, 0, 0)))).toEqual(['INVALID_VALUE_TYPE', '62', DATA]);
  });

  it('refuses, when told to, a dataset the layout does not list', () => {
    const strict = codecOf({ datasets: { 71: {} }, unknownDatasets: 'reject' });
    expect(where(() => encode([{ id: '7a', elements: [] }], strict))).toEqual(['UNKNOWN_TAG', '62.7A', DATA]);
  });
});

group('datasets outside the codec', () => {
  const s = spec({ datasets: { 71: { description: 'Demo dataset', sensitive: false }, 72: { description: 'Secret dataset', sensitive: true } } }, true);
  const message: Message = {
    mti: '0100',
    fields: { 62: [{ id: '71', elements: [{ tag: '01', value: Uint8Array.of(0xab) }] }, { id: '72', elements: [{ tag: '01', value: Uint8Array.of(0xcd) }] }, { id: '73', elements: [{ tag: '01', value: Uint8Array.of(0xef) }] }] },
  };

  it('go through JSON both ways, element values in hex', () => {
    const json = messageToJSON(message, s);
    expect(json.fields[62]).toEqual([
      { id: '71', elements: [{ tag: '01', value: 'AB' }] },
      { id: '72', elements: [{ tag: '01', value: 'CD' }] },
      { id: '73', elements: [{ tag: '01', value: 'EF' }] },
    ]);
    expect(messageFromJSON(json, s)).toEqual(message);
  });

  it('are refused in JSON with a value that is not hex, under the element’s path only when id and tag are well-formed', () => {
    const bad = (id: string, tag: string): [string, string | undefined] => {
      const e = catchIso(() => messageFromJSON({ mti: '0100', fields: { 62: [{ id, elements: [{ tag, value: 'XY' }] }] } }, s));
      return [e.code, e.field];
    };
    expect(bad('71', '01')).toEqual(['INVALID_VALUE_TYPE', '62.71.01']);
    expect(bad('4111111111111111', '01')).toEqual(['INVALID_VALUE_TYPE', '62']);
  });

  it('describe masks by the dataset’s declaration inside a sensitive field: false shows, true and none hide', () => {
    const text = describe(message, s);
    expect(text).toMatch(/62\.71\s+Demo dataset\s+\(dataset, 1 elements\)/);
    expect(text).toMatch(/62\.71\.01\s+AB/);
    expect(text).not.toContain('CD');
    expect(text).not.toContain('EF');
    expect(text).toMatch(/62\.72\.01\s+\[hidden, 1 byte\]/);
    expect(text).toMatch(/62\.73\.01\s+\[hidden, 1 byte\]/);
  });

  it('have no field paths inside them: a path into a dataset is UNKNOWN_PATH', () => {
    expect(catchIso(() => fieldPaths(s).get(message, '62.71')).code).toBe('UNKNOWN_PATH');
    expect(fieldPaths(s).get(message, '62')).toEqual(message.fields[62]);
  });

  it('are typed Dataset[] by Infer', () => {
    const typed = { ...s, fields: { 62: { kind: 'b', length: 999, prefix: 'LLL/ascii', encoding: 'binary', subfields: { type: 'dataset', tagBytes: 1, lengthBytes: 1 } } } } as const;
    const value: Infer<typeof typed>['fields'][62] = [{ id: '71', elements: [] }];
    expect(value).toHaveLength(1);
  });

  it('are validated: widths 1 or 2, ids one byte in uppercase hex, a binary field', () => {
    const problem = (layout: object, field: object = {}): [string, string | undefined] => {
      try {
        validateSpec({ ...s, fields: { 62: { ...s.fields[62]!, ...field, subfields: { type: 'dataset', tagBytes: 1, lengthBytes: 1, ...layout } } } });
      } catch (e) {
        if (isIso8583Error(e)) return [e.code, e.field];
      }
      return ['none', undefined];
    };
    expect(problem({ tagBytes: 3 })).toEqual(['INVALID_SPEC', '62']);
    expect(problem({ lengthBytes: 0 })).toEqual(['INVALID_SPEC', '62']);
    expect(problem({ datasets: { '7a': {} } })).toEqual(['INVALID_SPEC', '62']);
    expect(problem({ datasets: { 71: { sensitive: 'yes' } } })).toEqual(['INVALID_SPEC', '62.71']);
    expect(problem({ unknownDatasets: 'drop' })).toEqual(['INVALID_SPEC', '62']);
    expect(problem({}, { kind: 'ans', encoding: 'ascii' })).toEqual(['INVALID_SPEC', '62']);
    expect(problem({ datasets: { '7A': { description: 'ok', sensitive: true } } })).toEqual(['none', undefined]);
  });
});

group('datasets, properties', () => {
  const layouts = fc.record({ tagBytes: fc.constantFrom<1 | 2>(1, 2), lengthBytes: fc.constantFrom<1 | 2>(1, 2) });

  it('decode what they encode and re-encode the same bytes (strict means canonical)', () => {
    fc.assert(
      fc.property(layouts.chain((l) => fc.tuple(fc.constant(l), arbitraryFieldValue(spec(l).fields[62]!))), ([l, value]) => {
        const c = codecOf(l);
        const bytes = c.encode({ mti: '0100', fields: { 62: value } });
        const back = c.decode(bytes);
        expect(back.fields[62]).toEqual(value);
        expect(toHex(c.encode(back))).toBe(toHex(bytes));
      }),
      { numRuns: 200 },
    );
  });

  it('throw only Iso8583Error on random content, and what they decode re-encodes to the same bytes', () => {
    fc.assert(
      fc.property(layouts, fc.uint8Array({ maxLength: 40 }), (l, data) => {
        const c = codecOf(l);
        const f = frame(Buffer.from(data).toString('hex'));
        let decoded: Message | undefined;
        try {
          decoded = c.decode(f);
        } catch (e) {
          expect(isIso8583Error(e)).toBe(true);
          return;
        }
        expect(toHex(c.encode(decoded))).toBe(toHex(f));
      }),
      { numRuns: 500 },
    );
  });
});
