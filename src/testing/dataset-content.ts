import fc from 'fast-check';
import type { Dataset, DatasetElement, DatasetLayout } from '../spec/types.js';
import { DATASET_HEAD_BYTES, MAX_DATASET_BYTES } from '../subfields/dataset.js';
import type { Content } from './scalar-shape.js';
import { normalize, repeated, shift } from './sizes.js';
import { type EntryKind, listOfSize } from './tape.js';

/** Uppercase hex of `n` random bytes. */
const hexBytes = (n: number): fc.Arbitrary<string> =>
  fc.uint8Array({ minLength: n, maxLength: n }).map((b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('').toUpperCase());

/**
 * Datasets (ISO 8583:2003 composite data): each a 1-byte id, a 2-byte length and elements of the layout's tag and
 * length widths with any bytes as values; the layout's known ids, and any id when it keeps unknown datasets.
 */
export function datasetContent(layout: DatasetLayout, cap: number): Content {
  const head = layout.tagBytes + layout.lengthBytes;
  const maxValue = 256 ** layout.lengthBytes - 1;
  const element: EntryKind<DatasetElement> = {
    sizes: normalize([[head, head + maxValue]], cap),
    ofSize: (bytes) => fc.record({ tag: hexBytes(layout.tagBytes), value: fc.uint8Array({ minLength: bytes - head, maxLength: bytes - head }) }),
  };
  // A dataset's content is any run of elements, up to what its 2-byte length counts and the field leaves.
  const inner = repeated(element.sizes, Math.min(MAX_DATASET_BYTES, Math.max(0, cap - DATASET_HEAD_BYTES)));
  const known = Object.keys(layout.datasets ?? {});
  const ids = layout.unknownDatasets === 'reject' ? (known.length === 0 ? undefined : fc.constantFrom(...known)) : fc.oneof(hexBytes(1), ...(known.length === 0 ? [] : [fc.constantFrom(...known)]));
  if (ids === undefined) return { sizes: normalize([[0, 0]]), ofSize: () => fc.constant([]) };
  const dataset: EntryKind<Dataset> = {
    sizes: shift(inner, DATASET_HEAD_BYTES),
    ofSize: (bytes) => fc.record({ id: ids, elements: listOfSize([element], inner, bytes - DATASET_HEAD_BYTES) }),
  };
  const reachable = repeated(dataset.sizes, cap);
  return { sizes: reachable, ofSize: (bytes) => listOfSize([dataset], reachable, bytes) };
}
