import { describeType, invalidOption } from '../errors/arguments.js';
import { ErrorCode } from '../errors/codes.js';
import { guard, unreadable } from '../errors/guard.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import type { Infer } from '../spec/infer.js';
import type { MessageSpec } from '../spec/types.js';
import { checkedSpec } from './checked-spec.js';
import type { PathArg, RemovablePathArg, ValueAt } from './path-types.js';
import { type PathStep, resolvePath } from './resolve-path.js';
import { getAt, removeAt, setAt } from './walk.js';

/**
 * Reads and writes values of spec `S`'s messages by path: `'2'`, `'127.2'`, `'3.1'`, `'48.01'`, `'55.9F26'`,
 * `'55.70.57'`, `'35.pan'`. Paths are checked against the spec (`UNKNOWN_PATH`), typed from it where literal.
 *
 * Why: structured fields nest objects and tag lists; a path says where a value is once, in the spec's own terms,
 * and the same path names that place in errors and `describe`.
 */
export interface FieldPaths<S extends MessageSpec> {
  /** The spec the paths are checked against. */
  readonly spec: S;
  /** The value at `path`, `undefined` when it (or a container on the way) is absent; for a repeated TLV tag, the first. */
  get<const P extends string>(message: Infer<S>, path: PathArg<S, P>): ValueAt<S, P> | undefined;
  /** Whether the message holds a value at `path`. */
  has<const P extends string>(message: Infer<S>, path: PathArg<S, P>): boolean;
  /**
   * A new message with `value` at `path`; `message` is left unchanged. Only the containers on the path are copied
   * (the rest is shared); absent bitmapped, TLV and BER-TLV containers are created, appended tags go last, and a
   * repeated tag has its first entry replaced. A positional field or Track 2 is set whole before its parts.
   */
  set<const P extends string>(message: Infer<S>, path: PathArg<S, P>, value: ValueAt<S, P>): Infer<S>;
  /**
   * A new message without the value at `path` (every entry of a repeated tag); `message` is left unchanged. A
   * container left empty is removed too (so `remove` undoes a `set` that created it). Required parts (positional
   * subfields, Track 2 parts) cannot be removed.
   */
  remove<const P extends string>(message: Infer<S>, path: RemovablePathArg<S, P>): Infer<S>;
}

/** The message's field table, read inside a guard: a message that is no object with `fields` is `INVALID_MESSAGE`. */
function fieldsOf(message: unknown): Record<number, unknown> {
  if (describeType(message) !== 'an object') {
    throw new Iso8583Error(ErrorCode.INVALID_MESSAGE, `message must be an object, got ${describeType(message)}`);
  }
  const fields: unknown = (message as { fields?: unknown }).fields;
  if (describeType(fields) !== 'an object') {
    throw new Iso8583Error(ErrorCode.INVALID_MESSAGE, `message.fields must be an object, got ${describeType(fields)}`);
  }
  return fields as Record<number, unknown>;
}

/**
 * Returns the path helpers of `spec`: `get`, `has`, `set` and `remove` over every layout (positional, bitmapped,
 * TLV, BER-TLV with constructed tags, Track 2).
 *
 * Why: the spec is an argument so that a path is checked against the spec, not against one message: a misspelt
 * path is `UNKNOWN_PATH` (naming the part of it the spec knows) even on a message without that field, and a literal
 * path that is no path of the spec does not compile. `set` and `remove` return new messages and never change the
 * one given. The spec is validated once (`INVALID_SPEC`, as in `createCodec`); a message that is not an object of
 * fields, or a value on the path without its layout's shape, is `INVALID_MESSAGE`.
 *
 * @example
 * ```ts
 * const spec = structuredPreset(presets.iso87ascii);
 * const paths = fieldPaths(spec);
 * const message = createCodec(spec).decode(frame);
 * const cryptogram = paths.get(message, '55.9F26'); // Uint8Array | undefined
 * const withRef = paths.set(message, '127.2', 'ref-1'); // a new message: `message` is unchanged
 * ```
 */
export function fieldPaths<const S extends MessageSpec>(spec: S): FieldPaths<S>;
// As for createCodec: the signature above types the helpers by the spec; the code below works on any validated
// spec and vouches for no more than the dynamic shapes, which the type tests (spec/paths/*.spec-d.ts) tie together.
export function fieldPaths(spec: MessageSpec): unknown {
  const valid = checkedSpec(spec);
  const steps = (where: string, path: unknown): readonly PathStep[] => {
    if (typeof path !== 'string') throw invalidOption(`fieldPaths ${where}`, 'path', 'a string such as "55.9F26"', path);
    return resolvePath(valid, path);
  };
  const read = <T>(fn: () => T): T => guard(ErrorCode.INVALID_MESSAGE, unreadable('the message'), fn);
  const get = (message: unknown, path: unknown): unknown => {
    const s = steps('get', path);
    return read(() => getAt(fieldsOf(message), s));
  };
  return {
    spec,
    get,
    has: (message: unknown, path: unknown): boolean => {
      const s = steps('has', path);
      return read(() => getAt(fieldsOf(message), s) !== undefined);
    },
    set: (message: unknown, path: unknown, value: unknown): unknown => {
      const s = steps('set', path);
      if (value === undefined) throw invalidOption('fieldPaths set', 'value', 'a value (remove takes one out)', value);
      return read(() => ({ ...(message as object), fields: setAt(fieldsOf(message), s, value) }));
    },
    remove: (message: unknown, path: unknown): unknown => {
      const s = steps('remove', path);
      return read(() => {
        const fields = fieldsOf(message);
        return { ...(message as object), fields: removeAt(fields, s) ?? { ...fields } };
      });
    },
  };
}
