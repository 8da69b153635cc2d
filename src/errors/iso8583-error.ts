import type { ErrorCode } from './codes.js';

/** Brand shared by every copy of this library (ESM and CJS builds alike), see {@link isIso8583Error}. */
const BRAND = Symbol.for('iso8583-codec.Iso8583Error');

/** Where an error happened: which field (a path such as `"2"` or `"55.9F02"`) and which byte offset. */
export interface ErrorLocation {
  /** Field path: `"mti"`, `"bitmap"`, `"header"`, or a data element number such as `"35"`. */
  readonly field?: string | undefined;
  /** Byte offset from the start of the frame (decode) or of the output (encode). */
  readonly offset?: number | undefined;
}

/**
 * The single error type this library throws for bad frames, bad messages and bad specs.
 *
 * Why: callers need one stable `code`, the `field` and the byte `offset` to answer a bad request with the right
 * response code, and the message text is built only from those and from lengths, so it never carries card data.
 */
export class Iso8583Error extends Error {
  /** Stable machine-readable code; see {@link ErrorCode}. */
  readonly code: ErrorCode;
  /** Field path where the failure happened, when it concerns one field. */
  readonly field: string | undefined;
  /** Byte offset of the failure, when it concerns a position in a frame. */
  readonly offset: number | undefined;
  /** A description free of field values: lengths, limits and positions only. */
  readonly detail: string;

  constructor(code: ErrorCode, detail: string, location: ErrorLocation = {}) {
    super(formatMessage(code, detail, location));
    this.name = 'Iso8583Error';
    this.code = code;
    this.field = location.field;
    this.offset = location.offset;
    this.detail = detail;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** Returns a copy of this error located at `field` (kept if already set) and `offset` (kept if already set). */
  locate(field: string | undefined, offset: number | undefined): Iso8583Error {
    return new Iso8583Error(this.code, this.detail, {
      field: this.field ?? field,
      offset: this.offset ?? offset,
    });
  }
}

function formatMessage(code: ErrorCode, detail: string, location: ErrorLocation): string {
  let where = '';
  if (location.field !== undefined) where += ` field ${location.field}`;
  if (location.offset !== undefined) where += ` at offset ${location.offset}`;
  return where === '' ? `${code}: ${detail}` : `${code}:${where}: ${detail}`;
}

/**
 * Tells whether `value` is an {@link Iso8583Error}, from this or any other loaded copy of the library.
 *
 * Why: an ESM and a CJS copy of the package define two different classes, so `instanceof` can lie; the brand
 * is a registered symbol both copies share.
 *
 * @example
 * ```ts
 * try { codec.decode(frame); } catch (e) { if (isIso8583Error(e)) console.warn(e.code, e.field, e.offset); }
 * ```
 */
export function isIso8583Error(value: unknown): value is Iso8583Error {
  if (typeof value !== 'object' || value === null) return false;
  // The brand is an own, non-configurable data property; a proxy cannot fake one its target lacks, and a
  // throwing or revoked proxy (thrown by a caller's code) is simply not an Iso8583Error.
  try {
    const brand = Object.getOwnPropertyDescriptor(value, BRAND);
    return brand !== undefined && brand.configurable === false && brand.value === true;
  } catch {
    return false;
  }
}
