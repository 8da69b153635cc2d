import { getConverter } from '../codecs/registry.js';
import type { HeaderSpec, MessageSpec } from '../spec/types.js';

/** The part of a frame head two specs disagree on, named as an error's `field` names it. */
export type HeadPart = 'header' | 'mti' | 'bitmap';

/**
 * The first part of the frame head where two validated specs differ: the header (its length and encoding), the
 * MTI encoding, or the bitmap (its format, the encoding of a hex bitmap, a tertiary bitmap or not); `undefined`
 * when they share it.
 *
 * Why: the specs of one codec set are told apart by the MTI, which only reads the same in each when it sits at the
 * same offset in the same encoding; and one link speaks one frame head. A bitmap's `alwaysSecondary` and `lenient`
 * are not compared: they decide which forms a message may take, not where anything is.
 */
export function headDifference(a: MessageSpec, b: MessageSpec): HeadPart | undefined {
  const ha = a.header;
  const hb = b.header;
  if (ha === undefined ? hb !== undefined : hb === undefined || !sameHeader(ha, hb)) return 'header';
  if (a.mti.encoding !== b.mti.encoding) return 'mti';
  const ba = a.bitmap;
  const bb = b.bitmap;
  // A hex bitmap's digits are ASCII unless the spec names another encoding (compileBitmap's default).
  const textOf = (bitmap: MessageSpec['bitmap']): string | undefined => (bitmap.format === 'hex' ? (bitmap.encoding ?? 'ascii') : undefined);
  if (ba.format !== bb.format || textOf(ba) !== textOf(bb) || (ba.tertiary === true) !== (bb.tertiary === true)) return 'bitmap';
  return undefined;
}

/** Whether two validated headers take the same bytes: length, encoding, and prefix and unit when they have one. */
function sameHeader(a: HeaderSpec, b: HeaderSpec): boolean {
  const prefix = (h: HeaderSpec): string => h.prefix ?? 'fixed';
  // A fixed header counts bytes; a prefixed one its unit, by default the converter's natural one.
  const unit = (h: HeaderSpec): string => (prefix(h) === 'fixed' ? 'bytes' : (h.lengthUnit ?? getConverter(h.encoding).lengthUnits[0] ?? ''));
  return a.length === b.length && a.encoding === b.encoding && prefix(a) === prefix(b) && unit(a) === unit(b);
}
