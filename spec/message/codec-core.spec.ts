import { describe, expect, it } from 'vitest';
import {
  type Codec,
  type Converter,
  type ConverterName,
  createCodec,
  defineSpec,
  getConverter,
  Iso8583Error,
  type Message,
  type MessageSpec,
  presets,
  registerConverter,
  structuredPreset,
  toHex,
} from '../../src/index.js';
import { resolveSpec } from '../helpers/fixtures.js';
import { catchIso } from './errors-helper.js';

// The converters these tests register, declared as a user declares theirs, so specs naming them type-check.
declare module '../../src/index.js' {
  interface ConverterRegistry {
    'core-scripted-field': 'text';
    'core-scripted-header': 'text';
    'core-scripted-mti': 'text';
    'core-reentrant': 'text';
    'core-reentrant-decode': 'text';
  }
}

const te = new TextEncoder();
/** Concatenates byte arrays and ASCII strings into one frame. */
function frame(...parts: (string | readonly number[])[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...te.encode(p)] : p)));
}
/** Hex of the ASCII bytes of `s`. */
const hexOf = (s: string): string => toHex(te.encode(s));
/** A codec without static field types, for feeding it what the types forbid. */
const loose = (spec: MessageSpec): Codec<Message> => createCodec(spec) as unknown as Codec<Message>;
/** The code, field and offset of the error `fn` throws: what only the check that raised it produces. */
const where = (fn: () => unknown): [string, string | undefined, number | undefined] => {
  const e = catchIso(fn);
  return [e.code, e.field, e.offset];
};

const ascii = loose(presets.iso87ascii);
const MAC = [1, 2, 3, 4, 5, 6, 7, 8] as const;

describe('the bitmaps encode writes', () => {
  it('keeps DE64, the last field of the primary bitmap, on the primary bitmap alone', () => {
    const out = ascii.encode({ mti: '0800', fields: { 64: Uint8Array.from(MAC) } });
    expect(toHex(out)).toBe(hexOf('0800') + '0000000000000001' + '0102030405060708');
    expect(ascii.decode(out).fields).toEqual({ 64: Uint8Array.from(MAC) });
  });

  it('announces a secondary bitmap for DE65, the first field of the secondary', () => {
    const out = ascii.encode({ mti: '0800', fields: { 65: Uint8Array.from(MAC) } });
    expect(toHex(out)).toBe(hexOf('0800') + '8000000000000000' + '8000000000000000' + '0102030405060708');
  });

  it('writes DE64 and DE128 (both MACs) with a secondary bitmap, each bit in its place', () => {
    const out = ascii.encode({ mti: '0200', fields: { 64: Uint8Array.from(MAC), 128: Uint8Array.from(MAC) } });
    expect(toHex(out)).toBe(hexOf('0200') + '8000000000000001' + '0000000000000001' + '0102030405060708'.repeat(2));
    expect(ascii.decode(out).fields).toEqual({ 64: Uint8Array.from(MAC), 128: Uint8Array.from(MAC) });
  });

  it('keeps the secondary bitmap once a field 65–128 is present, whatever the order of the keys', () => {
    const spec = defineSpec({
      name: 'core-tertiary-order',
      mti: { encoding: 'ascii' },
      bitmap: { format: 'binary', tertiary: true },
      fields: {
        3: { kind: 'n', length: 2, encoding: 'ascii' },
        70: { kind: 'n', length: 2, encoding: 'ascii' },
        130: { kind: 'n', length: 2, encoding: 'ascii' },
      },
    });
    const codec = loose(spec);
    const expected = hexOf('0100') + 'A000000000000000' + '8400000000000000' + '4000000000000000' + hexOf('030713');
    expect(toHex(codec.encode({ mti: '0100', fields: { 3: '03', 70: '07', 130: '13' } }))).toBe(expected);
    // A proxy lists its keys in its own order: 130 before 70 sets the tertiary first, and 70 must not lower it.
    const target = { 3: '03', 70: '07', 130: '13' };
    const reordered = new Proxy(target, { ownKeys: () => ['130', '70', '3'] });
    expect(toHex(codec.encode({ mti: '0100', fields: reordered }))).toBe(expected);
  });
});

describe('the keys of message.fields', () => {
  it('must be data element numbers spelled canonically', () => {
    for (const key of ['02', '2.0', ' 2', '2 ', '+2', '0x2', '1e1', '', 'abc', '-2', '193', '11.5']) {
      expect(where(() => ascii.encode({ mti: '0800', fields: { [key]: '000001' } as never })), `key ${JSON.stringify(key)}`).toEqual([
        'INVALID_MESSAGE',
        undefined,
        undefined,
      ]);
    }
  });

  it('start at 1: key 0 is no data element', () => {
    expect(where(() => ascii.encode({ mti: '0800', fields: { 0: 'x' } }))).toEqual(['INVALID_MESSAGE', undefined, undefined]);
  });

  it('end at 192 on a spec with a tertiary bitmap', () => {
    const codec = loose(
      defineSpec({
        name: 'core-192',
        mti: { encoding: 'ascii' },
        bitmap: { format: 'binary', tertiary: true },
        fields: { 192: { kind: 'n', length: 2, encoding: 'ascii' } },
      }),
    );
    const out = codec.encode({ mti: '0100', fields: { 192: '42' } });
    expect(toHex(out)).toBe(hexOf('0100') + '8000000000000000' + '8000000000000000' + '0000000000000001' + hexOf('42'));
    expect(where(() => codec.encode({ mti: '0100', fields: { 193: '42' } }))).toEqual(['INVALID_MESSAGE', undefined, undefined]);
  });

  it('are read as own properties only: an inherited field is not encoded', () => {
    const inherited = Object.create({ 2: '4111111111111111' }) as Record<number, string>;
    inherited[11] = '000001';
    const out = ascii.encode({ mti: '0800', fields: inherited });
    expect(toHex(out)).toBe(hexOf('0800') + '0020000000000000' + hexOf('000001'));
  });

  it('never name the bitmap bits 1 and 129 (and 65 with a tertiary) as fields to give', () => {
    expect(where(() => ascii.encode({ mti: '0800', fields: { 1: 'x' } }))).toEqual(['INVALID_MESSAGE', '1', undefined]);
    const tertiary = loose(
      defineSpec({
        name: 'core-129',
        mti: { encoding: 'ascii' },
        bitmap: { format: 'binary', tertiary: true },
        fields: { 3: { kind: 'n', length: 2, encoding: 'ascii' }, 130: { kind: 'n', length: 2, encoding: 'ascii' } },
      }),
    );
    expect(where(() => tertiary.encode({ mti: '0100', fields: { 129: '01' } }))).toEqual(['INVALID_MESSAGE', '129', undefined]);
    expect(where(() => tertiary.encode({ mti: '0100', fields: { 65: '01' } }))).toEqual(['INVALID_MESSAGE', '65', undefined]);
    // Without a tertiary bitmap, 129 is still a bitmap bit; 65 is an ordinary field (DE65 of the 1987 table).
    expect(where(() => ascii.encode({ mti: '0100', fields: { 129: '01' } }))).toEqual(['INVALID_MESSAGE', '129', undefined]);
  });

  it('name a field the spec does not define as unknown, with the field', () => {
    expect(where(() => ascii.encode({ mti: '0800', fields: { 150: 'x' } }))).toEqual(['UNKNOWN_FIELD', '150', undefined]);
  });
});

describe('decoding data elements', () => {
  it('checks an x+n amount on decode: C or D first, digits after', () => {
    // DE28 (x+n 9) only: bitmap byte 4 bit 4 (0x10).
    const head = ['0100', [0, 0, 0, 0x10, 0, 0, 0, 0]] as const;
    expect(ascii.decode(frame(...head, 'C00000150')).fields).toEqual({ 28: 'C00000150' });
    expect(ascii.decode(frame(...head, 'D00000150')).fields).toEqual({ 28: 'D00000150' });
    expect(where(() => ascii.decode(frame(...head, '000000150')))).toEqual(['INVALID_CHARACTER', '28', 12]);
    expect(where(() => ascii.decode(frame(...head, 'C0000D150')))).toEqual(['INVALID_CHARACTER', '28', 12]);
    expect(where(() => ascii.decode(frame(...head, 'CD0000150')))).toEqual(['INVALID_CHARACTER', '28', 12]);
  });

  it('checks an x+n amount on encode at the value, in both signs', () => {
    expect(toHex(ascii.encode({ mti: '0100', fields: { 28: 'D00000150' } }).subarray(12))).toBe(hexOf('D00000150'));
    expect(where(() => ascii.encode({ mti: '0100', fields: { 28: '000000150' } }))).toEqual(['INVALID_CHARACTER', '28', 12]);
    expect(where(() => ascii.encode({ mti: '0100', fields: { 28: 'C0000D150' } }))).toEqual(['INVALID_CHARACTER', '28', 12]);
  });
});

/** A converter that behaves like ASCII until `fail` says how it throws. */
function scriptedConverter(name: string): { converter: Converter; mode: { fail: 'no' | 'plain' | 'located' | 'unlocated' } } {
  const base = getConverter('ascii');
  const mode = { fail: 'no' as 'no' | 'plain' | 'located' | 'unlocated' };
  const maybeThrow = (offset: number): void => {
    if (mode.fail === 'plain') throw new Error('boom 4111111111111111');
    if (mode.fail === 'located') throw new Iso8583Error('INVALID_CHARACTER', 'scripted', { offset: offset + 1 });
    if (mode.fail === 'unlocated') throw new Iso8583Error('INVALID_CHARACTER', 'scripted');
  };
  const converter: Converter = {
    name,
    valueType: 'string',
    unit: 'chars',
    lengthUnits: ['chars'],
    byteLength: (units) => units,
    decode(src, offset, units, ctx) {
      maybeThrow(offset);
      return base.decode(src, offset, units, ctx);
    },
    encode(value, dst, offset, ctx) {
      maybeThrow(offset);
      base.encode(value, dst, offset, ctx);
    },
  };
  registerConverter(converter);
  return { converter, mode };
}

describe('a converter that throws', () => {
  const { mode } = scriptedConverter('core-scripted-field');
  const codec = loose(
    defineSpec({
      name: 'core-scripted',
      mti: { encoding: 'ascii' },
      bitmap: { format: 'binary' },
      fields: {
        11: { kind: 'n', length: 6, encoding: 'ascii' },
        48: { kind: 'ans', length: 999, prefix: 'LLL/ascii', encoding: 'core-scripted-field' },
      },
    }),
  );
  const message = { mti: '0100', fields: { 11: '000001', 48: 'ABC' } };
  // MTI 4, bitmap 8, DE11 6: DE48 at 18, its LLL prefix 3: the value at 21.
  const bytes = frame('0100', [0, 0x20, 0, 0, 0, 0x01, 0, 0], '000001', '003', 'ABC');

  it('works like its base converter while it does not throw', () => {
    mode.fail = 'no';
    expect(toHex(codec.encode(message))).toBe(toHex(bytes));
    expect(codec.decode(bytes)).toEqual(message);
  });

  it('becomes CONVERTER_FAILED at the field and its value, without the thrown text', () => {
    mode.fail = 'plain';
    const d = catchIso(() => codec.decode(bytes));
    expect([d.code, d.field, d.offset]).toEqual(['CONVERTER_FAILED', '48', 21]);
    expect(d.message).not.toContain('4111');
    const e = catchIso(() => codec.encode(message));
    expect([e.code, e.field, e.offset]).toEqual(['CONVERTER_FAILED', '48', 21]);
    expect(e.message).not.toContain('4111');
  });

  it('keeps the code and offset of its own Iso8583Error and gains the field', () => {
    mode.fail = 'located';
    expect(where(() => codec.decode(bytes))).toEqual(['INVALID_CHARACTER', '48', 22]);
    expect(where(() => codec.encode(message))).toEqual(['INVALID_CHARACTER', '48', 22]);
    mode.fail = 'unlocated';
    expect(where(() => codec.decode(bytes))).toEqual(['INVALID_CHARACTER', '48', 21]);
    expect(where(() => codec.encode(message))).toEqual(['INVALID_CHARACTER', '48', 21]);
  });
});

describe('a header or MTI converter that throws', () => {
  const header = scriptedConverter('core-scripted-header');
  const mti = scriptedConverter('core-scripted-mti');
  const spec = (name: string, headerEncoding: ConverterName, mtiEncoding: ConverterName<'text'>): Codec<Message> =>
    loose(
      defineSpec({
        name,
        header: { length: 3, encoding: headerEncoding },
        mti: { encoding: mtiEncoding },
        bitmap: { format: 'binary' },
        fields: { 11: { kind: 'n', length: 6, encoding: 'ascii' } },
      }),
    );
  const headed = spec('core-header-throws', 'core-scripted-header', 'ascii');
  const mtiThrows = spec('core-mti-throws', 'ascii', 'core-scripted-mti');
  const message = { header: 'ISO', mti: '0800', fields: { 11: '000001' } };
  const bytes = frame('ISO', '0800', [0, 0x20, 0, 0, 0, 0, 0, 0], '000001');

  it('fails the header as CONVERTER_FAILED at offset 0, or with its own code located there', () => {
    header.mode.fail = 'no';
    expect(toHex(headed.encode(message))).toBe(toHex(bytes));
    expect(headed.decode(bytes)).toEqual(message);
    header.mode.fail = 'plain';
    expect(where(() => headed.decode(bytes))).toEqual(['CONVERTER_FAILED', 'header', 0]);
    expect(where(() => headed.encode(message))).toEqual(['CONVERTER_FAILED', 'header', 0]);
    header.mode.fail = 'unlocated';
    expect(where(() => headed.decode(bytes))).toEqual(['INVALID_CHARACTER', 'header', 0]);
    expect(where(() => headed.encode(message))).toEqual(['INVALID_CHARACTER', 'header', 0]);
    header.mode.fail = 'located';
    expect(where(() => headed.decode(bytes))).toEqual(['INVALID_CHARACTER', 'header', 1]);
    expect(where(() => headed.encode(message))).toEqual(['INVALID_CHARACTER', 'header', 1]);
    header.mode.fail = 'no';
  });

  it('fails the MTI as INVALID_MTI at the MTI, or at the offset its own error names', () => {
    mti.mode.fail = 'no';
    expect(toHex(mtiThrows.encode(message))).toBe(toHex(bytes));
    expect(mtiThrows.decode(bytes)).toEqual(message);
    for (const fail of ['plain', 'unlocated'] as const) {
      mti.mode.fail = fail;
      expect(where(() => mtiThrows.decode(bytes)), fail).toEqual(['INVALID_MTI', 'mti', 3]);
      expect(where(() => mtiThrows.encode(message)), fail).toEqual(['INVALID_MTI', 'mti', 3]);
    }
    mti.mode.fail = 'located';
    expect(where(() => mtiThrows.decode(bytes))).toEqual(['INVALID_MTI', 'mti', 4]);
    // Encode places any MTI failure at the MTI: what the converter says is not kept.
    expect(where(() => mtiThrows.encode(message))).toEqual(['INVALID_MTI', 'mti', 3]);
    mti.mode.fail = 'no';
  });
});

describe('the header on encode', () => {
  const binaryHeader = loose(
    defineSpec({
      name: 'core-binary-header',
      header: { length: 5, encoding: 'binary' },
      mti: { encoding: 'ascii' },
      bitmap: { format: 'binary' },
      fields: { 11: { kind: 'n', length: 6, encoding: 'ascii' } },
    }),
  );
  const textHeader = loose(
    defineSpec({
      name: 'core-text-header',
      header: { length: 3, encoding: 'ascii' },
      mti: { encoding: 'ascii' },
      bitmap: { format: 'binary' },
      fields: { 11: { kind: 'n', length: 6, encoding: 'ascii' } },
    }),
  );

  it('must fill header.length exactly: shorter and longer are INVALID_LENGTH at the header', () => {
    for (const n of [0, 4, 6]) {
      expect(where(() => binaryHeader.encode({ header: new Uint8Array(n), mti: '0800', fields: {} })), `${n} bytes`).toEqual([
        'INVALID_LENGTH',
        'header',
        0,
      ]);
    }
    for (const h of ['IS', 'ISO8']) {
      expect(where(() => textHeader.encode({ header: h, mti: '0800', fields: {} })), h).toEqual(['INVALID_LENGTH', 'header', 0]);
    }
  });

  it('must be bytes for a binary header and text for a text header', () => {
    expect(where(() => binaryHeader.encode({ header: 'ABCDE', mti: '0800', fields: {} }))).toEqual(['INVALID_VALUE_TYPE', 'header', 0]);
    expect(where(() => textHeader.encode({ header: te.encode('ISO'), mti: '0800', fields: {} }))).toEqual([
      'INVALID_VALUE_TYPE',
      'header',
      0,
    ]);
    expect(where(() => textHeader.encode({ mti: '0800', fields: {} }))).toEqual(['INVALID_VALUE_TYPE', 'header', 0]);
  });

  it('is checked by its converter, the error located in the header', () => {
    // 0x80 is no ASCII character; the header starts the output.
    expect(where(() => textHeader.encode({ header: 'I\u0080O', mti: '0800', fields: {} }))).toEqual(['INVALID_CHARACTER', 'header', 1]);
  });

  it('is written before the MTI', () => {
    const out = textHeader.encode({ header: 'ISO', mti: '0800', fields: { 11: '000001' } });
    expect(toHex(out)).toBe(hexOf('ISO0800') + '0020000000000000' + hexOf('000001'));
  });
});

/**
 * Registers `name`, a converter that reads and writes as `ascii` does, after calling `beforeDecode` or
 * `beforeEncode` (for converters that call the codec again from inside it).
 */
function registerAsciiWith(name: string, hooks: { beforeDecode?: () => void; beforeEncode?: () => void }): void {
  const base = getConverter('ascii');
  registerConverter({
    name,
    valueType: base.valueType,
    unit: base.unit,
    lengthUnits: base.lengthUnits,
    byteLength: (units) => base.byteLength(units),
    decode(src, offset, units, ctx) {
      hooks.beforeDecode?.();
      return base.decode(src, offset, units, ctx);
    },
    encode(value, dst, offset, ctx) {
      hooks.beforeEncode?.();
      base.encode(value, dst, offset, ctx);
    },
  });
}

describe('encode called again from inside a converter', () => {
  let codec: Codec<Message> | undefined;
  const inner: string[] = [];
  registerAsciiWith('core-reentrant', {
    beforeEncode() {
      // A converter that stamps each value with an encoded probe message of the same codec, twice.
      inner.push(toHex(codec!.encode({ mti: '0800', fields: { 11: '000001' } })));
      inner.push(toHex(codec!.encode({ mti: '0810', fields: { 11: '000002' } })));
    },
  });
  codec = loose(
    defineSpec({
      name: 'core-reentrant',
      mti: { encoding: 'ascii' },
      bitmap: { format: 'binary' },
      fields: {
        11: { kind: 'n', length: 6, encoding: 'ascii' },
        48: { kind: 'ans', length: 999, prefix: 'LLL/ascii', encoding: 'core-reentrant' },
        49: { kind: 'n', length: 3, encoding: 'ascii' },
      },
    }),
  );

  it('leaves the outer message intact and gives each inner call its own bytes', () => {
    const out = codec!.encode({ mti: '0100', fields: { 11: '000042', 48: 'ABC', 49: '840' } });
    expect(toHex(out)).toBe(hexOf('0100') + '0020000000018000' + hexOf('000042' + '003ABC' + '840'));
    expect(inner).toEqual([
      hexOf('0800') + '0020000000000000' + hexOf('000001'),
      hexOf('0810') + '0020000000000000' + hexOf('000002'),
    ]);
    // The codec's own writer is free again afterwards.
    expect(toHex(codec!.encode({ mti: '0800', fields: { 11: '000003' } }))).toBe(hexOf('0800') + '0020000000000000' + hexOf('000003'));
  });
});

describe('decode called again from inside a converter', () => {
  let codec: Codec<Message> | undefined;
  const inner: Message[] = [];
  // A frame of the same codec with a secondary bitmap (DE70), so its bitmaps differ from the outer frame's in every
  // byte the outer decode has left to read.
  let probe: Uint8Array | undefined;
  registerAsciiWith('core-reentrant-decode', { beforeDecode: () => void inner.push(codec!.decode(probe!)) });
  codec = loose(
    defineSpec({
      name: 'core-reentrant-decode',
      mti: { encoding: 'ascii' },
      bitmap: { format: 'binary' },
      fields: {
        11: { kind: 'n', length: 6, encoding: 'ascii' },
        48: { kind: 'ans', length: 999, prefix: 'LLL/ascii', encoding: 'core-reentrant-decode' },
        49: { kind: 'n', length: 3, encoding: 'ascii' },
        70: { kind: 'n', length: 3, encoding: 'ascii' },
      },
    }),
  );
  probe = codec.encode({ mti: '0800', fields: { 11: '000001', 70: '301' } });

  it('reads the rest of the outer frame by its own bitmap, and gives the inner call its own', () => {
    const outer = codec!.encode({ mti: '0100', fields: { 11: '000042', 48: 'ABC', 49: '840' } });
    expect(codec!.decode(outer)).toEqual({ mti: '0100', fields: { 11: '000042', 48: 'ABC', 49: '840' } });
    expect(inner).toEqual([{ mti: '0800', fields: { 11: '000001', 70: '301' } }]);
    // The codec's own bitmap scratch is free again afterwards.
    expect(codec!.decode(probe!)).toEqual({ mti: '0800', fields: { 11: '000001', 70: '301' } });
  });
});

describe('the bitmaps decode reads', () => {
  it('reads DE65 as a data element when the spec has no tertiary bitmap', () => {
    const bytes = frame('0800', [0x80, 0, 0, 0, 0, 0, 0, 0], [0x80, 0, 0, 0, 0, 0, 0, 0], MAC);
    expect(ascii.decode(bytes)).toEqual({ mti: '0800', fields: { 65: Uint8Array.from(MAC) } });
    expect(toHex(ascii.encode(ascii.decode(bytes)))).toBe(toHex(bytes));
  });

  it('writes the tertiary bitmap for a field above 128 even when the spec always writes a secondary', () => {
    const codec = loose(
      defineSpec({
        name: 'core-always-tertiary',
        mti: { encoding: 'ascii' },
        bitmap: { format: 'binary', tertiary: true, alwaysSecondary: true },
        fields: { 11: { kind: 'n', length: 6, encoding: 'ascii' }, 130: { kind: 'n', length: 2, encoding: 'ascii' } },
      }),
    );
    const out = codec.encode({ mti: '0100', fields: { 130: '13' } });
    expect(toHex(out)).toBe(hexOf('0100') + '8000000000000000' + '8000000000000000' + '4000000000000000' + hexOf('13'));
    expect(codec.decode(out).fields).toEqual({ 130: '13' });
  });
});

describe('what decode and peek accept as a frame', () => {
  const bytes = ascii.encode({ mti: '0800', fields: { 11: '000001' } });

  it('is a Uint8Array only: an array of the same numbers is INVALID_INPUT, and peek finds nothing in it', () => {
    expect(where(() => ascii.decode(Array.from(bytes) as never))).toEqual(['INVALID_INPUT', undefined, undefined]);
    expect(ascii.peek(Array.from(bytes) as never, [11])).toEqual({ mti: undefined, fields: {} });
    // A Buffer is a Uint8Array.
    expect(ascii.decode(Buffer.from(bytes)).fields).toEqual({ 11: '000001' });
  });

  it('gives binary values of a Buffer frame as plain copies that reusing the Buffer leaves unchanged', () => {
    const pinBlock = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const emv = Uint8Array.from([0x9f, 0x26, 0x02, 0xab, 0xcd]);
    const frame = Buffer.from(ascii.encode({ mti: '0100', fields: { 52: pinBlock, 55: emv } }));
    const decoded = ascii.decode(frame);
    const peeked = ascii.peek(frame, [55]);
    const ber = createCodec(structuredPreset(presets.iso87binary));
    const berFrame = Buffer.from(ber.encode({ mti: '0100', fields: { 55: [{ tag: '9F26', value: Uint8Array.from([9, 9, 9, 9]) }] } }));
    const berDecoded = ber.decode(berFrame);
    const dataset = createCodec(resolveSpec('specs/dataset-demo.json'));
    const datasetFrame = Buffer.from(dataset.encode({ mti: '0100', fields: { 62: [{ id: '71', elements: [{ tag: '01', value: Uint8Array.from([7, 7]) }] }] } } as never));
    const datasetDecoded = dataset.decode(datasetFrame);
    // The caller reuses its read buffers, as a socket reader over one pooled buffer does.
    for (const b of [frame, berFrame, datasetFrame]) b.fill(0xee);
    for (const value of [decoded.fields[52], decoded.fields[55], peeked.fields[55]]) expect(Object.getPrototypeOf(value)).toBe(Uint8Array.prototype);
    expect(decoded.fields[52]).toEqual(pinBlock);
    expect(decoded.fields[55]).toEqual(emv);
    expect(peeked.fields[55]).toEqual(emv);
    expect(berDecoded.fields[55]).toEqual([{ tag: '9F26', value: Uint8Array.from([9, 9, 9, 9]) }]);
    expect(datasetDecoded.fields[62]).toEqual([{ id: '71', elements: [{ tag: '01', value: Uint8Array.from([7, 7]) }] }]);
  });

  it('reads binary values of a Uint8Array subclass whose species is not a typed array', () => {
    class Odd extends Uint8Array {
      static get [Symbol.species]() {
        return Array;
      }
    }
    const emv = Uint8Array.from([0x9f, 0x26, 0x02, 0xab, 0xcd]);
    expect(ascii.decode(Odd.from(ascii.encode({ mti: '0100', fields: { 55: emv } }))).fields).toEqual({ 55: emv });
    // The tags of BER-TLV and dataset elements too, read from the same bytes.
    const ber = createCodec(structuredPreset(presets.iso87binary));
    const entries = [{ tag: '9F26', value: Uint8Array.from([9, 9]) }];
    expect(ber.decode(Odd.from(ber.encode({ mti: '0100', fields: { 55: entries } }))).fields).toEqual({ 55: entries });
    const dataset = createCodec(resolveSpec('specs/dataset-demo.json'));
    const datasets = [{ id: '71', elements: [{ tag: '01', value: Uint8Array.from([7]) }] }];
    expect(dataset.decode(Odd.from(dataset.encode({ mti: '0100', fields: { 62: datasets } } as never))).fields).toEqual({ 62: datasets });
  });

  it('takes the wanted fields of peek as an array only', () => {
    expect(ascii.peek(bytes, [11])).toEqual({ mti: '0800', fields: { 11: '000001' } });
    expect(ascii.peek(bytes, new Set([11]) as never)).toEqual({ mti: undefined, fields: {} });
    expect(ascii.peek(bytes, '11' as never)).toEqual({ mti: undefined, fields: {} });
  });
});

describe('peek', () => {
  const request = ascii.encode({ mti: '0100', fields: { 2: '4111111111111111', 11: '000042', 41: 'TERM0001', 70: '301' } });

  it('finds every wanted field whatever the order of the list, up to the highest one', () => {
    expect(ascii.peek(request, [41, 11])).toEqual({ mti: '0100', fields: { 11: '000042', 41: 'TERM0001' } });
    expect(ascii.peek(request, [70, 2])).toEqual({ mti: '0100', fields: { 2: '4111111111111111', 70: '301' } });
  });

  it('reads DE2, the first data element, and a field on the secondary bitmap', () => {
    expect(ascii.peek(request, [2])).toEqual({ mti: '0100', fields: { 2: '4111111111111111' } });
    expect(ascii.peek(request, [70])).toEqual({ mti: '0100', fields: { 70: '301' } });
  });

  it('stops at the highest wanted field: what follows it may be anything', () => {
    // Everything after DE11 is cut off; DE11 still comes back.
    const cut = request.subarray(0, 4 + 16 + 2 + 16 + 6 + 3);
    expect(ascii.peek(cut, [11])).toEqual({ mti: '0100', fields: { 11: '000042' } });
    expect(ascii.peek(cut, [11, 41])).toEqual({ mti: '0100', fields: { 11: '000042' } });
  });

  it('reads no MTI from a frame shorter than its header, even when four digits are there', () => {
    const headed = loose(
      defineSpec({
        name: 'core-peek-header',
        header: { length: 5, encoding: 'ascii' },
        mti: { encoding: 'ascii' },
        bitmap: { format: 'binary' },
        fields: { 11: { kind: 'n', length: 6, encoding: 'ascii' } },
      }),
    );
    expect(headed.peek(te.encode('0800'), [11])).toEqual({ mti: undefined, fields: {} });
    const whole = headed.encode({ header: 'HEAD1', mti: '0800', fields: { 11: '000001' } });
    expect(headed.peek(whole, [11])).toEqual({ mti: '0800', fields: { 11: '000001' } });
    expect(headed.peek(whole.subarray(0, 8), [11])).toEqual({ mti: undefined, fields: {} });
  });
});

describe('what encode accepts as a message', () => {
  it('is a plain object: a function carrying mti and fields is INVALID_MESSAGE', () => {
    const fn = Object.assign(() => undefined, { mti: '0800', fields: { 11: '000001' } });
    expect(where(() => ascii.encode(fn as never))).toEqual(['INVALID_MESSAGE', undefined, undefined]);
  });

  it('has fields as an object: null, a number, a string, an array or bytes are INVALID_MESSAGE', () => {
    const sparse: unknown[] = [];
    sparse[11] = '000001';
    for (const fields of [null, 5, '', 'abc', sparse, new Uint8Array(0), undefined]) {
      expect(where(() => ascii.encode({ mti: '0800', fields } as never)), describeValue(fields)).toEqual([
        'INVALID_MESSAGE',
        undefined,
        undefined,
      ]);
    }
  });
});

function describeValue(v: unknown): string {
  return Array.isArray(v) ? 'an array' : v instanceof Uint8Array ? 'bytes' : JSON.stringify(v) ?? String(v);
}
