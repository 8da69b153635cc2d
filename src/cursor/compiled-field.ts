import type { FieldSpec, FieldValue } from '../spec/types.js';
import type { ByteReader } from './byte-reader.js';
import type { ByteWriter } from './byte-writer.js';

/**
 * One data element compiled into a decode closure and an encode closure over the shared cursor.
 *
 * Why: every decision that depends only on the spec (converter, prefix, units, padding, alphabet) is taken once
 * at compile time, so the per-frame work is a bounds check, a prefix read and one converter loop. Fields and
 * layouts share this contract, which is why it sits with the cursor both of them run over.
 */
export interface CompiledField {
  /** Field path used in errors, e.g. `"35"`. */
  readonly path: string;
  /** Reads the element at the cursor. */
  decode(r: ByteReader): FieldValue;
  /** Writes `value` at the writer's position; checks type, length and alphabet. */
  encode(w: ByteWriter, value: unknown): void;
  /**
   * For a field whose value is its bytes' Latin-1 text (fixed, or after a digit prefix of one byte per digit), what
   * {@link decode} checks, for a caller that reads the field inline; undefined for any other field.
   */
  readonly latin1Text?: Latin1Text | undefined;
  /**
   * For a fixed field of packed digits, what {@link decode} checks, for a caller that reads the field inline;
   * undefined for any other field.
   */
  readonly packedDigits?: PackedDigits | undefined;
}

/**
 * How a fixed field of packed digits reads: its value is the hex of its bytes (uppercase) when they fit the frame,
 * the spare nibble of an odd count is the pad and every other nibble is allowed; anything else is for the field's
 * `decode` to report.
 *
 * Why: as for {@link Latin1Text}, a message loop that reads such fields itself must check exactly what the field's
 * own `decode` checks and leave every refusal to it.
 */
export interface PackedDigits {
  /** Digits of the value. */
  readonly units: number;
  /** Bytes they take on the wire. */
  readonly bytes: number;
  /** `pairOk[byte] === 1` when both nibbles of the byte are allowed. */
  readonly pairOk: Uint8Array;
  /** `nibbleOk[n] === 1` when nibble `n` is allowed. */
  readonly nibbleOk: Uint8Array;
  /** An odd count leaves its spare nibble on the left (else on the right). */
  readonly padLeft: boolean;
  /** The spare nibble's value. */
  readonly padNibble: number;
  /** Whether a nibble A–F is allowed (the hex read gives it lowercase, the value has it uppercase). */
  readonly letters: boolean;
}

/**
 * How a Latin-1 text field reads: a value is its bytes' Latin-1 text when it fits the frame, every byte is allowed
 * and a prefix's digits are digits that count at most the maximum; anything else is for the field's `decode` to
 * report.
 *
 * Why: a message decoder that reads such fields in its own loop (no call, the position in a local) must check
 * exactly what the field's own `decode` checks, and leave every refusal to it, so that errors stay the same.
 */
export interface Latin1Text {
  /** Characters of a fixed field; 0 after a prefix. */
  readonly fixedUnits: number;
  /** Digits of the prefix, one byte each (0 for a fixed field). */
  readonly prefixDigits: number;
  /** Each byte's digit value in the prefix, -1 for a byte that is not a digit (unused for a fixed field). */
  readonly digitOf: Int8Array;
  /** The most characters a prefix may count. */
  readonly max: number;
  /** `allowed[byte] === 1` for each byte the value may hold. */
  readonly allowed: Uint8Array;
}

/**
 * Compiles one field spec at a path: what the layout compilers are given for their subfields.
 *
 * Why: a layout holds fields and a field may hold a layout; passing the field compiler in keeps the modules in one
 * direction (cursor → field → layout) instead of the two importing each other.
 */
export type FieldCompiler = (path: string, spec: FieldSpec) => CompiledField;
