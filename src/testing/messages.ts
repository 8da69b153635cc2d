import fc from 'fast-check';
import { getConverter } from '../codecs/registry.js';
import { unitMapping } from '../codecs/units.js';
import { invalidOption, readOptions } from '../errors/arguments.js';
import { ErrorCode } from '../errors/codes.js';
import { guard, unreadable } from '../errors/guard.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import type { Infer } from '../spec/infer.js';
import type { FieldValue, Message, MessageSpec, ScalarValue } from '../spec/types.js';
import { headerValueUnits, validateSpec } from '../spec/validate-spec.js';
import { keepingRules, ruleMtis } from './rule-repair.js';
import { stringOf } from './scalar-shape.js';
import { fieldValues } from './values.js';


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
 * of the spec's fields with valid values. For a spec with `rules`, the MTI is often one a rule's pattern matches,
 * and each message keeps its MTI's rules: a field they make mandatory is added (even outside `only`), one they
 * forbid is left out (even when listed in `fields`).
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
export function arbitraryMessage<const S extends MessageSpec>(spec: S, options?: ArbitraryMessageOptions): fc.Arbitrary<Infer<S>>;
// The messages are drawn from the spec's run-time tables as dynamic Messages; the signature above types them by
// Infer of the same spec value, which they match by construction (each value comes from its own field's spec).
// An overload states that once, with no cast.
export function arbitraryMessage(spec: MessageSpec, options: ArbitraryMessageOptions = {}): fc.Arbitrary<Message> {
  validateSpec(spec);
  const checked = readMessageOptions('arbitraryMessage', spec, options);
  return guard(ErrorCode.INVALID_SPEC, unreadable('the spec'), () => messagesOf(spec, checked));
}

function messagesOf(spec: MessageSpec, checked: ArbitraryMessageOptions): fc.Arbitrary<Message> {
  const all = Object.keys(spec.fields).map(Number);
  const required = checked.fields ?? [];
  const pool = (checked.only ?? all).filter((n) => spec.fields[n] !== undefined && !required.includes(n));
  const maxFields = Math.min(checked.maxFields ?? pool.length, pool.length);
  const anyMti = stringOf('0123456789'.split(''), 4);
  const mti = checked.mti !== undefined ? fc.constant(checked.mti) : spec.rules === undefined ? anyMti : ruleMtis(spec.rules, anyMti);
  const chosen = fc.subarray(pool, { minLength: 0, maxLength: maxFields });
  const header = headerArbitrary(spec);
  // Each field's values, built once; a field no value fits is a spec no message of which could be sent whole.
  const valuesOf = new Map<number, fc.Arbitrary<FieldValue>>();
  for (const n of [...required, ...pool]) valuesOf.set(n, fieldValues(spec.fields[n]!, String(n)));
  const messages = fc.tuple(mti, chosen, header).chain(([m, picked, h]) => {
    const numbers = [...required, ...picked];
    const values = numbers.map((n) => valuesOf.get(n)!);
    return fc.tuple(...values).map((vals) => {
      const fields: Record<number, FieldValue> = {};
      numbers.forEach((n, i) => {
        fields[n] = vals[i]!;
      });
      const message: Message = { mti: m, fields };
      if (h !== undefined) message.header = h;
      return message;
    });
  });
  if (spec.rules === undefined) return messages;
  const rules = spec.rules;
  return keepingRules({ ...spec, rules }, messages, (n) => valuesOf.get(n) ?? fieldValues(spec.fields[n]!, String(n)));
}

/**
 * Checks the options of {@link arbitraryMessage} (and {@link arbitraryFrame}) against the spec; throws
 * `INVALID_OPTION` naming the option, so a typo does not quietly generate other messages than asked for.
 */
export function readMessageOptions(where: string, spec: MessageSpec, options: unknown): ArbitraryMessageOptions {
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

/** Headers of the spec: of the one length a fixed header has, or of 0 to the maximum a header with a prefix has. */
function headerArbitrary(spec: MessageSpec): fc.Arbitrary<ScalarValue | undefined> {
  const h = spec.header;
  if (h === undefined) return fc.constant(undefined);
  const converter = getConverter(h.encoding);
  const chars: string[] = [];
  const charset = converter.charset;
  for (let c = 0; c < 256; c++) if (charset === undefined || charset[c] === 1) chars.push(String.fromCharCode(c));
  const ofUnits = (units: number): fc.Arbitrary<ScalarValue> =>
    converter.valueType === 'bytes' ? fc.uint8Array({ minLength: units, maxLength: units }) : stringOf(chars, units);
  if (h.prefix === undefined || h.prefix === 'fixed') return ofUnits(headerValueUnits(converter, h.length) ?? h.length);
  // The most value units whose count (in the header's unit) stays within the maximum.
  const mapping = unitMapping(converter, h.lengthUnit ?? converter.lengthUnits[0] ?? converter.unit);
  let most = 2 * h.length;
  while (most > 0 && mapping.toCount(most) > h.length) most--;
  return fc.integer({ min: 0, max: most }).chain(ofUnits);
}
