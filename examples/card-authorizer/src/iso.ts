/**
 * Mapping between ISO 8583 authorization messages (iso87ascii) and the decision statement's request and answer.
 */
import { createHash } from 'node:crypto';
import { type Infer, mtiParts, presets, responseMti } from '../../../src/index.js';
import type { AdviceRequest, AuthorizationRequest, AuthorizationResult, ReversalRequest } from './db.js';

/** A message in the ASCII 1987 preset, the authorizer's wire format. */
export type IsoMessage = Infer<typeof presets.iso87ascii>;

/** MTIs the decision statement answers: authorization and financial requests, and their repeats. */
export const DECIDED_MTIS = new Set(['0100', '0101', '0200', '0201']);

/** Elements echoed in every answer so the acquirer can pair it with its request. */
const ECHOED = [2, 3, 4, 7, 11, 12, 13, 32, 37, 41, 42, 49] as const;

/** YYYY-MM-DD of a Date in UTC: the business date passed to the statement. */
export function businessDate(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/**
 * The idempotency key: message class (a repeat 0101 has the key of its 0100) with DE7, DE11, DE32, DE37 and DE41.
 * Why: a retransmission carries the same identifiers and must get the stored answer, never a second hold.
 */
export function idempotencyKey(m: IsoMessage): string {
  const { messageClass } = mtiParts(m.mti);
  return [messageClass, m.fields[7], m.fields[11], m.fields[32], m.fields[37], m.fields[41]].map((v) => v ?? '').join('|');
}

/** A digest of what the request asks for; the same key with another digest is answered 94. */
export function requestHash(m: IsoMessage): string {
  return createHash('sha256')
    .update([m.fields[2], m.fields[3], m.fields[4], m.fields[49], m.fields[18], m.fields[42]].map((v) => v ?? '').join('|'))
    .digest('hex');
}

/** How a reversal's DE90 names this request: original MTI (a repeat names its original), STAN, DE7, acquirer. */
export function linkOf(m: IsoMessage): string {
  const mti = `${m.mti.slice(0, 3)}${Number(m.mti[3]) & ~1}`;
  return `${mti}${m.fields[11] ?? ''}${m.fields[7] ?? ''}${(m.fields[32] ?? '').padStart(11, '0')}`;
}

/** The DE37 + DE41 + DE42 + PAN digest that names a request when a reversal has no DE90. */
export function aliasOf(m: IsoMessage): string {
  return createHash('sha256')
    .update([m.fields[37], m.fields[41], m.fields[42], m.fields[2]].map((v) => v ?? '').join('|'))
    .digest('hex');
}

/** The statement's request for an ISO authorization message (amount as BigInt minor units from DE4). */
export function toAuthorizationRequest(m: IsoMessage, today: string): AuthorizationRequest {
  return {
    idemKey: idempotencyKey(m),
    requestHash: requestHash(m),
    pan: m.fields[2] ?? '',
    amount: BigInt(m.fields[4] ?? '0'),
    currency: m.fields[49] ?? '',
    mcc: m.fields[18] ?? '',
    today,
    mti: m.mti.slice(0, 3) + '0',
    link: linkOf(m),
    alias: aliasOf(m),
    channel: channelOf(m),
    // An 0100 that names a previous authorization in DE90 is an incremental authorization of it.
    incrementOf: m.fields[90] !== undefined && /[1-9]/.test(m.fields[90]) ? m.fields[90].slice(0, 31) : '',
  };
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

/** MTIs answered by the reversal statement. */
export const REVERSAL_MTIS = new Set(['0400', '0401', '0420', '0421']);

/**
 * The reversal statement's request: the original named by DE90 (its first 31 digits: MTI, STAN, DE7, acquirer)
 * or by DE37 + DE41 + DE42 + PAN; what stays held from DE95's first 12 digits (a partial reversal), or -1.
 */
export function toReversalRequest(m: IsoMessage, today: string): ReversalRequest {
  const de90 = m.fields[90];
  const de95 = m.fields[95];
  const keep = de95 !== undefined && /^[0-9]{12}/.test(de95) && Number(de95.slice(0, 12)) > 0 ? BigInt(de95.slice(0, 12)) : -1n;
  return {
    idemKey: idempotencyKey(m),
    requestHash: requestHash(m),
    pan: m.fields[2] ?? '',
    keep,
    today,
    mti: m.mti.slice(0, 3) + '0',
    link: de90 !== undefined && /[1-9]/.test(de90) ? de90.slice(0, 31) : '',
    alias: aliasOf(m),
  };
}

/** The answer message: echoed elements, DE39, DE38 when approved, and DE4 + DE54 on a partial approval. */
export function toResponse(request: IsoMessage, result: Pick<AuthorizationResult, 'responseCode' | 'approved' | 'authCode'>): IsoMessage {
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

/** Advice MTIs and the advice kind the statement takes. */
export const ADVICE_MTIS: ReadonlyMap<string, '0120' | '0220'> = new Map([
  ['0120', '0120'],
  ['0121', '0120'],
  ['0220', '0220'],
  ['0221', '0220'],
]);

/** The advice statement's request: a 0220 names its pre-auth by DE90 or DE37 + DE41 + DE42 + PAN. */
export function toAdviceRequest(m: IsoMessage, today: string): AdviceRequest {
  const de90 = m.fields[90];
  return {
    idemKey: idempotencyKey(m),
    requestHash: requestHash(m),
    pan: m.fields[2] ?? '',
    amount: BigInt(m.fields[4] ?? '0'),
    today,
    mti: ADVICE_MTIS.get(m.mti) ?? '0220',
    originalLink: de90 !== undefined && /[1-9]/.test(de90) ? de90.slice(0, 31) : '',
    alias: aliasOf(m),
    link: linkOf(m),
  };
}
