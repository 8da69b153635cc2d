import { copyBytes } from '../codecs/copy-bytes.js';
import { describeType, invalidOption, readOptions } from '../errors/arguments.js';
import { ErrorCode } from '../errors/codes.js';
import { guard, unreadable } from '../errors/guard.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import { checkedSpec } from '../paths/checked-spec.js';
import type { Infer } from '../spec/infer.js';
import type { MessageSpec } from '../spec/types.js';
import { mtiParts, responseMti } from './mti.js';

/**
 * The data elements a response echoes from its request by default, as ISO 8583:1987 practice has it: PAN (2),
 * processing code (3), transaction amount (4), transmission date and time (7), STAN (11), local time and date
 * (12, 13), acquiring and forwarding institution (32, 33), retrieval reference number (37), terminal and card
 * acceptor (41, 42), currency (49) and the original data elements of a reversal (90).
 *
 * Why: the acquirer pairs an answer with its request by these fields (DE11 and DE41 with DE7, DE37), and most
 * networks require them echoed unchanged; the fields an issuer decides (DE38, DE39) are the response's own.
 */
export const RESPONSE_ECHO_FIELDS: readonly number[] = Object.freeze([2, 3, 4, 7, 11, 12, 13, 32, 33, 37, 41, 42, 49, 90]);

/** Options of {@link responseTo}. */
export interface ResponseOptions<S extends MessageSpec> {
  /** The fields to copy from the request (those it holds), instead of {@link RESPONSE_ECHO_FIELDS}. */
  readonly echo?: readonly (keyof S['fields'] & number)[];
  /** The response's MTI, instead of the request's with the response function digit (`responseMti`). */
  readonly mti?: string;
  /** Fields of the response's own (e.g. `{ 39: '00' }`), set over the echoed ones; an `undefined` leaves one out. */
  readonly fields?: Infer<S>['fields'];
}

/** A copy of a field value that shares nothing with it: bytes, lists and objects of subfields are copied. */
function copyValue(value: unknown): unknown {
  const type = describeType(value);
  // Through the typed-array internals: a Buffer's slice() is a view of the same memory.
  if (type === 'a Uint8Array') return copyBytes(value);
  if (type === 'an array') return (value as unknown[]).map(copyValue);
  if (type === 'an object') {
    const out: Record<string, unknown> = {};
    for (const [key, part] of Object.entries(value as object)) out[key] = copyValue(part);
    return out;
  }
  return value;
}

/** The echo list: the given one, each a field the spec defines, or the default list cut to the spec's fields. */
function echoList(spec: MessageSpec, echo: unknown): readonly number[] {
  if (echo === undefined) return RESPONSE_ECHO_FIELDS.filter((n) => Object.hasOwn(spec.fields, n));
  if (!Array.isArray(echo)) throw invalidOption('responseTo', 'options.echo', 'an array of field numbers', echo);
  for (const n of echo as unknown[]) {
    if (typeof n !== 'number' || !Number.isInteger(n) || !Object.hasOwn(spec.fields, n)) {
      throw invalidOption('responseTo', 'options.echo', 'a list of field numbers the spec defines', n);
    }
  }
  return echo as number[];
}

/**
 * Builds the response to `request`: its MTI with the response function digit (`0100` → `0110`, `0200` → `0210`,
 * `0420` → `0430`, `1100` → `1110`; a repeat `0101` is answered `0110`), the fields a response echoes copied from
 * the request, the request's header, and the response's own `fields` over them.
 *
 * Why: an answer the acquirer cannot pair with its request is lost, so the matching fields are copied exactly,
 * as one list (`echo`, default {@link RESPONSE_ECHO_FIELDS}). Echoed values are deep copies: changing the response
 * never changes the request. The spec is validated once (`INVALID_SPEC`); a request that is not an object of
 * fields is `INVALID_MESSAGE`, an MTI without a response (`0110`) `INVALID_MTI`, and an `echo` field the spec
 * does not define `INVALID_OPTION`.
 *
 * @example
 * ```ts
 * const request = codec.decode(frame);
 * const answer = responseTo(presets.iso87ascii, request, { fields: { 39: '00' } }); // '0110', DE11, DE41 … echoed
 * ```
 */
export function responseTo<const S extends MessageSpec>(spec: S, request: Infer<S>, options?: ResponseOptions<S>): Infer<S>;
// As for createCodec: the signature types the response by the spec; the code builds it from values it reads
// defensively, copies of the request's, so it vouches for no more than `unknown`.
export function responseTo(spec: MessageSpec, request: unknown, options?: ResponseOptions<MessageSpec>): unknown {
  const valid = checkedSpec(spec);
  const o = guard(ErrorCode.INVALID_OPTION, unreadable('responseTo: options'), () => {
    const read = readOptions('responseTo', options, ['echo', 'mti', 'fields']);
    const given = { echo: echoList(valid, read.echo), mti: read.mti, fields: read.fields };
    if (given.fields !== undefined && describeType(given.fields) !== 'an object') {
      throw invalidOption('responseTo', 'options.fields', 'an object of fields by number', given.fields);
    }
    return given;
  });
  return guard(ErrorCode.INVALID_MESSAGE, unreadable('responseTo: the request'), () => {
    if (describeType(request) !== 'an object') {
      throw new Iso8583Error(ErrorCode.INVALID_MESSAGE, `responseTo: the request must be a message, got ${describeType(request)}`);
    }
    const { mti, header, fields } = request as { mti?: unknown; header?: unknown; fields?: unknown };
    if (describeType(fields) !== 'an object') {
      throw new Iso8583Error(ErrorCode.INVALID_MESSAGE, `responseTo: request.fields must be an object, got ${describeType(fields)}`);
    }
    // mtiParts checks a given MTI is four digits (INVALID_MTI) as responseMti checks the request's.
    if (o.mti !== undefined) mtiParts(o.mti as string);
    const answerMti = o.mti === undefined ? responseMti(mti as string) : (o.mti as string);
    const out: Record<number, unknown> = {};
    for (const n of o.echo) {
      const value = (fields as Record<number, unknown>)[n];
      if (value !== undefined) out[n] = copyValue(value);
    }
    for (const [key, value] of Object.entries((o.fields ?? {}) as object)) {
      if (value === undefined) delete out[Number(key)];
      else out[Number(key)] = value;
    }
    return header === undefined ? { mti: answerMti, fields: out } : { mti: answerMti, header: copyValue(header), fields: out };
  });
}
