/**
 * Database access of the reference authorizer: schema migration into a schema of its own, seeding, and the
 * one-statement decision with its idempotency retry.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Pool, PoolClient } from 'pg';

const sql = (name: string): string => readFileSync(new URL(`../sql/${name}`, import.meta.url), 'utf8');

/** The query pack, loaded once. */
export const QUERIES = {
  schema: sql('schema.sql'),
  authorize: sql('authorize.sql'),
  naiveAuthorize: sql('naive-authorize.sql'),
} as const;

/** An authorization request as the decision statement needs it. */
export interface AuthorizationRequest {
  /** MTI class + DE7 + DE11 + DE32 + DE37 + DE41: the same request retransmitted has the same key. */
  readonly idemKey: string;
  /** A digest of the request's content: the same key with another content is answered 94. */
  readonly requestHash: string;
  readonly pan: string;
  /** Amount in minor units. */
  readonly amount: bigint;
  readonly currency: string;
  readonly mcc: string;
  /** The business date (a parameter, so tests can move the clock). */
  readonly today: string;
  readonly mti: string;
}

/** The answer: ISO 8583 response code, approved amount, authorization code, and whether it was a replay. */
export interface AuthorizationResult {
  readonly responseCode: string;
  readonly approved: bigint;
  readonly authCode: string | null;
  readonly duplicate: boolean;
}

/** Creates the schema `name` and the authorizer's tables in it. */
export async function migrate(pool: Pool, schema: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query(`create schema if not exists "${schema}"`);
    await client.query(`set search_path to "${schema}"`);
    await client.query(QUERIES.schema);
  } finally {
    client.release();
  }
}

const AUTH_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';

/** A random 6-character authorization code (DE38). */
export function newAuthCode(): string {
  const bytes = randomBytes(6);
  let s = '';
  for (const b of bytes) s += AUTH_CODE_ALPHABET[b % AUTH_CODE_ALPHABET.length];
  return s;
}

/**
 * Runs the decision statement; when a concurrent twin (same idempotency key) committed first, the unique key makes
 * the statement fail as a whole, its hold included, and one retry returns the twin's stored answer.
 */
export async function authorize(
  client: Pool | PoolClient,
  request: AuthorizationRequest,
  statement: string = QUERIES.authorize,
): Promise<AuthorizationResult> {
  const params = [
    request.idemKey,
    request.requestHash,
    request.pan,
    request.amount.toString(),
    request.currency,
    request.mcc,
    request.today,
    request.mti,
    newAuthCode(),
  ];
  for (let attempt = 0; ; attempt++) {
    try {
      const { rows } = await client.query<{ response_code: string; approved: string; auth_code: string | null; duplicate: boolean }>(
        statement,
        params,
      );
      const row = rows[0];
      if (row === undefined) throw new Error('the decision statement returned no row');
      return { responseCode: row.response_code, approved: BigInt(row.approved), authCode: row.auth_code, duplicate: row.duplicate };
    } catch (e) {
      if ((e as { code?: string }).code === '23505' && attempt === 0) continue; // unique_violation: a twin won
      throw e;
    }
  }
}
