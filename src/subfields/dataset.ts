import { copyRange } from '../codecs/copy-bytes.js';
import { hexOrUndefined, toHex } from '../codecs/hex-digits.js';
import type { ByteReader } from '../cursor/byte-reader.js';
import type { ByteWriter } from '../cursor/byte-writer.js';
import type { CompiledField } from '../cursor/compiled-field.js';
import { describeType } from '../errors/arguments.js';
import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import type { Dataset, DatasetElement, DatasetLayout } from '../spec/types.js';

/** Bytes before a dataset's content: the 1-byte identifier and the 2-byte length. */
export const DATASET_HEAD_BYTES = 3;
/** The largest dataset content a 2-byte length counts. */
export const MAX_DATASET_BYTES = 0xffff;

function malformed(detail: string, field: string, offset: number): Iso8583Error {
  return new Iso8583Error(ErrorCode.INVALID_TLV, detail, { field, offset });
}

/** A big-endian unsigned number of `n` bytes at `at`. */
function readNumber(buf: Uint8Array, at: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + buf[at + i]!;
  return v;
}

function writeNumber(w: ByteWriter, v: number, n: number): void {
  for (let i = n - 1; i >= 0; i--) w.byte(Math.floor(v / 256 ** i) & 0xff);
}

/** The bytes of `text` when it is `bytes` bytes of hex (either case), else undefined. */
function hexOf(text: unknown, bytes: number): Uint8Array | undefined {
  return typeof text === 'string' && text.length === 2 * bytes ? hexOrUndefined(text) : undefined;
}

/**
 * Compiles datasets (ISO 8583:2003 composite data elements): per dataset a 1-byte identifier, a 2-byte big-endian
 * length of its content, then elements of `tagBytes`-byte tags, `lengthBytes`-byte lengths and their values.
 *
 * Wire facts: every number is binary and fixed in width, so each value has exactly one byte form and decoding then
 * encoding gives back the same bytes. A dataset or element that runs past its container is `INVALID_TLV` at its
 * length; a dataset head or element head cut short is `INVALID_TLV` at its first byte.
 */
export function compileDataset(path: string, layout: DatasetLayout): CompiledField {
  const { tagBytes, lengthBytes } = layout;
  const maxValue = 256 ** lengthBytes - 1;
  const reject = layout.unknownDatasets === 'reject';
  const known = (id: string): boolean => layout.datasets !== undefined && Object.prototype.hasOwnProperty.call(layout.datasets, id);

  function readElements(r: ByteReader, end: number, datasetPath: string): DatasetElement[] {
    const out: DatasetElement[] = [];
    while (r.pos < end) {
      const start = r.pos;
      if (end - start < tagBytes + lengthBytes) throw malformed('element tag or length runs past the end of the dataset', datasetPath, start);
      const tag = toHex(copyRange(r.buf, start, start + tagBytes));
      const elementPath = `${datasetPath}.${tag}`;
      const length = readNumber(r.buf, start + tagBytes, lengthBytes);
      const valueAt = start + tagBytes + lengthBytes;
      if (length > end - valueAt) throw malformed(`element length ${length} runs past the end of the dataset`, elementPath, start + tagBytes);
      out.push({ tag, value: copyRange(r.buf, valueAt, valueAt + length) });
      r.pos = valueAt + length;
    }
    return out;
  }

  function decode(r: ByteReader): Dataset[] {
    const out: Dataset[] = [];
    while (r.pos < r.end) {
      const start = r.pos;
      if (r.end - start < DATASET_HEAD_BYTES) throw malformed('dataset identifier or length runs past the end of the field', path, start);
      const id = toHex(copyRange(r.buf, start, start + 1));
      const datasetPath = `${path}.${id}`;
      if (reject && !known(id)) throw new Iso8583Error(ErrorCode.UNKNOWN_TAG, 'dataset is not in the layout', { field: datasetPath, offset: start });
      const length = readNumber(r.buf, start + 1, 2);
      const contentAt = start + DATASET_HEAD_BYTES;
      if (length > r.end - contentAt) throw malformed(`dataset length ${length} runs past the end of the field`, datasetPath, start + 1);
      r.pos = contentAt;
      out.push({ id, elements: readElements(r, contentAt + length, datasetPath) });
    }
    return out;
  }

  function encode(w: ByteWriter, value: unknown): void {
    if (!Array.isArray(value)) {
      throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, `dataset value must be an array of { id, elements }, got ${describeType(value)}`, {
        field: path,
        offset: w.pos,
      });
    }
    for (const entry of value as unknown[]) {
      const { id, elements } = (entry ?? {}) as Partial<Dataset>;
      const idBytes = hexOf(id, 1);
      if (idBytes === undefined) throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, 'each dataset id must be one byte in hex', { field: path, offset: w.pos });
      const upper = (id as string).toUpperCase();
      const datasetPath = `${path}.${upper}`;
      if (reject && !known(upper)) throw new Iso8583Error(ErrorCode.UNKNOWN_TAG, 'dataset is not in the layout', { field: datasetPath, offset: w.pos });
      if (!Array.isArray(elements)) {
        throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, `a dataset holds an array of elements, got ${describeType(elements)}`, { field: datasetPath, offset: w.pos });
      }
      const start = w.pos;
      w.byte(idBytes[0]!);
      const lengthAt = w.reserve(2);
      for (const element of elements as unknown[]) {
        const { tag, value: v } = (element ?? {}) as Partial<DatasetElement>;
        const tagOf = hexOf(tag, tagBytes);
        if (tagOf === undefined) {
          throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, `each element tag must be ${tagBytes} byte(s) in hex`, { field: datasetPath, offset: w.pos });
        }
        const elementPath = `${datasetPath}.${(tag as string).toUpperCase()}`;
        if (!(v instanceof Uint8Array)) throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, 'an element holds a Uint8Array', { field: elementPath, offset: w.pos });
        if (v.length > maxValue) {
          throw new Iso8583Error(ErrorCode.LENGTH_EXCEEDS_MAX, `length ${v.length} exceeds maximum ${maxValue}`, { field: elementPath, offset: w.pos });
        }
        for (const b of tagOf) w.byte(b);
        writeNumber(w, v.length, lengthBytes);
        const at = w.reserve(v.length);
        w.buf.set(v, at);
      }
      const content = w.pos - start - DATASET_HEAD_BYTES;
      if (content > MAX_DATASET_BYTES) {
        throw new Iso8583Error(ErrorCode.LENGTH_EXCEEDS_MAX, `dataset length ${content} exceeds maximum ${MAX_DATASET_BYTES}`, { field: datasetPath, offset: start });
      }
      // The 2-byte length, written once the content is known (reserve never moves bytes already written).
      w.buf[lengthAt] = content >> 8;
      w.buf[lengthAt + 1] = content & 0xff;
    }
  }

  return { path, decode, encode };
}
