import { ByteReader } from '../cursor/byte-reader.js';
import type { CompiledField } from '../cursor/compiled-field.js';
import { ErrorCode } from '../errors/codes.js';
import { isIso8583Error } from '../errors/iso8583-error.js';
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
      // wants[n] === 1 for each wanted field the spec defines; the walk stops after the highest of them.
      const wants = new Uint8Array(LAST_FIELD + 1);
      let last = 0;
      for (const n of wanted as unknown[]) {
        if (typeof n === 'number' && Number.isInteger(n) && n >= 2 && n <= LAST_FIELD && fields[n] !== undefined) {
          wants[n] = 1;
          if (n > last) last = n;
        }
      }
      const r = new ByteReader(frame);
      if (head.hasHeader) {
        try {
          head.readHeader(r);
        } catch (e) {
          // A header of the right size that does not decode still leaves the MTI where it always is.
          if (isIso8583Error(e) && e.code === ErrorCode.TRUNCATED) return found;
        }
      }
      try {
        found.mti = head.readMti(r);
      } catch (e) {
        if (isIso8583Error(e) && e.code === ErrorCode.TRUNCATED) return found;
      }
      if (last === 0) return found;
      const bits = new Uint8Array(24);
      const lastByte = head.readBitmaps(r, bits, true) * 8 + 8;
      for (let byteIndex = 0; byteIndex < lastByte; byteIndex++) {
        let byte = bits[byteIndex]!;
        if (byteIndex === 0 || (head.tertiary && byteIndex === 8) || byteIndex === 16) byte &= 0x7f;
        for (let bit = 0; byte !== 0 && bit < 8; bit++) {
          if ((byte & (0x80 >> bit)) === 0) continue;
          const n = byteIndex * 8 + bit + 1;
          const field = fields[n];
          if (n > last || field === undefined) return found;
          const value = field.decode(r);
          if (wants[n] === 1) found.fields[n] = value;
        }
      }
    } catch {
      // The first failure ends the walk; what was read before it stands.
    }
    return found;
  };
}
