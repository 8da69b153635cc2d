/**
 * The key that pairs a request with its response: the default one (response MTI, DE11, DE41) and the guard around a
 * caller's own.
 */
import { viewBytes } from '../codecs/copy-bytes.js';
import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error, isIso8583Error } from '../errors/iso8583-error.js';
import { responseMti } from '../message/mti.js';
import type { Message } from '../spec/types.js';
import { errorName } from './logger.js';
import { Iso8583NetError, NetErrorCode } from './net-error.js';
import { kindOf } from './options.js';

/**
 * Derives the key that pairs a request with its response.
 *
 * Why: responses may come back in any order; the default pairs them by response MTI, STAN (DE11) and terminal id
 * (DE41), which is what acquirers and issuers echo. `isRequest` tells whether `message` is the outgoing request
 * (its key must use the expected response MTI).
 */
export type MatchKey<M extends Message = Message> = (message: M, isRequest: boolean) => string;

/** One matching field as key text: a string as is, bytes as hex; absent as empty. */
function keyPart(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  const bytes = viewBytes(value);
  if (bytes !== undefined) return `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`;
  throw new Iso8583Error(ErrorCode.INVALID_MESSAGE, 'DE11 and DE41 must be strings or Uint8Arrays to match on');
}

/**
 * The default {@link MatchKey}: response MTI, DE11 and DE41 (the server's format errors echo the same fields).
 * For any input it returns a key or throws an `Iso8583Error` (`INVALID_MESSAGE`: not a message; `INVALID_MTI`: an
 * MTI that is not four digits, or a request MTI with no response), never another error: a getter or proxy trap
 * that throws is replaced, its text dropped.
 *
 * @example
 * ```ts
 * defaultMatchKey({ mti: '0100', fields: { 11: '000001', 41: 'TERM0001' } }, true); // '0110|000001|TERM0001'
 * ```
 */
export const defaultMatchKey: MatchKey = (m, isRequest) => {
  let mti: unknown;
  let stan: unknown;
  let terminal: unknown;
  try {
    const fields = typeof m === 'object' && m !== null ? (m as { fields?: unknown }).fields : undefined;
    if (typeof fields !== 'object' || fields === null) throw new TypeError('no fields');
    mti = (m as { mti?: unknown }).mti;
    stan = (fields as Record<number, unknown>)[11];
    terminal = (fields as Record<number, unknown>)[41];
  } catch {
    throw new Iso8583Error(ErrorCode.INVALID_MESSAGE, 'a message must be an object { mti, fields }');
  }
  if (typeof mti !== 'string') throw new Iso8583Error(ErrorCode.INVALID_MTI, 'MTI must be a string of four digits', { field: 'mti' });
  return `${isRequest ? responseMti(mti) : mti}|${keyPart(stan)}|${keyPart(terminal)}`;
};

/**
 * Wraps a key function so that it only returns a string or throws a stable error.
 *
 * Why: a custom `key` that throws or returns a non-string must fail its request with `KEY_FAILED` (its text dropped,
 * it may hold card data), while the default key's own `Iso8583Error` (a message that is not one) passes as it is.
 */
export function guardedKey<M extends Message>(key: MatchKey<M>): MatchKey<M> {
  return (message, isRequest) => {
    let k: unknown;
    try {
      k = key(message, isRequest);
    } catch (e) {
      if (key === defaultMatchKey && isIso8583Error(e)) throw e;
      throw new Iso8583NetError(NetErrorCode.KEY_FAILED, `the key function threw (${errorName(e)})`);
    }
    if (typeof k !== 'string') throw new Iso8583NetError(NetErrorCode.KEY_FAILED, `the key function returned ${kindOf(k)}, not a string`);
    return k;
  };
}
