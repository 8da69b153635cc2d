import { inspect } from 'node:util';
import { describeType } from '../errors/arguments.js';
import { copyBytes } from '../codecs/copy-bytes.js';
import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error } from '../errors/iso8583-error.js';

/**
 * The cipher a {@link SecretKey} is for: single DES (8 bytes), triple DES (16 bytes double length, 24 bytes triple
 * length) or AES (16, 24 or 32 bytes).
 */
export type KeyAlgorithm = 'des' | 'tdes' | 'aes';

/** The key lengths in bytes each algorithm takes. */
const KEY_LENGTHS: { readonly [A in KeyAlgorithm]: readonly number[] } = { des: [8], tdes: [16, 24], aes: [16, 24, 32] };

/** The bytes behind each key; a WeakMap so that no property, getter or serialisation of the key object reaches them. */
const secrets = new WeakMap<SecretKey, Uint8Array>();

/**
 * A clear DES, triple-DES or AES key held in the process, for tests, simulators and development.
 *
 * Why: a key that prints is a key in a log. The bytes live outside the object (module-private), so `String(key)`,
 * `JSON.stringify(key)`, `util.inspect(key)`, spreading and property enumeration show only the algorithm and the
 * length; only this package's own functions read the bytes. Production keys stay in an HSM (see
 * {@link SecurityModule}).
 */
export class SecretKey {
  /** The cipher the key is for. */
  readonly algorithm: KeyAlgorithm;
  /** Its length in bytes. */
  readonly length: number;

  private constructor(algorithm: KeyAlgorithm, bytes: Uint8Array) {
    this.algorithm = algorithm;
    this.length = bytes.length;
    secrets.set(this, bytes);
    Object.freeze(this);
  }

  /**
   * A key from its bytes (a `Uint8Array`, copied) or hex text; throws `INVALID_KEY` for a length the algorithm does
   * not take or for text that is not hex, `INVALID_OPTION` for an unknown algorithm.
   *
   * Why: one checked door for every key; the error names the lengths allowed, never the bytes given. DES parity
   * bits are not checked (the ciphers ignore them, and many test keys do not set them).
   */
  static from(algorithm: KeyAlgorithm, key: Uint8Array | string): SecretKey {
    const lengths = typeof algorithm === 'string' && Object.hasOwn(KEY_LENGTHS, algorithm) ? KEY_LENGTHS[algorithm] : undefined;
    if (lengths === undefined) {
      throw new Iso8583Error(ErrorCode.INVALID_OPTION, `SecretKey.from: algorithm must be "des", "tdes" or "aes", got ${describeType(algorithm)}`);
    }
    const bytes = typeof key === 'string' ? hexKey(key) : copyBytes(key);
    if (bytes === undefined) throw new Iso8583Error(ErrorCode.INVALID_KEY, `SecretKey.from: a key must be a Uint8Array or hex text, got ${describeType(key)}`);
    if (!lengths.includes(bytes.length)) {
      throw new Iso8583Error(ErrorCode.INVALID_KEY, `SecretKey.from: a ${algorithm} key is ${lengths.join(', ')} bytes long, got ${bytes.length}`);
    }
    return new SecretKey(algorithm, bytes);
  }

  /** What the key shows as text: algorithm and length, never the bytes. */
  toString(): string {
    return `SecretKey(${this.algorithm}, ${this.length} bytes)`;
  }

  /** What the key serialises to: algorithm and length, never the bytes. */
  toJSON(): { algorithm: KeyAlgorithm; length: number } {
    return { algorithm: this.algorithm, length: this.length };
  }

  /** What `util.inspect` and `console.log` show: the same as {@link SecretKey.toString}. */
  [inspect.custom](): string {
    return this.toString();
  }
}

/** Hex text as bytes, or `undefined` when it is not an even number of hex digits. */
function hexKey(text: string): Uint8Array | undefined {
  if (!/^(?:[0-9A-Fa-f]{2})*$/.test(text)) return undefined;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * The bytes of `key`, for this package's ciphers only (not exported from the entry point); throws `INVALID_KEY`
 * when `key` is not a {@link SecretKey} or not one of the `algorithms` the caller `where` takes.
 */
export function keyBytes(key: unknown, where: string, algorithms: readonly KeyAlgorithm[]): Uint8Array {
  const bytes = typeof key === 'object' && key !== null ? secrets.get(key as SecretKey) : undefined;
  if (bytes === undefined) throw new Iso8583Error(ErrorCode.INVALID_KEY, `${where}: the key must be a SecretKey, got ${describeType(key)}`);
  const { algorithm } = key as SecretKey;
  if (!algorithms.includes(algorithm)) {
    throw new Iso8583Error(ErrorCode.INVALID_KEY, `${where}: takes a ${algorithms.join(' or ')} key, got a ${algorithm} key`);
  }
  return bytes;
}
