/**
 * Group commit on the application side: while a decision for an account is in flight, further authorizations of
 * that account wait in arrival order, and the next statement decides all of them (up to {@link MAX_BURST}) under one
 * lock of the account row (sql/authorize-batch.sql).
 */
import type { Pool, PoolClient } from 'pg';
import {
  type AuthorizationRequest,
  type AuthorizationResult,
  authorizeBurst,
  authorizeOnAccount,
  DECIDE_ALONE,
  QUERIES,
} from './db.js';

/** The most requests one burst statement decides. */
export const MAX_BURST = 64;

/** How many card → account mappings a process keeps (beyond that it forgets them all and learns them again). */
const MAX_KNOWN_CARDS = 1_000_000;

/** The answer given when no decision was made within the deadline: nothing is held and nothing is stored. */
const NO_DECISION: AuthorizationResult = { responseCode: '91', approved: 0n, authCode: null, duplicate: false };

interface Waiting {
  readonly request: AuthorizationRequest;
  /** Date.now() by which it must be decided. */
  readonly deadline: number;
  readonly resolve: (result: AuthorizationResult) => void;
  readonly reject: (e: unknown) => void;
}

/** Decides one authorization within `deadlineMs` (the handler's call). */
export type Decide = (request: AuthorizationRequest, deadlineMs: number) => Promise<AuthorizationResult>;

/**
 * Creates the decider of one process over `pool`. A request whose card's account is not known yet, or that is an
 * incremental (it locks its pre-auth's row too), is decided alone by authorize.sql, which answers the account it
 * serialised on. A request for a known account is decided alone when no decision for that account is in flight in
 * this process; otherwise it waits, and when the one in flight is answered, every waiting request of the account
 * (the same business date) is decided by one burst statement, in arrival order.
 *
 * Why: on a hot account every decision waits for the row lock and then re-evaluates itself on the newest row
 * version; 64 statements queued on one row each pay for a plan start-up, a lock wait and a commit. One statement for
 * the burst pays them once. The card → account mapping only chooses what is decided together: a wrong or stale one
 * costs a request its place in a burst (the statement leaves a card of another account to authorize.sql), never a
 * wrong decision, and processes that share one Postgres stay correct through its row locks alone.
 */
export function createBurstDecider(pool: Pool): Decide {
  const accountOf = new Map<string, string>();
  /** Accounts with a statement in flight in this process, each with the requests waiting behind it. */
  const waiting = new Map<string, Waiting[]>();

  const learn = (panKey: string, accountId: string | null): void => {
    if (accountId === null) return;
    if (accountOf.size >= MAX_KNOWN_CARDS) accountOf.clear();
    accountOf.set(panKey, accountId);
  };

  /** One request alone (authorize.sql), within its deadline. */
  const alone = async (request: AuthorizationRequest, deadline: number): Promise<AuthorizationResult> => {
    const client = await pool.connect();
    try {
      // Waiting for a pooled connection counts against the deadline; with nothing left, Postgres is not asked.
      if (deadline - Date.now() <= 0) return NO_DECISION;
      const decided = await authorizeOnAccount(client, request, QUERIES.authorize, () => deadline - Date.now());
      learn(request.panKey, decided.accountId);
      return decided.result;
    } catch (e) {
      if ((e as { code?: string }).code === '57014') return NO_DECISION; // query_canceled: rolled back, nothing held
      throw e;
    } finally {
      client.release();
    }
  };

  /** One burst of an account's waiting requests, then those it left to authorize.sql, one by one in order. */
  const burst = async (accountId: string, items: readonly Waiting[]): Promise<void> => {
    const left: Waiting[] = [];
    let client: PoolClient | undefined;
    try {
      client = await pool.connect();
      const due = items.filter((w) => {
        if (w.deadline - Date.now() > 0) return true;
        w.resolve(NO_DECISION); // waiting for its turn used up its time: Postgres is not asked
        return false;
      });
      if (due.length > 0) {
        const results = await authorizeBurst(
          client,
          accountId,
          due[0]!.request.today,
          due.map((w) => w.request),
          () => due.map((w) => w.deadline - Date.now()),
        );
        for (const [i, w] of due.entries()) {
          const result = results[i]!;
          if (result.responseCode === DECIDE_ALONE) left.push(w);
          else w.resolve(result);
        }
      }
    } catch (e) {
      // query_canceled (the pool's statement_timeout): rolled back whole, nothing held, every request 91.
      const canceled = (e as { code?: string }).code === '57014';
      for (const w of items) {
        if (canceled) w.resolve(NO_DECISION);
        else w.reject(e);
      }
      return;
    } finally {
      client?.release();
    }
    for (const w of left) await alone(w.request, w.deadline).then(w.resolve, w.reject);
  };

  /** Decides the account's waiting requests, burst after burst, until none waits; then the account is idle. */
  const drain = async (accountId: string): Promise<void> => {
    const queue = waiting.get(accountId)!;
    while (queue.length > 0) {
      // One burst is one business date (around midnight two may wait): the rest waits for the next burst.
      const today = queue[0]!.request.today;
      const items: Waiting[] = [];
      for (let i = 0; i < queue.length && items.length < MAX_BURST; ) {
        if (queue[i]!.request.today === today) items.push(...queue.splice(i, 1));
        else i++;
      }
      await burst(accountId, items);
    }
    waiting.delete(accountId);
  };

  return async (request, deadlineMs) => {
    const deadline = Date.now() + deadlineMs;
    const accountId = request.incrementOf === undefined || request.incrementOf === '' ? accountOf.get(request.panKey) : undefined;
    if (accountId === undefined) return alone(request, deadline);
    const queue = waiting.get(accountId);
    if (queue !== undefined) return new Promise((resolve, reject) => queue.push({ request, deadline, resolve, reject }));
    waiting.set(accountId, []);
    try {
      return await alone(request, deadline);
    } finally {
      void drain(accountId);
    }
  };
}
