import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { IsoMessage } from '../../examples/card-authorizer/src/iso.js';
import { DATABASE_URL } from './env.js';
import { again, de90, sequenceHarness } from './sequence-harness.js';

/**
 * Stand-in advices racing what else moves the same authorization's money: its reversal (0400 by DE90), a second
 * advice (0121), the authorization itself still in flight (the advice finds no stored row in its snapshot), a
 * completion (0220 by DE90), and a stand-in 0220 racing the reversal. Each race is sent with Promise.all on fresh
 * cards, ROUNDS times by timing alone (through one handler: one process, whose queue runs an advice after its
 * account's decisions in flight) and GATED times forced (through a handler per message, as from separate processes):
 * a gate transaction holds the account row until every statement of the race waits for a lock, so every snapshot
 * predates every other statement's commit (EvalPlanQual then decides). The final balance and holds must be one of the serial orders' outcomes, computed by hand below, and
 * the account's holds must equal what its transactions still hold.
 *
 * Figures: balance 1,000, authorization 4,000; partial card: approved 1,000 (10), otherwise declined (51).
 */
const { card, state, purchase, follow, request, handle, query } = sequenceHarness('stand_race');
const ROUNDS = 20;
const GATED = 5;

type Money = { balance: number; held: number };

/** What the account's authorizations still hold (hold_total - released): always the account's holds. */
async function rowsHold(id: number): Promise<number> {
  const rows = await query<{ n: string }>(
    "select coalesce(sum(hold_total - released), 0) as n from transactions where account_id = $1 and mti in ('0100', '0200', '0120')",
    [id],
  );
  return Number(rows[0]!.n);
}

/** The backends blocked by `gate`, directly or behind a backend it blocks. */
async function blockedBehind(gate: number): Promise<number> {
  const rows = await query<{ n: number }>(
    `with direct as (select pid from pg_stat_activity where $1::int = any (pg_blocking_pids(pid)))
     select ((select count(*) from direct)
             + (select count(*) from pg_stat_activity a
                where exists (select 1 from direct d where d.pid = any (pg_blocking_pids(a.pid)))))::int as n`,
    [gate],
  );
  return rows[0]!.n;
}

/** Sends `messages` at once; gated, only once all of them wait behind the account row held by a gate transaction. */
async function race(id: number, messages: readonly IsoMessage[], gated: boolean): Promise<(string | undefined)[]> {
  if (!gated) return (await Promise.all(messages.map((m) => handle(m)))).map((a) => a?.fields[39]);
  const schema = (await query<{ s: string }>('select current_schema() as s', []))[0]!.s;
  const gate = new pg.Client({ connectionString: DATABASE_URL, options: `-c search_path=${schema}` });
  await gate.connect();
  try {
    await gate.query('begin');
    await gate.query('select 1 from accounts where id = $1 for update', [id]);
    const pid = (await gate.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    const pending = Promise.all(messages.map((m, i) => handle(m, i + 1)));
    const deadline = Date.now() + 30_000;
    while ((await blockedBehind(pid)) < messages.length) {
      if (Date.now() > deadline) throw new Error('the race did not queue behind the gate');
      // The poll interval of a wait for a condition (nothing to subscribe to), not a wait for time to pass.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await gate.query('commit');
    return (await pending).map((a) => a?.fields[39]);
  } finally {
    await gate.end();
  }
}

/** A card of 1,000 and its 4,000 authorization (0100, or 0200 as `mti`), decided 10 on a partial card, else 51. */
async function shortAuthorization(partial: boolean, mti = '0100'): Promise<{ id: number; original: IsoMessage }> {
  const { id, pan } = await card(1_000, { partial });
  const original = again(purchase(pan, 4_000), mti);
  expect((await request(original)).fields[39]).toBe(partial ? '10' : '51');
  return { id, original };
}

/** Runs `round` ROUNDS times by timing and GATED times forced, on fresh cards, both partial and declined. */
function eachRound(round: (partial: boolean, gated: boolean) => Promise<void>): () => Promise<void> {
  return async () => {
    for (const partial of [true, false]) {
      for (let i = 0; i < ROUNDS + GATED; i++) await round(partial, i >= ROUNDS);
    }
  };
}

async function expectOneOf(id: number, outcomes: readonly Money[]): Promise<Money> {
  const money = await state(id);
  expect(outcomes).toContainEqual(money);
  expect(await rowsHold(id)).toBe(money.held);
  return money;
}

describe('a stand-in authorization advice (0120) and the reversal of its authorization by DE90, at once', () => {
  it('ends released in either order: the advice first is released with it, the reversal first leaves the advice nothing to hold', eachRound(async (partial, gated) => {
    const { id, original } = await shortAuthorization(partial);
    const codes = await race(id, [again(original, '0120'), follow(original, '0400', { 90: de90(original) })], gated);
    expect(codes).toEqual(['00', '00']);
    // Advice first: 4,000 held, then all of it released. Reversal first: the 1,000 (or nothing) released, and the
    // advice holds no more than the reversal left (ended_keep): nothing.
    await expectOneOf(id, [{ balance: 1_000, held: 0 }]);
    expect((await handle(again(original, '0121')))?.fields[39]).toBe('00');
    await expectOneOf(id, [{ balance: 1_000, held: 0 }]);
  }));
});

describe('two stand-in authorization advices (0120 and its repeat 0121) at once', () => {
  it('hold the rest once, and the reversal then releases the whole', eachRound(async (partial, gated) => {
    const { id, original } = await shortAuthorization(partial);
    expect(await race(id, [again(original, '0120'), again(original, '0121')], gated)).toEqual(['00', '00']);
    await expectOneOf(id, [{ balance: 1_000, held: 4_000 }]);
    expect((await handle(follow(original, '0400', { 90: de90(original) })))?.fields[39]).toBe('00');
    await expectOneOf(id, [{ balance: 1_000, held: 0 }]);
  }));
});

describe('an authorization (0100) still in flight when its advice (0120) arrives', () => {
  it('holds the amount once whichever commits first, and the reversal releases the whole', eachRound(async (partial, gated) => {
    const { id, pan } = await card(1_000, { partial });
    const original = purchase(pan, 4_000);
    const [decided, advised] = await race(id, [original, again(original, '0120')], gated);
    // The 0100 first: its answer, then the advice stands in. The advice first: held in full under the key, and the
    // 0100 gets the advice's stored answer.
    expect(['00', partial ? '10' : '51']).toContain(decided);
    expect(advised).toBe('00');
    await expectOneOf(id, [{ balance: 1_000, held: 4_000 }]);
    expect((await handle(follow(original, '0400', { 90: de90(original) })))?.fields[39]).toBe('00');
    await expectOneOf(id, [{ balance: 1_000, held: 0 }]);
  }));

  it('ends as one of the six orders when its reversal is in flight too', eachRound(async (partial, gated) => {
    const { id, pan } = await card(1_000, { partial });
    const original = purchase(pan, 4_000);
    const codes = await race(id, [original, again(original, '0120'), follow(original, '0400', { 90: de90(original) })], gated);
    expect(['00', partial ? '10' : '51']).toContain(codes[0]);
    expect(codes.slice(1)).toEqual(['00', '00']);
    // Nothing held in every order: the advice before the reversal is released by it; after it (directly, or through
    // the early reversal the 0100 consumed), it holds no more than the reversal left.
    await expectOneOf(id, [{ balance: 1_000, held: 0 }]);
  }));
});

describe('a stand-in authorization advice (0120) and the completion (0220 by DE90) of its authorization, at once', () => {
  it('debits once, and ends released in either order', eachRound(async (partial, gated) => {
    const { id, original } = await shortAuthorization(partial);
    const codes = await race(id, [again(original, '0120'), follow(original, '0220', { 90: de90(original) })], gated);
    expect(codes).toEqual(['00', '00']);
    await expectOneOf(id, [{ balance: -3_000, held: 0 }]);
  }));
});

describe('a stand-in financial advice (0220) and the reversal of its 0200 by DE90, at once', () => {
  it('releases the partial hold once and debits the amount once, in either order', eachRound(async (partial, gated) => {
    const { id, original } = await shortAuthorization(partial, '0200');
    const codes = await race(id, [again(original, '0220'), follow(original, '0400', { 90: de90(original) })], gated);
    expect(codes).toEqual(['00', '00']);
    // Advice first: the 1,000 released and 4,000 debited, the reversal releases nothing. Reversal first: the 1,000
    // released, then the advice debits 4,000.
    await expectOneOf(id, [{ balance: -3_000, held: 0 }]);
    expect((await handle(again(original, '0221')))?.fields[39]).toBe('00');
    await expectOneOf(id, [{ balance: -3_000, held: 0 }]);
  }));
});
