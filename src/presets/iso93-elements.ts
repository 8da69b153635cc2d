import type { DataElement } from './data-element.js';

/**
 * The ISO 8583:1993 data elements 2–128, written from the public descriptions of the standard's data element
 * directory (the second edition, 1993-12-15), cross-checked against two independent public tables of it.
 *
 * What changed from 1987, as wire facts: DE12 is the local date and time (n 12, YYMMDDhhmmss), DE22 the point of
 * service data code (an 12), DE24 the function code (n 3), DE25 the message reason code (n 4), DE26 the card
 * acceptor business code (n 4); DE31 acquirer reference data, DE43 and DE44 LLVAR up to 99; DE46 amounts, fees
 * (LLLVAR ..204); DE53 binary LLVAR ..48; DE55 ICC data (b LLLVAR ..255); DE56 original data elements
 * (n LLVAR ..35); DE57–59 life cycle code, authorizing agent and transport data; DE39 the action code (n 3);
 * DE71 n 8; 66–110 the reconciliation totals, destination/originator institutions and chargebacks of 1993.
 *
 * Our deliberate readings, each also noted in docs/spec-tables.md:
 * - Binary lengths are bytes (DE52 and the MACs 8 bytes).
 * - 49–51 currency codes are "a or n 3" in the standard; they are `n 3` here, as in the 1987 presets (ISO 4217
 *   numeric codes are what networks send, and it lets the binary preset pack them in BCD).
 * - 97 is `x+n 16` in the standard: the `C`/`D` sign counts in our length, so 17.
 * - 65 is "reserved for ISO use"; both public tables give it 8 bytes of binary, which is how it is read here, with
 *   no tertiary bitmap (uncertain: the standard's own printed attribute was not available to us).
 * - 111–115 reserved ISO, 116–122 reserved national, 123–127 reserved private, all `ans ..999` LLLVAR: both public
 *   tables split the reserved range this way (uncertain where exactly the standard draws the lines; the wire form
 *   of all of them is the same).
 */
const ISO93_TABLE = {
  2: { kind: 'n', length: 19, lengthDigits: 2, description: 'Primary account number (PAN)', sensitive: 'pan' },
  3: { kind: 'n', length: 6, lengthDigits: 0, description: 'Processing code' },
  4: { kind: 'n', length: 12, lengthDigits: 0, description: 'Amount, transaction' },
  5: { kind: 'n', length: 12, lengthDigits: 0, description: 'Amount, reconciliation' },
  6: { kind: 'n', length: 12, lengthDigits: 0, description: 'Amount, cardholder billing' },
  7: { kind: 'n', length: 10, lengthDigits: 0, description: 'Date and time, transmission (MMDDhhmmss)' },
  8: { kind: 'n', length: 8, lengthDigits: 0, description: 'Amount, cardholder billing fee' },
  9: { kind: 'n', length: 8, lengthDigits: 0, description: 'Conversion rate, reconciliation' },
  10: { kind: 'n', length: 8, lengthDigits: 0, description: 'Conversion rate, cardholder billing' },
  11: { kind: 'n', length: 6, lengthDigits: 0, description: 'Systems trace audit number (STAN)' },
  12: { kind: 'n', length: 12, lengthDigits: 0, description: 'Date and time, local transaction (YYMMDDhhmmss)' },
  13: { kind: 'n', length: 4, lengthDigits: 0, description: 'Date, effective (YYMM)' },
  14: { kind: 'n', length: 4, lengthDigits: 0, description: 'Date, expiration (YYMM)', sensitive: true },
  15: { kind: 'n', length: 6, lengthDigits: 0, description: 'Date, settlement (YYMMDD)' },
  16: { kind: 'n', length: 4, lengthDigits: 0, description: 'Date, conversion (MMDD)' },
  17: { kind: 'n', length: 4, lengthDigits: 0, description: 'Date, capture (MMDD)' },
  18: { kind: 'n', length: 4, lengthDigits: 0, description: 'Merchant type' },
  19: { kind: 'n', length: 3, lengthDigits: 0, description: 'Country code, acquiring institution' },
  20: { kind: 'n', length: 3, lengthDigits: 0, description: 'Country code, primary account number' },
  21: { kind: 'n', length: 3, lengthDigits: 0, description: 'Country code, forwarding institution' },
  22: { kind: 'an', length: 12, lengthDigits: 0, description: 'Point of service data code' },
  23: { kind: 'n', length: 3, lengthDigits: 0, description: 'Card sequence number' },
  24: { kind: 'n', length: 3, lengthDigits: 0, description: 'Function code' },
  25: { kind: 'n', length: 4, lengthDigits: 0, description: 'Message reason code' },
  26: { kind: 'n', length: 4, lengthDigits: 0, description: 'Card acceptor business code' },
  27: { kind: 'n', length: 1, lengthDigits: 0, description: 'Approval code length' },
  28: { kind: 'n', length: 6, lengthDigits: 0, description: 'Date, reconciliation (YYMMDD)' },
  29: { kind: 'n', length: 3, lengthDigits: 0, description: 'Reconciliation indicator' },
  30: { kind: 'n', length: 24, lengthDigits: 0, description: 'Amounts, original' },
  31: { kind: 'ans', length: 99, lengthDigits: 2, description: 'Acquirer reference data' },
  32: { kind: 'n', length: 11, lengthDigits: 2, description: 'Acquiring institution identification code' },
  33: { kind: 'n', length: 11, lengthDigits: 2, description: 'Forwarding institution identification code' },
  34: { kind: 'ns', length: 28, lengthDigits: 2, description: 'Primary account number, extended', sensitive: 'pan' },
  35: { kind: 'z', length: 37, lengthDigits: 2, description: 'Track 2 data', sensitive: true },
  36: { kind: 'z', length: 104, lengthDigits: 3, description: 'Track 3 data', sensitive: true },
  37: { kind: 'anp', length: 12, lengthDigits: 0, description: 'Retrieval reference number' },
  38: { kind: 'anp', length: 6, lengthDigits: 0, description: 'Approval code' },
  39: { kind: 'n', length: 3, lengthDigits: 0, description: 'Action code' },
  40: { kind: 'n', length: 3, lengthDigits: 0, description: 'Service code' },
  41: { kind: 'ans', length: 8, lengthDigits: 0, description: 'Card acceptor terminal identification' },
  42: { kind: 'ans', length: 15, lengthDigits: 0, description: 'Card acceptor identification code' },
  43: { kind: 'ans', length: 99, lengthDigits: 2, description: 'Card acceptor name/location' },
  44: { kind: 'ans', length: 99, lengthDigits: 2, description: 'Additional response data' },
  45: { kind: 'ans', length: 76, lengthDigits: 2, description: 'Track 1 data', sensitive: true },
  46: { kind: 'ans', length: 204, lengthDigits: 3, description: 'Amounts, fees' },
  47: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Additional data, national' },
  48: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Additional data, private' },
  49: { kind: 'n', length: 3, lengthDigits: 0, description: 'Currency code, transaction' },
  50: { kind: 'n', length: 3, lengthDigits: 0, description: 'Currency code, reconciliation' },
  51: { kind: 'n', length: 3, lengthDigits: 0, description: 'Currency code, cardholder billing' },
  52: { kind: 'b', length: 8, lengthDigits: 0, description: 'Personal identification number (PIN) data', sensitive: true },
  53: { kind: 'b', length: 48, lengthDigits: 2, description: 'Security related control information' },
  54: { kind: 'ans', length: 120, lengthDigits: 3, description: 'Amounts, additional' },
  55: { kind: 'b', length: 255, lengthDigits: 3, description: 'Integrated circuit card (ICC) system related data', sensitive: true },
  56: { kind: 'n', length: 35, lengthDigits: 2, description: 'Original data elements' },
  57: { kind: 'n', length: 3, lengthDigits: 0, description: 'Authorization life cycle code' },
  58: { kind: 'n', length: 11, lengthDigits: 2, description: 'Authorizing agent institution identification code' },
  59: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Transport data' },
  60: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved for national use' },
  61: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved for national use' },
  62: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved for private use' },
  63: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved for private use' },
  64: { kind: 'b', length: 8, lengthDigits: 0, description: 'Message authentication code (MAC)' },
  65: { kind: 'b', length: 8, lengthDigits: 0, description: 'Reserved for ISO use' },
  66: { kind: 'ans', length: 204, lengthDigits: 3, description: 'Amounts, original fees' },
  67: { kind: 'n', length: 2, lengthDigits: 0, description: 'Extended payment data' },
  68: { kind: 'n', length: 3, lengthDigits: 0, description: 'Country code, receiving institution' },
  69: { kind: 'n', length: 3, lengthDigits: 0, description: 'Country code, settlement institution' },
  70: { kind: 'n', length: 3, lengthDigits: 0, description: 'Country code, authorizing agent institution' },
  71: { kind: 'n', length: 8, lengthDigits: 0, description: 'Message number' },
  72: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Data record' },
  73: { kind: 'n', length: 6, lengthDigits: 0, description: 'Date, action (YYMMDD)' },
  74: { kind: 'n', length: 10, lengthDigits: 0, description: 'Credits, number' },
  75: { kind: 'n', length: 10, lengthDigits: 0, description: 'Credits, reversal number' },
  76: { kind: 'n', length: 10, lengthDigits: 0, description: 'Debits, number' },
  77: { kind: 'n', length: 10, lengthDigits: 0, description: 'Debits, reversal number' },
  78: { kind: 'n', length: 10, lengthDigits: 0, description: 'Transfer, number' },
  79: { kind: 'n', length: 10, lengthDigits: 0, description: 'Transfer, reversal number' },
  80: { kind: 'n', length: 10, lengthDigits: 0, description: 'Inquiries, number' },
  81: { kind: 'n', length: 10, lengthDigits: 0, description: 'Authorizations, number' },
  82: { kind: 'n', length: 10, lengthDigits: 0, description: 'Inquiries, reversal number' },
  83: { kind: 'n', length: 10, lengthDigits: 0, description: 'Payments, number' },
  84: { kind: 'n', length: 10, lengthDigits: 0, description: 'Payments, reversal number' },
  85: { kind: 'n', length: 10, lengthDigits: 0, description: 'Fee collections, number' },
  86: { kind: 'n', length: 16, lengthDigits: 0, description: 'Credits, amount' },
  87: { kind: 'n', length: 16, lengthDigits: 0, description: 'Credits, reversal amount' },
  88: { kind: 'n', length: 16, lengthDigits: 0, description: 'Debits, amount' },
  89: { kind: 'n', length: 16, lengthDigits: 0, description: 'Debits, reversal amount' },
  90: { kind: 'n', length: 10, lengthDigits: 0, description: 'Authorizations, reversal number' },
  91: { kind: 'n', length: 3, lengthDigits: 0, description: 'Country code, transaction destination institution' },
  92: { kind: 'n', length: 3, lengthDigits: 0, description: 'Country code, transaction originator institution' },
  93: { kind: 'n', length: 11, lengthDigits: 2, description: 'Transaction destination institution identification code' },
  94: { kind: 'n', length: 11, lengthDigits: 2, description: 'Transaction originator institution identification code' },
  95: { kind: 'ans', length: 99, lengthDigits: 2, description: 'Card issuer reference data' },
  96: { kind: 'b', length: 999, lengthDigits: 3, description: 'Key management data', sensitive: true },
  97: { kind: 'x+n', length: 17, lengthDigits: 0, description: 'Amount, net reconciliation' },
  98: { kind: 'ans', length: 25, lengthDigits: 0, description: 'Payee' },
  99: { kind: 'an', length: 11, lengthDigits: 2, description: 'Settlement institution identification code' },
  100: { kind: 'n', length: 11, lengthDigits: 2, description: 'Receiving institution identification code' },
  101: { kind: 'ans', length: 17, lengthDigits: 2, description: 'File name' },
  102: { kind: 'ans', length: 28, lengthDigits: 2, description: 'Account identification 1' },
  103: { kind: 'ans', length: 28, lengthDigits: 2, description: 'Account identification 2' },
  104: { kind: 'ans', length: 100, lengthDigits: 3, description: 'Transaction description' },
  105: { kind: 'n', length: 16, lengthDigits: 0, description: 'Credits, chargeback amount' },
  106: { kind: 'n', length: 16, lengthDigits: 0, description: 'Debits, chargeback amount' },
  107: { kind: 'n', length: 10, lengthDigits: 0, description: 'Credits, chargeback number' },
  108: { kind: 'n', length: 10, lengthDigits: 0, description: 'Debits, chargeback number' },
  109: { kind: 'ans', length: 84, lengthDigits: 2, description: 'Credits, fee amounts' },
  110: { kind: 'ans', length: 84, lengthDigits: 2, description: 'Debits, fee amounts' },
  111: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved for ISO use' },
  112: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved for ISO use' },
  113: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved for ISO use' },
  114: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved for ISO use' },
  115: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved for ISO use' },
  116: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved for national use' },
  117: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved for national use' },
  118: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved for national use' },
  119: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved for national use' },
  120: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved for national use' },
  121: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved for national use' },
  122: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved for national use' },
  123: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved for private use' },
  124: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved for private use' },
  125: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved for private use' },
  126: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved for private use' },
  127: { kind: 'ans', length: 999, lengthDigits: 3, description: 'Reserved for private use' },
  128: { kind: 'b', length: 8, lengthDigits: 0, description: 'Message authentication code (MAC)' },
} as const satisfies Record<number, DataElement>;

/**
 * The ISO 8583:1993 data elements 2–128 as a table of {@link DataElement} rows (see the notes above on our
 * deliberate readings of the standard).
 *
 * Why: tooling (documentation, spec editors, other dialects) can build on the same facts the presets use.
 */
export const ISO93_ELEMENTS: Readonly<Record<number, DataElement>> = ISO93_TABLE;

/**
 * The kind of each 1993 data element, by number, as literal types.
 *
 * Why: keeps `Infer` exact for the 1993 presets (kind `b` → `Uint8Array`) without exporting the raw table's type.
 */
export type Iso93Kinds = { readonly [K in keyof typeof ISO93_TABLE]: (typeof ISO93_TABLE)[K]['kind'] };
