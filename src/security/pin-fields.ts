import { randomBytes } from 'node:crypto';
import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import { invalidOption } from '../errors/arguments.js';

/**
 * An ISO 9564-1 PIN block format: 0 (PIN XOR PAN, `F` fill), 1 (no PAN, random fill), 3 (PIN XOR PAN, random
 * `A`–`F` fill), all 8 bytes enciphered with DES or triple DES; 4 (16 bytes, AES, PIN field and PAN field
 * enciphered in two steps).
 */
export type PinBlockFormat = 0 | 1 | 3 | 4;

/** Checks `format`; throws `INVALID_OPTION`. */
export function checkFormat(where: string, format: unknown): PinBlockFormat {
  if (format !== 0 && format !== 1 && format !== 3 && format !== 4) throw invalidOption(where, 'format', '0, 1, 3 or 4', format);
  return format;
}

/** Checks a PIN: 4 to 12 decimal digits; throws `INVALID_PIN` without quoting it. */
export function checkPin(where: string, pin: unknown): string {
  if (typeof pin !== 'string' || !/^[0-9]{4,12}$/.test(pin)) {
    throw new Iso8583Error(ErrorCode.INVALID_PIN, `${where}: a PIN is a string of 4 to 12 decimal digits (the value is not shown)`);
  }
  return pin;
}

/** Checks a PAN: 8 to 19 decimal digits (ISO/IEC 7812); throws `INVALID_OPTION` without quoting it. */
export function checkPan(where: string, pan: unknown): string {
  if (typeof pan !== 'string' || !/^[0-9]{8,19}$/.test(pan)) throw invalidOption(where, 'pan', 'a string of 8 to 19 decimal digits (the value is not shown)', pan);
  return pan;
}

/** Nibbles (0–15 each) packed two to a byte, the first in the high half. */
function pack(nibbles: readonly number[]): Uint8Array {
  const out = new Uint8Array(nibbles.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = (nibbles[2 * i]! << 4) | nibbles[2 * i + 1]!;
  return out;
}

function unpack(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (const b of bytes) out.push(b >> 4, b & 0x0f);
  return out;
}

/**
 * The clear PIN field: control nibble (the format), PIN length, the PIN digits, then the fill: `F` for format 0,
 * random nibbles for 1, random `A`–`F` for 3; for format 4, `A` up to nibble 16 then 8 random bytes (16 bytes).
 */
export function pinField(format: PinBlockFormat, pin: string): Uint8Array {
  const size = format === 4 ? 32 : 16;
  const random = randomBytes(size);
  const nibbles = [format, pin.length, ...[...pin].map(Number)];
  for (let i = nibbles.length; i < size; i++) {
    const r = random[i]! & 0x0f;
    if (format === 0) nibbles.push(0xf);
    else if (format === 1) nibbles.push(r);
    // 6 values A–F: a random byte modulo 6 is biased by under 2 %, which is immaterial for a fill.
    else if (format === 3) nibbles.push(0xa + (random[i]! % 6));
    else nibbles.push(i < 16 ? 0xa : r);
  }
  return pack(nibbles);
}

/** The PIN of a clear PIN field of `format`; throws `INVALID_PIN_BLOCK` naming the rule broken, never a digit. */
export function readPinField(where: string, format: PinBlockFormat, field: Uint8Array): string {
  const n = unpack(field);
  const bad = (what: string): Iso8583Error => new Iso8583Error(ErrorCode.INVALID_PIN_BLOCK, `${where}: not a format ${format} PIN block: ${what}`);
  if (n[0] !== format) throw bad('its control nibble is another format');
  const length = n[1]!;
  if (length < 4 || length > 12) throw bad('its PIN length is outside 4 to 12');
  let pin = '';
  for (let i = 2; i < 2 + length; i++) {
    if (n[i]! > 9) throw bad('a PIN digit is not decimal');
    pin += String(n[i]);
  }
  for (let i = 2 + length; i < 16; i++) {
    const fill = n[i]!;
    if ((format === 0 && fill !== 0xf) || (format === 3 && fill < 0xa) || (format === 4 && fill !== 0xa)) throw bad('its fill is not the format\'s');
  }
  return pin;
}

/**
 * The PAN field XORed into formats 0 and 3: four zero nibbles, then the 12 rightmost PAN digits without the check
 * digit (zeros on the left when there are fewer).
 */
export function panField(pan: string): Uint8Array {
  const digits = pan.slice(0, -1).slice(-12).padStart(12, '0');
  return pack([0, 0, 0, 0, ...[...digits].map(Number)]);
}

/**
 * The format 4 PAN field (16 bytes): the PAN's length minus 12 (0 for 12 digits or fewer), the PAN (zeros on the
 * left up to 12 digits), then zeros.
 */
export function panField4(pan: string): Uint8Array {
  const digits = pan.padStart(12, '0');
  const nibbles = [digits.length - 12, ...[...digits].map(Number)];
  while (nibbles.length < 32) nibbles.push(0);
  return pack(nibbles);
}
