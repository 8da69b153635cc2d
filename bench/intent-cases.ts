/**
 * What the authorizer does with a request before any statement runs (`intentOf`: the checks, the idempotency key,
 * the DE90 forms, and the two keyed digests of card data), on the load generator's 0100, and its floor: the two
 * keyed digests alone, which no implementation can skip (HMAC-SHA-256 of the PAN for the card lookup, and of the
 * request's content for the duplicate check).
 */
import { type CardKeys, cardKeys } from '../examples/card-authorizer/src/card-keys.js';
import { type IsoMessage, intentOf, requestHash } from '../examples/card-authorizer/src/iso.js';
import { spreadAuthorization } from './spread-cards.js';

/** A fixed key: the digests' cost does not depend on it. */
export const INTENT_KEYS: CardKeys = cardKeys(new Uint8Array(32).fill(7));

/** 1,000 authorization requests as bench/authorizer-load.ts sends them, on cards 1 to 1,000. */
export const INTENT_REQUESTS: readonly IsoMessage[] = Array.from({ length: 1_000 }, (_, i) => spreadAuthorization(1 + i, 1 + i));

/** The business date the requests are decided on. */
export const INTENT_TODAY = '2026-12-03';

/** Ours: the authorizer's own `intentOf`. */
export const intentOfRequest = (m: IsoMessage): ReturnType<typeof intentOf> => intentOf(m, INTENT_TODAY, INTENT_KEYS);

/** The floor: the PAN's lookup key and the request digest, nothing else. */
export const digestsOnly = (m: IsoMessage): { panKey: string; requestHash: string } => ({
  panKey: INTENT_KEYS.pan(m.fields[2]!),
  requestHash: requestHash(m, INTENT_KEYS),
});
