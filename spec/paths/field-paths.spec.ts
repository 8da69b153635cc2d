import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createCodec, defineSpec, describe as describeMessage, type Infer, parseHexText, presets, structuredPreset } from '../../src/index.js';
import { fieldPaths } from '../../src/paths/field-paths.js';
import { catchIso } from '../message/errors-helper.js';
import { nestedSpec, pathSpec, strictTagSpec } from './path-specs.js';

type M = Infer<typeof pathSpec>;
const paths = fieldPaths(pathSpec);
const codec = createCodec(pathSpec);
const track = { pan: '4111111111111111', expiry: '2812', serviceCode: '201', discretionary: '0000' };
const cryptogram = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);

/** A message with a value in every layout, and its deep copy to compare against after each call. */
function sample(): M {
  return {
    mti: '0100',
    fields: {
      2: track.pan,
      3: { 1: '00', 2: '30', 3: '00' },
      11: '004711',
      35: { ...track },
      48: [{ tag: 'AB', value: 'xyz' }, { tag: 'BB', value: '000123' }],
      55: [
        { tag: '9F26', value: cryptogram.slice() },
        { tag: '70', value: [{ tag: '57', value: Uint8Array.of(0x41, 0x11) }] },
      ],
      127: { 2: 'ref', 3: { 1: '0001', 2: 'ABCDEFGH' } },
    },
  };
}

describe('fieldPaths get and has', () => {
  const m = sample();

  it('read a data element, a positional subfield, a bitmapped subfield and one nested below it', () => {
    expect(paths.get(m, '11')).toBe('004711');
    expect(paths.get(m, '3.2')).toBe('30');
    expect(paths.get(m, '127.2')).toBe('ref');
    expect(paths.get(m, '127.3.2')).toBe('ABCDEFGH');
  });

  it('read a TLV tag, a BER-TLV primitive, a constructed tag and a tag inside it, and a Track 2 part', () => {
    expect(paths.get(m, '48.AB')).toBe('xyz');
    expect(paths.get(m, '48.BB')).toBe('000123');
    expect(paths.get(m, '55.9F26')).toEqual(cryptogram);
    expect(paths.get(m, '55.70')).toEqual([{ tag: '57', value: Uint8Array.of(0x41, 0x11) }]);
    expect(paths.get(m, '55.70.57')).toEqual(Uint8Array.of(0x41, 0x11));
    expect(paths.get(m, '35.serviceCode')).toBe('201');
  });

  it('give undefined (and has false) for a path of the spec the message does not hold, however deep', () => {
    const empty: M = { mti: '0100', fields: {} };
    for (const path of ['4', '3.1', '35.pan', '127.4', '127.3.1', '48.ZZ', '55.9F02', '55.71.86']) {
      expect(paths.get(empty, path)).toBeUndefined();
      expect(paths.has(empty, path)).toBe(false);
    }
    expect(paths.has(m, '55.70.57')).toBe(true);
    expect(paths.has(m, '55.71')).toBe(false);
  });

  it('read the first entry of a TLV tag that is repeated', () => {
    const twice: M = { mti: '0100', fields: { 48: [{ tag: 'AB', value: 'one' }, { tag: 'AB', value: 'two' }] } };
    expect(paths.get(twice, '48.AB')).toBe('one');
  });

  it('give the value itself, not a copy', () => {
    expect(paths.get(m, '55.70')).toBe(m.fields[55]![1]!.value);
    expect(paths.get(m, '3')).toBe(m.fields[3]);
  });

  it('take a path computed at run time (a string) the same way', () => {
    const path: string = ['55', '70', '57'].join('.');
    expect(paths.get(m, path)).toEqual(Uint8Array.of(0x41, 0x11));
  });
});

describe('fieldPaths set', () => {
  it('returns a new message and leaves the given one, and every object in it, unchanged', () => {
    const m = sample();
    const before = structuredClone(m);
    const out = paths.set(m, '127.3.1', '0002');
    expect(m).toEqual(before);
    expect(out).not.toBe(m);
    expect(paths.get(out, '127.3.1')).toBe('0002');
    // Only the containers on the path are copied; the rest is shared with the message given.
    expect(out.fields[127]).not.toBe(m.fields[127]);
    expect(out.fields[127]![3]).not.toBe(m.fields[127]![3]);
    expect(out.fields[55]).toBe(m.fields[55]);
    expect(out.fields[35]).toBe(m.fields[35]);
  });

  it('replaces a value in every layout', () => {
    let m = sample();
    m = paths.set(m, '3.1', '20');
    m = paths.set(m, '48.AB', 'new');
    m = paths.set(m, '55.9F26', Uint8Array.of(9));
    m = paths.set(m, '55.70.57', Uint8Array.of(0x42));
    m = paths.set(m, '35.expiry', '3001');
    expect(m.fields[3]).toEqual({ 1: '20', 2: '30', 3: '00' });
    expect(m.fields[48]).toEqual([{ tag: 'AB', value: 'new' }, { tag: 'BB', value: '000123' }]);
    expect(m.fields[55]).toEqual([
      { tag: '9F26', value: Uint8Array.of(9) },
      { tag: '70', value: [{ tag: '57', value: Uint8Array.of(0x42) }] },
    ]);
    expect(m.fields[35]).toEqual({ ...track, expiry: '3001' });
  });

  it('creates absent bitmapped, TLV and BER-TLV containers (constructed tags included), new tags going last', () => {
    const empty: M = { mti: '0200', fields: {} };
    const out = paths.set(paths.set(paths.set(empty, '127.2', 'x'), '48.BB', '000001'), '55.71.86', Uint8Array.of(0x84));
    expect(out.fields).toEqual({ 127: { 2: 'x' }, 48: [{ tag: 'BB', value: '000001' }], 55: [{ tag: '71', value: [{ tag: '86', value: Uint8Array.of(0x84) }] }] });
    const more = paths.set(sample(), '55.9F36', Uint8Array.of(0, 1));
    expect(more.fields[55]!.map((e) => e.tag)).toEqual(['9F26', '70', '9F36']);
  });

  it('replaces the first entry of a repeated TLV tag only', () => {
    const twice: M = { mti: '0100', fields: { 48: [{ tag: 'AB', value: 'one' }, { tag: 'AB', value: 'two' }] } };
    expect(paths.set(twice, '48.AB', 'new').fields[48]).toEqual([{ tag: 'AB', value: 'new' }, { tag: 'AB', value: 'two' }]);
  });

  it('refuses to create a positional field or Track 2 from one part (INVALID_MESSAGE naming the field)', () => {
    const empty: M = { mti: '0100', fields: {} };
    for (const [path, field] of [['3.1', '3'], ['35.pan', '35'], ['127.3.1', '127.3']] as const) {
      const e = catchIso(() => paths.set(empty, path, '00'));
      expect({ code: e.code, field: e.field, offset: e.offset }).toEqual({ code: 'INVALID_MESSAGE', field, offset: undefined });
    }
    // Set whole, then by part.
    const whole = paths.set(empty, '3', { 1: '00', 2: '00', 3: '00' });
    expect(paths.set(whole, '3.2', '10').fields[3]).toEqual({ 1: '00', 2: '10', 3: '00' });
  });

  it('gives a message that encodes to what the value says', () => {
    const out = paths.set(paths.set(sample(), '127.3.2', 'ZZZZZZZZ'), '55.9F36', Uint8Array.of(0, 7));
    const decoded = codec.decode(codec.encode(out));
    expect(paths.get(decoded, '127.3.2')).toBe('ZZZZZZZZ');
    expect(paths.get(decoded, '55.9F36')).toEqual(Uint8Array.of(0, 7));
  });
});

describe('fieldPaths remove', () => {
  it('returns a new message without the value and leaves the given one unchanged', () => {
    const m = sample();
    const before = structuredClone(m);
    const out = paths.remove(m, '55.9F26');
    expect(m).toEqual(before);
    expect(paths.has(out, '55.9F26')).toBe(false);
    expect(paths.has(out, '55.70.57')).toBe(true);
  });

  it('removes a data element, a bitmapped subfield, a TLV tag (each of its entries) and a BER-TLV tag', () => {
    const twice: M = { ...sample(), fields: { ...sample().fields, 48: [{ tag: 'AB', value: '1' }, { tag: 'BB', value: '000001' }, { tag: 'AB', value: '2' }] } };
    expect(paths.remove(twice, '48.AB').fields[48]).toEqual([{ tag: 'BB', value: '000001' }]);
    expect(paths.remove(twice, '127.2').fields[127]).toEqual({ 3: { 1: '0001', 2: 'ABCDEFGH' } });
    expect('11' in paths.remove(twice, '11').fields).toBe(false);
    expect(paths.remove(twice, '55.70.57').fields[55]).toEqual([{ tag: '9F26', value: cryptogram }]);
  });

  it('removes the containers it leaves empty, up to the field, so it undoes a set that created them', () => {
    const empty: M = { mti: '0200', fields: { 11: '000001' } };
    for (const [path, value] of [['55.71.86', Uint8Array.of(1)], ['127.2', 'x'], ['48.AB', 'y']] as const) {
      expect(paths.remove(paths.set(empty, path, value), path)).toEqual(empty);
    }
    const onlyOne: M = { mti: '0100', fields: { 55: [{ tag: '70', value: [{ tag: '57', value: Uint8Array.of(1) }] }] } };
    expect(paths.remove(onlyOne, '55.70.57').fields).toEqual({});
  });

  it('keeps an emptied container that is a required part of a positional field', () => {
    const nested = fieldPaths(nestedSpec);
    const m: Infer<typeof nestedSpec> = { mti: '0100', fields: { 60: { 1: '01', 2: { 1: 'AB' } } } };
    expect(nested.remove(m, '60.2.1').fields).toEqual({ 60: { 1: '01', 2: {} } });
    // DE127.3 is optional inside the bitmapped DE127: removing it empties DE127, which goes too.
    expect(paths.remove({ mti: '0100', fields: { 127: { 3: { 1: '0001', 2: 'ABCDEFGH' } } } }, '127.3').fields).toEqual({});
  });

  it('gives back an equal copy when the path holds nothing', () => {
    const m = sample();
    const out = paths.remove(m, '55.9F02');
    expect(out).toEqual(m);
    expect(out).not.toBe(m);
    expect(out.fields).not.toBe(m.fields);
  });

  it('refuses a positional subfield or a Track 2 part (INVALID_MESSAGE naming it): they are required', () => {
    for (const path of ['3.1', '35.pan', '127.3.2']) {
      const e = catchIso(() => paths.remove(sample(), path));
      expect({ code: e.code, field: e.field }).toEqual({ code: 'INVALID_MESSAGE', field: path });
    }
  });
});

describe('fieldPaths checks paths against the spec', () => {
  const m = sample();
  const cases: readonly (readonly [string, string | undefined])[] = [
    ['', undefined],
    ['1', undefined],
    ['02', undefined],
    ['200', undefined],
    ['x.1', undefined],
    ['4111111111111111', undefined],
    ['2.1', '2'],
    ['3.4', '3'],
    ['3.01', '3'],
    ['3.1.1', '3.1'],
    ['127.5', '127'],
    ['127.3.3', '127.3'],
    ['48.ABC', '48'],
    ['48.AB.1', '48.AB'],
    ['55.9f26', '55'],
    ['55.9F', '55'],
    ['55.9F2', '55'],
    ['55.9F26.01', '55.9F26'],
    ['55.70.ZZ', '55.70'],
    ['35.track', '35'],
    ['35.pan.1', '35.pan'],
    ['55.', '55'],
  ];
  for (const [path, field] of cases) {
    it(`refuses ${JSON.stringify(path)} with UNKNOWN_PATH, field ${String(field)}, in get, has, set and remove`, () => {
      const calls = [
        () => paths.get(m, path),
        () => paths.has(m, path),
        () => paths.set(m, path, 'x'),
        () => paths.remove(m, path),
      ];
      for (const call of calls) {
        const e = catchIso(call);
        expect({ code: e.code, field: e.field, offset: e.offset }).toEqual({ code: 'UNKNOWN_PATH', field, offset: undefined });
        expect(e.message).not.toContain('4111111111111111');
      }
    });
  }

  it('refuses the same paths on a message without those fields: the spec decides, not the message', () => {
    const computed: string = '127.5';
    const e = catchIso(() => paths.get({ mti: '0100', fields: {} }, computed));
    expect(e.code).toBe('UNKNOWN_PATH');
  });

  it('takes only the tags a layout that rejects unknown tags lists', () => {
    const strict = fieldPaths(strictTagSpec);
    const m: Infer<typeof strictTagSpec> = { mti: '0100', fields: { 48: [{ tag: 'AA', value: 'v' }] } };
    expect(strict.get(m, '48.AA')).toBe('v');
    expect(strict.get(m, '55.70.57')).toBeUndefined();
    for (const [path, field] of [['48.AB', '48'], ['55.9F02', '55'], ['55.70.5A', '55.70']] as const) {
      const e = catchIso(() => strict.get(m, path as string));
      expect({ code: e.code, field: e.field }).toEqual({ code: 'UNKNOWN_PATH', field });
    }
  });
});

describe('fieldPaths refuses what is not a message or a path', () => {
  it('refuses a message that is not an object of fields with INVALID_MESSAGE, without field', () => {
    for (const bad of [null, 'text', { mti: '0100' }, { mti: '0100', fields: [] }]) {
      const e = catchIso(() => paths.get(bad as never, '11'));
      expect({ code: e.code, field: e.field }).toEqual({ code: 'INVALID_MESSAGE', field: undefined });
    }
  });

  it('refuses a value on the path without its layout’s shape with INVALID_MESSAGE naming the container', () => {
    const flat = { mti: '0100', fields: { 55: Uint8Array.of(0x9f, 0x26, 0), 127: 'flat', 48: ['AB'] } } as never;
    for (const [path, field] of [['55.9F26', '55'], ['127.2', '127'], ['48.AB', '48']] as const) {
      for (const call of [() => paths.get(flat, path), () => paths.set(flat, path, 'x' as never), () => paths.remove(flat, path)]) {
        const e = catchIso(call);
        expect({ code: e.code, field: e.field }).toEqual({ code: 'INVALID_MESSAGE', field });
      }
    }
  });

  it('turns a throwing getter of the message into INVALID_MESSAGE without its text', () => {
    const m = { mti: '0100', get fields(): never { throw new Error('4111111111111111'); } };
    const e = catchIso(() => paths.get(m as never, '11'));
    expect(e.code).toBe('INVALID_MESSAGE');
    expect(e.message).not.toContain('4111');
  });

  it('refuses a path that is not a string, and set without a value, with INVALID_OPTION', () => {
    expect(catchIso(() => paths.get(sample(), 55 as never)).code).toBe('INVALID_OPTION');
    expect(catchIso(() => paths.set(sample(), '11', undefined as never)).code).toBe('INVALID_OPTION');
  });

  it('validates the spec once, as createCodec does (INVALID_SPEC)', () => {
    expect(catchIso(() => fieldPaths({ name: 'x', mti: { encoding: 'ascii' }, bitmap: { format: 'binary' }, fields: { 1: presets.iso87ascii.fields[2] } })).code).toBe(
      'INVALID_SPEC',
    );
  });
});

describe('fieldPaths speaks the paths the rest of the library names', () => {
  it('accepts every path describe prints for a decoded frame, and finds a value there', () => {
    const spec = structuredPreset(presets.iso87ascii);
    const frame = parseHexText(readFileSync(new URL('../../fixtures/ascii-0100-purchase.hex', import.meta.url), 'utf8'));
    const decoded = createCodec(spec).decode(frame);
    const printed = describeMessage(decoded, spec)
      .split('\n')
      .map((line) => line.trim().split(/\s+/)[0]!)
      .filter((first) => /^[0-9]+(\.[0-9A-Za-z]+)*$/.test(first));
    expect(printed).toContain('55.9F02');
    expect(printed).toContain('35.pan');
    const p = fieldPaths(spec);
    for (const path of printed) expect(p.has(decoded, path), path).toBe(true);
  });

  it('takes the tags of EMV_TAGS in a BER-TLV layout that rejects unknown tags and lists none', () => {
    const spec = defineSpec({
      name: 'emv-only',
      mti: { encoding: 'ascii' },
      bitmap: { format: 'binary' },
      fields: { 55: { kind: 'b', length: 255, prefix: 'LLL/ascii', encoding: 'binary', subfields: { type: 'ber-tlv', unknownTags: 'reject' } } },
    });
    const p = fieldPaths(spec);
    expect(p.has({ mti: '0100', fields: {} }, '55.9F26')).toBe(false);
    const e = catchIso(() => p.get({ mti: '0100', fields: {} }, 'DF01'.replace(/^/, '55.')));
    expect({ code: e.code, field: e.field }).toEqual({ code: 'UNKNOWN_PATH', field: '55' });
  });

  it('checks the path in set, not the value: encode refuses a value of the wrong type', () => {
    const wrong = paths.set(sample(), '55.9F26', 'not bytes' as never);
    expect(paths.get(wrong, '55.9F26')).toBe('not bytes');
    expect(catchIso(() => codec.encode(wrong)).code).toBe('INVALID_VALUE_TYPE');
  });
});
