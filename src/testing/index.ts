/**
 * fast-check arbitraries derived from a spec, for property-testing code that handles ISO 8583 messages.
 *
 * Why: a handler that only ever saw hand-written frames has not met a 19-digit PAN, an empty LLVAR or a field
 * at its maximum length; arbitraries generated from the same spec the codec runs on reach every corner.
 * `fast-check` is an optional peer dependency: install it to use this subpath.
 *
 * @module iso8583-codec/testing
 */
import fc from 'fast-check';
import { getConverter } from '../codecs/registry.js';
import { invalidOption, readOptions } from '../errors/arguments.js';
import { ErrorCode } from '../errors/codes.js';
import { guard, unreadable } from '../errors/guard.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import { parsePrefix } from '../prefixes/length-prefix.js';
import type { Infer, InferField } from '../spec/infer.js';
import type { ConverterName, PrefixName } from '../spec/names.js';
import type {
  BitmappedLayout,
  BitmapSpec,
  FieldKind,
  FieldSpec,
  FieldValue,
  LengthUnit,
  Message,
  MessageSpec,
  ScalarValue,
} from '../spec/types.js';
import { headerValueUnits, isFieldNumberAllowed, validateFieldSpec, validateSpec } from '../spec/validate-spec.js';
import { alphabetOf, fieldShape, noValueFits, scalarArbitrary, sizeArbitrary, stringOf } from './field-shape.js';

/**
 * Characters (as one-char strings) a field may hold: its kind's alphabet that its converter can also carry.
 *
 * Why: generators and editors offer exactly the characters the codec accepts for the field, no more.
 *
 * @example
 * ```ts
 * fieldAlphabet(presets.iso87ascii.fields[4]).join(''); // '0123456789'
 * ```
 */
export function fieldAlphabet(field: FieldSpec): string[] {
  return guard(ErrorCode.INVALID_SPEC, unreadable('the field spec'), () => {
    validateFieldSpec(field, 'field');
    return alphabetOf(field);
  });
}

/**
 * An Arbitrary of valid values for one field, typed as the field infers (`string`, `Uint8Array` or a structure): strings over exactly the characters the kind allows and the
 * converter can carry, `Uint8Array` for kind `b`; exactly the fixed length for fixed fields, 0 to the maximum
 * (biased short) for variable ones.
 *
 * Why: the building block of {@link arbitraryMessage}, also handy on its own for testing a single element.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(arbitraryFieldValue(presets.iso87ascii.fields[2]), (pan) => pan.length <= 19));
 * ```
 */
export function arbitraryFieldValue<F extends FieldSpec>(field: F): fc.Arbitrary<InferField<F>> {
  return guard(ErrorCode.INVALID_SPEC, unreadable('the field spec'), () => {
    validateFieldSpec(field, 'field');
    // The values are generated from this very field, so they have the type its spec infers to.
    return fieldValues(field, 'field') as fc.Arbitrary<InferField<F>>;
  });
}

/**
 * Valid values of a validated field: scalars directly, values with subfields through a wire size the field can
 * hold (valid by construction, none filtered); throws INVALID_SPEC at `path` when no value fits the field at all.
 */
function fieldValues(field: FieldSpec, path: string): fc.Arbitrary<FieldValue> {
  if (field.subfields === undefined) return scalarArbitrary(field);
  const shape = fieldShape(field);
  if (shape.sizes.length === 0) throw noValueFits(path);
  return sizeArbitrary(shape.sizes).chain((bytes) => shape.ofSize(bytes));
}

/** Options for {@link arbitraryMessage}. */
export interface ArbitraryMessageOptions {
  /** Fields always present (they must exist in the spec). */
  readonly fields?: readonly number[];
  /** Restrict the random fields to these numbers (the `fields` option still adds its own). */
  readonly only?: readonly number[];
  /** Most random fields per message (default: all the spec has). */
  readonly maxFields?: number;
  /** Fix the MTI instead of generating one. */
  readonly mti?: string;
}

/**
 * An Arbitrary of valid messages for any spec: a 4-digit MTI, the header if the spec has one, and a random subset
 * of the spec's fields with valid values.
 *
 * Why: feed it to your own handler or storage code to find the inputs you did not think of; every message it
 * generates encodes without error, and decoding the encoding gives it back.
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { createCodec, presets } from 'iso8583-codec';
 * import { arbitraryMessage } from 'iso8583-codec/testing';
 * const codec = createCodec(presets.iso87ascii);
 * fc.assert(fc.property(arbitraryMessage(presets.iso87ascii, { mti: '0100', fields: [2, 4, 11] }), (m) => {
 *   expect(myHandler(m).fields[39]).toMatch(/^\d\d$/);
 * }));
 * ```
 */
export function arbitraryMessage<const S extends MessageSpec>(
  spec: S,
  options: ArbitraryMessageOptions = {},
): fc.Arbitrary<Infer<S>> {
  validateSpec(spec);
  const checked = readMessageOptions('arbitraryMessage', spec, options);
  return guard(ErrorCode.INVALID_SPEC, unreadable('the spec'), () => messagesOf(spec, checked));
}

function messagesOf<const S extends MessageSpec>(spec: S, checked: ArbitraryMessageOptions): fc.Arbitrary<Infer<S>> {
  const all = Object.keys(spec.fields).map(Number);
  const required = checked.fields ?? [];
  const pool = (checked.only ?? all).filter((n) => spec.fields[n] !== undefined && !required.includes(n));
  const maxFields = Math.min(checked.maxFields ?? pool.length, pool.length);
  const mti = checked.mti !== undefined ? fc.constant(checked.mti) : stringOf('0123456789'.split(''), 4);
  const chosen = fc.subarray(pool, { minLength: 0, maxLength: maxFields });
  const header = headerArbitrary(spec);
  // Each field's values, built once; a field no value fits is a spec no message of which could be sent whole.
  const valuesOf = new Map<number, fc.Arbitrary<FieldValue>>();
  for (const n of [...required, ...pool]) valuesOf.set(n, fieldValues(spec.fields[n]!, String(n)));
  return fc.tuple(mti, chosen, header).chain(([m, picked, h]) => {
    const numbers = [...required, ...picked];
    const values = numbers.map((n) => valuesOf.get(n)!);
    return fc.tuple(...values).map((vals) => {
      const fields: Record<number, FieldValue> = {};
      numbers.forEach((n, i) => {
        fields[n] = vals[i]!;
      });
      const message: Message = { mti: m, fields };
      if (h !== undefined) message.header = h;
      return message as unknown as Infer<S>;
    });
  });
}

/**
 * Checks the options of {@link arbitraryMessage} (and {@link arbitraryFrame}) against the spec; throws
 * `INVALID_OPTION` naming the option, so a typo does not quietly generate other messages than asked for.
 */
function readMessageOptions(where: string, spec: MessageSpec, options: unknown): ArbitraryMessageOptions {
  return guard(ErrorCode.INVALID_OPTION, unreadable(`${where}: options`), () => checkMessageOptions(where, spec, options));
}

function checkMessageOptions(where: string, spec: MessageSpec, options: unknown): ArbitraryMessageOptions {
  const read = readOptions(where, options, ['fields', 'only', 'maxFields', 'mti']);
  // Each option read once, lists copied: what was checked is what is used.
  const copy = (list: unknown): unknown => (Array.isArray(list) ? [...(list as unknown[])] : list);
  const o = { fields: copy(read.fields), only: copy(read.only), maxFields: read.maxFields, mti: read.mti } as ArbitraryMessageOptions;
  for (const key of ['fields', 'only'] as const) {
    const list: unknown = o[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw invalidOption(where, `options.${key}`, 'an array of field numbers', list);
    for (const n of list as unknown[]) {
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 999) {
        throw invalidOption(where, `options.${key}`, 'an array of field numbers', n);
      }
      if (spec.fields[n] === undefined) {
        throw new Iso8583Error(ErrorCode.INVALID_OPTION, `${where}: options.${key} holds ${n}, a field the spec does not define`);
      }
    }
  }
  const max: unknown = o.maxFields;
  if (max !== undefined && (typeof max !== 'number' || !Number.isInteger(max) || max < 0)) {
    throw invalidOption(where, 'options.maxFields', 'an integer of 0 or more', max);
  }
  const mti: unknown = o.mti;
  if (mti !== undefined && (typeof mti !== 'string' || !/^[0-9]{4}$/.test(mti))) {
    throw invalidOption(where, 'options.mti', 'a string of four digits', mti);
  }
  return o;
}

function headerArbitrary(spec: MessageSpec): fc.Arbitrary<ScalarValue | undefined> {
  const h = spec.header;
  if (h === undefined) return fc.constant(undefined);
  const converter = getConverter(h.encoding);
  const units = headerValueUnits(converter, h.length) ?? h.length;
  if (converter.valueType === 'bytes') return fc.uint8Array({ minLength: units, maxLength: units });
  const chars: string[] = [];
  const charset = converter.charset;
  for (let c = 0; c < 256; c++) if (charset === undefined || charset[c] === 1) chars.push(String.fromCharCode(c));
  return stringOf(chars, units);
}

/**
 * An Arbitrary of encoded frames of valid messages for a spec.
 *
 * Why: the input side of a decoder or a network handler; mutate these frames to fuzz error paths.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(arbitraryFrame(spec, codec.encode), (frame) => { codec.decode(frame); }));
 * ```
 */
export function arbitraryFrame<const S extends MessageSpec>(
  spec: S,
  encode: (message: Infer<S>) => Uint8Array,
  options: ArbitraryMessageOptions = {},
): fc.Arbitrary<Uint8Array> {
  if (typeof encode !== 'function') throw invalidOption('arbitraryFrame', 'encode', 'a function (e.g. codec.encode)', encode);
  validateSpec(spec);
  return arbitraryMessage(spec, readMessageOptions('arbitraryFrame', spec, options)).map((m) => encode(m));
}

const TEXT_ENCODINGS = ['ascii', 'ebcdic037', 'ebcdic500', 'ebcdic1047'] as const;
const PREFIX_TEXT = [...TEXT_ENCODINGS, 'bcd'] as const;

/**
 * One random valid field spec: converter × prefix × padding, with a matching kind and length unit.
 *
 * Why: code that takes one field row (validators, editors, converters of other libraries' tables) is tested
 * against every combination, not the few a preset uses.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(arbitraryFieldSpec(), (field) => { validateFieldSpec(field, '2'); }));
 * ```
 */
export function arbitraryFieldSpec(): fc.Arbitrary<FieldSpec> {
  const kindAndEncoding: fc.Arbitrary<{ kind: FieldKind; encoding: ConverterName; lengthUnit: LengthUnit }> = fc.oneof(
    fc.record({
      kind: fc.constantFrom<FieldKind>('n', 'a', 'an', 'ans', 'as', 'ns', 'anp', 'z', 'x+n'),
      encoding: fc.constantFrom(...TEXT_ENCODINGS),
      lengthUnit: fc.constantFrom<LengthUnit>('chars', 'bytes'),
    }),
    fc.record({
      kind: fc.constantFrom<FieldKind>('n', 'z', 'x+n'),
      encoding: fc.constant('bcd'),
      lengthUnit: fc.constantFrom<LengthUnit>('digits', 'bytes'),
    }),
    fc.record({ kind: fc.constant<FieldKind>('b'), encoding: fc.constant('binary'), lengthUnit: fc.constant<LengthUnit>('bytes') }),
    fc.record({
      kind: fc.constant<FieldKind>('b'),
      encoding: fc.constant('hex'),
      lengthUnit: fc.constantFrom<LengthUnit>('bytes', 'chars'),
    }),
  );
  const prefix = fc.oneof(
    fc.constant<PrefixName | undefined>(undefined),
    fc.constant<PrefixName | undefined>('fixed'),
    fc.tuple(fc.constantFrom('L', 'LL', 'LLL', 'LLLL'), fc.constantFrom(...PREFIX_TEXT)).map(([ls, e]): PrefixName => `${ls}/${e}`),
    fc.constantFrom<PrefixName | undefined>('B1', 'B2'),
  );
  return fc
    .tuple(kindAndEncoding, prefix, fc.integer({ min: 1, max: 300 }), fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean())
    .map(([ke, p, rawLength, usePad, padLeft, nibbleLeft, nibbleF]) => {
      const shape = parsePrefix(p)!;
      let max = rawLength;
      if (shape.type === 'digits') max = Math.min(max, 10 ** shape.digits - 1);
      if (shape.type === 'binary' && shape.bytes === 1) max = Math.min(max, 255);
      const fixed = shape.type === 'fixed';
      // A fixed hex field counted in characters needs an even count.
      if (fixed && ke.encoding === 'hex' && ke.lengthUnit === 'chars' && max % 2 === 1) max += max === 1 ? 1 : -1;
      // x+n needs room for the sign.
      if (ke.kind === 'x+n' && max < 2) max = 2;
      const spec: { -readonly [K in keyof FieldSpec]: FieldSpec[K] } = {
        kind: ke.kind,
        length: max,
        encoding: ke.encoding,
        lengthUnit: ke.lengthUnit,
      };
      if (p !== undefined) spec.prefix = p;
      if (ke.encoding === 'bcd') spec.nibblePad = { side: nibbleLeft ? 'left' : 'right', nibble: nibbleF ? 'F' : '0' };
      if (fixed && usePad && ke.kind !== 'b' && ke.kind !== 'x+n') {
        const char = fieldAlphabet(spec)[0];
        if (char !== undefined) spec.pad = { side: padLeft ? 'left' : 'right', char };
      }
      return spec;
    });
}

/**
 * One random valid field with subfields: a TLV, BER-TLV, bitmapped, positional or Track 2 container, its inner
 * fields drawn from {@link arbitraryFieldSpec} where the layout allows.
 *
 * Why: exercises every layout × container encoding combination a spec may declare.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(arbitraryStructuredFieldSpec(), (field) => field.subfields !== undefined));
 * ```
 */
export function arbitraryStructuredFieldSpec(): fc.Arbitrary<FieldSpec> {
  const text = fc.constantFrom(...TEXT_ENCODINGS);
  // Inner scalar fields of bitmapped layouts: any variable field spec (fixed ones too) without subfields.
  const inner = arbitraryFieldSpec();
  return fc.oneof(
    text.map((e): FieldSpec => ({
      kind: 'ans', length: 999, prefix: `LLL/${e}`, encoding: e,
      subfields: { type: 'tlv', tagLength: 2, lengthDigits: 2, encoding: e },
    })),
    fc.constantFrom('LLL/ascii', 'LLL/bcd', 'B2').map((prefix): FieldSpec => ({
      kind: 'b', length: 999, prefix, encoding: 'binary', subfields: { type: 'ber-tlv' },
    })),
    // Bitmapped subfields on one sub-bitmap (1–64), or on two (2–128, bit 1 announcing the second).
    fc.boolean().chain((secondary) =>
      fc.tuple(
        text,
        fc.uniqueArray(secondary ? fc.integer({ min: 2, max: 128 }) : fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 4 }),
        fc.array(inner, { minLength: 4, maxLength: 4 }),
        fc.constantFrom<'binary' | 'hex'>('binary', 'hex'),
      ).map(([e, numbers, specs, format]): FieldSpec => {
        const fields: Record<number, FieldSpec> = {};
        numbers.forEach((n, i) => (fields[n] = specs[i]!));
        const layout: BitmappedLayout = secondary ? { type: 'bitmapped', bitmap: { format }, secondary, fields } : { type: 'bitmapped', bitmap: { format }, fields };
        return { kind: 'ans', length: 9999, prefix: `LLLL/${e}`, encoding: e, subfields: layout };
      }),
    ),
    text.map((e): FieldSpec => ({
      kind: 'n', length: 6, encoding: e,
      subfields: { type: 'positional', fields: { 1: { kind: 'n', length: 2, encoding: e }, 2: { kind: 'n', length: 4, encoding: e } } },
    })),
    fc.constantFrom('ascii', 'ebcdic037', 'bcd').map((e): FieldSpec => {
      const spec: { -readonly [K in keyof FieldSpec]: FieldSpec[K] } = { kind: 'z', length: 37, prefix: e === 'bcd' ? 'LL/bcd' : `LL/${e}`, encoding: e, subfields: { type: 'track2' } };
      if (e === 'bcd') spec.nibblePad = { side: 'right', nibble: 'F' };
      return spec;
    }),
  );
}

/**
 * An Arbitrary of random valid message specs (converters, prefixes, length units, pads, bitmaps, headers,
 * tertiary bitmaps, and now and then fields with subfields); every one passes `validateSpec`.
 *
 * Why: tooling that consumes specs (documentation generators, spec editors, your own codec wrappers) should work
 * for every valid spec, not just the presets.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(arbitrarySpec(), (spec) => { createCodec(specFromJSON(specToJSON(spec))); }));
 * ```
 */
export function arbitrarySpec(): fc.Arbitrary<MessageSpec> {
  const layout: fc.Arbitrary<BitmapSpec> = fc.oneof(
    fc.record({ format: fc.constant<'binary'>('binary'), tertiary: fc.boolean() }),
    fc.record({ format: fc.constant<'hex'>('hex'), encoding: fc.constantFrom(...TEXT_ENCODINGS), tertiary: fc.boolean() }),
  );
  // The bitmap options, each absent, false or true (true a quarter of the time).
  const flag = fc.constantFrom<boolean | undefined>(undefined, undefined, false, true);
  const bitmap: fc.Arbitrary<BitmapSpec> = fc.tuple(layout, flag, flag).map(([bm, alwaysSecondary, lenient]) => {
    const out: { -readonly [K in keyof BitmapSpec]: BitmapSpec[K] } = { ...bm };
    if (alwaysSecondary !== undefined) out.alwaysSecondary = alwaysSecondary;
    if (lenient !== undefined) out.lenient = lenient;
    return out;
  });
  // Hex text headers take two characters per byte, so their wire length is even.
  const header = fc.option(
    fc.oneof(
      fc.record({ length: fc.integer({ min: 1, max: 12 }), encoding: fc.constantFrom('binary', 'ascii', 'ebcdic037', 'bcd') }),
      fc.record({ length: fc.integer({ min: 1, max: 6 }).map((n) => n * 2), encoding: fc.constant('hex') }),
    ),
    { nil: undefined },
  );
  return fc
    .tuple(bitmap, header, fc.constantFrom('ascii', 'ebcdic037', 'ebcdic1047', 'bcd'))
    .chain(([bm, hd, mtiEncoding]) => {
      const tertiary = bm.tertiary === true;
      const numbers = fc.uniqueArray(fc.integer({ min: 2, max: tertiary ? 192 : 128 }).filter((n) => isFieldNumberAllowed(n, tertiary)), {
        minLength: 1,
        maxLength: 12,
      });
      return numbers.chain((ns) =>
        fc.tuple(...ns.map(() => fc.oneof({ weight: 5, arbitrary: arbitraryFieldSpec() }, { weight: 1, arbitrary: arbitraryStructuredFieldSpec() }))).map((specs) => {
          const fields: Record<number, FieldSpec> = {};
          ns.forEach((n, i) => {
            fields[n] = specs[i]!;
          });
          const spec: { -readonly [K in keyof MessageSpec]: MessageSpec[K] } = {
            name: 'random',
            mti: { encoding: mtiEncoding },
            bitmap: bm,
            fields,
          };
          if (hd !== undefined) spec.header = hd;
          return spec as MessageSpec;
        }),
      );
    });
}
