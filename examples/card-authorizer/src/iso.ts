/**
 * Mapping between ISO 8583 authorization messages (iso87ascii) and the statements' requests and answers: which
 * statement a message goes to, what it must carry, and how each answer is written.
 */
import { type Infer, mtiParts, presets, responseMti } from 'iso8583-codec';
import type { CardKeys } from './card-keys.js';
import type {
  AdviceRequest,
  AuthorizationRequest,
  Identifiers,
  InquiryRequest,
  InquiryResult,
  ProcessingType,
  ReversalRequest,
} from './db.js';

/** A message in the ASCII 1987 preset, the authorizer's wire format. */
export type IsoMessage = Infer<typeof presets.iso87ascii>;

/** MTIs the decision statement answers: authorization and financial requests, and their repeats. */
export const DECIDED_MTIS = new Set(['0100', '0101', '0200', '0201']);

/** MTIs answered by the reversal statement. */
export const REVERSAL_MTIS = new Set(['0400', '0401', '0420', '0421']);

/** Advice MTIs and the advice kind the statement takes. */
export const ADVICE_MTIS: ReadonlyMap<string, '0120' | '0220'> = new Map([
  ['0120', '0120'],
  ['0121', '0120'],
  ['0220', '0220'],
  ['0221', '0220'],
]);

/** Elements echoed in every answer so the acquirer can pair it with its request. */
const ECHOED = [2, 3, 4, 7, 11, 12, 13, 32, 37, 41, 42, 49] as const;

/** YYYY-MM-DD of a Date in UTC: the business date passed to the statement. */
export function businessDate(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/**
 * What a request asks for, decided before any statement runs: which statement answers it with which request, or the
 * answer it gets without the database.
 */
export type Intent =
  | { readonly kind: 'authorize'; readonly request: AuthorizationRequest }
  | { readonly kind: 'inquire'; readonly request: InquiryRequest; readonly accountType: string }
  | { readonly kind: 'reverse'; readonly request: ReversalRequest }
  | { readonly kind: 'advise'; readonly request: AdviceRequest }
  /** Answered without the database: 30 format error (malformed, or missing what it must carry), 12 invalid transaction. */
  | { readonly kind: 'refuse'; readonly code: '30' | '12' };

/**
 * The value of an identifying element, or '' when it identifies nothing: absent, blank or all zeros.
 * Why: a digest or a match over absent fields is the same for every message that lacks them.
 */
export function identifier(value: string | undefined): string {
  const v = (value ?? '').trim();
  return /^0*$/.test(v) ? '' : v;
}

/** DE37, DE41, DE42 and DE32 of a message: how a reversal or completion without DE90 names it. */
export function identifiersOf(m: IsoMessage): Identifiers {
  return { rrn: identifier(m.fields[37]), terminal: identifier(m.fields[41]), merchant: identifier(m.fields[42]), acquirer: identifier(m.fields[32]) };
}

/**
 * The idempotency key: message class (a repeat 0101 has the key of its 0100) with DE7, DE11, DE32, DE37 and DE41.
 * Why: a retransmission carries the same identifiers and must get the stored answer, never a second hold. Only
 * built for requests that carry DE7 and DE11 (see {@link intentOf}): without them every request would share a key.
 */
export function idempotencyKey(m: IsoMessage): string {
  const { messageClass } = mtiParts(m.mti);
  return [messageClass, m.fields[7], m.fields[11], m.fields[32], m.fields[37], m.fields[41]].map((v) => v ?? '').join('|');
}

/** Elements whose content a retransmission repeats exactly: the same key with other content is answered 94. */
const CONTENT = [2, 3, 4, 14, 18, 22, 25, 42, 49, 54, 90, 95] as const;

/**
 * A digest of what the request asks for; the same key with another digest is answered 94. Keyed (it covers the
 * PAN): a plain digest of a PAN can be reversed by trying every PAN.
 */
export function requestHash(m: IsoMessage, keys: CardKeys): string {
  return keys.content(JSON.stringify(CONTENT.map((n) => m.fields[n] ?? null)));
}

/**
 * The MTI a link names a transaction by: a repeat's as its original's (0101 → 0100), and an authorization advice's
 * as the authorization's (0120 → 0100).
 *
 * Why: a reversal's DE90 carries the MTI the acquirer sent. For an authorization the network approved for us (we
 * then see only its 0120) that is an 0100, which we may never have seen; the 0120 and the 0100 share their STAN,
 * DE7 and acquirer, and are one transaction.
 */
export function linkMti(mti: string): string {
  const original = `${mti.slice(0, 3)}${Number(mti[3]) & ~1}`;
  return original === '0120' ? '0100' : original;
}

/** How a reversal's DE90 names this request: original MTI ({@link linkMti}), STAN, DE7, acquirer. */
export function linkOf(m: IsoMessage): string {
  return `${linkMti(m.mti)}${m.fields[11] ?? ''}${m.fields[7] ?? ''}${(m.fields[32] ?? '').padStart(11, '0')}`;
}

/**
 * The original a DE90 names, in the form {@link linkOf} gives it (original MTI, STAN, DE7, acquirer), or '' when
 * DE90 is absent or names nothing (its STAN or its DE7 all zeros).
 */
export function de90Link(m: IsoMessage): string {
  const de90 = m.fields[90];
  if (de90 === undefined || /^0+$/.test(de90.slice(4, 10)) || /^0+$/.test(de90.slice(10, 20))) return '';
  return `${linkMti(de90.slice(0, 4))}${de90.slice(4, 31)}`;
}

/**
 * The channel of a request: ATM for MCC 6011, e-commerce when the POS condition code (DE25) is 59 or the entry mode
 * (DE22) starts with 81, else point of sale.
 */
export function channelOf(m: IsoMessage): 'pos' | 'ecom' | 'atm' {
  if (m.fields[18] === '6011') return 'atm';
  if (m.fields[25] === '59' || (m.fields[22] ?? '').startsWith('81')) return 'ecom';
  return 'pos';
}

/** DE3 transaction types the authorizer knows: the four decided by the statements, and balance inquiry. */
const KNOWN_TYPES = new Set<string>(['00', '01', '09', '20', '30']);

/** One 20-character entry of DE54: account type, amount type, currency, sign (C or D), 12-digit amount. */
interface AdditionalAmount {
  readonly accountType: string;
  readonly amountType: string;
  readonly currency: string;
  readonly amount: bigint;
}

/** DE54's entries, or undefined when it is not a whole number of well-formed 20-character entries. */
function additionalAmounts(de54: string): AdditionalAmount[] | undefined {
  if (de54.length === 0 || de54.length % 20 !== 0) return undefined;
  const entries: AdditionalAmount[] = [];
  for (let i = 0; i < de54.length; i += 20) {
    const m = /^([0-9]{2})([0-9]{2})([0-9]{3})[CD]([0-9]{12})$/.exec(de54.slice(i, i + 20));
    if (m === null) return undefined;
    entries.push({ accountType: m[1]!, amountType: m[2]!, currency: m[3]!, amount: BigInt(m[4]!) });
  }
  return entries;
}

/**
 * A purchase with cashback (09) states its cash in DE54 (amount type 40, in the transaction's currency), part of
 * DE4: exactly one such entry, above zero and at most DE4, or the request is malformed.
 */
function cashbackIsWellFormed(m: IsoMessage, amount: bigint): boolean {
  const entries = m.fields[54] === undefined ? undefined : additionalAmounts(m.fields[54]);
  const cash = entries?.filter((e) => e.amountType === '40') ?? [];
  return cash.length === 1 && cash[0]!.currency === m.fields[49] && cash[0]!.amount > 0n && cash[0]!.amount <= amount;
}

/**
 * DE95 (replacement amounts, 42 characters): the actual transaction amount (12 digits), the actual settlement
 * amount (12 digits), and two fees (C or D, then 8 digits). Returns what stays held after the reversal: the actual
 * amount, -1n for a full reversal (no DE95, or an actual amount of 0), or undefined when DE95 is malformed or its
 * actual amount exceeds the original's (DE4): such a reversal is answered 30 and changes nothing.
 */
export function keptAfterReversal(de95: string | undefined, amount: bigint): bigint | undefined {
  if (de95 === undefined) return -1n;
  if (!/^[0-9]{24}[CD][0-9]{8}[CD][0-9]{8}$/.test(de95)) return undefined;
  const actual = BigInt(de95.slice(0, 12));
  if (actual > amount) return undefined;
  return actual === 0n ? -1n : actual;
}

/**
 * Decides what a request asks for (see the README's answers table): malformed or unidentifiable requests and
 * unknown processing codes are answered here, without the database.
 *
 * Every request that reaches a statement carries DE2, DE4, DE7 and DE11 (DE7 and DE11 make its idempotency key and
 * its DE90 form; without them requests could not be told apart). Authorizations and advices also carry DE3 and
 * DE49. A reversal names its original by DE90 or by DE37.
 */
export function intentOf(m: IsoMessage, today: string, keys: CardKeys): Intent | undefined {
  const reversal = REVERSAL_MTIS.has(m.mti);
  const advice = ADVICE_MTIS.get(m.mti);
  if (!reversal && advice === undefined && !DECIDED_MTIS.has(m.mti)) return undefined;
  const f = m.fields;
  if (f[2] === undefined || f[4] === undefined || identifier(f[7]) === '' || identifier(f[11]) === '') return { kind: 'refuse', code: '30' };
  const amount = BigInt(f[4]);
  const ids = identifiersOf(m);
  const panKey = keys.pan(f[2]);
  // Each request is built property by property, never as `{ ...base, … }`: on Node 20, spreading an object and
  // adding named properties after it costs about 2 µs per added property (measured: 25 µs more for the
  // authorization, about a tenth of the server's CPU per request, and 4.5 KB more garbage; bench/RESULTS.md).
  const idemKey = idempotencyKey(m);
  const hash = requestHash(m, keys);
  if (reversal) {
    const link = de90Link(m);
    const keep = keptAfterReversal(f[95], amount);
    if (keep === undefined || (link === '' && ids.rrn === '')) return { kind: 'refuse', code: '30' };
    return { kind: 'reverse', request: { idemKey, requestHash: hash, panKey, today, amount, keep, mti: m.mti.slice(0, 3) + '0', link, ids } };
  }
  if (f[3] === undefined || f[49] === undefined) return { kind: 'refuse', code: '30' };
  const type = f[3].slice(0, 2);
  if (!KNOWN_TYPES.has(type) || (type === '30' && advice !== undefined)) return { kind: 'refuse', code: '12' };
  if (type === '09' && !cashbackIsWellFormed(m, amount)) return { kind: 'refuse', code: '30' };
  const channel = channelOf(m);
  const mcc = f[18] ?? '';
  if (type === '30') {
    return { kind: 'inquire', accountType: f[3].slice(2, 4), request: { panKey, today, mcc, channel, expiry: f[14] ?? '', currency: f[49] } };
  }
  const processing = type as ProcessingType;
  if (advice !== undefined) {
    return {
      kind: 'advise',
      request: { idemKey, requestHash: hash, panKey, today, amount, mti: advice, originalLink: de90Link(m), ids, link: linkOf(m), processing },
    };
  }
  return {
    kind: 'authorize',
    request: {
      idemKey,
      requestHash: hash,
      panKey,
      today,
      amount,
      currency: f[49],
      mcc,
      mti: m.mti.slice(0, 3) + '0',
      link: linkOf(m),
      ids,
      channel,
      // An 0100 that names a previous authorization in DE90 is an incremental authorization of it.
      incrementOf: de90Link(m),
      processing,
      expiry: f[14] ?? '',
    },
  };
}

/** The answer message: echoed elements, DE39, DE38 when approved, and DE4 + DE54 on a partial approval. */
export function toResponse(request: IsoMessage, result: { responseCode: string; approved: bigint; authCode: string | null }): IsoMessage {
  const fields: IsoMessage['fields'] = {};
  for (const n of ECHOED) if (request.fields[n] !== undefined) fields[n] = request.fields[n];
  fields[39] = result.responseCode;
  if (result.authCode !== null) fields[38] = result.authCode;
  if (result.responseCode === '10') {
    // Partial approval: DE4 carries the approved amount, DE54 the requested one (account type 00, amount type 57,
    // currency, C, 12 digits).
    fields[4] = result.approved.toString().padStart(12, '0');
    fields[54] = `0057${request.fields[49] ?? '000'}C${(request.fields[4] ?? '').padStart(12, '0')}`;
  }
  return { mti: responseMti(request.mti), fields };
}

/**
 * The answer to a balance inquiry: on 00, DE54 carries the ledger balance (amount type 01) and the available
 * balance (02) under the requested account type, in the account's currency, C for credit or D for a debit balance.
 */
export function toInquiryResponse(request: IsoMessage, accountType: string, result: InquiryResult): IsoMessage {
  const answer = toResponse(request, { responseCode: result.responseCode, approved: 0n, authCode: null });
  if (result.ledger === null || result.available === null || result.currency === null) return answer;
  const entry = (amountType: string, amount: bigint): string =>
    `${accountType}${amountType}${result.currency}${amount < 0n ? 'D' : 'C'}${(amount < 0n ? -amount : amount).toString().padStart(12, '0')}`;
  return { ...answer, fields: { ...answer.fields, 54: entry('01', result.ledger) + entry('02', result.available) } };
}
