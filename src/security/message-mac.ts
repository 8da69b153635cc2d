import { getConverter } from '../codecs/registry.js';
import { ErrorCode } from '../errors/codes.js';
import { guard, unreadable } from '../errors/guard.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import { readOptions } from '../errors/arguments.js';
import type { Codec } from '../message/codec-types.js';
import { headerSize } from '../message/frame-head.js';
import type { Message } from '../spec/types.js';
import type { SecurityModule } from './security-module.js';

/** Where a message's MAC goes. */
export interface MessageMacOptions {
  /**
   * The MAC field: 64 or 128. By default DE128 when the message has any field from 65 to 128 (a secondary bitmap),
   * DE64 otherwise, the ISO 8583:1987 rule.
   */
  readonly field?: 64 | 128;
}

/** What a MAC covers in one encoded message. */
export interface MacCoverage {
  /** The whole encoded frame, MAC field included (no length header: framing is the transport's). */
  readonly frame: Uint8Array;
  /** The bytes the MAC is computed over: `frame` from the MTI to the byte before the MAC field. */
  readonly covered: Uint8Array;
  /** The MAC field's number. */
  readonly field: 64 | 128;
  /** Where the MAC field starts in `frame`. */
  readonly offset: number;
}

/** The MAC field of `message`, checked against the spec and the message; throws `INVALID_SPEC` or `INVALID_MESSAGE`. */
function macField(codec: Codec<Message>, message: Message, options: unknown): { field: 64 | 128; bytes: number; width: number } {
  const o = readOptions('the MAC options', options, ['field']);
  const present = Object.keys(message.fields)
    .map(Number)
    .filter((n) => message.fields[n] !== undefined);
  const field = o.field === undefined ? (present.some((n) => n >= 65 && n <= 128) ? 128 : 64) : o.field;
  if (field !== 64 && field !== 128) {
    throw new Iso8583Error(ErrorCode.INVALID_OPTION, 'the MAC options: field must be 64 or 128');
  }
  const spec = codec.spec.fields[field];
  if (spec === undefined || spec.kind !== 'b' || spec.prefix !== undefined || spec.subfields !== undefined) {
    throw new Iso8583Error(ErrorCode.INVALID_SPEC, `the MAC field must be a fixed binary field (kind b, no length prefix, no subfields) of the spec`, { field: String(field) });
  }
  const after = present.find((n) => n > field);
  if (after !== undefined) {
    throw new Iso8583Error(ErrorCode.INVALID_MESSAGE, `field ${after} would follow the MAC field ${field}: the MAC field is the last of the message`, { field: String(after) });
  }
  const bytes = spec.lengthUnit === 'chars' ? spec.length / 2 : spec.length;
  return { field, bytes, width: getConverter(spec.encoding).byteLength(bytes) };
}

function coverage(codec: Codec<Message>, message: Message, mac: Uint8Array, field: 64 | 128, width: number): MacCoverage {
  const frame = codec.encode({ ...message, fields: { ...message.fields, [field]: mac } });
  // The MAC field is fixed-width and the last one, so it is the frame's last `width` bytes; the header (its prefix
  // too, when it has one) is not covered.
  const offset = frame.length - width;
  return { frame, covered: frame.subarray(headerSize(codec.spec.header, message.header), offset), field, offset };
}

/**
 * The bytes a MAC covers in `message` encoded by `codec`, with a zero placeholder in its MAC field: from the first
 * byte of the MTI to the last byte before the MAC field (bitmaps and every field before it), the header excluded.
 *
 * Why: networks MAC exactly these bytes; a simulator or an HSM client that builds them any other way computes a
 * MAC nobody verifies. Throws what `codec.encode` throws, `INVALID_SPEC` for a MAC field that is not a fixed binary
 * field, `INVALID_MESSAGE` for a field numbered after the MAC field.
 *
 * @example
 * ```ts
 * const { covered, offset } = macCoverage(codec, reply); // send `covered` to the HSM, put its MAC at `offset`
 * ```
 */
export function macCoverage<M extends { readonly fields: object }>(codec: Codec<M>, message: M, options?: MessageMacOptions): MacCoverage;
// One implementation over the dynamic message type: the MAC is computed over the bytes the codec writes, whatever
// type its messages have (the overload above is the signature callers see).
export function macCoverage(codec: Codec<Message>, message: Message, options?: MessageMacOptions): MacCoverage {
  return guard(ErrorCode.INVALID_MESSAGE, unreadable('the message'), () => {
    const { field, bytes, width } = macField(codec, message, options);
    return coverage(codec, message, new Uint8Array(bytes), field, width);
  });
}

/**
 * The frame of `message` with its MAC: encoded with a placeholder MAC, the covered bytes ({@link macCoverage})
 * MACed by `security`, then encoded again with the MAC in its field.
 *
 * Why: a network MACs every request and answer; the MAC is part of the message, so it is computed over the frame
 * the codec writes. An error of the security module's own (an HSM's timeout) passes through unchanged.
 *
 * @example
 * ```ts
 * const hsm = softwareSecurityModule({ macKey: SecretKey.from('tdes', '0123456789ABCDEFFEDCBA9876543210'), mac: { algorithm: 'retail' } });
 * const signed = await signMessage(codec, reply, hsm); // DE64 (or DE128) holds the MAC
 * ```
 */
export function signMessage<M extends { readonly fields: object }>(
  codec: Codec<M>,
  message: M,
  security: Pick<SecurityModule, 'mac'>,
  options?: MessageMacOptions,
): Promise<Uint8Array>;
export async function signMessage(
  codec: Codec<Message>,
  message: Message,
  security: Pick<SecurityModule, 'mac'>,
  options?: MessageMacOptions,
): Promise<Uint8Array> {
  const { covered, field } = macCoverage(codec, message, options);
  const mac = await security.mac(covered);
  return codec.encode({ ...message, fields: { ...message.fields, [field]: mac } });
}

/**
 * Checks the MAC of a decoded `message`: re-encodes it (the codec is canonical, so the bytes are those received)
 * and asks `security` whether its MAC field holds the MAC of the covered bytes. Throws `MAC_MISSING` when the MAC
 * field is absent, `MAC_MISMATCH` (with the field and the MAC's offset in the frame) when it is wrong.
 *
 * Why: a message whose MAC fails may have been altered on the way; it is refused before anything acts on it, and
 * the original bytes need not be kept to check it.
 *
 * @example
 * ```ts
 * const hsm = softwareSecurityModule({ macKey: SecretKey.from('tdes', '0123456789ABCDEFFEDCBA9876543210'), mac: { algorithm: 'retail' } });
 * await verifyMessageMac(codec, codec.decode(frame), hsm); // throws MAC_MISMATCH when the MAC fails
 * ```
 */
export function verifyMessageMac<M extends { readonly fields: object }>(
  codec: Codec<M>,
  message: M,
  security: Pick<SecurityModule, 'verifyMac'>,
  options?: MessageMacOptions,
): Promise<void>;
export async function verifyMessageMac(
  codec: Codec<Message>,
  message: Message,
  security: Pick<SecurityModule, 'verifyMac'>,
  options?: MessageMacOptions,
): Promise<void> {
  const { covered, field, offset, mac } = guard(ErrorCode.INVALID_MESSAGE, unreadable('the message'), () => {
    const f = macField(codec, message, options);
    const value = message.fields[f.field];
    if (value === undefined) throw new Iso8583Error(ErrorCode.MAC_MISSING, `the message has no MAC in field ${f.field}`, { field: String(f.field) });
    return { ...coverage(codec, message, value as Uint8Array, f.field, f.width), mac: value as Uint8Array };
  });
  if (!(await security.verifyMac(covered, mac))) {
    throw new Iso8583Error(ErrorCode.MAC_MISMATCH, `the MAC in field ${field} is not the MAC of the bytes it covers`, { field: String(field), offset });
  }
}

/**
 * Decodes `frame` and checks its MAC ({@link verifyMessageMac}); resolves to the message only when the MAC holds.
 *
 * Why: one call for a link where every message carries a MAC, so no code path acts on an unchecked message.
 *
 * @example
 * ```ts
 * const hsm = softwareSecurityModule({ macKey: SecretKey.from('tdes', '0123456789ABCDEFFEDCBA9876543210'), mac: { algorithm: 'retail' } });
 * const request = await decodeVerified(codec, frame, hsm);
 * ```
 */
export async function decodeVerified<M extends { readonly fields: object }>(
  codec: Codec<M>,
  frame: Uint8Array,
  security: Pick<SecurityModule, 'verifyMac'>,
  options?: MessageMacOptions,
): Promise<M> {
  const message = codec.decode(frame);
  await verifyMessageMac(codec, message, security, options);
  return message;
}
