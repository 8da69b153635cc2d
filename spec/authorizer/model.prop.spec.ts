import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advise, authorize, migrate, reverse } from '../../examples/card-authorizer/src/db.js';

/**
 * Model-based test: random sequences of authorizations, repeats, reversals (full, partial, before their original),
 * completions, authorization advices and clock advances over two accounts. After every step the database's answer
 * and state (balance, active holds) equal a pure model of the same rules.
 */
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `authz_model_${process.pid}_${randomUUID().slice(0, 8)}`;
let pool: pg.Pool;
let run = 0;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2, options: `-c search_path=${schema}` });
  await migrate(pool, schema);
});

afterAll(async () => {
  await pool?.query(`drop schema if exists "${schema}" cascade`);
  await pool?.end();
});

type Command =
  | { kind: 'auth'; account: 0 | 1; slot: number; amount: number }
  | { kind: 'repeat'; slot: number }
  | { kind: 'increment'; slot: number; amount: number }
  | { kind: 'reverse'; slot: number; keep: number }
  | { kind: 'complete'; slot: number; amount: number }
  | { kind: 'advice'; account: 0 | 1; amount: number }
  | { kind: 'clock'; days: number };

const SLOTS = 6;
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('auth' as const), account: fc.constantFrom(0 as const, 1 as const), slot: fc.nat(SLOTS - 1), amount: fc.integer({ min: 100, max: 40_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('repeat' as const), slot: fc.nat(SLOTS - 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('increment' as const), slot: fc.nat(SLOTS - 1), amount: fc.integer({ min: 100, max: 20_000 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reverse' as const), slot: fc.nat(SLOTS - 1), keep: fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 20_000 })) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('complete' as const), slot: fc.nat(SLOTS - 1), amount: fc.integer({ min: 100, max: 30_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('advice' as const), account: fc.constantFrom(0 as const, 1 as const), amount: fc.integer({ min: 100, max: 30_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('clock' as const), days: fc.integer({ min: 1, max: 9 }) }) },
);

interface Link {
  a: number;
  r: number;
  d: number;
}
interface AccountModel {
  balance: number;
  holds: Map<number, number>; // day → amount
  links: Map<string, Link>;
  orphans: Map<string, number>;
  partial: boolean;
}

const BASE_DAY = Date.UTC(2026, 10, 24) / 86_400_000;
const dayString = (d: number): string => new Date(d * 86_400_000).toISOString().slice(0, 10);

describe('the authorizer against a model', () => {
  it('matches the model after every step of random sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 25 }), async (commands) => {
        run++;
        const ids = [run * 10 + 1, run * 10 + 2];
        const pans = ids.map((id) => `6${String(id).padStart(15, '0')}`);
        for (const [i, id] of ids.entries()) {
          await pool.query("insert into accounts (id, currency, balance) values ($1, '978', 50000)", [id]);
          await pool.query("insert into cards (id, pan, account_id, expiry, partial_allowed) values ($1, $2, $1, '2912', $3)", [id, pans[i], i === 1]);
        }
        const model: AccountModel[] = [0, 1].map((i) => ({ balance: 50_000, holds: new Map(), links: new Map(), orphans: new Map(), partial: i === 1 }));
        const slots: ({ account: 0 | 1; amount: number; key: string; link: string; answer?: { code: string; approved: bigint } } | undefined)[] = [];
        let today = BASE_DAY;
        const active = (m: AccountModel): number => [...m.holds].filter(([d]) => d >= today).reduce((s, [, v]) => s + v, 0);
        const addHold = (m: AccountModel, day: number, amount: number): void => {
          m.holds.set(day, (m.holds.get(day) ?? 0) + amount);
        };
        const releaseHold = (m: AccountModel, day: number, amount: number): void => {
          if (day >= today && amount > 0) m.holds.set(day, Math.max(0, (m.holds.get(day) ?? 0) - amount));
        };

        for (const c of commands) {
          const date = dayString(today);
          if (c.kind === 'clock') {
            today += c.days;
            continue;
          }
          if (c.kind === 'auth' || c.kind === 'repeat') {
            const existing = slots[c.slot];
            if (c.kind === 'repeat' && existing?.answer === undefined) continue;
            const slot = c.kind === 'auth' && existing === undefined ? { account: c.account, amount: c.amount, key: randomUUID(), link: randomUUID() } : existing!;
            slots[c.slot] = slot;
            const m = model[slot.account]!;
            const result = await authorize(pool, {
              idemKey: slot.key, requestHash: `h${slot.amount}`, pan: pans[slot.account]!, amount: BigInt(slot.amount),
              currency: '978', mcc: '5411', today: date, mti: '0100', link: slot.link, alias: `alias-${slot.link}`,
            });
            if (slot.answer !== undefined) {
              expect([result.responseCode, result.approved]).toEqual([slot.answer.code, slot.answer.approved]);
              continue;
            }
            // Model: decide, hold (less what an early reversal left), remember the link.
            const available = Math.max(0, m.balance - active(m));
            const [code, approved] = available >= slot.amount ? ['00', slot.amount] : m.partial && available > 0 ? ['10', available] : ['51', 0];
            const early = m.orphans.get(slot.link);
            m.orphans.delete(slot.link);
            const heldAmount = early === undefined ? approved : Math.max(0, Math.min(approved, early));
            if (heldAmount > 0) addHold(m, today + 7, heldAmount);
            if (approved > 0) m.links.set(slot.link, { a: approved, r: approved - heldAmount, d: today + 7 });
            expect([result.responseCode, result.approved]).toEqual([code, BigInt(approved)]);
            slot.answer = { code, approved: BigInt(approved) };
          } else if (c.kind === 'increment') {
            const slot = slots[c.slot];
            if (slot?.answer === undefined) continue;
            const m = model[slot.account]!;
            const key = randomUUID();
            const result = await authorize(pool, {
              idemKey: key, requestHash: `i${c.amount}`, pan: pans[slot.account]!, amount: BigInt(c.amount), currency: '978',
              mcc: '5411', today: date, mti: '0100', link: `inc-${key}`, alias: `alias-inc-${key}`, incrementOf: slot.link,
            });
            const available = Math.max(0, m.balance - active(m));
            const [code, approved] = available >= c.amount ? ['00', c.amount] : m.partial && available > 0 ? ['10', available] : ['51', 0];
            const preAuth = m.links.get(slot.link);
            const day = preAuth?.d ?? today + 7;
            if (approved > 0) {
              addHold(m, day, approved);
              if (preAuth !== undefined) preAuth.a += approved;
              else m.links.set(`inc-${key}`, { a: approved, r: 0, d: day });
            }
            expect([result.responseCode, result.approved]).toEqual([code, BigInt(approved)]);
          } else if (c.kind === 'reverse') {
            const slot = slots[c.slot];
            if (slot === undefined) continue;
            const m = model[slot.account]!;
            const result = await reverse(pool, {
              idemKey: randomUUID(), requestHash: 'r', pan: pans[slot.account]!, keep: BigInt(c.keep), today: date, mti: '0400',
              link: slot.link, alias: `alias-${slot.link}`,
            });
            const link = m.links.get(slot.link);
            let released = 0;
            if (link === undefined) m.orphans.set(slot.link, c.keep);
            else {
              released = c.keep < 0 ? link.a - link.r : Math.max(0, link.a - link.r - c.keep);
              releaseHold(m, link.d, released);
              link.r += released;
            }
            expect(result.released).toBe(BigInt(released));
          } else if (c.kind === 'complete') {
            const slot = slots[c.slot];
            if (slot === undefined) continue;
            const m = model[slot.account]!;
            const result = await advise(pool, {
              idemKey: randomUUID(), requestHash: 'c', pan: pans[slot.account]!, amount: BigInt(c.amount), today: date, mti: '0220',
              originalLink: slot.link, alias: `alias-${slot.link}`, link: randomUUID(),
            });
            const link = m.links.get(slot.link);
            let released = 0;
            if (link !== undefined) {
              released = link.a - link.r;
              releaseHold(m, link.d, released);
              link.r = link.a;
            }
            m.balance -= c.amount;
            expect(result.released).toBe(BigInt(released));
          } else {
            const m = model[c.account]!;
            const own = randomUUID();
            await advise(pool, {
              idemKey: randomUUID(), requestHash: 'a', pan: pans[c.account]!, amount: BigInt(c.amount), today: date, mti: '0120',
              originalLink: '', alias: `alias-${own}`, link: own,
            });
            addHold(m, today + 7, c.amount);
            m.links.set(own, { a: c.amount, r: 0, d: today + 7 });
          }
          for (const [i, id] of ids.entries()) {
            const { rows } = await pool.query<{ balance: string; held: string }>(
              `select balance, (select coalesce(sum(value::bigint), 0) from jsonb_each_text(holds) where key::date >= $2::date) as held
               from accounts where id = $1`,
              [id, dayString(today)],
            );
            expect([Number(rows[0]!.balance), Number(rows[0]!.held)]).toEqual([model[i]!.balance, active(model[i]!)]);
          }
        }
      }),
      { numRuns: Number(process.env.MODEL_RUNS ?? 25) },
    );
  }, 120_000);
});
