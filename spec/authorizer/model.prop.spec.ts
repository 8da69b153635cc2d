import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../examples/card-authorizer/src/db.js';
import { createAuthorizerHandler } from '../../examples/card-authorizer/src/handler.js';
import type { IsoMessage } from '../../examples/card-authorizer/src/iso.js';
import { DATABASE_URL, heldOn, insertCard, KEYS } from './env.js';
import { AuthorizerModel, type ModelMessage } from './model.js';

/**
 * Model-based test: random sequences of whole ISO 8583 messages over two accounts (one allowing partial approval)
 * and a card not on file, handled by the authorizer's request handler on the real Postgres: authorizations and
 * financial requests with every processing code (00, 01, 09 with its cashback, 20 refund, 30 balance inquiry, an
 * unknown one), a wrong expiry or currency, repeats and retransmissions, incrementals, reversals (full, partial,
 * malformed DE95, by DE90 or by RRN without it, with DE41 or DE42 dropped, before their original), completions and
 * refund advices, authorization advices, advices under the key and content of an original (the network stood in for
 * it, after we approved or declined it, or before we saw it), originals without RRN, terminal or merchant (RRNs and
 * terminals are shared between originals, so matching without DE90 meets real ambiguity), requests without DE11, clock advances, and an
 * original sent at the same moment as its timeout reversal (0420: the acquirer gave up on the answer), and requests
 * of both accounts sent at once (one batch statement), which the model answers in the order the account rows' locks
 * took them.
 * After every message the answer (MTI and every element) and the accounts' balance and active holds equal the
 * reference model's. Runs: MODEL_RUNS (default 25; 400 locally before changing the query pack).
 */
const RUNS = Number(process.env.MODEL_RUNS ?? 25);
const schema = `authz_model_${process.pid}_${randomUUID().slice(0, 8)}`;
let pool: pg.Pool;
let run = 0;
let stan = 0;
/** What the sequences reached: message class and answer (DE39) → how often, for the coverage check. */
const reached = new Map<string, number>();

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2, options: `-c search_path=${schema}` });
  await migrate(pool, schema);
});

afterAll(async () => {
  await pool?.query(`drop schema if exists "${schema}" cascade`);
  await pool?.end();
});

/** An original transaction a sequence may send, repeat, reverse, complete or increment (in any order). */
interface Slot {
  readonly card: 0 | 1 | 2; // 2: a PAN not on file
  readonly mti: '0100' | '0200' | '0120';
  readonly amount: number;
  readonly processing: '00' | '01' | '09' | '20';
  readonly rrn: string | undefined;
  readonly terminal: string | undefined;
  readonly merchant: string | undefined;
  readonly acquirer: string | undefined;
  readonly expiry: 'none' | 'right' | 'wrong';
  readonly currency: '978' | '840';
}

type Keep = { kind: 'full' } | { kind: 'partial'; actual: number } | { kind: 'malformed'; de95: string };

type Command =
  | { kind: 'send'; slot: number; repeat: boolean }
  | { kind: 'increment'; slot: number; amount: number }
  | { kind: 'reverse'; slot: number; byDe90: boolean; keep: Keep; drop: 'none' | 'terminal' | 'merchant'; advice: boolean; asSent: boolean }
  | { kind: 'complete'; slot: number; amount: number; byDe90: boolean }
  | { kind: 'offline'; card: 0 | 1; amount: number; refund: boolean }
  | { kind: 'inquiry'; card: 0 | 1 | 2; expiry: 'none' | 'right' | 'wrong' }
  | { kind: 'unknown-code'; card: 0 | 1 }
  | { kind: 'no-stan'; card: 0 | 1; amount: number }
  | { kind: 'retransmit'; changed: boolean }
  | { kind: 'late'; slot: number }
  | { kind: 'stand-in'; slot: number; first: boolean }
  | { kind: 'burst'; slots: number[]; reversal: 'none' | 'at-once' | 'after' }
  | { kind: 'accounts'; slots: number[]; amounts: [number, number] }
  | { kind: 'clock'; days: number };

const SLOTS = 8;
/** Amounts that collide often (same-amount originals are where matching without DE90 must choose). */
const amountArb = fc.oneof(fc.constantFrom(0, 3_000, 4_000, 10_000), fc.integer({ min: 100, max: 40_000 }));
const slotArb: fc.Arbitrary<Slot> = fc.record({
  card: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(0 as const, 1 as const) }, { weight: 1, arbitrary: fc.constant(2 as const) }),
  mti: fc.oneof({ weight: 6, arbitrary: fc.constant('0100' as const) }, { weight: 1, arbitrary: fc.constant('0200' as const) }, { weight: 2, arbitrary: fc.constant('0120' as const) }),
  amount: amountArb,
  processing: fc.oneof({ weight: 6, arbitrary: fc.constant('00' as const) }, { weight: 1, arbitrary: fc.constantFrom('01' as const, '09' as const, '20' as const) }),
  rrn: fc.oneof({ weight: 3, arbitrary: fc.constantFrom('RRN000000001', 'RRN000000002') }, { weight: 1, arbitrary: fc.constantFrom(undefined, '            ') }),
  terminal: fc.oneof({ weight: 3, arbitrary: fc.constantFrom('TERM0001', 'TERM0002') }, { weight: 1, arbitrary: fc.constant(undefined) }),
  merchant: fc.oneof({ weight: 3, arbitrary: fc.constant('MERCHANT0000001') }, { weight: 1, arbitrary: fc.constantFrom(undefined, '000000000000000') }),
  acquirer: fc.oneof({ weight: 3, arbitrary: fc.constant('123456') }, { weight: 1, arbitrary: fc.constantFrom(undefined, '654321') }),
  expiry: fc.oneof({ weight: 6, arbitrary: fc.constant('none' as const) }, { weight: 1, arbitrary: fc.constantFrom('right' as const, 'wrong' as const) }),
  currency: fc.oneof({ weight: 12, arbitrary: fc.constant('978' as const) }, { weight: 1, arbitrary: fc.constant('840' as const) }),
});
const keepArb: fc.Arbitrary<Keep> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'full' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('partial' as const), actual: fc.integer({ min: 0, max: 42_000 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('malformed' as const),
      de95: fc.constantFrom(` 00000005000${'0'.repeat(30)}`, `${'0'.repeat(19)}5000${'0'.repeat(19)}`, `00000000500000000000500 C00000000C00000000`),
    }),
  },
);
const slot = fc.nat(SLOTS - 1);
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('send' as const), slot, repeat: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('increment' as const), slot, amount: fc.integer({ min: 100, max: 20_000 }) }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('reverse' as const),
      slot,
      byDe90: fc.boolean(),
      keep: keepArb,
      drop: fc.constantFrom('none' as const, 'none' as const, 'terminal' as const, 'merchant' as const),
      advice: fc.boolean(),
      // DE90 naming an 0120's original as the acquirer sent it: an 0100.
      asSent: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('complete' as const), slot, amount: fc.integer({ min: 100, max: 30_000 }), byDe90: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('offline' as const), card: fc.constantFrom(0 as const, 1 as const), amount: fc.integer({ min: 100, max: 30_000 }), refund: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('inquiry' as const), card: fc.constantFrom(0 as const, 1 as const, 2 as const), expiry: fc.constantFrom('none' as const, 'right' as const, 'wrong' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('unknown-code' as const), card: fc.constantFrom(0 as const, 1 as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('no-stan' as const), card: fc.constantFrom(0 as const, 1 as const), amount: amountArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('retransmit' as const), changed: fc.boolean() }) },
  // The acquirer timed out on an original and sends its timeout reversal while the original may still be deciding.
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('late' as const), slot }) },
  // The network stood in for an original (our answer came late) and sends its advice (0100 → 0120, 0200 → 0220)
  // with the original's key and content, after the original itself when `first`: approved or declined by us.
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('stand-in' as const), slot, first: fc.boolean() }) },
  // Several originals at once (a slot drawn twice is the same request twice in one burst): those of one account
  // that wait behind a decision in flight are decided by one statement, in arrival order; with a timeout reversal
  // (0420) of the first, sent at the same moment or once the burst is answered.
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('burst' as const),
      slots: fc.array(slot, { minLength: 2, maxLength: 5 }),
      reversal: fc.constantFrom('none' as const, 'at-once' as const, 'after' as const),
    }),
  },
  // Requests of both accounts at once (a fresh purchase on each, around originals of any card): the decider sends
  // them in one batch statement, each account's in arrival order.
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('accounts' as const),
      slots: fc.array(slot, { minLength: 1, maxLength: 4 }),
      amounts: fc.tuple(amountArb, amountArb),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('clock' as const), days: fc.integer({ min: 1, max: 9 }) }) },
);

const BASE_DAY = Date.UTC(2026, 10, 24) / 86_400_000;
const EXPIRY = '2912';
const amount12 = (n: number): string => String(n).padStart(12, '0');
const nextStan = (): string => String((++stan % 999_999) + 1).padStart(6, '0');

/** A message with the absent (undefined) elements left out. */
function message(mti: string, fields: Record<number, string | undefined>): ModelMessage {
  const present: Record<number, string> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) present[Number(k)] = v;
  return { mti, fields: present };
}

/** The repeat of an MTI: 0100 → 0101 (a repeat stays a repeat). */
const repeatOf = (mti: string): string => `${mti.slice(0, 3)}${Number(mti[3]) | 1}`;

describe('the authorizer against a model', () => {
  it(
    'answers every message as the model does and keeps balances and holds equal to it',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(slotArb, { minLength: SLOTS, maxLength: SLOTS }), fc.array(command, { minLength: 10, maxLength: 40, size: 'max' }), async (slots, commands) => {
          run++;
          const ids = [run * 10 + 1, run * 10 + 2];
          const pans = [...ids.map((id) => `6${String(id).padStart(15, '0')}`), `7${String(run).padStart(15, '0')}`];
          for (const [i, id] of ids.entries()) {
            await pool.query("insert into accounts (id, currency, balance) values ($1, '978', 50000)", [id]);
            await insertCard(pool, { id, pan: pans[i]!, expiry: EXPIRY, partial: i === 1 });
          }
          let today = BASE_DAY;
          const model = new AuthorizerModel(
            ids.map((_, i) => ({ pan: pans[i]!, balance: 50_000, partial: i === 1, expiry: EXPIRY })),
            today,
          );
          const handler = createAuthorizerHandler({ pool, keys: KEYS, deadlineMs: 600_000, clock: () => new Date(today * 86_400_000 + 36_000_000) });
          // Every run has its own transmission time, so no two runs share an idempotency key.
          const de7 = `11${String(24 + (run % 5)).padStart(2, '0')}${String(run % 1_000_000).padStart(6, '0')}`;
          // The originals, with their STANs fixed up front: a reversal may name one that has not been sent yet.
          const originals = slots.map((s) =>
            message(s.mti, {
              2: pans[s.card], 3: `${s.processing}0000`, 4: amount12(s.amount), 7: de7, 11: nextStan(),
              14: s.expiry === 'none' ? undefined : s.expiry === 'right' ? EXPIRY : '2812', 18: '5411', 32: s.acquirer, 37: s.rrn,
              41: s.terminal, 42: s.merchant, 49: s.currency,
              54: s.processing === '09' ? `0040${s.currency}D${amount12(Math.floor(s.amount / 4) + 1)}` : undefined,
            }),
          );
          const de90 = (m: ModelMessage): string =>
            `${m.mti}${m.fields[11]}${m.fields[7]}${(m.fields[32] ?? '').padStart(11, '0')}${'0'.repeat(11)}`;
          let last: ModelMessage | undefined;
          const steps: string[] = [];

          /** Compares the authorizer's answer to `m` with the model's, which the model gives (and moves its state) now. */
          const check = (m: ModelMessage, actual: IsoMessage | undefined): void => {
            const expected = model.answer(m);
            const fields = { ...(actual?.fields as Record<number, string>) };
            if (expected.fields[38] === 'any' && typeof fields[38] === 'string' && /^[A-Z0-9]{6}$/.test(fields[38])) fields[38] = 'any';
            expect({ mti: actual?.mti, fields }, steps.join('\n')).toEqual(expected);
            model.learn(m, actual?.fields[38] as string | undefined);
            const seen = `${m.mti[1]} ${expected.fields[39]}`;
            reached.set(seen, (reached.get(seen) ?? 0) + 1);
            last = m;
          };
          const send = async (m: ModelMessage): Promise<void> => {
            steps.push(`${m.mti} ${JSON.stringify(m.fields)}`);
            check(m, await handler(m as IsoMessage));
          };
          /** The order in which the account row's lock serialised two messages: their stored rows' decision_seq. */
          const seqOf = async (m: ModelMessage): Promise<number> => {
            const key = [m.mti[1], m.fields[7], m.fields[11], m.fields[32], m.fields[37], m.fields[41]].map((v) => v ?? '').join('|');
            const { rows } = await pool.query<{ seq: string | null }>('select decision_seq as seq from transactions where idem_key = $1', [key]);
            return rows[0]?.seq === null || rows[0] === undefined ? -1 : Number(rows[0].seq);
          };

          /** Sends `all` at once and checks the answers in the order the account rows' locks took them. */
          const atOnce = async (all: readonly ModelMessage[]): Promise<void> => {
            steps.push(`at once: ${all.map((m) => `${m.mti} ${JSON.stringify(m.fields)}`).join(' and ')}`);
            const answers = await Promise.all(all.map((m) => handler(m as IsoMessage)));
            const seqs = await Promise.all(all.map((m) => seqOf(m)));
            const order = all.map((_, i) => i).sort((a, b) => seqs[a]! - seqs[b]!);
            steps.push(`(in the order ${order.join(', ')})`);
            for (const i of order) check(all[i]!, answers[i]);
          };

          for (const c of commands) {
            switch (c.kind) {
              case 'clock':
                today += c.days;
                model.today = today;
                continue;
              case 'send': {
                const m = originals[c.slot]!;
                await send(c.repeat ? { ...m, mti: repeatOf(m.mti) } : m);
                break;
              }
              case 'increment': {
                const pre = originals[c.slot]!;
                await send(message('0100', { ...pre.fields, 3: '000000', 4: amount12(c.amount), 11: nextStan(), 14: undefined, 37: undefined, 54: undefined, 90: de90(pre) }));
                break;
              }
              case 'reverse': {
                const o = originals[c.slot]!;
                const de95 =
                  c.keep.kind === 'full' ? undefined : c.keep.kind === 'partial' ? `${amount12(c.keep.actual)}${amount12(c.keep.actual)}C00000000C00000000` : c.keep.de95;
                await send(
                  message(c.advice ? '0420' : '0400', {
                    ...o.fields, 11: nextStan(), 90: c.byDe90 ? de90(c.asSent && o.mti === '0120' ? { ...o, mti: '0100' } : o) : undefined, 95: de95,
                    41: c.drop === 'terminal' ? undefined : o.fields[41], 42: c.drop === 'merchant' ? undefined : o.fields[42],
                  }),
                );
                break;
              }
              case 'late': {
                // The original and its timeout reversal (0420, DE90, the whole amount) at once; the model then
                // answers both in the order the account row's lock took them (a card not on file: any order).
                const o = originals[c.slot]!;
                const reversal = message('0420', { ...o.fields, 11: nextStan(), 90: de90(o) });
                steps.push(`at once: ${o.mti} ${JSON.stringify(o.fields)} and 0420 ${JSON.stringify(reversal.fields)}`);
                const [answerOriginal, answerReversal] = await Promise.all([handler(o as IsoMessage), handler(reversal as IsoMessage)]);
                const reversalFirst = (await seqOf(reversal)) >= 0 && (await seqOf(reversal)) < (await seqOf(o));
                if (reversalFirst) steps.push('(the reversal took the account row first)');
                for (const [m, a] of reversalFirst ? ([[reversal, answerReversal], [o, answerOriginal]] as const) : ([[o, answerOriginal], [reversal, answerReversal]] as const)) check(m, a);
                break;
              }
              case 'stand-in': {
                const o = originals[c.slot]!;
                if (c.first) await send(o);
                await send({ ...o, mti: `${o.mti.slice(0, 2)}2${o.mti[3]}` });
                break;
              }
              case 'burst': {
                // Answered by the model in the order the account rows' locks took them (decision_seq; a batch
                // numbers each account's decisions in arrival order); the same request twice has one stored row, and
                // its two answers are the same; a card not on file stores no order: any order.
                const burst = c.slots.map((s) => originals[s]!);
                const reversal = message('0420', { ...burst[0]!.fields, 11: nextStan(), 90: de90(burst[0]!) });
                await atOnce(c.reversal === 'at-once' ? [...burst, reversal] : burst);
                if (c.reversal === 'after') await send(reversal);
                break;
              }
              case 'accounts': {
                // A purchase on each account around the originals: decision_seq orders each account's own decisions,
                // and the model's accounts are independent of each other.
                const fresh = c.amounts.map((amount, k) =>
                  message('0100', { 2: pans[k], 3: '000000', 4: amount12(amount), 7: de7, 11: nextStan(), 18: '5411', 41: 'TERM0003', 49: '978' }),
                );
                await atOnce([fresh[0]!, ...c.slots.map((s) => originals[s]!), fresh[1]!]);
                break;
              }
              case 'complete': {
                const o = originals[c.slot]!;
                await send(message('0220', { ...o.fields, 4: amount12(c.amount), 11: nextStan(), 90: c.byDe90 ? de90(o) : undefined }));
                break;
              }
              case 'offline':
                await send(
                  message('0220', { 2: pans[c.card], 3: c.refund ? '200000' : '000000', 4: amount12(c.amount), 7: de7, 11: nextStan(), 18: '5411', 41: 'TERM0009', 49: '978' }),
                );
                break;
              case 'inquiry':
                await send(
                  message('0100', {
                    2: pans[c.card], 3: '301000', 4: amount12(0), 7: de7, 11: nextStan(), 14: c.expiry === 'none' ? undefined : c.expiry === 'right' ? EXPIRY : '2701',
                    18: '6011', 41: 'ATM00001', 49: '978',
                  }),
                );
                break;
              case 'unknown-code':
                await send(message('0100', { 2: pans[c.card], 3: '500000', 4: amount12(1_000), 7: de7, 11: nextStan(), 18: '5411', 41: 'TERM0001', 49: '978' }));
                break;
              case 'no-stan':
                await send(message('0100', { 2: pans[c.card], 3: '000000', 4: amount12(c.amount), 7: de7, 18: '5411', 41: 'TERM0001', 49: '978' }));
                break;
              case 'retransmit':
                // The last message again as a repeat: its stored answer; with another amount, 94.
                if (last !== undefined) {
                  const fields = c.changed ? { ...last.fields, 4: amount12(Number(last.fields[4] ?? 0) + 1) } : last.fields;
                  await send({ mti: repeatOf(last.mti), fields });
                }
                break;
            }
            for (const [i, id] of ids.entries()) {
              const { rows } = await pool.query<{ balance: string }>('select balance from accounts where id = $1', [id]);
              const held = await heldOn(pool, id, new Date(today * 86_400_000).toISOString().slice(0, 10));
              expect([Number(rows[0]!.balance), Number(held)], steps.join('\n')).toEqual([model.balances[i], model.held(i)]);
            }
          }
        }),
        { numRuns: RUNS },
      );
      // The sequences did reach the answers they are for (each is seen dozens of times in 25 runs).
      for (const seen of ['1 00', '1 12', '1 14', '1 30', '1 51', '1 54', '1 94', '2 00', '4 00', '4 30']) expect(reached.get(seen), seen).toBeGreaterThan(0);
    },
    // A hang guard only: about 25 messages per run, each with three statements, generous on a loaded machine.
    Math.max(120_000, RUNS * 3_000),
  );
});
