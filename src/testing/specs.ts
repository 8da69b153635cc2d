import fc from 'fast-check';
import { parsePrefix } from '../prefixes/length-prefix.js';
import type { ConverterName, PrefixName } from '../spec/names.js';
import type { BitmappedLayout, BitmapSpec, FieldKind, FieldSpec, LengthUnit, MessageSpec, Track2Layout } from '../spec/types.js';
import { isFieldNumberAllowed } from '../spec/validate-spec.js';
import { fieldAlphabet } from './values.js';


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
    fc.tuple(fc.constantFrom('L', 'LL', 'LLL', 'LLLL', 'LLLLL', 'LLLLLL'), fc.constantFrom(...PREFIX_TEXT)).map(([ls, e]): PrefixName => `${ls}/${e}`),
    fc.constantFrom<PrefixName | undefined>('B1', 'B2', 'B3', 'B4'),
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
 * One random valid field with subfields: a TLV (with a leading part or not), BER-TLV, dataset, bitmapped, positional,
 * Track 2 or Track 1 container, its inner fields drawn from {@link arbitraryFieldSpec} where the layout allows.
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
    // TLV after a leading part (a tag-class character, a longer code) of a text kind.
    fc.tuple(text, fc.integer({ min: 1, max: 3 }), fc.constantFrom<'n' | 'a' | 'an' | 'ans'>('n', 'a', 'an', 'ans')).map(([e, length, kind]): FieldSpec => ({
      kind: 'ans', length: 999, prefix: `LLL/${e}`, encoding: e,
      subfields: { type: 'tlv', tagLength: 2, lengthDigits: 2, encoding: e, leading: { length, kind }, tags: { '01': { kind: 'n', length: 4, encoding: e } } },
    })),
    fc.constantFrom('LLL/ascii', 'LLL/bcd', 'B2').map((prefix): FieldSpec => ({
      kind: 'b', length: 999, prefix, encoding: 'binary', subfields: { type: 'ber-tlv' },
    })),
    // Datasets of every tag and length width, unknown ones kept or only known ids allowed.
    fc.tuple(fc.constantFrom<1 | 2>(1, 2), fc.constantFrom<1 | 2>(1, 2), fc.boolean()).map(([tagBytes, lengthBytes, reject]): FieldSpec => ({
      kind: 'b', length: 999, prefix: 'LLL/ascii', encoding: 'binary',
      subfields: reject
        ? { type: 'dataset', tagBytes, lengthBytes, datasets: { '71': { description: 'demo' }, '0A': { sensitive: true } }, unknownDatasets: 'reject' }
        : { type: 'dataset', tagBytes, lengthBytes },
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
    // Track 2 with the separator its converter takes by default, or one declared: = or D in text, D packed.
    fc.constantFrom('ascii', 'ebcdic037', 'bcd').chain((e) =>
      fc.constantFrom<Track2Layout['separator']>(undefined, 'D', ...(e === 'bcd' ? [] : ['='] as const)).map((separator): FieldSpec => {
        const subfields: Track2Layout = separator === undefined ? { type: 'track2' } : { type: 'track2', separator };
        const spec: { -readonly [K in keyof FieldSpec]: FieldSpec[K] } = { kind: 'z', length: 37, prefix: e === 'bcd' ? 'LL/bcd' : `LL/${e}`, encoding: e, subfields };
        if (e === 'bcd') spec.nibblePad = { side: 'right', nibble: 'F' };
        return spec;
      }),
    ),
    // Track 1 (format B) as DE45 carries it: ans text of one byte a character.
    fc.constantFrom('ascii', 'ebcdic037', 'ebcdic1047').map((e): FieldSpec => ({ kind: 'ans', length: 76, prefix: `LL/${e}`, encoding: e, subfields: { type: 'track1' } })),
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
      // A header of variable length behind a prefix of its own; `length` is then its maximum.
      fc.record({
        length: fc.integer({ min: 1, max: 40 }),
        encoding: fc.constantFrom('binary', 'ascii', 'ebcdic037', 'bcd', 'hex'),
        prefix: fc.constantFrom<PrefixName>('B1', 'LL/ascii', 'LL/bcd', 'LLL/ebcdic037'),
      }),
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
