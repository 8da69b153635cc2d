/**
 * Database access of the reference authorizer: schema migration into a schema of its own, seeding, and the
 * one-statement decision with its idempotency retry.
 */
import { readFileSync } from 'node:fs';
import type { Pool, PoolClient } from 'pg';
import { newAuthCode } from './auth-code.js';

const sql = (name: string): string => readFileSync(new URL(`../sql/${name}`, import.meta.url), 'utf8');

/** The query pack, loaded once. */
export const QUERIES = {
  schema: sql('schema.sql'),
  authorize: sql('authorize.sql'),
  authorizeBatch: sql('authorize-batch.sql'),
  naiveAuthorize: sql('naive-authorize.sql'),
  reverse: sql('reverse.sql'),
  advise: sql('advise.sql'),
  inquire: sql('inquire.sql'),
} as const;

/**
 * What names a transaction for a reversal or completion without DE90: DE37 (the retrieval reference number, without
 * which nothing is named), DE41, DE42 and DE32. Each is '' when absent, blank or all zeros: an absent identifier is
 * stored as null and identifies nothing.
 */
export interface Identifiers {
  readonly rrn: string;
  readonly terminal: string;
  readonly merchant: string;
  readonly acquirer: string;
}

/** A request that names nothing beyond its DE90 form. */
export const NO_IDENTIFIERS: Identifiers = { rrn: '', terminal: '', merchant: '', acquirer: '' };

/**
 * DE3 transaction types the statements decide: goods and services, cash, purchase with cashback (DE4 includes the
 * cash), refund. Balance inquiries (30) have their own statement; any other type is declined (12) before the database.
 */
export type ProcessingType = '00' | '01' | '09' | '20';

/** An authorization request as the decision statement needs it. */
export interface AuthorizationRequest {
  /** MTI class + DE7 + DE11 + DE32 + DE37 + DE41: the same request retransmitted has the same key. */
  readonly idemKey: string;
  /** A digest of the request's content: the same key with another content is answered 94. */
  readonly requestHash: string;
  /** The PAN's keyed digest (cards.pan_key, see card-keys.ts): the statements never see a PAN. */
  readonly panKey: string;
  /** Amount in minor units. */
  readonly amount: bigint;
  readonly currency: string;
  readonly mcc: string;
  /** The business date (a parameter, so tests can move the clock). */
  readonly today: string;
  readonly mti: string;
  /** This request in DE90 form (MTI, STAN, DE7, acquirer): how a later reversal names it. */
  readonly link: string;
  /** How a reversal without DE90 names it (default: none). */
  readonly ids?: Identifiers;
  /** Where the card is used: 'pos', 'ecom' or 'atm' (default 'pos'); checked against the card's allowed channels. */
  readonly channel?: 'pos' | 'ecom' | 'atm';
  /** For an incremental authorization: the pre-auth's link (from DE90); '' or absent otherwise. */
  readonly incrementOf?: string;
  /** DE3 transaction type (default '00'). */
  readonly processing?: ProcessingType;
  /** DE14 as the request carries it (YYMM), '' or absent when it carries none; another than the card's is 54. */
  readonly expiry?: string;
}

/** A reversal as the reversal statement needs it. */
export interface ReversalRequest {
  readonly idemKey: string;
  readonly requestHash: string;
  /** The PAN's keyed digest (cards.pan_key, see card-keys.ts): the statements never see a PAN. */
  readonly panKey: string;
  /** DE4: the original's amount (it ranks the candidates of a reversal without DE90, and an orphan must match it). */
  readonly amount: bigint;
  /** What stays held after the reversal (DE95's actual amount), or -1n for a full reversal. */
  readonly keep: bigint;
  readonly today: string;
  readonly mti: string;
  /** The original in DE90 form, or '' when the reversal carries no DE90. */
  readonly link: string;
  /** How the reversal names its original without DE90 (the original's DE37, DE41, DE42, DE32; default none). */
  readonly ids?: Identifiers;
}

/** The answer to a reversal: response code, the hold actually released, whether it was a replay. */
export interface ReversalResult {
  readonly responseCode: string;
  readonly released: bigint;
  readonly duplicate: boolean;
}

/** The answer: ISO 8583 response code, approved amount, authorization code, and whether it was a replay. */
export interface AuthorizationResult {
  readonly responseCode: string;
  readonly approved: bigint;
  readonly authCode: string | null;
  readonly duplicate: boolean;
}

/**
 * Creates the schema `name` and the authorizer's tables in it. Refuses a schema an earlier version of the example
 * created with the PAN in clear (`cards.pan`): those rows must not be kept, and cannot be migrated without the PANs.
 * Refuses one whose accounts keep their holds as JSON (`accounts.holds`): its statements would not see those holds.
 */
export async function migrate(pool: Pool, schema: string): Promise<void> {
  const client = await pool.connect();
  try {
    const old = await client.query(
      "select 1 from information_schema.columns where table_schema = $1 and table_name = 'cards' and column_name = 'pan'",
      [schema],
    );
    if (old.rows.length > 0) {
      throw new Error(`schema ${schema} holds an earlier authorizer's tables, with PANs in clear (cards.pan): drop it (drop schema ${schema} cascade) or set AUTHORIZER_SCHEMA to another`);
    }
    const jsonHolds = await client.query(
      "select 1 from information_schema.columns where table_schema = $1 and table_name = 'accounts' and column_name = 'holds'",
      [schema],
    );
    if (jsonHolds.rows.length > 0) {
      throw new Error(`schema ${schema} holds an earlier authorizer's tables, with holds as JSON (accounts.holds): settle or reverse its holds, then drop it (drop schema ${schema} cascade) or set AUTHORIZER_SCHEMA to another`);
    }
    // The pool's statement_timeout (the decisions' backstop) is not meant for the schema's creation.
    await client.query('set statement_timeout = 0');
    await client.query(`create schema if not exists "${schema}"`);
    await client.query(`set search_path to "${schema}"`);
    await client.query(QUERIES.schema);
    await client.query('reset statement_timeout');
  } finally {
    client.release();
  }
}

/**
 * The time left passed to the decision statement when the caller sets no deadline (about 24 days, the largest a
 * Postgres integer of milliseconds holds): tests and tools that decide without one.
 */
export const NO_DEADLINE_MS = 2_147_483_647;

/**
 * Runs the decision statement; when a concurrent twin (same idempotency key) committed first, the unique key makes
 * the statement fail as a whole, its hold included, and one retry returns the twin's stored answer. `leftMs` is the
 * time the statement has to decide (none by default): past it, Postgres answers 91 and nothing changes.
 */
export async function authorize(
  client: Pool | PoolClient,
  request: AuthorizationRequest,
  statement: string = QUERIES.authorize,
  leftMs: () => number = () => NO_DEADLINE_MS,
): Promise<AuthorizationResult> {
  return (await authorizeOnAccount(client, request, statement, leftMs)).result;
}

/** A decision, and the account it was decided on (null for a card not on file, or a statement that does not say). */
export interface DecidedOnAccount {
  readonly result: AuthorizationResult;
  readonly accountId: string | null;
}

/**
 * {@link authorize}, with the account the card's requests serialise on, as the statement answers it.
 *
 * Why: the application learns from it which requests of one account wait behind each other (src/bursts.ts); the
 * mapping only ever orders and groups requests, Postgres's row locks still decide.
 */
export async function authorizeOnAccount(
  client: Pool | PoolClient,
  request: AuthorizationRequest,
  statement: string = QUERIES.authorize,
  leftMs: () => number = () => NO_DEADLINE_MS,
): Promise<DecidedOnAccount> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await run(client, statement, paramsOf(request, leftMs()));
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === '23505' && attempt === 0) continue; // unique_violation: a twin won
      // deadlock_detected: an incremental (account, then pre-auth row) met a reversal of the same pre-auth (pre-auth
      // row, then account); Postgres rolled one back whole, and it simply runs again.
      if (code === '40P01' && attempt < MAX_FENCE_RETRIES) continue;
      throw e;
    }
  }
}

/** One run of the decision statement, without the retry, with `leftMs` to decide (none by default). */
export async function authorizeOnce(client: Pool | PoolClient, request: AuthorizationRequest, leftMs = NO_DEADLINE_MS): Promise<AuthorizationResult> {
  return (await run(client, QUERIES.authorize, paramsOf(request, leftMs))).result;
}

function paramsOf(request: AuthorizationRequest, leftMs: number): string[] {
  return [
    request.idemKey,
    request.requestHash,
    request.panKey,
    request.amount.toString(),
    request.currency,
    request.mcc,
    request.today,
    request.mti,
    newAuthCode(),
    request.link,
    identifierParams(request.ids)[0],
    request.channel ?? 'pos',
    request.incrementOf ?? '',
    ...identifierParams(request.ids).slice(1),
    request.processing ?? '00',
    request.expiry ?? '',
    String(Math.max(0, Math.min(NO_DEADLINE_MS, Math.floor(leftMs)))),
  ];
}

/** rrn, terminal, merchant, acquirer: the order every statement of the pack takes them in. */
function identifierParams(ids: Identifiers = NO_IDENTIFIERS): [string, string, string, string] {
  return [ids.rrn, ids.terminal, ids.merchant, ids.acquirer];
}

/**
 * Runs the reversal statement: releases the original's hold exactly once (or remembers a reversal that came
 * first), with the same one-retry rule for a concurrent twin as {@link authorize}.
 */
export async function reverse(client: Pool | PoolClient, request: ReversalRequest): Promise<ReversalResult> {
  const params = [
    request.idemKey,
    request.requestHash,
    request.panKey,
    request.keep.toString(),
    request.today,
    request.mti,
    request.link,
    ...identifierParams(request.ids),
    request.amount.toString(),
  ];
  return runReleasing(client, 'reverse', QUERIES.reverse, params);
}

/** How often a reversal or advice is re-run when its fence or its unique key says a concurrent change won. */
const MAX_FENCE_RETRIES = 20;

/** Prepared-statement names: each connection plans a statement of the pack once, not on every request. */
const STATEMENT_NAMES = new Map<string, string>([
  [QUERIES.authorize, 'authorize'],
  [QUERIES.naiveAuthorize, 'naive_authorize'],
]);

async function run(client: Pool | PoolClient, statement: string, params: string[]): Promise<DecidedOnAccount> {
  const name = STATEMENT_NAMES.get(statement);
  const { rows } = await client.query<{ response_code: string; approved: string; auth_code: string | null; duplicate: boolean; account_id?: string | null }>(
    name === undefined ? { text: statement, values: params } : { name, text: statement, values: params },
  );
  const row = rows[0];
  if (row === undefined) throw new Error('the decision statement returned no row');
  return {
    result: { responseCode: row.response_code, approved: BigInt(row.approved), authCode: row.auth_code, duplicate: row.duplicate },
    accountId: row.account_id ?? null,
  };
}

/** What the batch statement answers for a request it leaves to the one-request statement. */
export const DECIDE_ALONE = 'single';

/**
 * One run of the batch statement (authorize-batch.sql), without the retry: `requests` of any accounts, all of
 * business date `today`, each with its time left in ms; one answer per request, in order, with the account the card
 * serialises on. A response code {@link DECIDE_ALONE} means the request was left, unchanged and unstored, for
 * {@link authorize}. Throws what Postgres throws (23505 when a concurrent twin committed first).
 */
export async function authorizeBatchOnce(
  client: Pool | PoolClient,
  today: string,
  requests: readonly AuthorizationRequest[],
  leftMs: readonly number[],
): Promise<DecidedOnAccount[]> {
  const column = (f: (r: AuthorizationRequest) => string): string[] => requests.map(f);
  const { rows } = await client.query<{ response_code: string; approved: string; auth_code: string | null; duplicate: boolean; account_id: string | null }>({
    name: 'authorize_batch',
    text: QUERIES.authorizeBatch,
    values: [
      column((r) => r.idemKey),
      column((r) => r.requestHash),
      column((r) => r.panKey),
      column((r) => r.amount.toString()),
      column((r) => r.currency),
      column((r) => r.mcc),
      column((r) => r.mti),
      column(() => newAuthCode()),
      column((r) => r.link),
      column((r) => identifierParams(r.ids)[0]),
      column((r) => r.channel ?? 'pos'),
      column((r) => identifierParams(r.ids)[1]),
      column((r) => identifierParams(r.ids)[2]),
      column((r) => identifierParams(r.ids)[3]),
      column((r) => r.processing ?? '00'),
      column((r) => r.expiry ?? ''),
      leftMs.map((ms) => String(Math.max(0, Math.min(NO_DEADLINE_MS, Math.floor(ms))))),
      today,
    ],
  });
  if (rows.length !== requests.length) throw new Error('the batch statement returned another number of rows than requests');
  return rows.map((row) => ({
    result: { responseCode: row.response_code, approved: BigInt(row.approved), authCode: row.auth_code, duplicate: row.duplicate },
    accountId: row.account_id,
  }));
}

/**
 * Runs the batch statement ({@link authorizeBatchOnce}); a concurrent twin committed by another statement makes the
 * whole statement fail on the unique key, and it runs again (so does a deadlock victim: the batch takes its account
 * locks in id order, yet two batches that both insert the same two keys for different accounts can still meet).
 *
 * Why one statement for many accounts: on spread load each decision alone pays for a round trip, a plan start-up and
 * a commit; a batch pays them once, and still holds no row across a round trip (it commits inside its one call).
 */
export async function authorizeBatch(
  client: Pool | PoolClient,
  today: string,
  requests: readonly AuthorizationRequest[],
  leftMs: () => readonly number[],
): Promise<DecidedOnAccount[]> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await authorizeBatchOnce(client, today, requests, leftMs());
    } catch (e) {
      const code = (e as { code?: string }).code;
      if ((code === '23505' || code === '40P01') && attempt < MAX_FENCE_RETRIES) continue;
      throw e;
    }
  }
}

/** The answer given when no decision was made within the deadline: nothing is held and nothing is stored. */
export const NO_DECISION: AuthorizationResult = { responseCode: '91', approved: 0n, authCode: null, duplicate: false };

/**
 * Decides within `deadlineMs`: the decision statement runs on its own (autocommit, one round trip) with the time
 * left, and Postgres itself answers 91, changing nothing, when the row lock is granted past it.
 *
 * Why: a decision that commits inside its one call never holds the account row across a round trip to Node, so a
 * slow event loop cannot stretch the lock's hold time (three round trips, `begin` … `commit`, did: under CPU
 * pressure the queue on a hot row grew until the deadline fired). Postgres compares only its own clock with itself
 * (statement start against the moment the lock is granted), so no clock of another host decides. An answer that
 * reaches Node after the deadline is still the decision, sent as it is: the money is held, so 91 would be false;
 * an acquirer that gave up on it sends a timeout reversal (0420), which releases the hold exactly once. A
 * statement cancelled by the pool's `statement_timeout` (the backstop for a lock that is never granted) is rolled
 * back whole and answered 91.
 */
export async function authorizeWithin(pool: Pool, request: AuthorizationRequest, deadlineMs: number): Promise<AuthorizationResult> {
  const deadline = Date.now() + deadlineMs;
  const client = await pool.connect();
  try {
    // Waiting for a pooled connection counts against the deadline; with nothing left, Postgres is not asked.
    if (deadline - Date.now() <= 0) return NO_DECISION;
    return await authorize(client, request, QUERIES.authorize, () => deadline - Date.now());
  } catch (e) {
    if ((e as { code?: string }).code === '57014') return NO_DECISION; // query_canceled: rolled back, nothing held
    throw e;
  } finally {
    client.release();
  }
}

/** An advice (0120 authorization advice, 0220 financial advice or completion). */
export interface AdviceRequest {
  readonly idemKey: string;
  readonly requestHash: string;
  /** The PAN's keyed digest (cards.pan_key, see card-keys.ts): the statements never see a PAN. */
  readonly panKey: string;
  readonly amount: bigint;
  readonly today: string;
  readonly mti: '0120' | '0220';
  /** The pre-auth a completion completes, in DE90 form ('' without DE90). */
  readonly originalLink: string;
  /** For a 0220: how it names its pre-auth without DE90; for a 0120: its own (default none). */
  readonly ids?: Identifiers;
  /** This advice's own link (how a reversal of a 0120 names it). */
  readonly link: string;
  /** DE3 transaction type (default '00'); a refund (20) completion credits its amount. */
  readonly processing?: ProcessingType;
}

/**
 * Runs the advice statement: advices are facts, always stored and acknowledged, never declined for funds; a
 * completion releases its pre-auth's remaining hold exactly once and debits the amount.
 */
export async function advise(client: Pool | PoolClient, request: AdviceRequest): Promise<ReversalResult> {
  const params = [
    request.idemKey,
    request.requestHash,
    request.panKey,
    request.amount.toString(),
    request.today,
    request.mti,
    request.originalLink,
    identifierParams(request.ids)[0],
    request.link,
    ...identifierParams(request.ids).slice(1),
    request.processing ?? '00',
  ];
  return runReleasing(client, 'advise', QUERIES.advise, params);
}

/** A balance inquiry (processing code 30) as the inquiry statement needs it. */
export interface InquiryRequest {
  /** The PAN's keyed digest (cards.pan_key, see card-keys.ts): the statements never see a PAN. */
  readonly panKey: string;
  readonly today: string;
  readonly mcc: string;
  readonly channel?: 'pos' | 'ecom' | 'atm';
  /** DE14 (YYMM), '' or absent when the request carries none. */
  readonly expiry?: string;
  readonly currency: string;
}

/** The answer to a balance inquiry: the response code, and on 00 the ledger and available balances. */
export interface InquiryResult {
  readonly responseCode: string;
  /** Ledger balance in minor units (null unless the answer is 00). */
  readonly ledger: bigint | null;
  /** Ledger balance less the active holds (null unless the answer is 00). */
  readonly available: bigint | null;
  /** The account's currency (ISO 4217 numeric), null for an unknown card. */
  readonly currency: string | null;
}

/** Answers a balance inquiry: one read-only statement; nothing is held or stored. */
export async function inquire(client: Pool | PoolClient, request: InquiryRequest): Promise<InquiryResult> {
  const { rows } = await client.query<{ response_code: string; ledger: string | null; available: string | null; currency: string | null }>({
    name: 'inquire',
    text: QUERIES.inquire,
    values: [request.panKey, request.today, request.mcc, request.channel ?? 'pos', request.expiry ?? '', request.currency],
  });
  const row = rows[0];
  if (row === undefined) throw new Error('the inquiry statement returned no row');
  return {
    responseCode: row.response_code,
    ledger: row.ledger === null ? null : BigInt(row.ledger),
    available: row.available === null ? null : BigInt(row.available),
    currency: row.currency,
  };
}

/**
 * Runs a reversal or advice statement, again while it answers 'retry' (its fence saw the account move while the
 * original was not found) or fails on a concurrent twin (unique key) or as a deadlock victim: each run is atomic, so
 * running it again is always safe.
 */
async function runReleasing(client: Pool | PoolClient, name: string, text: string, params: string[]): Promise<ReversalResult> {
  for (let attempt = 0; ; attempt++) {
    try {
      const { rows } = await client.query<{ response_code: string; released: string; duplicate: boolean }>({ name, text, values: params });
      const row = rows[0];
      if (row?.response_code === 'retry' && attempt < MAX_FENCE_RETRIES) continue;
      if (row === undefined || row.response_code === 'retry') throw new Error(`the ${name} statement gave no answer`);
      return { responseCode: row.response_code, released: BigInt(row.released), duplicate: row.duplicate };
    } catch (e) {
      const code = (e as { code?: string }).code;
      if ((code === '23505' || code === '40P01') && attempt < MAX_FENCE_RETRIES) continue;
      throw e;
    }
  }
}

/**
 * A request for a card that cannot exist (no digest reads 'warm-up'): the statement answers 14. Each warm-up
 * run gets its own idempotency key: runs sharing one would queue on the key's unique index entry, each behind the
 * previous run's open transaction.
 */
const warmUpRequest = (run: string): AuthorizationRequest => ({
  idemKey: `warm-up ${run}`,
  requestHash: 'warm-up',
  panKey: 'warm-up', // no card has it: digests are 64 hex digits
  amount: 0n,
  currency: '978',
  mcc: '0000',
  today: new Date().toISOString().slice(0, 10),
  mti: '0100',
  link: 'warm-up',
});

/**
 * In Postgres's default plan cache mode a prepared statement is planned afresh for each of its first five executions
 * on a connection and only then may settle on a generic plan; planning the decision statement costs more than
 * executing it. The authorizer's own pool forces the generic plan from the first execution (GENERIC_PLANS in
 * database.ts); a pool without that setting still reaches its plan within these executions.
 */
const EXECUTIONS_TO_GENERIC_PLAN = 6;

/**
 * Opens `connections` pool connections at once (at most the pool's size) and runs the decision statement on each, inside a transaction that
 * is rolled back, until Postgres has settled on its generic plan: every connection then has its backend started,
 * its caches filled and the statement prepared and planned.
 *
 * Why: otherwise the first burst of traffic pays for all of that at the same moment (measured on 2 cores at
 * 1,000 requests/s over 10,000 cards: a backlog of 130 to 440 ms that took seconds to drain); a server warms up
 * before it listens.
 */
export async function warmUp(pool: Pool, connections: number): Promise<void> {
  // Holding more clients at once than the pool opens would wait forever for the ones beyond its size.
  const size = Math.min(connections, pool.options.max ?? connections);
  const clients = await Promise.all(Array.from({ length: size }, () => pool.connect()));
  try {
    await Promise.all(
      clients.map(async (client, c) => {
        await client.query('begin');
        try {
          for (let i = 0; i < EXECUTIONS_TO_GENERIC_PLAN; i++) {
            await authorizeOnce(client, warmUpRequest(`${c}.${i}`));
            // No card has the warm-up digest: nothing is locked or decided, every request is left 'single'.
            await authorizeBatch(client, warmUpRequest('').today, [warmUpRequest(`${c}.${i}.1`), warmUpRequest(`${c}.${i}.2`)], () => [NO_DEADLINE_MS, NO_DEADLINE_MS]);
          }
        } finally {
          await client.query('rollback');
        }
      }),
    );
  } finally {
    for (const client of clients) client.release();
  }
}
