import { describe, expect, it } from 'vitest';
import { type Codec, createCodec, defineSpec, type Message, presets, structuredPreset } from '../../src/index.js';
import { catchIso } from './errors-helper.js';

const loose = (spec: Parameters<typeof createCodec>[0]): Codec<Message> => createCodec(spec) as unknown as Codec<Message>;

describe('encode errors are located in the output', () => {
  it('puts an MTI that is not a string of four digits at the MTI, after the header', () => {
    const e = catchIso(() => loose(presets.iso87ascii).encode({ mti: '100', fields: {} }));
    expect([e.code, e.field, e.offset]).toEqual(['INVALID_MTI', 'mti', 0]);
    const headed = loose(
      defineSpec({ name: 'h', header: { length: 5, encoding: 'binary' }, mti: { encoding: 'ascii' }, bitmap: { format: 'binary' }, fields: { 11: presets.iso87ascii.fields[11] } }),
    );
    const e2 = catchIso(() => headed.encode({ header: new Uint8Array(5), mti: 100 as never, fields: {} }));
    expect([e2.code, e2.field, e2.offset]).toEqual(['INVALID_MTI', 'mti', 5]);
  });

  it('counts the offset of a bad subfield from the start of the output, not from the start of its field', () => {
    const codec = loose(structuredPreset(presets.iso87ascii));
    // MTI 4, two bitmaps 16, DE11 6: DE127 at 26, its LLL prefix 3, its sub-bitmap 8, subfield 2 ("002ok") 5.
    const e = catchIso(() => codec.encode({ mti: '0100', fields: { 11: '000001', 127: { 2: 'ok', 3: 5 as never } } }));
    expect([e.code, e.field, e.offset]).toEqual(['INVALID_VALUE_TYPE', '127.3', 42]);
    // MTI 4, one bitmap 8, DE11 6: DE55 at 18, its LLL prefix 3.
    const e2 = catchIso(() => codec.encode({ mti: '0100', fields: { 11: '000001', 55: [{ tag: '9F02', value: 'x' }] } }));
    expect([e2.code, e2.field, e2.offset]).toEqual(['INVALID_VALUE_TYPE', '55.9F02', 21]);
  });

  it('counts nested containers and binary prefixes too', () => {
    const codec = loose(
      defineSpec({
        name: 'nested',
        mti: { encoding: 'ascii' },
        bitmap: { format: 'binary' },
        fields: {
          60: {
            kind: 'ans', length: 999, prefix: 'B2', encoding: 'ascii',
            subfields: {
              type: 'positional',
              fields: {
                1: { kind: 'an', length: 2, encoding: 'ascii' },
                2: {
                  kind: 'ans', length: 99, prefix: 'LL/ascii', encoding: 'ascii',
                  subfields: { type: 'positional', fields: { 1: { kind: 'n', length: 3, encoding: 'ascii' } } },
                },
              },
            },
          },
        },
      }),
    );
    // MTI 4, bitmap 8: DE60 at 12, B2 prefix 2, 60.1 takes 2, 60.2 at 16, its LL prefix 2: 60.2.1 at 18, its X at 20.
    const e = catchIso(() => codec.encode({ mti: '0100', fields: { 60: { 1: 'AB', 2: { 1: '12X' } } } }));
    expect([e.code, e.field, e.offset]).toEqual(['INVALID_CHARACTER', '60.2.1', 20]);
    expect(codec.decode(codec.encode({ mti: '0100', fields: { 60: { 1: 'AB', 2: { 1: '123' } } } })).fields[60]).toEqual({ 1: 'AB', 2: { 1: '123' } });
  });
});
