import { viewBytes } from '../codecs/copy-bytes.js';
import { Iso8583NetError, NetErrorCode } from './net-error.js';
import { checkKnownKeys, copyOptions, FRAMING_KEYS, invalidOption, kindOf } from './options.js';

/**
 * How frames are delimited on a stream: a length header, an optional fixed header (TPDU), then the message.
 *
 * Why: every link wraps ISO 8583 messages differently; as plain data the framing can sit in configuration.
 */
export interface FramingSpec {
  /**
   * The length header: `binary2` (2 bytes, unsigned big-endian), `binary4` (4 bytes, unsigned big-endian, up to
   * 4,294,967,295), `bcd2` (2 bytes, 4 packed digits), `ascii` (`digits` ASCII digits, 4 by default), or `none` (no
   * header: each chunk of a message-oriented source is one frame; not for TCP streams, which may split or merge
   * chunks).
   */
  readonly length: 'binary2' | 'binary4' | 'bcd2' | 'ascii' | 'none';
  /** Number of ASCII digits for `ascii` (default 4). */
  readonly digits?: number;
  /**
   * When true the length counts the length header itself too (default false): a `binary4` header of a 300-byte body
   * then reads 304, and a value smaller than the header's own width is refused (`INVALID_FRAME`).
   */
  readonly includesLength?: boolean;
  /** Bytes of a fixed header (e.g. a 5-byte TPDU) between the length and the message (default 0). */
  readonly headerBytes?: number;
}

/** One frame: the optional fixed header and the ISO 8583 message bytes. */
export interface Frame {
  /** The fixed header (TPDU), when the framing has one. */
  readonly header?: Uint8Array;
  /** The message bytes, ready for `codec.decode`. */
  readonly message: Uint8Array;
}

/** Bytes of the length header of a framing already validated. */
export function headerLength(f: FramingSpec): number {
  switch (f.length) {
    case 'binary2':
    case 'bcd2':
      return 2;
    case 'binary4':
      return 4;
    case 'ascii':
      return f.digits ?? 4;
    case 'none':
      return 0;
  }
}

/**
 * Bytes of the length header for a framing.
 *
 * Why: a proxy or a capture reader that sizes buffers itself needs the header width the framing implies.
 *
 * @example
 * ```ts
 * lengthBytes({ length: 'ascii', digits: 4 }); // 4
 * lengthBytes({ length: 'binary2' });          // 2
 * lengthBytes({ length: 'binary4' });          // 4
 * ```
 */
export function lengthBytes(f: FramingSpec): number {
  return headerLength(checkFraming(f, 'framing'));
}

/** Largest announced length of a framing already validated. */
function announceable(f: FramingSpec): number {
  switch (f.length) {
    case 'binary2':
      return 0xffff;
    case 'binary4':
      return 0xffffffff;
    case 'bcd2':
      return 9999;
    case 'ascii':
      return 10 ** (f.digits ?? 4) - 1;
    case 'none':
      return Number.MAX_SAFE_INTEGER;
  }
}

/**
 * Largest body (header + message) the length header can announce.
 *
 * Why: a sender can refuse a message that no frame of this framing can carry before it writes any byte of it.
 *
 * @example
 * ```ts
 * maxAnnounced({ length: 'binary2' }); // 65535
 * maxAnnounced({ length: 'binary4' }); // 4294967295
 * maxAnnounced({ length: 'bcd2' });    // 9999
 * ```
 */
export function maxAnnounced(f: FramingSpec): number {
  return announceable(checkFraming(f, 'framing'));
}

/**
 * Checks a framing spec; throws `INVALID_FRAMING` naming the offending key (also when the spec is missing or not
 * an object, or has a key that is not one of `length`, `digits`, `includesLength`, `headerBytes`).
 *
 * Why: `connect`, `createServer` and `readFrames` call it; call it yourself on framing read from configuration
 * to fail at start-up rather than at the first connection.
 *
 * @example
 * ```ts
 * validateFraming({ length: 'ascii', digits: 4, headerBytes: 5 });
 * ```
 */
export function validateFraming(f: FramingSpec): void {
  checkFraming(f, 'framing');
}

/** The length headers a framing may name. */
const LENGTH_HEADERS: readonly FramingSpec['length'][] = ['binary2', 'binary4', 'bcd2', 'ascii', 'none'];

/**
 * {@link validateFraming} with the option's path for the error text (`options.framing` in `createServer`); returns
 * the checked framing as a plain copy, read once (`INVALID_FRAMING` naming `path` when a getter or a proxy throws).
 */
export function checkFraming(framing: unknown, path: string): FramingSpec {
  const f = copyOptions('', path, framing, FRAMING_KEYS, NetErrorCode.INVALID_FRAMING);
  const fail = (key: string, expected: string, got: unknown): never => {
    throw new Iso8583NetError(NetErrorCode.INVALID_FRAMING, `${key} must be ${expected}, got ${kindOf(got)}`, { option: key });
  };
  if (typeof f !== 'object' || f === null || Array.isArray(f)) {
    fail(path, "a framing spec such as { length: 'binary2' }", f);
  }
  const spec = f as Record<string, unknown>;
  checkKnownKeys('', path, spec, FRAMING_KEYS, NetErrorCode.INVALID_FRAMING);
  const length = spec['length'];
  if (!isLengthHeader(length)) return fail(`${path}.length`, "'binary2', 'binary4', 'bcd2', 'ascii' or 'none'", length);
  const digits = spec['digits'];
  // Only an ASCII header has a digit count: on any other it would be ignored, so it is refused as the typo it is.
  if (length !== 'ascii' && digits !== undefined) {
    throw new Iso8583NetError(NetErrorCode.INVALID_FRAMING, `${path}.digits applies to length 'ascii' only`, { option: `${path}.digits` });
  }
  if (digits != null && !isIntegerIn(digits, 1, 8)) return fail(`${path}.digits`, 'an integer from 1 to 8', digits);
  const headerBytes = spec['headerBytes'];
  if (headerBytes != null && !isIntegerIn(headerBytes, 0, 0xffff)) return fail(`${path}.headerBytes`, 'an integer from 0 to 65535', headerBytes);
  const includesLength = spec['includesLength'];
  if (includesLength !== undefined && typeof includesLength !== 'boolean') return fail(`${path}.includesLength`, 'a boolean', includesLength);
  // The checked values only (a null count or header size reads as its default, as it did before the copy).
  return {
    length,
    ...(digits == null ? {} : { digits }),
    ...(includesLength === undefined ? {} : { includesLength }),
    ...(headerBytes == null ? {} : { headerBytes }),
  };
}

/** Whether `value` names one of the length headers. */
function isLengthHeader(value: unknown): value is FramingSpec['length'] {
  return LENGTH_HEADERS.includes(value as FramingSpec['length']);
}

/** Whether `value` is an integer from `min` to `max`. */
function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** {@link readLength} for a framing already validated and a header known to be complete. */
export function parseLength(f: FramingSpec, b: Uint8Array, at: number): number {
  let n = 0;
  switch (f.length) {
    case 'binary2':
      n = (b[at]! << 8) | b[at + 1]!;
      break;
    case 'binary4':
      // Multiplied, not shifted: `<< 24` of a byte above 0x7f would turn the 32-bit value negative.
      n = b[at]! * 0x1000000 + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
      break;
    case 'bcd2':
      for (let i = at; i < at + 2; i++) {
        const hi = b[i]! >> 4;
        const lo = b[i]! & 15;
        if (hi > 9 || lo > 9) throw new Iso8583NetError(NetErrorCode.INVALID_FRAME, 'BCD length header is not digits');
        n = n * 100 + hi * 10 + lo;
      }
      break;
    case 'ascii': {
      const digits = f.digits ?? 4;
      for (let i = at; i < at + digits; i++) {
        const d = b[i]! - 0x30;
        if (d < 0 || d > 9) throw new Iso8583NetError(NetErrorCode.INVALID_FRAME, 'ASCII length header is not digits');
        n = n * 10 + d;
      }
      break;
    }
    case 'none':
      return 0;
  }
  if (f.includesLength === true) {
    n -= headerLength(f);
    if (n < 0) throw new Iso8583NetError(NetErrorCode.INVALID_FRAME, 'length header is smaller than itself');
  }
  return n;
}

/**
 * Reads the body length from a complete length header at `at` (already excluding the header itself when the
 * framing counts it). Throws `INVALID_FRAME` for a malformed header, `INVALID_OPTION` when `b` does not hold a
 * whole header at `at`.
 *
 * Why: the frame reader's own parser, for code that reads frames from something other than a stream (a capture file).
 *
 * @example
 * ```ts
 * readLength({ length: 'binary2' }, new Uint8Array([0x01, 0x2c]), 0); // 300
 * ```
 */
export function readLength(framing: FramingSpec, b: Uint8Array, at: number): number {
  const f = checkFraming(framing, 'framing');
  const bytes = viewBytes(b) ?? invalidOption('readLength', 'bytes', 'a Uint8Array', b);
  if (typeof at !== 'number' || !Number.isInteger(at) || at < 0 || at + headerLength(f) > bytes.length) {
    invalidOption('readLength', 'at', `an offset with ${headerLength(f)} header bytes after it`, at);
  }
  return parseLength(f, bytes, at);
}

/**
 * Encodes one frame: length header, fixed header, message.
 *
 * Why: the writer side of {@link readFrames}; the same spec frames both directions.
 *
 * @example
 * ```ts
 * socket.write(encodeFrame({ length: 'binary2' }, { message: codec.encode(reply) }));
 * ```
 */
export function encodeFrame(framing: FramingSpec, given: Frame): Uint8Array {
  const f = checkFraming(framing, 'framing');
  if (typeof given !== 'object' || given === null) invalidOption('encodeFrame', 'frame', 'an object { message, header? }', given);
  const frame = copyOptions('encodeFrame', 'frame', given, ['message', 'header']);
  // Views from the typed-array internals: a subclass's or an own `length` that lies is never read, nothing is copied.
  const message = viewBytes(frame.message) ?? invalidOption('encodeFrame', 'frame.message', 'a Uint8Array', frame.message);
  if (frame.header === undefined) return writeFrame(f, { message });
  const header = viewBytes(frame.header) ?? invalidOption('encodeFrame', 'frame.header', 'a Uint8Array or undefined', frame.header);
  return writeFrame(f, { header, message });
}

/**
 * {@link encodeFrame} for a framing already validated and a well-formed frame (the server's and client's path).
 * `alloc` makes the output; the server passes `Buffer.allocUnsafe` (pooled, and a socket takes a `Buffer` without
 * converting it): every byte of the output is written below, so unzeroed memory never leaks out.
 */
export function writeFrame(f: FramingSpec, frame: Frame, alloc: (size: number) => Uint8Array = (size) => new Uint8Array(size)): Uint8Array {
  const headerBytes = f.headerBytes ?? 0;
  const header = frame.header ?? new Uint8Array(headerBytes);
  if (header.length !== headerBytes) {
    throw new Iso8583NetError(NetErrorCode.INVALID_FRAMING, `the fixed header must be ${headerBytes} bytes`);
  }
  const lb = headerLength(f);
  const body = headerBytes + frame.message.length;
  const announced = body + (f.includesLength === true ? lb : 0);
  if (announced > announceable(f)) {
    throw new Iso8583NetError(NetErrorCode.FRAME_TOO_LARGE, `a ${body}-byte frame does not fit the ${f.length} length header`);
  }
  const out = alloc(lb + body);
  switch (f.length) {
    case 'binary2':
      out[0] = announced >> 8;
      out[1] = announced & 0xff;
      break;
    case 'binary4':
      out[0] = announced >>> 24;
      out[1] = (announced >>> 16) & 0xff;
      out[2] = (announced >>> 8) & 0xff;
      out[3] = announced & 0xff;
      break;
    case 'bcd2': {
      const s = String(announced).padStart(4, '0');
      out[0] = (Number(s[0]) << 4) | Number(s[1]);
      out[1] = (Number(s[2]) << 4) | Number(s[3]);
      break;
    }
    case 'ascii': {
      const s = String(announced).padStart(lb, '0');
      for (let i = 0; i < lb; i++) out[i] = s.charCodeAt(i);
      break;
    }
    case 'none':
      break;
  }
  out.set(header, lb);
  out.set(frame.message, lb + headerBytes);
  return out;
}
