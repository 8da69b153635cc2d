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
}

/**
 * Compiles one field spec at a path: what the layout compilers are given for their subfields.
 *
 * Why: a layout holds fields and a field may hold a layout; passing the field compiler in keeps the modules in one
 * direction (cursor → field → layout) instead of the two importing each other.
 */
export type FieldCompiler = (path: string, spec: FieldSpec) => CompiledField;
