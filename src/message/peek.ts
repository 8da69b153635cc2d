import { hasBit } from '../bitmap/bitmap.js';
import { ByteReader } from '../cursor/byte-reader.js';
import type { CompiledField } from '../cursor/compiled-field.js';
import type { Message } from '../spec/types.js';
import { type FrameHead, LAST_FIELD } from './frame-head.js';

/** What a peek found: the MTI when it reads as four digits, and the wanted fields read before the first failure. */
export interface Peeked {
  /** The MTI, or `undefined`. */
  mti: string | undefined;
  /** The wanted fields read before the first failure. */
  fields: Message['fields'];
}

/**
 * Compiles `Codec.peek` over a compiled frame head and field table: reads the MTI and the wanted fields of a frame
 * that may not decode as a whole, and never throws.
 *
 * Why: a server owes an answer it can pair even to a request it cannot decode; the walk uses the fields' own
 * decoders (each value found is fully validated) and stops at the first failure or after the last wanted field.
 */
export function compilePeek(
  head: FrameHead,
  fields: readonly (CompiledField | undefined)[],
): (frame: unknown, wanted: unknown) => Peeked {
  return function peekFrame(frame, wanted) {
    const found: Peeked = { mti: undefined, fields: {} };
    // Never throws: everything that reads the arguments (an instanceof check, an iteration, a proxy's traps, a
    // revoked proxy) runs inside this try, and the first failure ends the walk with what was read before it.
    try {
      if (!(frame instanceof Uint8Array) || !Array.isArray(wanted)) return found;
      // wants[n] === 1 for each wanted field the spec defines; the walk stops after the highest of them. `fields`
      // holds a compiled field at the spec's data element numbers only (2–192), so any other number (0, 1, 65 of a
      // tertiary spec, negative, fractional, out of range) finds nothing there.
      const wants = new Uint8Array(LAST_FIELD + 1);
      let last = 0;
      for (const n of wanted as unknown[]) {
        if (typeof n === 'number' && fields[n] !== undefined) {
          wants[n] = 1;
          last = Math.max(last, n);
        }
      }
      const r = new ByteReader(frame);
      // The header is skipped, not decoded: one of the right size that does not decode still leaves the MTI where
      // it always is. A frame shorter than the header leaves no MTI to read, and the MTI read below says so; a
      // header with a prefix is skipped by its prefix's count, and a prefix that does not read ends the walk.
      head.skipHeader(r);
      try {
        found.mti = head.readMti(r);
      } catch {
        // MTI bytes that are not digits still leave the bitmap where it always is. A cut MTI leaves fewer bytes
        // than the smallest bitmap (8), so the bitmap read below ends the walk.
      }
      const bits = new Uint8Array(24);
      // Bits past the last bitmap read stay 0.
      head.readBitmaps(r, bits, true);
      for (let n = 2; n <= last; n++) {
        // Bit 65 of a tertiary spec announces the tertiary bitmap; bit 1 and 129 are never data elements (a set
        // bit 129 fails the bitmap read).
        if (!hasBit(bits, n) || (head.tertiary && n === 65)) continue;
        const field = fields[n];
        if (field === undefined) return found;
        const value = field.decode(r);
        if (wants[n] === 1) found.fields[n] = value;
      }
    } catch {
      // The first failure ends the walk; what was read before it stands.
    }
    return found;
  };
}
