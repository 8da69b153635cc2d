import { describeType } from '../errors/arguments.js';
import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import type { PathStep } from './resolve-path.js';

/** A container on a path as the walk sees it: an object keyed by number or part name, or a list of tag entries. */
type Container = Record<string | number, unknown> | readonly unknown[];

function misshapen(step: PathStep, expected: string, got: unknown): Iso8583Error {
  return new Iso8583Error(ErrorCode.INVALID_MESSAGE, `the value here must be ${expected} for this path, got ${describeType(got)}`, {
    field: step.parent === '' ? undefined : step.parent,
  });
}

const isList = (step: PathStep): boolean => step.container === 'tlv' || step.container === 'ber-tlv';

/** Checks that `value` is the container `step` reads from: a list for tags, a plain object otherwise. */
function asContainer(value: unknown, step: PathStep): Container {
  const type = describeType(value);
  if (isList(step)) {
    if (type !== 'an array') throw misshapen(step, 'a list of { tag, value } entries', value);
    return value as readonly unknown[];
  }
  if (type !== 'an object') throw misshapen(step, step.container === 'fields' ? 'an object of fields' : 'an object of parts', value);
  return value as Record<string | number, unknown>;
}

/** The index of the first entry of `list` with `step`'s tag, `-1` when there is none. */
function entryIndex(list: readonly unknown[], step: PathStep): number {
  for (let i = 0; i < list.length; i++) {
    const entry = list[i];
    if (describeType(entry) !== 'an object') throw misshapen(step, 'a list of { tag, value } entries', entry);
    if ((entry as { tag?: unknown }).tag === step.key) return i;
  }
  return -1;
}

/** The entries of TLV data with a leading part (`{ leading, entries }`), checked to be a list. */
function entriesOf(container: Container, step: PathStep): readonly unknown[] {
  const entries = (container as { entries?: unknown }).entries;
  if (!Array.isArray(entries)) throw misshapen(step, '{ leading, entries } with a list of { tag, value } entries', entries);
  return entries;
}

/** The value `step` reads from `container` (`undefined` when absent). */
function child(container: Container, step: PathStep): unknown {
  const list = step.container === 'tlv-entries' ? entriesOf(container, step) : container;
  if (!Array.isArray(list)) return (container as Record<string | number, unknown>)[step.key];
  const i = entryIndex(list, step);
  return i < 0 ? undefined : (list[i] as { value?: unknown }).value;
}

/** A copy of `container` with `step`'s value set to `value`: the first entry with the tag replaced, or one appended. */
function withChild(container: Container, step: PathStep, value: unknown): Container {
  if (step.container === 'tlv-entries') return { ...(container as object), entries: withChild(entriesOf(container, step), { ...step, container: 'tlv' }, value) };
  if (!Array.isArray(container)) return { ...(container as Record<string | number, unknown>), [step.key]: value };
  const list = [...container];
  const i = entryIndex(list, step);
  if (i < 0) list.push({ tag: step.key, value });
  else list[i] = { ...(list[i] as object), value };
  return list;
}

/** A copy of `container` without `step`'s value: the key deleted, or every entry with the tag left out. */
function withoutChild(container: Container, step: PathStep): Container {
  if (step.container === 'tlv-entries') return { ...(container as object), entries: withoutChild(entriesOf(container, step), { ...step, container: 'tlv' }) };
  if (Array.isArray(container)) return container.filter((e) => (e as { tag?: unknown }).tag !== step.key);
  const copy = { ...(container as Record<string | number, unknown>) };
  delete copy[step.key];
  return copy;
}

const isEmpty = (c: Container): boolean =>
  Array.isArray(c) ? c.length === 0 : Object.values(c as Record<string, unknown>).every((v) => v === undefined);

/** True when the step's value is required where it sits: a positional subfield, a Track 2 or Track 1 part, a TLV's leading part. */
const isRequiredPart = (step: PathStep): boolean =>
  step.container === 'positional' || step.container === 'track2' || step.container === 'track1' || step.container === 'tlv-leading';

/** The value at `steps` below the field table `fields`, `undefined` when anything on the way is absent. */
export function getAt(fields: unknown, steps: readonly PathStep[]): unknown {
  let value = fields;
  for (const step of steps) {
    if (value === undefined) return undefined;
    value = child(asContainer(value, step), step);
  }
  return value;
}

/** An empty container for `step` to read from, created by `set`; a positional field or Track 2 has no empty form. */
function created(step: PathStep): Container {
  // TLV with a leading part has no empty form either: its leading part is required.
  if (isRequiredPart(step) || step.container === 'tlv-entries') {
    throw new Iso8583Error(
      ErrorCode.INVALID_MESSAGE,
      'this field is absent and every part of it is required: set it whole, then its parts',
      { field: step.parent },
    );
  }
  return isList(step) ? [] : {};
}

/** A copy of the field table `fields` with `value` at `steps`, copying only the containers on the way. */
export function setAt(fields: unknown, steps: readonly PathStep[], value: unknown): Container {
  const write = (container: Container, i: number): Container => {
    const step = steps[i]!;
    if (i === steps.length - 1) return withChild(container, step, value);
    const next = steps[i + 1]!;
    const below = child(container, step);
    return withChild(container, step, write(below === undefined ? created(next) : asContainer(below, next), i + 1));
  };
  return write(asContainer(fields, steps[0]!), 0);
}

/** What removing did to one container: nothing (the path was absent), or its copy and whether that is empty. */
type Removed = { readonly changed: false } | { readonly changed: true; readonly container: Container };

/**
 * A copy of the field table `fields` without the value at `steps`; a container left empty by the removal is removed
 * too, up to the field, except where it is a required part (it stays, empty). `undefined` when nothing was there.
 */
export function removeAt(fields: unknown, steps: readonly PathStep[]): Container | undefined {
  const last = steps[steps.length - 1]!;
  if (isRequiredPart(last)) {
    throw new Iso8583Error(ErrorCode.INVALID_MESSAGE, 'a positional subfield, track part or leading part is required: set it instead', {
      field: last.path,
    });
  }
  const remove = (container: Container, i: number): Removed => {
    const step = steps[i]!;
    const below = child(container, step);
    if (below === undefined) return { changed: false };
    if (i === steps.length - 1) return { changed: true, container: withoutChild(container, step) };
    const next = steps[i + 1]!;
    const inner = remove(asContainer(below, next), i + 1);
    if (!inner.changed) return inner;
    const dropped = isEmpty(inner.container) && !isRequiredPart(step);
    return { changed: true, container: dropped ? withoutChild(container, step) : withChild(container, step, inner.container) };
  };
  const result = remove(asContainer(fields, steps[0]!), 0);
  return result.changed ? result.container : undefined;
}
