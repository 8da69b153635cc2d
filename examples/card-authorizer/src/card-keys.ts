/**
 * Card data at rest (PCI DSS): the authorizer never stores a PAN. Cards are looked up by a keyed digest of the
 * PAN (HMAC-SHA-256 under a secret key from the environment) and keep only its last four digits for display; every
 * other stored digest that covers a PAN (the request digest that detects a changed duplicate) is keyed too.
 *
 * Why keyed: a plain SHA-256 of a PAN is reversible by brute force (a BIN and a check digit leave about 10^9
 * candidates for a 16-digit PAN, an afternoon on one GPU); without the key the digests reveal nothing.
 */
import { createHmac, randomBytes } from 'node:crypto';

/** The environment variable holding the key: hex, at least 32 bytes (64 hex digits). */
export const CARD_KEY_VARIABLE = 'AUTHORIZER_PAN_KEY';

/** The shortest key accepted, in bytes (the digest's own size). */
export const MIN_CARD_KEY_BYTES = 32;

/** The keyed digests of card data, under one secret key. */
export interface CardKeys {
  /** The lookup key of a PAN (cards.pan_key): hex HMAC-SHA-256 of `pan:` and the PAN. */
  pan(pan: string): string;
  /** A digest of a request's content, which holds its PAN: hex HMAC-SHA-256 of `request:` and the text. */
  content(text: string): string;
}

/**
 * The digests under `key`, each input prefixed with its purpose so a digest of one kind never equals one of another.
 *
 * @example
 * ```ts
 * const keys = cardKeys(parseCardKey('00'.repeat(32)));
 * keys.pan('4000123456789010'); // 64 hex digits; the same PAN always gives the same digest under this key
 * ```
 */
export function cardKeys(key: Uint8Array): CardKeys {
  if (key.length < MIN_CARD_KEY_BYTES) throw new Error(`the card data key must have at least ${MIN_CARD_KEY_BYTES} bytes`);
  const digest = (purpose: string, text: string): string => createHmac('sha256', key).update(`${purpose}:${text}`).digest('hex');
  return { pan: (pan) => digest('pan', pan), content: (text) => digest('request', text) };
}

/**
 * The key given as hex (at least 64 hex digits), or an error whose one-line message says what is wrong (never the
 * key itself).
 */
export function parseCardKey(hex: string): Uint8Array {
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(hex) || hex.length < MIN_CARD_KEY_BYTES * 2) {
    throw new Error(`${CARD_KEY_VARIABLE} must be at least ${MIN_CARD_KEY_BYTES * 2} hex digits (generate one with: openssl rand -hex 32)`);
  }
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/** A fresh random key, for an embedded database that lives only as long as the process. */
export function randomCardKey(): Uint8Array {
  return Uint8Array.from(randomBytes(MIN_CARD_KEY_BYTES));
}

/** The last four digits of a PAN: all a card keeps of it, for display. */
export function lastFour(pan: string): string {
  return pan.slice(-4);
}
