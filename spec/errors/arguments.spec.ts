import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  adviceMti,
  buildIso87Preset,
  createCodec,
  defineSpec,
  formatTrack2,
  getConverter,
  isIso8583Error,
  isRepeatMti,
  isResponseMti,
  mtiParts,
  parseHexText,
  parseTrack2,
  presets,
  registerConverter,
  repeatMti,
  responseMti,
  specFromJSON,
  specToJSON,
  structuredPreset,
  toHex,
  validateFieldSpec,
  validateSpec,
  withSubfields,
} from '../../src/index.js';
import { arbitraryFieldValue, arbitraryFrame, arbitraryMessage, fieldAlphabet } from '../../src/testing/index.js';
import { catchIso } from '../message/errors-helper.js';

/** Calls with arguments a plain JavaScript caller can pass; the compiler would refuse them. */
const call = (fn: unknown, ...args: unknown[]): unknown => (fn as (...a: unknown[]) => unknown)(...args);
const ascii = presets.iso87ascii;
const codec = createCodec(ascii);

/** Asserts `fn` throws an Iso8583Error with `code` whose text contains every one of `names`. */
function refuses(fn: () => unknown, code: string, ...names: string[]): void {
  const e = catchIso(fn);
  expect(e.code).toBe(code);
  for (const name of names) expect(e.message).toContain(name);
}

describe('spec entry points name the argument they refuse', () => {
  it('createCodec, validateSpec, specFromJSON, specToJSON and defineSpec refuse a spec that is not an object', () => {
    for (const bad of [undefined, null, 1, 'spec', []]) {
      refuses(() => call(createCodec, bad), 'INVALID_SPEC', 'spec must be an object');
      refuses(() => call(validateSpec, bad), 'INVALID_SPEC', 'spec must be an object');
      refuses(() => call(specToJSON, bad), 'INVALID_SPEC', 'spec must be an object');
      refuses(() => call(defineSpec, bad), 'INVALID_SPEC', 'defineSpec', 'spec must be an object');
      if (typeof bad !== 'string') refuses(() => call(specFromJSON, bad), 'INVALID_SPEC', 'spec must be an object');
    }
    refuses(() => specFromJSON('{"name": '), 'INVALID_SPEC', 'not valid JSON');
  });

  it('validateFieldSpec refuses a path that is not a field name', () => {
    for (const bad of [undefined, 2, '']) refuses(() => call(validateFieldSpec, ascii.fields[2], bad), 'INVALID_OPTION', 'validateFieldSpec', 'path');
    refuses(() => call(validateFieldSpec, undefined, '2'), 'INVALID_SPEC', 'field spec must be an object');
  });

  it('withSubfields refuses a spec, a layouts argument or a layout that is not one, and a field the spec lacks', () => {
    refuses(() => call(withSubfields, undefined, {}), 'INVALID_SPEC', 'withSubfields', 'spec');
    refuses(() => call(withSubfields, { name: 'x' }, {}), 'INVALID_SPEC', 'withSubfields', 'field table');
    refuses(() => call(withSubfields, ascii), 'INVALID_OPTION', 'withSubfields', 'layouts', 'undefined');
    refuses(() => call(withSubfields, ascii, 5), 'INVALID_OPTION', 'withSubfields', 'layouts', 'a number');
    refuses(() => call(withSubfields, ascii, { x: { type: 'track2' } }), 'INVALID_OPTION', 'withSubfields', 'field numbers');
    refuses(() => call(withSubfields, ascii, { 35: 'track2' }), 'INVALID_OPTION', 'withSubfields', 'layouts[35]', 'a string');
    const tiny = { name: 't', mti: { encoding: 'ascii' }, bitmap: { format: 'binary' }, fields: { 2: ascii.fields[2] } } as const;
    // @ts-expect-error the spec has no DE35: a type error too
    refuses(() => withSubfields(tiny, { 35: { type: 'track2' } }), 'INVALID_SPEC', 'withSubfields', 'layouts[35]', 'does not define');
  });

  it('structuredPreset refuses a preset that is not a spec and options it does not know or cannot use', () => {
    refuses(() => call(structuredPreset), 'INVALID_SPEC', 'structuredPreset', 'spec');
    refuses(() => call(structuredPreset, ascii, 5), 'INVALID_OPTION', 'structuredPreset', 'options', 'a number');
    refuses(() => call(structuredPreset, ascii, { de55: {} }), 'INVALID_OPTION', 'structuredPreset', 'unknown option "de55"');
    refuses(() => call(structuredPreset, ascii, { de48: 5 }), 'INVALID_OPTION', 'structuredPreset', 'options.de48', 'a number');
    refuses(() => call(structuredPreset, ascii, { de48: { type: 'ber-tlv' } }), 'INVALID_OPTION', 'options.de48', 'TLV layout');
    refuses(() => call(structuredPreset, ascii, { de127: [] }), 'INVALID_OPTION', 'options.de127', 'an array');
    const without48 = { ...ascii, fields: { 2: ascii.fields[2], 35: ascii.fields[35] } };
    refuses(
      // @ts-expect-error the preset has no DE48: a type error too
      () => structuredPreset(without48, { de48: { type: 'tlv', tagLength: 2, lengthDigits: 2, encoding: 'ascii' } }),
      'INVALID_OPTION',
      'options.de48 needs field 48',
    );
    // A preset without DE55 or DE127 gets the layouts of the fields it has.
    expect(createCodec(structuredPreset(without48)).spec.fields[35]?.subfields).toEqual({ type: 'track2' });
  });

  it('buildIso87Preset refuses a dialect that is not one, naming the property', () => {
    refuses(() => call(buildIso87Preset), 'INVALID_OPTION', 'buildIso87Preset', 'dialect', 'undefined');
    const dialect = { name: 'd', mtiEncoding: 'ascii', textEncoding: 'ascii', numericEncoding: 'ascii', trackEncoding: 'ascii', prefixEncoding: 'ascii' } as const;
    for (const key of Object.keys(dialect)) {
      refuses(() => call(buildIso87Preset, { ...dialect, [key]: 7 }), 'INVALID_OPTION', 'buildIso87Preset', `dialect.${key}`, 'a number');
    }
    expect(createCodec(buildIso87Preset(dialect)).spec.name).toBe('d');
  });

  it('registerConverter refuses a converter without the members the codec calls, naming the member', () => {
    refuses(() => call(registerConverter), 'INVALID_SPEC', 'non-empty name');
    refuses(() => call(registerConverter, { name: 'args-empty' }), 'INVALID_SPEC', 'registerConverter', 'converter.valueType');
    const ascii7 = getConverter('ascii');
    refuses(() => registerConverter({ ...ascii7, name: 'args-units', lengthUnits: [] }), 'INVALID_SPEC', 'converter.lengthUnits');
    refuses(() => call(registerConverter, { ...ascii7, name: 'args-decode', decode: 'no' }), 'INVALID_SPEC', 'converter.decode');
    refuses(() => call(registerConverter, { ...ascii7, name: 'args-charset', charset: [1] }), 'INVALID_SPEC', 'converter.charset');
    refuses(() => call(getConverter, undefined), 'UNKNOWN_CONVERTER', 'no converter');
  });
});

describe('codec and helper entry points', () => {
  it('decode, encode and the MTI helpers refuse what is not a frame, a message or an MTI', () => {
    refuses(() => call(codec.decode, undefined), 'INVALID_INPUT', 'frame must be a Uint8Array, got undefined');
    refuses(() => call(codec.encode, 'x'), 'INVALID_MESSAGE', 'message must be an object, got a string');
    for (const helper of [mtiParts, responseMti, repeatMti, adviceMti, isRepeatMti, isResponseMti]) {
      for (const bad of [undefined, 100, '01000', '01a0']) refuses(() => call(helper, bad), 'INVALID_MTI', 'MTI must be a string of four digits');
    }
    expect(codec.peek(undefined as never, undefined as never)).toEqual({ mti: undefined, fields: {} });
  });

  it('parseHexText, parseTrack2 and formatTrack2 refuse arguments of the wrong type', () => {
    refuses(() => call(parseHexText, undefined), 'INVALID_INPUT', 'parseHexText', 'text must be a string', 'undefined');
    refuses(() => call(parseTrack2, undefined, '=', '35', 0), 'INVALID_VALUE_TYPE', 'parseTrack2', 'text must be a string');
    refuses(() => call(parseTrack2, '4111=2812201', '/', '35', 0), 'INVALID_OPTION', 'parseTrack2', 'separator');
    refuses(() => call(formatTrack2, {}, undefined, '35', 0), 'INVALID_OPTION', 'formatTrack2', 'separator');
  });
});

describe('the arbitraries of iso8583-codec/testing check their arguments and options', () => {
  it('refuse a field spec that is not one', () => {
    refuses(() => call(fieldAlphabet), 'INVALID_SPEC', 'field spec must be an object');
    refuses(() => call(arbitraryFieldValue, { kind: 'n' }), 'INVALID_SPEC', 'length');
  });

  it('arbitraryMessage and arbitraryFrame refuse unknown options and option values they cannot use', () => {
    refuses(() => call(arbitraryMessage), 'INVALID_SPEC', 'spec must be an object');
    refuses(() => call(arbitraryMessage, ascii, 5), 'INVALID_OPTION', 'arbitraryMessage', 'options must be an object');
    refuses(() => call(arbitraryMessage, ascii, { maxFeilds: 3 }), 'INVALID_OPTION', 'unknown option "maxFeilds"');
    refuses(() => call(arbitraryMessage, ascii, { fields: 5 }), 'INVALID_OPTION', 'options.fields', 'an array of field numbers');
    refuses(() => call(arbitraryMessage, ascii, { only: ['2'] }), 'INVALID_OPTION', 'options.only', 'a string');
    refuses(() => call(arbitraryMessage, ascii, { fields: [1] }), 'INVALID_OPTION', 'options.fields holds 1', 'does not define');
    refuses(() => call(arbitraryMessage, ascii, { maxFields: -1 }), 'INVALID_OPTION', 'options.maxFields');
    refuses(() => call(arbitraryMessage, ascii, { mti: 100 }), 'INVALID_OPTION', 'options.mti', 'four digits');
    refuses(() => call(arbitraryFrame, ascii), 'INVALID_OPTION', 'arbitraryFrame', 'encode', 'undefined');
    refuses(() => call(arbitraryFrame, ascii, codec.encode, { mti: '01' }), 'INVALID_OPTION', 'arbitraryFrame', 'options.mti');
    // Options that are right still work.
    const [m] = fc.sample(arbitraryMessage(ascii, { fields: [2], only: [4], maxFields: 1, mti: '0200' }), { numRuns: 1, seed: 1 });
    expect(m?.mti).toBe('0200');
    expect(m?.fields[2]).toBeDefined();
  });
});

describe('a sweep of hostile arguments', () => {
  const entryPoints: Record<string, (a: unknown, b: unknown) => unknown> = {
    createCodec: (a) => call(createCodec, a),
    validateSpec: (a) => call(validateSpec, a),
    validateFieldSpec: (a, b) => call(validateFieldSpec, a, b),
    defineSpec: (a) => call(defineSpec, a),
    specFromJSON: (a) => call(specFromJSON, a),
    specToJSON: (a) => call(specToJSON, a),
    withSubfields: (a, b) => call(withSubfields, a, b),
    'withSubfields(preset)': (a) => call(withSubfields, ascii, a),
    structuredPreset: (a, b) => call(structuredPreset, a, b),
    'structuredPreset(preset)': (a) => call(structuredPreset, ascii, a),
    buildIso87Preset: (a) => call(buildIso87Preset, a),
    mtiParts: (a) => call(mtiParts, a),
    responseMti: (a) => call(responseMti, a),
    parseHexText: (a) => call(parseHexText, a),
    parseTrack2: (a, b) => call(parseTrack2, a, b, '35', 0),
    formatTrack2: (a, b) => call(formatTrack2, a, b, '35', 0),
    decode: (a) => call(codec.decode, a),
    encode: (a) => call(codec.encode, a),
    fieldAlphabet: (a) => call(fieldAlphabet, a),
    arbitraryFieldValue: (a) => call(arbitraryFieldValue, a),
    arbitraryMessage: (a, b) => call(arbitraryMessage, a, b),
    'arbitraryMessage(preset)': (a) => call(arbitraryMessage, ascii, a),
    arbitraryFrame: (a, b) => call(arbitraryFrame, ascii, a, b),
  };

  it('only ever produce an Iso8583Error, never a raw TypeError', () => {
    const hostile = fc.oneof(fc.anything(), fc.constantFrom(undefined, null, [], {}, { fields: null }, { fields: 5 }, { type: 5 }, Symbol('s')));
    for (const [name, fn] of Object.entries(entryPoints)) {
      fc.assert(
        fc.property(hostile, hostile, (a, b) => {
          try {
            fn(a, b);
          } catch (e) {
            if (!isIso8583Error(e)) throw new Error(`${name} threw ${String(e)}`);
          }
        }),
        { numRuns: 150 },
      );
    }
  });
});

describe('errors of the caller\'s own code are replaced, not wrapped (docs/security.md)', () => {
  const PAN = '4111111111111111';
  const trap = (): never => {
    throw new TypeError(`bad card ${PAN}`);
  };
  const trapAll = (target: object = {}): object =>
    new Proxy(target, { get: trap, has: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, getPrototypeOf: trap });
  const revoked = (): object => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  };
  /** A spec whose `fields` getter throws, and one whose field 2 is a proxy whose traps throw. */
  const getterSpec = Object.defineProperty({ ...ascii }, 'fields', { enumerable: true, get: trap });
  const trappedField = { ...ascii, fields: { ...ascii.fields, 2: trapAll() } };

  /** Asserts `fn` throws an Iso8583Error with `code` whose texts hold neither the PAN nor the thrown text. */
  function replaces(fn: () => unknown, code: string): void {
    const e = catchIso(fn);
    expect(e.code).toBe(code);
    expect(`${e.message} ${e.detail} ${String(e.field)}`).not.toMatch(/4111111111111111|bad card/);
  }

  it('createCodec, validateSpec, specToJSON, specFromJSON, structuredPreset and withSubfields replace a throwing getter or trap', () => {
    for (const spec of [getterSpec, trappedField, trapAll(), revoked()]) {
      replaces(() => call(createCodec, spec), 'INVALID_SPEC');
      replaces(() => call(validateSpec, spec), 'INVALID_SPEC');
      replaces(() => call(specToJSON, spec), 'INVALID_SPEC');
      replaces(() => call(specFromJSON, spec), 'INVALID_SPEC');
      replaces(() => call(arbitraryMessage, spec), 'INVALID_SPEC');
    }
    for (const spec of [getterSpec, trapAll(), revoked()]) {
      replaces(() => call(structuredPreset, spec), 'INVALID_SPEC');
      replaces(() => call(withSubfields, spec, {}), 'INVALID_SPEC');
    }
    replaces(() => call(createCodec, call(withSubfields, trappedField, {})), 'INVALID_SPEC');
    replaces(() => call(defineSpec, revoked()), 'INVALID_SPEC');
    replaces(() => call(structuredPreset, ascii, trapAll()), 'INVALID_OPTION');
    replaces(() => call(structuredPreset, ascii, { de48: trapAll() }), 'INVALID_OPTION');
    replaces(() => call(withSubfields, ascii, trapAll()), 'INVALID_OPTION');
    replaces(() => call(buildIso87Preset, trapAll()), 'INVALID_OPTION');
    replaces(() => call(registerConverter, trapAll()), 'INVALID_SPEC');
    replaces(() => call(registerConverter, { ...getConverter('ascii'), name: 'args-trap', get lengthUnits() { return trap(); } }), 'INVALID_SPEC');
    replaces(() => call(validateFieldSpec, trapAll(), '2'), 'INVALID_SPEC');
    replaces(() => call(fieldAlphabet, trapAll()), 'INVALID_SPEC');
    replaces(() => call(formatTrack2, trapAll(), '=', '35', 0), 'INVALID_MESSAGE');
    replaces(() => call(formatTrack2, { pan: PAN, expiry: '2812', serviceCode: '101', discretionary: '' }, '=', trapAll(), 0), 'INVALID_OPTION');
    replaces(() => call(parseTrack2, `${PAN}=2812101`, '=', '35', { valueOf: () => 0 }), 'INVALID_OPTION');
  });

  it('never quotes a name that could be a PAN: kinds, encodings, prefixes, layouts, keys and converter names', () => {
    const field = (patch: object) => ({ ...ascii, fields: { 2: { ...ascii.fields[2], ...patch } } });
    for (const spec of [
      field({ kind: PAN }),
      field({ encoding: PAN }),
      field({ encoding: '4111-1111-1111-1111' }),
      field({ prefix: `LL/${PAN}` }),
      field({ lengthUnit: { toString: () => PAN } }),
      field({ kind: { toString: trap } }),
      field({ subfields: { type: PAN } }),
      { ...ascii, fields: { [PAN]: ascii.fields[2] } },
      { ...ascii, fields: { [`x${PAN}`]: ascii.fields[2] } },
      { ...ascii, mti: { encoding: PAN } },
      { ...ascii, fields: { 127: { ...ascii.fields[127], subfields: { type: 'bitmapped', bitmap: { format: 'binary' }, fields: { [PAN]: ascii.fields[2] } } } } },
    ]) {
      replaces(() => validateSpec(spec), 'INVALID_SPEC');
    }
    for (const name of [PAN, `A${PAN}`, Object.create(null), { toString: () => PAN }, trapAll(), revoked()]) replaces(() => call(getConverter, name), 'UNKNOWN_CONVERTER');
    replaces(() => call(withSubfields, ascii, { [PAN]: { type: 'track2' } }), 'INVALID_OPTION');
    // Plain names still are quoted: they say what is wrong.
    expect(catchIso(() => validateSpec(field({ encoding: 'morse' }))).detail).toContain('"morse"');
    expect(catchIso(() => getConverter('ebcdic9999')).detail).toBe('no converter is registered as "ebcdic9999"');
  });

  it('quotes a name only when it is 1 to 32 letters, digits and _ . + / - with at most 4 digits (docs/security.md)', () => {
    const shown = (name: string): boolean => catchIso(() => getConverter(name as never)).detail.includes(`"${name}"`);
    for (const name of ['a'.repeat(32), 'ab1234', '12a34', 'a_b.c+d/e-f', 'x']) expect(shown(name), name).toBe(true);
    for (const name of ['a'.repeat(33), 'ab12345', '1a2b3c4d5', 'a b', 'a:b', 'a,b', 'é', '']) {
      expect(shown(name), name).toBe(false);
      expect(catchIso(() => getConverter(name as never)).detail).toBe('no converter is registered as a string that is not shown (not a plain name)');
    }
  });

  it('toHex refuses what is not a Uint8Array, and reads a lying subclass by its real length', () => {
    for (const bad of [undefined, null, 'ab', PAN, { length: 2 }, [1, 2], new Uint16Array(2), trapAll(), revoked(), trapAll(new Uint8Array(2))]) {
      refuses(() => call(toHex, bad), 'INVALID_INPUT', 'toHex: bytes must be a Uint8Array');
    }
    class Lying extends Uint8Array {
      override get length(): number {
        return 2 ** 31;
      }
    }
    expect(toHex(new Lying([0x9f, 0x02]))).toBe('9F02');
    expect(toHex(Buffer.from([0, 255]))).toBe('00FF');
  });

  it('codec.peek never throws, for proxies, revoked proxies and throwing iterables', () => {
    const empty = { mti: undefined, fields: {} };
    const frame = codec.encode({ mti: '0100', fields: { 11: '000001' } });
    expect(codec.peek(trapAll(new Uint8Array(frame)) as never, [11])).toEqual(empty);
    expect(codec.peek(revoked() as never, [11])).toEqual(empty);
    expect(codec.peek(frame, trapAll([]) as never)).toEqual(empty);
    expect(codec.peek(frame, revoked() as never)).toEqual(empty);
    expect(codec.peek(frame, new Proxy([11], { get: (t, k) => (k === Symbol.iterator ? trap : Reflect.get(t, k)) }) as never)).toEqual(empty);
    expect(codec.peek(frame, [11])).toEqual({ mti: '0100', fields: { 11: '000001' } });
  });
});
