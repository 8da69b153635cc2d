/**
 * The longest BER-TLV tag the codec reads and writes, in bytes: a first byte and up to seven subsequent bytes.
 *
 * Why: X.690 8.1.2.4 sets no limit, so one is chosen. Seven subsequent bytes carry a tag number of 49 bits, every
 * number a JavaScript integer holds exactly; EMV itself uses tags of one to three bytes, some kernels and networks
 * four. A longer tag is refused (`INVALID_TLV`) rather than read byte after byte without end.
 */
export const MAX_BER_TAG_BYTES = 8;

/**
 * Tells whether `b` is a BER tag in the one form the codec writes (X.690 8.1.2): one byte whose low five bits are
 * not all set; or a first byte `xxx11111` followed by 1 to 7 subsequent bytes, each but the last with its top bit
 * set, the first of them not `0x80` (a leading zero group of the tag number, a second spelling of a shorter tag).
 *
 * Why: the decoder, the encoder, the spec check, the path resolver and the JSON reader share one definition of a
 * tag, so a tag one of them accepts is never refused by another. Tag numbers below 31 in the multi-byte form
 * (`9F02`) are accepted: EMV uses them, and each is still one byte sequence.
 */
export function isWellFormedTag(b: Uint8Array | readonly number[]): boolean {
  if (b.length < 1 || b.length > MAX_BER_TAG_BYTES) return false;
  if (b.length === 1) return (b[0]! & 0x1f) !== 0x1f;
  if ((b[0]! & 0x1f) !== 0x1f || b[1] === 0x80) return false;
  for (let i = 1; i < b.length - 1; i++) if ((b[i]! & 0x80) === 0) return false;
  return (b[b.length - 1]! & 0x80) === 0;
}

/**
 * The bytes of a BER tag written in hex (uppercase only, or either case with `anyCase`), or undefined when the
 * text is not a well-formed tag ({@link isWellFormedTag}).
 *
 * Why: tag names in specs, paths and JSON are hex text; reading them in one place keeps them in step with the wire.
 */
export function berTagFromHex(text: unknown, anyCase = false): number[] | undefined {
  if (typeof text !== 'string' || text.length < 2 || text.length > 2 * MAX_BER_TAG_BYTES || text.length % 2 !== 0) return undefined;
  if (!(anyCase ? /^[0-9A-Fa-f]+$/ : /^[0-9A-F]+$/).test(text)) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i += 2) bytes.push(parseInt(text.slice(i, i + 2), 16));
  return isWellFormedTag(bytes) ? bytes : undefined;
}

/** The error text for a tag that is not well-formed (no tag value in it, only the rule). */
export const BER_TAG_TEXT = `tag must be 1-${MAX_BER_TAG_BYTES} bytes of well-formed BER tag in hex`;
