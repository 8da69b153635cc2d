/**
 * Stable machine-readable error codes carried by every {@link Iso8583Error}.
 *
 * Why: callers branch on `code`, never on message text, so codes never change meaning once released.
 */
export const ErrorCode = {
  /** The input to decode is not a `Uint8Array`. */
  INVALID_INPUT: 'INVALID_INPUT',
  /** The frame ended before a field, prefix, MTI or bitmap was complete. */
  TRUNCATED: 'TRUNCATED',
  /** Bytes remain after the last field the bitmap announced. */
  TRAILING_BYTES: 'TRAILING_BYTES',
  /** The MTI is not four digits. */
  INVALID_MTI: 'INVALID_MTI',
  /** A bitmap is malformed (bad hex text, or a bit the spec cannot carry). */
  INVALID_BITMAP: 'INVALID_BITMAP',
  /**
   * A bitmap is well-formed but not in the one form encode writes (lowercase hex digits, an extension bitmap
   * announced but empty, a secondary missing where the spec always writes one); `bitmap.lenient` accepts these.
   */
  NON_CANONICAL_BITMAP: 'NON_CANONICAL_BITMAP',
  /** The bitmap announces a field the spec does not define. */
  UNKNOWN_FIELD: 'UNKNOWN_FIELD',
  /** A length prefix holds something other than digits. */
  INVALID_LENGTH_PREFIX: 'INVALID_LENGTH_PREFIX',
  /** A length (from a prefix, or of a value to encode) exceeds the field's maximum. */
  LENGTH_EXCEEDS_MAX: 'LENGTH_EXCEEDS_MAX',
  /** A fixed-length value to encode has the wrong length and the field has no padding rule. */
  INVALID_LENGTH: 'INVALID_LENGTH',
  /** A character is outside the field kind's alphabet or the converter's character set. */
  INVALID_CHARACTER: 'INVALID_CHARACTER',
  /** A BCD quartet holds a nibble the field kind does not allow. */
  INVALID_NIBBLE: 'INVALID_NIBBLE',
  /** A pad nibble or pad character differs from the one the field spec declares. */
  INVALID_PADDING: 'INVALID_PADDING',
  /** A value to encode has the wrong JavaScript type (e.g. a number instead of a string). */
  INVALID_VALUE_TYPE: 'INVALID_VALUE_TYPE',
  /** The message object to encode is malformed (not an object, bad MTI type, bad field key). */
  INVALID_MESSAGE: 'INVALID_MESSAGE',
  /** TLV or BER-TLV data is malformed (bad tag, bad length form, a length running past the field). */
  INVALID_TLV: 'INVALID_TLV',
  /** A TLV tag is not in the layout's dictionary and the layout rejects unknown tags. */
  UNKNOWN_TAG: 'UNKNOWN_TAG',
  /** Track 2 data has no separator, or its expiry or service code is missing or not digits. */
  INVALID_TRACK: 'INVALID_TRACK',
  /** A spec table is inconsistent; raised by `validateSpec` before any frame is touched. */
  INVALID_SPEC: 'INVALID_SPEC',
  /** A spec names a converter that is not registered. */
  UNKNOWN_CONVERTER: 'UNKNOWN_CONVERTER',
  /** A user-supplied converter threw something that is not an `Iso8583Error`. */
  CONVERTER_FAILED: 'CONVERTER_FAILED',
  /**
   * An argument or option of a call is missing, is not an object where options go, names an unknown option, or has
   * a type or value it cannot take; the text names the call and the option (plain JavaScript has no compiler).
   */
  INVALID_OPTION: 'INVALID_OPTION',
  /** A key (`iso8583-codec/security`) is not a `SecretKey`, has a length its algorithm does not take, or is for another cipher. */
  INVALID_KEY: 'INVALID_KEY',
  /** A PIN to put in a PIN block is not 4 to 12 decimal digits. */
  INVALID_PIN: 'INVALID_PIN',
  /** A deciphered PIN block is not one of its format: wrong control nibble, PIN length, PIN digits or fill. */
  INVALID_PIN_BLOCK: 'INVALID_PIN_BLOCK',
  /** A message required to carry a MAC carries none in its MAC field. */
  MAC_MISSING: 'MAC_MISSING',
  /** A message's MAC is not the MAC of the bytes it covers. */
  MAC_MISMATCH: 'MAC_MISMATCH',
  /**
   * A message lacks a field the spec's rules make mandatory for its MTI (always, or because a condition holds);
   * checked on encode, and on decode with `{ rules: true }`. The error names the field, never a value.
   */
  MANDATORY_FIELD_MISSING: 'MANDATORY_FIELD_MISSING',
  /**
   * A message carries a field the spec's rules forbid for its MTI (always, or because a condition holds); checked
   * on encode, and on decode with `{ rules: true }`.
   */
  FORBIDDEN_FIELD_PRESENT: 'FORBIDDEN_FIELD_PRESENT',
  /**
   * A field path (`fieldPaths(spec).get(message, '55.9F26')`) names no field, subfield, tag or Track 2 part of the
   * spec: an unknown field number, a subfield the layout lacks, a tag that is malformed or that the layout rejects,
   * or a segment below a value that has no parts.
   */
  UNKNOWN_PATH: 'UNKNOWN_PATH',
  /**
   * The MTI of a frame to decode or a message to encode selects no spec of a codec set (`createCodecSet`): no key
   * is for it and the set has no default.
   */
  UNKNOWN_MTI: 'UNKNOWN_MTI',
} as const;

/** The union of every stable error code string. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
