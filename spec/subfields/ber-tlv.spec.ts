import { describe as group, expect, it } from 'vitest';
import { type BerTlv, type BerTlvLayout, type Codec, createCodec, type Message, type MessageSpec, messageFromJSON, messageToJSON, toHex } from '../../src/index.js';
import { fieldPaths } from '../../src/paths/field-paths.js';
import { catchIso } from '../message/errors-helper.js';

// DE55 alone in a frame: MTI "0100" (4 bytes), binary primary bitmap with bit 55 (8 bytes), an LLLL/ascii prefix
// (4 bytes), then the BER-TLV data, whose first byte is therefore at offset 16 of the frame.
const DATA = 16;
// EMV Book 3 annex B: a constructed template (bit 6 of the first tag byte set) and primitive tags of one, two and
// three bytes.
const RECORD = '70';

function de55(layout: Partial<BerTlvLayout> = {}): Codec<Message> {
  return createCodec({
    name: 'de55',
    mti: { encoding: 'ascii' },
    bitmap: { format: 'binary' },
    fields: { 55: { kind: 'b', length: 9999, prefix: 'LLLL/ascii', encoding: 'binary', subfields: { type: 'ber-tlv', ...layout } } },
  }) as unknown as Codec<Message>;
}
const codec = de55();
const strict = de55({ unknownTags: 'reject' });

/** A frame carrying `hex` as DE55. */
function frame(hex: string): Uint8Array {
  const data = Buffer.from(hex, 'hex');
  return Uint8Array.from([...Buffer.from('0100'), 0, 0, 0, 0, 0, 0, 0x02, 0, ...Buffer.from(String(data.length).padStart(4, '0')), ...data]);
}
const decode = (hex: string, c: Codec<Message> = codec): BerTlv[] => c.decode(frame(hex)).fields[55] as BerTlv[];
/** The DE55 data bytes (in hex) that encoding `value` gives. */
const encode = (value: unknown, c: Codec<Message> = codec): string => toHex(c.encode({ mti: '0100', fields: { 55: value as BerTlv[] } }).subarray(DATA));
const where = (fn: () => unknown): [string, string | undefined, number | undefined] => {
  const e = catchIso(fn);
  return [e.code, e.field, e.offset];
};
const hexLength = (bytes: number): string => (bytes < 0x80 ? bytes.toString(16).padStart(2, '0') : bytes < 0x100 ? `81${bytes.toString(16)}` : `82${bytes.toString(16).padStart(4, '0')}`);
/** `levels` record templates, each inside the previous, around one primitive 5A. */
function nestedHex(levels: number): string {
  let hex = '5A0101';
  for (let i = 0; i < levels; i++) hex = RECORD + hexLength(hex.length / 2) + hex;
  return hex;
}
function nestedValue(levels: number): BerTlv[] {
  let list: BerTlv[] = [{ tag: '5A', value: Uint8Array.of(1) }];
  for (let i = 0; i < levels; i++) list = [{ tag: RECORD, value: list }];
  return list;
}

group('BER-TLV tags on decode', () => {
  it('reads a three-byte tag and gives every tag in uppercase hex', () => {
    expect(decode('df810102abcd')).toEqual([{ tag: 'DF8101', value: Uint8Array.of(0xab, 0xcd) }]);
  });

  it('refuses a tag whose subsequent bytes run past the data, at the tag', () => {
    expect(where(() => codec.decode(frame('5A01019F')))).toEqual(['INVALID_TLV', '55', DATA + 3]);
    expect(where(() => codec.decode(frame('9F81')))).toEqual(['INVALID_TLV', '55', DATA]);
  });

  it('reads tags of four to eight bytes (X.690 8.1.2.4: subsequent bytes while the top bit is set)', () => {
    expect(decode('DF81810102ABCD')).toEqual([{ tag: 'DF818101', value: Uint8Array.of(0xab, 0xcd) }]);
    expect(decode('5F8180808001' + '0107')).toEqual([{ tag: '5F8180808001', value: Uint8Array.of(7) }]);
    // Eight bytes, the longest: a first byte and seven subsequent bytes (a 49-bit tag number).
    expect(decode('DFFFFFFFFFFFFF7F' + '00')).toEqual([{ tag: 'DFFFFFFFFFFFFF7F', value: new Uint8Array(0) }]);
  });

  it('reads a constructed tag of four bytes with its children', () => {
    expect(decode('FF818101' + '03' + '5A0101')).toEqual([{ tag: 'FF818101', value: [{ tag: '5A', value: Uint8Array.of(1) }] }]);
  });

  it('refuses a tag of nine bytes, at the tag', () => {
    expect(where(() => codec.decode(frame('5A0101' + 'DF8181818181818101' + '00')))).toEqual(['INVALID_TLV', '55', DATA + 3]);
    expect(where(() => codec.decode(frame('DFFFFFFFFFFFFFFF7F' + '00')))).toEqual(['INVALID_TLV', '55', DATA]);
  });

  it('refuses a tag whose first subsequent byte is 0x80 (a leading zero group, X.690 8.1.2.4.2 c), at the tag', () => {
    // 9F 80 02 would spell the tag number of 9F02 a second way; 9F 80 81 01 likewise for 9F 81 01.
    expect(where(() => codec.decode(frame('5A0101' + '9F8002' + '0100')))).toEqual(['INVALID_TLV', '55', DATA + 3]);
    expect(where(() => codec.decode(frame('9F808101' + '00')))).toEqual(['INVALID_TLV', '55', DATA]);
    // 0x80 later in the tag is a zero group inside the number, not a leading one.
    expect(decode('DF818001' + '00')).toEqual([{ tag: 'DF818001', value: new Uint8Array(0) }]);
  });

  it('refuses, when told to, a tag outside the dictionary, at the tag and under its own path', () => {
    expect(where(() => strict.decode(frame('5A0101' + 'DF7F0101')))).toEqual(['UNKNOWN_TAG', '55.DF7F', DATA + 3]);
    expect(decode('5A0101', strict)).toEqual([{ tag: '5A', value: Uint8Array.of(1) }]);
  });

  it('checks tags against the layout’s own dictionary instead of the EMV one when given', () => {
    const own = de55({ unknownTags: 'reject', tags: { DF01: { description: 'network data', sensitive: false } } });
    expect(decode('DF010101', own)).toEqual([{ tag: 'DF01', value: Uint8Array.of(1) }]);
    expect(where(() => own.decode(frame('5A0101')))).toEqual(['UNKNOWN_TAG', '55.5A', DATA]);
  });
});

group('BER-TLV lengths on decode', () => {
  it('reads 0x7F as a one-byte length and 0x80 bytes only in the long form 81 80', () => {
    const short = '7F'.repeat(0x7f);
    expect(decode(`5A7F${short}`)).toEqual([{ tag: '5A', value: new Uint8Array(0x7f).fill(0x7f) }]);
    expect(decode(`5A8180${'00'.repeat(0x80)}`)).toEqual([{ tag: '5A', value: new Uint8Array(0x80) }]);
  });

  it('reads a two-byte long form whose value is all zero bytes', () => {
    expect(decode(`5A820100${'00'.repeat(0x100)}`)).toEqual([{ tag: '5A', value: new Uint8Array(0x100) }]);
  });

  it('refuses a missing length, at the byte where it belongs', () => {
    expect(where(() => codec.decode(frame('5A0101' + '9F02')))).toEqual(['INVALID_TLV', '55.9F02', DATA + 5]);
  });

  it('refuses the indefinite form 80, at the length byte', () => {
    expect(where(() => codec.decode(frame(`${RECORD}80` + '5A0101' + '0000')))).toEqual(['INVALID_TLV', '55.70', DATA + 1]);
  });

  it('refuses a long form of five length bytes, at the length byte', () => {
    expect(where(() => codec.decode(frame('5A85' + '0100000000' + '00')))).toEqual(['INVALID_TLV', '55.5A', DATA + 1]);
  });

  it('takes four length bytes as the longest form, and refuses the value they announce only as running past the data', () => {
    // 84 01 00 00 00 is well-formed (16 MiB); the data is shorter, so the error points after the length.
    expect(where(() => codec.decode(frame('5A84' + '01000000' + '00')))).toEqual(['INVALID_TLV', '55.5A', DATA + 6]);
  });

  it('refuses long-form length bytes that run past the data, at the length byte', () => {
    expect(where(() => codec.decode(frame('5A8201')))).toEqual(['INVALID_TLV', '55.5A', DATA + 1]);
    // 81 80 with nothing after it: the length bytes are all there, the 128 value bytes are not.
    expect(where(() => codec.decode(frame('5A8180')))).toEqual(['INVALID_TLV', '55.5A', DATA + 3]);
  });

  it('refuses non-minimal long forms (a count below 0x80, or a leading zero length byte), at the length byte', () => {
    expect(where(() => codec.decode(frame('5A817F' + '00'.repeat(0x7f))))).toEqual(['INVALID_TLV', '55.5A', DATA + 1]);
    expect(where(() => codec.decode(frame('5A820090' + '00'.repeat(0x90))))).toEqual(['INVALID_TLV', '55.5A', DATA + 1]);
    expect(where(() => codec.decode(frame('5A0101' + '5A83000100' + '00'.repeat(0x100))))).toEqual(['INVALID_TLV', '55.5A', DATA + 4]);
  });

  it('refuses a value that runs past the data, at the first value byte', () => {
    expect(where(() => codec.decode(frame('5A03' + '0102')))).toEqual(['INVALID_TLV', '55.5A', DATA + 2]);
  });

  it('refuses a child that runs past its constructed parent, even when the field has bytes left', () => {
    // 70 03 holds 5A 02 01 (the child claims 2 bytes, its parent leaves it 1); the byte after belongs to the field.
    expect(where(() => codec.decode(frame(`${RECORD}03` + '5A0201' + '02')))).toEqual(['INVALID_TLV', '55.5A', DATA + 4]);
  });
});

group('BER-TLV nesting on decode', () => {
  it('reads constructed tags nested eight deep', () => {
    expect(decode(nestedHex(8))).toEqual(nestedValue(8));
  });

  it('refuses a ninth nested constructed tag, at that tag', () => {
    // Each level is 70 and a one-byte length: the ninth template starts 16 bytes into the data.
    expect(where(() => codec.decode(frame(nestedHex(9))))).toEqual(['INVALID_TLV', '55.70', DATA + 16]);
  });

  it('reads the tags after a constructed tag at the level of that tag', () => {
    expect(decode(`${RECORD}03` + '5A0101' + '9F020100')).toEqual([
      { tag: RECORD, value: [{ tag: '5A', value: Uint8Array.of(1) }] },
      { tag: '9F02', value: Uint8Array.of(0) },
    ]);
  });

  it('reads a constructed tag with a long-form length', () => {
    const children = '5A01' + '01';
    const many = children.repeat(50); // 150 bytes
    expect(decode(`${RECORD}8196${many}`)[0]!.value).toHaveLength(50);
  });
});

group('BER-TLV lengths on encode', () => {
  it('writes the shortest length form: one byte to 0x7F, 81 xx to 0xFF, 82 xx xx above', () => {
    expect(encode([{ tag: '5A', value: new Uint8Array(0x7f) }])).toBe('5A7F' + '00'.repeat(0x7f));
    expect(encode([{ tag: '5A', value: new Uint8Array(0x80) }])).toBe('5A8180' + '00'.repeat(0x80));
    expect(encode([{ tag: '5A', value: new Uint8Array(0xff) }])).toBe('5A81FF' + '00'.repeat(0xff));
    expect(encode([{ tag: '5A', value: new Uint8Array(0x100) }])).toBe('5A820100' + '00'.repeat(0x100));
    expect(encode([{ tag: '5A', value: new Uint8Array(0x1234) }])).toBe('5A821234' + '00'.repeat(0x1234));
  });

  it('writes a constructed tag’s length from its encoded children, in the long form when they need it', () => {
    expect(encode([{ tag: RECORD, value: [{ tag: '5A', value: Uint8Array.of(0xab) }, { tag: '5F34', value: Uint8Array.of(1) }] }])).toBe(
      '7007' + '5A01AB' + '5F340101',
    );
    const fifty = Array.from({ length: 50 }, () => ({ tag: '5A', value: Uint8Array.of(1) }));
    expect(encode([{ tag: RECORD, value: fifty }])).toBe('708196' + '5A0101'.repeat(50));
  });

  it('writes tags of four and eight bytes as given', () => {
    expect(encode([{ tag: 'DF818101', value: Uint8Array.of(7) }, { tag: 'FF818101', value: [{ tag: '5A', value: Uint8Array.of(1) }] }])).toBe(
      'DF81810101' + '07' + 'FF81810103' + '5A0101',
    );
    expect(encode([{ tag: 'dfffffffffffff7f', value: new Uint8Array(0) }])).toBe('DFFFFFFFFFFFFF7F00');
  });

  it('writes each tag’s bytes as given, in either case of hex', () => {
    expect(encode([{ tag: 'df8101', value: Uint8Array.of(7) }, { tag: '9f02', value: Uint8Array.of(8) }])).toBe('DF81010107' + '9F020108');
  });
});

group('BER-TLV nesting on encode', () => {
  it('writes constructed tags nested eight deep', () => {
    expect(encode(nestedValue(8))).toBe(nestedHex(8).toUpperCase());
  });

  it('refuses a ninth nested constructed tag', () => {
    const [code, field] = where(() => encode(nestedValue(9)));
    expect([code, field]).toEqual(['INVALID_TLV', '55']);
  });
});

group('BER-TLV tags on encode', () => {
  it.each([
    ['no bytes', ''],
    ['nine bytes', 'DF8181818181818101'],
    ['a first subsequent byte 0x80', '9F8002'],
    ['a one-byte tag with all five low bits set', '9F'],
    ['a multi-byte tag whose first byte does not announce more', '5A01'],
    ['a middle byte without its top bit', '9F0101'],
    ['a last byte with its top bit set', '9F81'],
    ['an odd number of hex digits', '5A0'],
    ['characters that are not hex', 'ZZ'],
  ])('refuses a tag of %s, at the entry', (_what, tag) => {
    const value = [{ tag: '5A', value: Uint8Array.of(1) }, { tag, value: Uint8Array.of(1) }];
    expect(where(() => encode(value))).toEqual(['INVALID_TLV', '55', DATA + 3]);
  });

  it('refuses a tag that is not a string, and an entry that is not an object, at the entry', () => {
    expect(where(() => encode([{ tag: 0x5a, value: Uint8Array.of(1) }]))).toEqual(['INVALID_TLV', '55', DATA]);
    // A String object reads like hex text but is not a string.
    expect(where(() => encode([{ tag: new String('5A'), value: Uint8Array.of(1) }]))).toEqual(['INVALID_TLV', '55', DATA]);
    expect(where(() => encode([{ tag: '5A', value: Uint8Array.of(1) }, null]))).toEqual(['INVALID_TLV', '55', DATA + 3]);
  });

  it('refuses, when told to, a tag outside the dictionary under its own uppercase path, and keeps known tags in either case', () => {
    expect(where(() => encode([{ tag: 'df7f', value: Uint8Array.of(1) }], strict))).toEqual(['UNKNOWN_TAG', '55.DF7F', undefined]);
    expect(encode([{ tag: '9f02', value: Uint8Array.of(1) }], strict)).toBe('9F020101');
    expect(encode([{ tag: 'df7f', value: Uint8Array.of(1) }])).toBe('DF7F0101');
  });

  it('refuses a value that is not a list, at the field', () => {
    expect(where(() => encode(Uint8Array.of(0x5a, 1, 1)))).toEqual(['INVALID_VALUE_TYPE', '55', DATA]);
  });

  it('refuses a constructed tag without a list of children and a primitive tag without bytes, at the entry', () => {
    expect(where(() => encode([{ tag: '5A', value: Uint8Array.of(1) }, { tag: RECORD, value: Uint8Array.of(1) }]))).toEqual([
      'INVALID_VALUE_TYPE',
      '55.70',
      DATA + 3,
    ]);
    expect(where(() => encode([{ tag: '5A', value: Uint8Array.of(1) }, { tag: '5A', value: [] }]))).toEqual(['INVALID_VALUE_TYPE', '55.5A', DATA + 3]);
  });
});

group('BER-TLV tags of four to eight bytes outside the codec', () => {
  const spec: MessageSpec = {
    name: 'de55-long-tags',
    mti: { encoding: 'ascii' },
    bitmap: { format: 'binary' },
    fields: { 55: { kind: 'b', length: 999, prefix: 'LLL/ascii', encoding: 'binary', subfields: { type: 'ber-tlv', tags: { DF818101: { description: 'kernel data', sensitive: false } }, unknownTags: 'reject' } } },
  };
  const message: Message = { mti: '0100', fields: { 55: [{ tag: 'DF818101', value: Uint8Array.of(1, 2) }] } };

  it('go through JSON both ways, and a lowercase one reads as uppercase', () => {
    const json = messageToJSON(message, spec);
    expect(json.fields[55]).toEqual([{ tag: 'DF818101', value: '0102' }]);
    expect(messageFromJSON({ mti: '0100', fields: { 55: [{ tag: 'df818101', value: '0102' }] } }, spec)).toEqual(message);
  });

  it('are refused in JSON at nine bytes or with a first subsequent byte 0x80, with INVALID_TLV at the field', () => {
    for (const tag of ['DF8181818181818101', '9F8002']) {
      const e = catchIso(() => messageFromJSON({ mti: '0100', fields: { 55: [{ tag, value: '00' }] } }, spec));
      expect([e.code, e.field]).toEqual(['INVALID_TLV', '55']);
    }
  });

  it('are named by a field path', () => {
    expect(fieldPaths(spec).get(message, '55.DF818101')).toEqual(Uint8Array.of(1, 2));
    expect(catchIso(() => fieldPaths(spec).get(message, '55.9F8002')).code).toBe('UNKNOWN_PATH');
  });
});
