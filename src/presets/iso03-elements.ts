import type { DataElement } from './data-element.js';

/**
 * The ISO 8583:2003 (ISO 8583-1:2003) data elements we could establish from public descriptions of the standard's
 * data element table: 2–64 and the MAC at 128. Elements 65–127 and 130–192 are left out on purpose: no public
 * material we could read gives their formats, and a preset never guesses. A frame that announces one of them fails
 * with `UNKNOWN_FIELD`; add the ones your network uses (`{ ...iso03ascii.fields, 100: … }`).
 *
 * What changed from 1993, as wire facts: amounts carry their currency (DE4–6 n 16: currency code n 3, minor unit
 * n 1, value n 12; DE8 n 12), the STAN is n 12, dates carry the century (DE12 n 14 CCYYMMDDhhmmss, DE13 n 6,
 * DE15 and DE28 n 8), the processing code is an 6, the action code n 4, the terminal identification ans 16, DE42
 * LLVAR ans ..35, DE56 n LLVAR ..41; DE18 message error indicator, DE21 transaction life cycle identification,
 * DE22 and DE27 binary POS data and capability, DE34 electronic commerce data, DE49 verification data; composite
 * elements (34, 43, 44, 49, 55) are LLLLVAR up to 9999.
 *
 * Our deliberate readings, each also noted in docs/spec-tables.md:
 * - Binary lengths are bytes, as the 2003 table counts them.
 * - Elements the standard gives as `ansb` or `anb` (18, 27, 43, 44, 50, 51: text mixed with binary) are `b` here:
 *   raw bytes, since text converters refuse the binary parts.
 * - Uncertain (the public transcriptions disagree): DE22 is b 16 here (another transcription says b 12; 16 is the
 *   sum of its four b 4 sub-elements), DE27 b 27 (another says 25; 27 is the sum of its sub-elements), DE49 LLLLVAR
 *   ..9999 (another says LLLVAR ..999).
 * - Uncertain: 50–51 (reserved for ISO) are printed "LLLVAR ansb..9999", which cannot hold (three digits count to
 *   999); they are LLLLVAR `b` ..9999 here. The MAC (64 or 128, whichever ends the message) is printed b 4 and is
 *   4 bytes here.
 * - Bit 1 and bit 65 are continuation bits: the 2003 presets turn the tertiary bitmap on, so bit 65 announces a
 *   third bitmap, never data.
 */
const ISO03_TABLE = {
  2: { kind: 'n', length: 19, lengthDigits: 2, description: 'Primary account number (PAN)', sensitive: 'pan' },
  3: { kind: 'an', length: 6, lengthDigits: 0, description: 'Processing code (transaction type an 2, account types an 2 + an 2)' },
  4: { kind: 'n', length: 16, lengthDigits: 0, description: 'Amount, transaction (currency code n 3, minor unit n 1, value n 12)' },
  5: { kind: 'n', length: 16, lengthDigits: 0, description: 'Amount, reconciliation (currency code n 3, minor unit n 1, value n 12)' },
  6: { kind: 'n', length: 16, lengthDigits: 0, description: 'Amount, cardholder billing (currency code n 3, minor unit n 1, value n 12)' },
  7: { kind: 'n', length: 10, lengthDigits: 0, description: 'Date and time, transmission (MMDDhhmmss)' },
  8: { kind: 'n', length: 12, lengthDigits: 0, description: 'Amount, cardholder billing fee (currency code n 3, minor unit n 1, value n 8)' },
  9: { kind: 'n', length: 8, lengthDigits: 0, description: 'Conversion rate, reconciliation' },
  10: { kind: 'n', length: 8, lengthDigits: 0, description: 'Conversion rate, cardholder billing' },
  11: { kind: 'n', length: 12, lengthDigits: 0, description: 'Systems trace audit number (STAN)' },
  12: { kind: 'n', length: 14, lengthDigits: 0, description: 'Date and time, local transaction (CCYYMMDDhhmmss)' },
  13: { kind: 'n', length: 6, lengthDigits: 0, description: 'Date, effective (CCYYMM)' },
  14: { kind: 'n', length: 4, lengthDigits: 0, description: 'Date, expiration (YYMM)', sensitive: true },
  15: { kind: 'n', length: 8, lengthDigits: 0, description: 'Date, settlement (CCYYMMDD)' },
  16: { kind: 'n', length: 4, lengthDigits: 0, description: 'Date, conversion (MMDD)' },
  17: { kind: 'n', length: 4, lengthDigits: 0, description: 'Date, capture (MMDD)' },
  18: { kind: 'b', length: 140, lengthDigits: 3, description: 'Message error indicator' },
  19: { kind: 'n', length: 3, lengthDigits: 0, description: 'Country code, acquiring institution' },
  20: { kind: 'n', length: 3, lengthDigits: 0, description: 'Country code, primary account number' },
  21: { kind: 'ans', length: 22, lengthDigits: 0, description: 'Transaction life cycle identification data' },
  22: { kind: 'b', length: 16, lengthDigits: 0, description: 'Point of service data code' },
  23: { kind: 'n', length: 3, lengthDigits: 0, description: 'Card sequence number' },
  24: { kind: 'n', length: 3, lengthDigits: 0, description: 'Function code' },
  25: { kind: 'n', length: 4, lengthDigits: 0, description: 'Message reason code' },
  26: { kind: 'n', length: 4, lengthDigits: 0, description: 'Merchant category code' },
  27: { kind: 'b', length: 27, lengthDigits: 0, description: 'Point of service capability' },
  28: { kind: 'n', length: 8, lengthDigits: 0, description: 'Date, reconciliation (CCYYMMDD)' },
  29: { kind: 'n', length: 3, lengthDigits: 0, description: 'Reconciliation indicator' },
  30: { kind: 'n', length: 32, lengthDigits: 0, description: 'Amounts, original' },
  31: { kind: 'n', length: 23, lengthDigits: 0, description: 'Acquirer reference number' },
  32: { kind: 'n', length: 11, lengthDigits: 2, description: 'Acquiring institution identification code' },
  33: { kind: 'n', length: 11, lengthDigits: 2, description: 'Forwarding institution identification code' },
  34: { kind: 'b', length: 9999, lengthDigits: 4, description: 'Electronic commerce data', sensitive: true },
  35: { kind: 'z', length: 37, lengthDigits: 2, description: 'Track 2 data', sensitive: true },
  36: { kind: 'z', length: 104, lengthDigits: 3, description: 'Track 3 data', sensitive: true },
  37: { kind: 'anp', length: 12, lengthDigits: 0, description: 'Retrieval reference number' },
  38: { kind: 'anp', length: 6, lengthDigits: 0, description: 'Approval code' },
  39: { kind: 'n', length: 4, lengthDigits: 0, description: 'Action code' },
  40: { kind: 'n', length: 3, lengthDigits: 0, description: 'Service code' },
  41: { kind: 'ans', length: 16, lengthDigits: 0, description: 'Card acceptor terminal identification' },
  42: { kind: 'ans', length: 35, lengthDigits: 2, description: 'Card acceptor identification code' },
  43: { kind: 'b', length: 9999, lengthDigits: 4, description: 'Card acceptor name/location' },
  44: { kind: 'b', length: 9999, lengthDigits: 4, description: 'Additional response data' },
  45: { kind: 'ans', length: 76, lengthDigits: 2, description: 'Track 1 data', sensitive: true },
  46: { kind: 'ans', length: 216, lengthDigits: 3, description: 'Amounts, fees' },
  47: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Additional data, national' },
  48: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Additional data, private' },
  49: { kind: 'ans', length: 9999, lengthDigits: 4, description: 'Verification data', sensitive: true },
  50: { kind: 'b', length: 9999, lengthDigits: 4, description: 'Reserved for ISO use' },
  51: { kind: 'b', length: 9999, lengthDigits: 4, description: 'Reserved for ISO use' },
  52: { kind: 'b', length: 8, lengthDigits: 0, description: 'Personal identification number (PIN) data', sensitive: true },
  53: { kind: 'b', length: 48, lengthDigits: 2, description: 'Security related control information' },
  54: { kind: 'ans', length: 126, lengthDigits: 3, description: 'Amounts, additional' },
  55: { kind: 'b', length: 9999, lengthDigits: 4, description: 'Integrated circuit card (ICC) system related data', sensitive: true },
  56: { kind: 'n', length: 41, lengthDigits: 2, description: 'Original data elements (MTI n 4, STAN n 12, local date and time n 14, acquirer n ..11)' },
  57: { kind: 'n', length: 3, lengthDigits: 0, description: 'Authorization life cycle code' },
  58: { kind: 'n', length: 11, lengthDigits: 2, description: 'Authorizing agent institution identification code' },
  59: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Transport data' },
  60: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved for national use' },
  61: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved for national use' },
  62: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved for private use' },
  63: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved for private use' },
  64: { kind: 'b', length: 4, lengthDigits: 0, description: 'Message authentication code (MAC), when no element above 64 is present' },
  128: { kind: 'b', length: 4, lengthDigits: 0, description: 'Message authentication code (MAC), when the secondary bitmap is present' },
} as const satisfies Record<number, DataElement>;

/**
 * The ISO 8583:2003 data elements we could establish (2–64 and 128) as a table of {@link DataElement} rows (see the
 * notes above on what is left out and on our readings of the standard).
 *
 * Why: tooling (documentation, spec editors, other dialects) can build on the same facts the presets use.
 */
export const ISO03_ELEMENTS: Readonly<Record<number, DataElement>> = ISO03_TABLE;

/**
 * The kind of each 2003 data element, by number, as literal types.
 *
 * Why: keeps `Infer` exact for the 2003 presets (kind `b` → `Uint8Array`) without exporting the raw table's type.
 */
export type Iso03Kinds = { readonly [K in keyof typeof ISO03_TABLE]: (typeof ISO03_TABLE)[K]['kind'] };
