import type { FieldKind } from '../spec/types.js';

/**
 * One row of the ISO 8583:1987 data-element table: attribute, length and how the length is carried.
 *
 * Why: the three presets share the standard's facts (kinds and lengths) and differ only in encoding, so the facts
 * live once, here, and each preset maps them onto converters and prefixes.
 */
export interface Iso87Element {
  /** Attribute from the standard (`n`, `an`, `ans`, `b`, `z`, `x+n` …). */
  readonly kind: FieldKind;
  /** Fixed length, or maximum for variable elements; characters/digits, and bytes for `b`. */
  readonly length: number;
  /** 0 fixed, 2 for LLVAR, 3 for LLLVAR. */
  readonly lengthDigits: 0 | 2 | 3;
  /** The element's name. */
  readonly description: string;
  /** Card data that must never be printed unmasked. */
  readonly sensitive?: true | 'pan';
}

/**
 * The ISO 8583:1987 data elements 2–128, written from the public table of the standard.
 *
 * Wire facts and our deliberate readings, each also noted in docs:
 * - Binary lengths are given in the standard in bits (`b 64`); here they are bytes (8).
 * - 49–51 currency codes are "a or n 3" in the standard; they are `n 3` here because ISO 4217 numeric codes are
 *   what networks send, and it lets the binary preset pack them in BCD.
 * - 36 (track 3) is `n ..104` in the standard; it is `z` here because track data contains separators.
 * - 45–48 are `an` in the standard; they are `ans` here because track 1 and additional data carry `^`, `/`, etc.
 * - 55 (reserved ISO in 1987) is binary `b ..999` LLLVAR because it carries EMV chip data in practice.
 * - 65 is the tertiary bitmap slot; with `bitmap.tertiary` off it is an 8-byte binary element.
 */
const ISO87_TABLE = {
  2: { kind: 'n', length: 19, lengthDigits: 2, description: 'Primary account number (PAN)', sensitive: 'pan' },
  3: { kind: 'n', length: 6, lengthDigits: 0, description: 'Processing code' },
  4: { kind: 'n', length: 12, lengthDigits: 0, description: 'Amount, transaction' },
  5: { kind: 'n', length: 12, lengthDigits: 0, description: 'Amount, settlement' },
  6: { kind: 'n', length: 12, lengthDigits: 0, description: 'Amount, cardholder billing' },
  7: { kind: 'n', length: 10, lengthDigits: 0, description: 'Transmission date and time (MMDDhhmmss)' },
  8: { kind: 'n', length: 8, lengthDigits: 0, description: 'Amount, cardholder billing fee' },
  9: { kind: 'n', length: 8, lengthDigits: 0, description: 'Conversion rate, settlement' },
  10: { kind: 'n', length: 8, lengthDigits: 0, description: 'Conversion rate, cardholder billing' },
  11: { kind: 'n', length: 6, lengthDigits: 0, description: 'System trace audit number (STAN)' },
  12: { kind: 'n', length: 6, lengthDigits: 0, description: 'Time, local transaction (hhmmss)' },
  13: { kind: 'n', length: 4, lengthDigits: 0, description: 'Date, local transaction (MMDD)' },
  14: { kind: 'n', length: 4, lengthDigits: 0, description: 'Date, expiration (YYMM)', sensitive: true },
  15: { kind: 'n', length: 4, lengthDigits: 0, description: 'Date, settlement (MMDD)' },
  16: { kind: 'n', length: 4, lengthDigits: 0, description: 'Date, conversion (MMDD)' },
  17: { kind: 'n', length: 4, lengthDigits: 0, description: 'Date, capture (MMDD)' },
  18: { kind: 'n', length: 4, lengthDigits: 0, description: 'Merchant type (MCC)' },
  19: { kind: 'n', length: 3, lengthDigits: 0, description: 'Acquiring institution country code' },
  20: { kind: 'n', length: 3, lengthDigits: 0, description: 'PAN extended, country code' },
  21: { kind: 'n', length: 3, lengthDigits: 0, description: 'Forwarding institution country code' },
  22: { kind: 'n', length: 3, lengthDigits: 0, description: 'Point of service entry mode' },
  23: { kind: 'n', length: 3, lengthDigits: 0, description: 'Card sequence number' },
  24: { kind: 'n', length: 3, lengthDigits: 0, description: 'Network international identifier (NII)' },
  25: { kind: 'n', length: 2, lengthDigits: 0, description: 'Point of service condition code' },
  26: { kind: 'n', length: 2, lengthDigits: 0, description: 'Point of service PIN capture code' },
  27: { kind: 'n', length: 1, lengthDigits: 0, description: 'Authorizing identification response length' },
  28: { kind: 'x+n', length: 9, lengthDigits: 0, description: 'Amount, transaction fee' },
  29: { kind: 'x+n', length: 9, lengthDigits: 0, description: 'Amount, settlement fee' },
  30: { kind: 'x+n', length: 9, lengthDigits: 0, description: 'Amount, transaction processing fee' },
  31: { kind: 'x+n', length: 9, lengthDigits: 0, description: 'Amount, settlement processing fee' },
  32: { kind: 'n', length: 11, lengthDigits: 2, description: 'Acquiring institution identification code' },
  33: { kind: 'n', length: 11, lengthDigits: 2, description: 'Forwarding institution identification code' },
  34: { kind: 'ns', length: 28, lengthDigits: 2, description: 'Primary account number, extended', sensitive: 'pan' },
  35: { kind: 'z', length: 37, lengthDigits: 2, description: 'Track 2 data', sensitive: true },
  36: { kind: 'z', length: 104, lengthDigits: 3, description: 'Track 3 data', sensitive: true },
  37: { kind: 'an', length: 12, lengthDigits: 0, description: 'Retrieval reference number' },
  38: { kind: 'an', length: 6, lengthDigits: 0, description: 'Authorization identification response' },
  39: { kind: 'an', length: 2, lengthDigits: 0, description: 'Response code' },
  40: { kind: 'an', length: 3, lengthDigits: 0, description: 'Service restriction code' },
  41: { kind: 'ans', length: 8, lengthDigits: 0, description: 'Card acceptor terminal identification' },
  42: { kind: 'ans', length: 15, lengthDigits: 0, description: 'Card acceptor identification code' },
  43: { kind: 'ans', length: 40, lengthDigits: 0, description: 'Card acceptor name/location' },
  44: { kind: 'an', length: 25, lengthDigits: 2, description: 'Additional response data' },
  45: { kind: 'ans', length: 76, lengthDigits: 2, description: 'Track 1 data', sensitive: true },
  46: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Additional data, ISO' },
  47: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Additional data, national' },
  48: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Additional data, private' },
  49: { kind: 'n', length: 3, lengthDigits: 0, description: 'Currency code, transaction' },
  50: { kind: 'n', length: 3, lengthDigits: 0, description: 'Currency code, settlement' },
  51: { kind: 'n', length: 3, lengthDigits: 0, description: 'Currency code, cardholder billing' },
  52: { kind: 'b', length: 8, lengthDigits: 0, description: 'Personal identification number (PIN) data', sensitive: true },
  53: { kind: 'n', length: 16, lengthDigits: 0, description: 'Security related control information' },
  54: { kind: 'an', length: 120, lengthDigits: 3, description: 'Additional amounts' },
  55: { kind: 'b', length: 999, lengthDigits: 3, description: 'ICC data (EMV), reserved ISO', sensitive: true },
  56: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved ISO' },
  57: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved national' },
  58: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved national' },
  59: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved national' },
  60: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved national' },
  61: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved private' },
  62: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved private' },
  63: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved private' },
  64: { kind: 'b', length: 8, lengthDigits: 0, description: 'Message authentication code (MAC)' },
  65: { kind: 'b', length: 8, lengthDigits: 0, description: 'Bitmap, extended (tertiary)' },
  66: { kind: 'n', length: 1, lengthDigits: 0, description: 'Settlement code' },
  67: { kind: 'n', length: 2, lengthDigits: 0, description: 'Extended payment code' },
  68: { kind: 'n', length: 3, lengthDigits: 0, description: 'Receiving institution country code' },
  69: { kind: 'n', length: 3, lengthDigits: 0, description: 'Settlement institution country code' },
  70: { kind: 'n', length: 3, lengthDigits: 0, description: 'Network management information code' },
  71: { kind: 'n', length: 4, lengthDigits: 0, description: 'Message number' },
  72: { kind: 'n', length: 4, lengthDigits: 0, description: 'Message number, last' },
  73: { kind: 'n', length: 6, lengthDigits: 0, description: 'Date, action (YYMMDD)' },
  74: { kind: 'n', length: 10, lengthDigits: 0, description: 'Credits, number' },
  75: { kind: 'n', length: 10, lengthDigits: 0, description: 'Credits, reversal number' },
  76: { kind: 'n', length: 10, lengthDigits: 0, description: 'Debits, number' },
  77: { kind: 'n', length: 10, lengthDigits: 0, description: 'Debits, reversal number' },
  78: { kind: 'n', length: 10, lengthDigits: 0, description: 'Transfer, number' },
  79: { kind: 'n', length: 10, lengthDigits: 0, description: 'Transfer, reversal number' },
  80: { kind: 'n', length: 10, lengthDigits: 0, description: 'Inquiries, number' },
  81: { kind: 'n', length: 10, lengthDigits: 0, description: 'Authorizations, number' },
  82: { kind: 'n', length: 12, lengthDigits: 0, description: 'Credits, processing fee amount' },
  83: { kind: 'n', length: 12, lengthDigits: 0, description: 'Credits, transaction fee amount' },
  84: { kind: 'n', length: 12, lengthDigits: 0, description: 'Debits, processing fee amount' },
  85: { kind: 'n', length: 12, lengthDigits: 0, description: 'Debits, transaction fee amount' },
  86: { kind: 'n', length: 16, lengthDigits: 0, description: 'Credits, amount' },
  87: { kind: 'n', length: 16, lengthDigits: 0, description: 'Credits, reversal amount' },
  88: { kind: 'n', length: 16, lengthDigits: 0, description: 'Debits, amount' },
  89: { kind: 'n', length: 16, lengthDigits: 0, description: 'Debits, reversal amount' },
  90: { kind: 'n', length: 42, lengthDigits: 0, description: 'Original data elements' },
  91: { kind: 'an', length: 1, lengthDigits: 0, description: 'File update code' },
  92: { kind: 'an', length: 2, lengthDigits: 0, description: 'File security code' },
  93: { kind: 'an', length: 5, lengthDigits: 0, description: 'Response indicator' },
  94: { kind: 'an', length: 7, lengthDigits: 0, description: 'Service indicator' },
  95: { kind: 'an', length: 42, lengthDigits: 0, description: 'Replacement amounts' },
  96: { kind: 'b', length: 8, lengthDigits: 0, description: 'Message security code' },
  97: { kind: 'x+n', length: 17, lengthDigits: 0, description: 'Amount, net settlement' },
  98: { kind: 'ans', length: 25, lengthDigits: 0, description: 'Payee' },
  99: { kind: 'n', length: 11, lengthDigits: 2, description: 'Settlement institution identification code' },
  100: { kind: 'n', length: 11, lengthDigits: 2, description: 'Receiving institution identification code' },
  101: { kind: 'ans', length: 17, lengthDigits: 2, description: 'File name' },
  102: { kind: 'ans', length: 28, lengthDigits: 2, description: 'Account identification 1' },
  103: { kind: 'ans', length: 28, lengthDigits: 2, description: 'Account identification 2' },
  104: { kind: 'ans', length: 100, lengthDigits: 3, description: 'Transaction description' },
  105: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved ISO' },
  106: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved ISO' },
  107: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved ISO' },
  108: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved ISO' },
  109: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved ISO' },
  110: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved ISO' },
  111: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved ISO' },
  112: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved national' },
  113: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved national' },
  114: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved national' },
  115: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved national' },
  116: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved national' },
  117: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved national' },
  118: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved national' },
  119: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved national' },
  120: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved private' },
  121: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved private' },
  122: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved private' },
  123: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved private' },
  124: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved private' },
  125: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved private' },
  126: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved private' },
  127: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved private' },
  128: { kind: 'b', length: 8, lengthDigits: 0, description: 'Message authentication code (MAC)' },
} as const satisfies Record<number, Iso87Element>;

/**
 * The ISO 8583:1987 data elements 2–128 as a table of {@link Iso87Element} rows (see the notes above on our
 * deliberate readings of the standard).
 *
 * Why: tooling (documentation, spec editors, other dialects) can build on the same facts the presets use.
 */
export const ISO87_ELEMENTS: Readonly<Record<number, Iso87Element>> = ISO87_TABLE;

/**
 * The kind of each 1987 data element, by number, as literal types.
 *
 * Why: keeps `Infer` exact for the presets (kind `b` → `Uint8Array`) without exporting the raw table's type.
 */
export type Iso87Kinds = { readonly [K in keyof typeof ISO87_TABLE]: (typeof ISO87_TABLE)[K]['kind'] };
