/**
 * Group commit on the application side: authorizations that arrive while decisions are in flight wait in arrival
 * order, and the next statement decides a batch of them (up to {@link MAX_BATCH}), of one account or of many, each
 * account's row locked once (sql/authorize-batch.sql).
 */
import type { Pool, PoolClient } from 'pg';
import {
  type AuthorizationRequest,
  type AuthorizationResult,
  authorizeBatch,
  authorizeOnAccount,
  DECIDE_ALONE,
  NO_DECISION,
  QUERIES,
} from './db.js';

/** The most requests one batch statement decides. */
export const MAX_BATCH = 64;

/**
 * How many batch statements one process has in flight at most; a request that arrives beyond them waits for the
 * next batch. Why a bound below the pool's size: each waiting request joins a batch instead of paying for a
 * statement of its own, and a 2-core Postgres runs no more statements at once anyway.
 */
export const MAX_BATCHES_IN_FLIGHT = 4;

/**
 * How long (ms) a batch is out before another may join it in flight: below it, one batch statement is in flight and
 * every request that arrives meanwhile waits for the next, so batches grow with the load instead of splitting it.
 * Why: a statement's fixed cost (its executor start, its commit and WAL flush, the round trip) is several times a
 * request's share of it (measured on 2 cores: about 0.6 ms of Postgres CPU per statement, 0.09 ms per request of a
 * batch), so four small batches in flight at a moderate rate cost twice the CPU of one larger batch, and the machine
 * that has to answer the tail is the busier for it. Why not one batch, always: a batch waiting for a row lock that
 * another session holds would hold up every other account of this process until its deadline; past this time the
 * others go out in batches of their own, up to {@link MAX_BATCHES_IN_FLIGHT}. Why 50 ms: well above a batch's own
 * p99 on a loaded 2-core machine (10-30 ms), so only a batch that is truly held up lets others beside it, and far
 * below the 1 s deadline.
 */
export const BATCH_STALL_MS = 50;

/** How many card → account mappings a process keeps (beyond that it forgets them all and learns them again). */
const MAX_KNOWN_CARDS = 1_000_000;

/** An authorization waiting for a batch. */
interface WaitingAuthorization {
  readonly kind: 'authorize';
  readonly panKey: string;
  readonly request: AuthorizationRequest;
  /** Date.now() by which it must be decided. */
  readonly deadline: number;
  readonly resolve: (result: AuthorizationResult) => void;
  readonly reject: (e: unknown) => void;
}

/** A statement of its own (an advice) waiting for its account's turn; `go` runs it, holding its group. */
interface WaitingTurn {
  readonly kind: 'turn';
  readonly panKey: string;
  readonly go: () => void;
}

type Waiting = WaitingAuthorization | WaitingTurn;

/** Decides one authorization within `deadlineMs` (the handler's call); `inTurn` orders an advice among them. */
export interface Decide {
  (request: AuthorizationRequest, deadlineMs: number): Promise<AuthorizationResult>;
  /**
   * Runs `run` (an advice's statement) once no decision of the card's account (as this process learnt it) is in flight
   * or waiting ahead of it, and holds the account's later decisions until it settles.
   *
   * Why: an advice (0120, 0220) shares its authorization's idempotency key. Sent while that authorization is in
   * flight, it could commit between the authorization's snapshot and its insert of the key; a reversal that then
   * locked the advice's row and waited for the account row closed a cycle with the authorization (it held the
   * account row, and its insert waited for the reversal), and Postgres broke it only after `deadlock_timeout`
   * (1 s; measured 4 deadlocks in 50 rounds). In turn, the later statement's snapshot sees the earlier one's row.
   */
  inTurn<T>(panKey: string, run: () => Promise<T>): Promise<T>;
}

/** Options of {@link createBurstDecider}. */
export interface DeciderOptions {
  /** Batch statements in flight at most (default {@link MAX_BATCHES_IN_FLIGHT}). */
  readonly maxInFlight?: number;
  /** How long (ms) the batches in flight are out before another may go out beside them (default {@link BATCH_STALL_MS}). */
  readonly stallMs?: number;
}

/**
 * Creates the decider of one process over `pool`. Every authorization but an incremental (it locks its pre-auth's
 * row too, and is decided alone by authorize.sql at once) joins the queue; at the end of the event-loop turn, and
 * whenever a batch is answered, the waiting requests go out in batches of up to {@link MAX_BATCH}: one batch at a
 * time, and another beside it (up to `maxInFlight`) only once every batch in flight has been out for `stallMs` (a
 * batch of one request is decided by authorize.sql). A request whose account (as this process learnt it from earlier
 * answers; a card not learnt yet stands for itself) has a batch, an incremental or an advice (`inTurn`) in flight
 * waits for its answer, so one account's requests are decided in arrival order; around midnight a batch takes one
 * business date. What a batch leaves ('single': a card not on file, a debit of a card with a rolling limit, an
 * account with an early reversal waiting) is then decided by authorize.sql, one by one in arrival order, before its
 * accounts take another batch.
 *
 * Why: on spread load each decision alone pays for a round trip, a plan start-up and a commit, and on a hot account
 * 64 statements queued on one row each pay for a lock wait and a re-evaluation too; one statement for a batch pays
 * them once. The card → account mapping only chooses what travels together and in which order; the statement reads
 * each card's account itself, so a wrong or stale mapping never makes a wrong decision, and processes that share
 * one Postgres stay correct through its row locks and unique keys alone.
 */
export function createBurstDecider(pool: Pool, options: DeciderOptions = {}): Decide {
  const maxInFlight = Math.max(1, options.maxInFlight ?? MAX_BATCHES_IN_FLIGHT);
  const stallMs = Math.max(0, options.stallMs ?? BATCH_STALL_MS);
  const accountOf = new Map<string, string>();
  /** The requests waiting for a batch, in arrival order. */
  let queue: Waiting[] = [];
  /** Accounts (or cards not learnt yet) with a batch in flight in this process, and how many batches hold each. */
  const busy = new Map<string, number>();
  const hold = (group: string): void => void busy.set(group, (busy.get(group) ?? 0) + 1);
  const letGo = (group: string): void => {
    const n = busy.get(group) ?? 0;
    if (n <= 1) busy.delete(group);
    else busy.set(group, n - 1);
  };
  /** When each batch in flight went out (performance.now()), oldest first. */
  const outSince: number[] = [];
  let scheduled = false;
  /** A dispatch waiting for the youngest batch in flight to be out for `stallMs`. */
  let stallTimer: NodeJS.Timeout | undefined;

  const learn = (panKey: string, accountId: string | null): void => {
    if (accountId === null) return;
    if (accountOf.size >= MAX_KNOWN_CARDS) accountOf.clear();
    accountOf.set(panKey, accountId);
  };
  const groupOf = (w: { readonly panKey: string }): string => {
    const accountId = accountOf.get(w.panKey);
    return accountId === undefined ? `card ${w.panKey}` : `account ${accountId}`;
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

  /**
   * One batch statement, then the requests it left to authorize.sql, one by one in order. `groups` are the groups the
   * batch holds; an account learnt from its answer is held too, until the requests left to authorize.sql are decided.
   */
  const batch = async (items: readonly WaitingAuthorization[], groups: Set<string>): Promise<void> => {
    const left: WaitingAuthorization[] = [];
    let client: PoolClient | undefined;
    try {
      // A batch of one is decided by authorize.sql: the batch statement's machinery would buy it nothing.
      if (items.length > 1) client = await pool.connect();
      const due = items.filter((w) => {
        if (w.deadline - Date.now() > 0) return true;
        w.resolve(NO_DECISION); // waiting for its turn used up its time: Postgres is not asked
        return false;
      });
      if (client === undefined || due.length === 1) left.push(...due);
      else if (due.length > 0) {
        const decided = await authorizeBatch(
          client,
          due[0]!.request.today,
          due.map((w) => w.request),
          () => due.map((w) => w.deadline - Date.now()),
        );
        for (const [i, w] of due.entries()) {
          const { result, accountId } = decided[i]!;
          learn(w.request.panKey, accountId);
          const group = groupOf(w);
          if (!groups.has(group)) {
            groups.add(group);
            hold(group);
          }
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

  /**
   * Whether another batch may go out now: none is in flight, or fewer than `maxInFlight` are and every one of them has
   * been out for `stallMs`. When only the time is missing, a dispatch is set for the moment it is not.
   */
  const mayGoOut = (): boolean => {
    if (outSince.length === 0) return true;
    if (outSince.length >= maxInFlight) return false;
    const wait = outSince.at(-1)! + stallMs - performance.now();
    if (wait <= 0) return true;
    if (stallTimer === undefined) {
      stallTimer = setTimeout(() => {
        stallTimer = undefined;
        dispatch();
      }, Math.ceil(wait));
    }
    return false;
  };

  /** Starts each waiting turn whose group has nothing in flight and nothing waiting ahead of it. */
  const startTurns = (): void => {
    const ahead = new Set<string>();
    queue = queue.filter((w) => {
      const group = groupOf(w);
      const go = w.kind === 'turn' && !busy.has(group) && !ahead.has(group);
      ahead.add(group);
      if (go) w.go(); // holds its group: the group's requests behind it see it busy
      return !go;
    });
  };

  /** Starts the turns that may go, then sends the waiting authorizations out in batches while {@link mayGoOut}. */
  const dispatch = (): void => {
    scheduled = false;
    startTurns();
    while (queue.some((w) => w.kind === 'authorize') && mayGoOut()) {
      const items: WaitingAuthorization[] = [];
      const groups = new Set<string>();
      /** Groups with a request that stays behind: their later requests stay behind it. */
      const behind = new Set<string>();
      const rest: Waiting[] = [];
      const today = queue.find((w): w is WaitingAuthorization => w.kind === 'authorize' && !busy.has(groupOf(w)))?.request.today;
      for (const w of queue) {
        const group = groupOf(w);
        // A turn still waiting is held up by its group: the group's later requests stay behind it.
        if (w.kind === 'authorize' && items.length < MAX_BATCH && !busy.has(group) && !behind.has(group) && w.request.today === today) {
          items.push(w);
          groups.add(group);
        } else {
          behind.add(group);
          rest.push(w);
        }
      }
      if (items.length === 0) return;
      queue = rest;
      for (const group of groups) hold(group);
      const since = performance.now();
      outSince.push(since);
      void batch(items, groups).finally(() => {
        for (const group of groups) letGo(group);
        outSince.splice(outSince.indexOf(since), 1);
        // The youngest batch in flight may have changed: dispatch sets the wait again if one is still due.
        clearTimeout(stallTimer);
        stallTimer = undefined;
        dispatch();
      });
    }
  };

  const enqueue = (w: Waiting): void => {
    queue.push(w);
    if (!scheduled) {
      scheduled = true;
      // The requests that arrive in this turn of the event loop travel together.
      setImmediate(dispatch);
    }
  };

  /** Runs `run` holding `group`; once it settles, the group's waiting requests may go. */
  const holding = <T>(group: string, run: () => Promise<T>): Promise<T> => {
    hold(group);
    return run().finally(() => {
      letGo(group);
      dispatch();
    });
  };

  const decide = async (request: AuthorizationRequest, deadlineMs: number): Promise<AuthorizationResult> => {
    const deadline = Date.now() + deadlineMs;
    // An incremental goes out at once, alone, but holds its group: an advice of its card waits for it.
    if (request.incrementOf !== undefined && request.incrementOf !== '') return holding(groupOf(request), () => alone(request, deadline));
    return new Promise((resolve, reject) => enqueue({ kind: 'authorize', panKey: request.panKey, request, deadline, resolve, reject }));
  };
  const inTurn = <T>(panKey: string, run: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => enqueue({ kind: 'turn', panKey, go: () => void holding(groupOf({ panKey }), run).then(resolve, reject) }));
  return Object.assign(decide, { inTurn });
}
