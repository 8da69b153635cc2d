import { describe, expect, it } from 'vitest';
import { again, amount, de90, de95, sequenceHarness } from './sequence-harness.js';

/**
 * An audit of money sequences over TCP: after each step, the answer (DE39) and the account's ledger balance and
 * active holds, so that money approved that is not there, or declined that is, fails the test.
 *
 * Already covered elsewhere (not repeated here):
 * - a reversal before its original: sequences.spec.ts "is consumed only by the original it names ...",
 *   reversal.spec.ts "leave nothing held when the reversal arrives before its original", and as an 0420 before its
 *   original commits, deadline.spec.ts "releases it exactly once when the reversal reaches the account row first";
 * - a reversal after its original: server.spec.ts "releases a hold on an 0400 reversal naming its original in DE90";
 * - a reversal twice: reversal.spec.ts "release the whole hold once; a repeat gets the stored answer and a second
 *   reversal releases nothing", sequences.spec.ts "releases the unreleased original with its amount, then the other one";
 * - an advice (0120) for an unseen authorization, and the same advice twice: reversal.spec.ts "store and acknowledge
 *   an authorization advice even beyond the funds, holding its amount" (0120 then 0121: server.spec.ts "routes each
 *   repeat as its original ..."); here only what follows it: the late original under its key;
 * - a retransmission with another amount, or with a card of another account: storm.spec.ts "answers a storm of
 *   identical requests ..." and global-batch.spec.ts "answers duplicates inside one batch ..." (statement level,
 *   with stand-in digests); here over the wire, with card, currency and processing code too;
 * - the rolling limit's edge from above (exact, then one more, no holds): reversal.spec.ts "count a card's spend ...";
 *   here from below, with holds.
 */
const MAX = 999_999_999_999;
const { card, state, purchase, follow, request, code, query } = sequenceHarness('audit');

describe('a retransmission under the same key with other content', () => {
  it('is refused 94 for another amount, card, currency or processing code, and money moves once', async () => {
    const a = await card(20_000);
    const b = await card(20_000);
    const original = purchase(a.pan, 5_000);
    const first = await request(original);
    expect(first.fields[39]).toBe('00');
    for (const mti of ['0100', '0101']) {
      for (const changed of [{ 4: amount(6_000) }, { 4: amount(1) }, { 2: b.pan }, { 2: '4999000000000009' }, { 49: '840' }, { 3: '010000' }, { 3: '200000' }, { 3: '000010' }]) {
        expect(await code(again(original, mti, changed)), `${mti} ${JSON.stringify(changed)}`).toBe('94');
      }
    }
    expect(await state(a.id)).toEqual({ balance: 20_000, held: 5_000 });
    expect(await state(b.id)).toEqual({ balance: 20_000, held: 0 });
    // Unchanged, it gets the stored answer: the same code and authorization code, nothing held again.
    const repeat = await request(again(original, '0101'));
    expect([repeat.fields[39], repeat.fields[38]]).toEqual(['00', first.fields[38]]);
    // A declined request's key is not approved by retransmitting it with an amount that would fit.
    const declined = purchase(a.pan, 30_000);
    expect(await code(declined)).toBe('51');
    expect(await code(again(declined, '0101'))).toBe('51');
    expect(await code(again(declined, '0101', { 4: amount(1_000) }))).toBe('94');
    expect(await state(a.id)).toEqual({ balance: 20_000, held: 5_000 });
    const rows = await query<{ n: number }>('select count(*)::int as n from transactions where card_id in ($1, $2)', [a.id, b.id]);
    expect(rows[0]!.n).toBe(2);
  });
});

describe('a reversal with another amount (DE4) than its original', () => {
  it('without DE95 is a full reversal of the original it names: it releases what is held once, whatever DE4 says', async () => {
    const { id, pan } = await card(50_000);
    const smaller = purchase(pan, 10_000);
    const larger = purchase(pan, 10_000);
    expect(await code(smaller)).toBe('00');
    expect(await code(larger)).toBe('00');
    expect(await code(follow(smaller, '0400', { 4: amount(3_000), 90: de90(smaller) }))).toBe('00');
    expect(await state(id)).toEqual({ balance: 50_000, held: 10_000 });
    expect(await code(follow(larger, '0420', { 4: amount(25_000) }))).toBe('00');
    expect(await state(id)).toEqual({ balance: 50_000, held: 0 });
    // Once more each, as new reversals: nothing is left to release, nothing is held back.
    expect(await code(follow(smaller, '0420', { 4: amount(3_000), 90: de90(smaller) }))).toBe('00');
    expect(await code(follow(larger, '0400', { 4: amount(25_000) }))).toBe('00');
    expect(await state(id)).toEqual({ balance: 50_000, held: 0 });
    expect(await code(purchase(pan, 50_000))).toBe('00');
  });

  it('with a DE95 actual amount above the original\'s (within its own DE4) releases nothing', async () => {
    const { id, pan } = await card(50_000);
    const original = purchase(pan, 10_000);
    expect(await code(original)).toBe('00');
    expect(await code(follow(original, '0400', { 4: amount(20_000), 90: de90(original), 95: de95(15_000) }))).toBe('00');
    expect(await state(id)).toEqual({ balance: 50_000, held: 10_000 });
    expect(await code(purchase(pan, 40_001))).toBe('51');
    expect(await code(purchase(pan, 40_000))).toBe('00');
    expect(await state(id)).toEqual({ balance: 50_000, held: 50_000 });
  });
});

describe('a partial reversal (DE95) then a full reversal', () => {
  it('releases down to each actual amount, never raises a hold, and the full reversal releases what is left once', async () => {
    const { id, pan } = await card(50_000);
    const original = purchase(pan, 10_000);
    expect(await code(original)).toBe('00');
    expect(await code(follow(original, '0400', { 90: de90(original), 95: de95(6_000) }))).toBe('00');
    expect(await state(id)).toEqual({ balance: 50_000, held: 6_000 });
    // An actual amount above what is still held releases nothing (and holds nothing more).
    expect(await code(follow(original, '0420', { 95: de95(8_000) }))).toBe('00');
    expect(await state(id)).toEqual({ balance: 50_000, held: 6_000 });
    expect(await code(follow(original, '0400', { 95: de95(2_000) }))).toBe('00');
    expect(await state(id)).toEqual({ balance: 50_000, held: 2_000 });
    const full = follow(original, '0400', { 90: de90(original) });
    expect(await code(full)).toBe('00');
    expect(await state(id)).toEqual({ balance: 50_000, held: 0 });
    expect(await code(again(full, '0401'))).toBe('00');
    expect(await code(follow(original, '0420'))).toBe('00');
    expect(await state(id)).toEqual({ balance: 50_000, held: 0 });
    expect(await code(purchase(pan, 50_001))).toBe('51');
    expect(await code(purchase(pan, 50_000))).toBe('00');
  });

  it('that came before its original leaves the original holding only the actual amount, released by the full reversal', async () => {
    const { id, pan } = await card(50_000);
    const original = purchase(pan, 10_000);
    expect(await code(follow(original, '0400', { 90: de90(original), 95: de95(3_000) }))).toBe('00');
    expect(await code(original)).toBe('00');
    expect(await state(id)).toEqual({ balance: 50_000, held: 3_000 });
    expect(await code(follow(original, '0400', { 90: de90(original) }))).toBe('00');
    expect(await state(id)).toEqual({ balance: 50_000, held: 0 });
    expect(await query('select orphans from accounts where id = $1', [id])).toEqual([{ orphans: {} }]);
  });
});

describe('a partial approval (10) then its reversal', () => {
  it('releases exactly the approved part: in full, or down to DE95\'s actual amount', async () => {
    const a = await card(50_000, { partial: true });
    const original = purchase(a.pan, 80_000);
    const answer = await request(original);
    expect([answer.fields[39], answer.fields[4]]).toEqual(['10', amount(50_000)]);
    expect(await state(a.id)).toEqual({ balance: 50_000, held: 50_000 });
    // The reversal carries the requested amount (the original's DE4), as the acquirer sent it.
    expect(await code(follow(original, '0400', { 90: de90(original) }))).toBe('00');
    expect(await state(a.id)).toEqual({ balance: 50_000, held: 0 });
    expect(await code(follow(original, '0400', { 90: de90(original) }))).toBe('00');
    expect(await state(a.id)).toEqual({ balance: 50_000, held: 0 });
    expect(await code(purchase(a.pan, 50_000))).toBe('00');

    const b = await card(30_000, { partial: true });
    const partial = purchase(b.pan, 40_000);
    expect(await code(partial)).toBe('10');
    // Without DE90, by its RRN, with the approved amount in DE4 and 10,000 of it actually spent.
    expect(await code(follow(partial, '0420', { 4: amount(30_000), 95: de95(10_000) }))).toBe('00');
    expect(await state(b.id)).toEqual({ balance: 30_000, held: 10_000 });
    expect(await code(follow(partial, '0400'))).toBe('00');
    expect(await state(b.id)).toEqual({ balance: 30_000, held: 0 });
  });
});

describe('an authorization advice (0120) of an authorization the authorizer never saw', () => {
  it('holds its amount once, and the late original under its key gets the advice\'s answer without a second hold', async () => {
    const { id, pan } = await card(10_000);
    const original = purchase(pan, 4_000);
    const advice = again(original, '0120');
    expect(await code(advice)).toBe('00');
    expect(await code(advice)).toBe('00');
    expect(await state(id)).toEqual({ balance: 10_000, held: 4_000 });
    expect(await code(original)).toBe('00');
    expect(await code(again(original, '0101'))).toBe('00');
    expect(await state(id)).toEqual({ balance: 10_000, held: 4_000 });
    expect(await code(purchase(pan, 6_001))).toBe('51');
    expect(await code(purchase(pan, 6_000))).toBe('00');
    expect(await state(id)).toEqual({ balance: 10_000, held: 10_000 });
  });
});

describe('a completion or advice after a reversal', () => {
  it('completes with nothing left to release: the completion debits its amount once, the hold stays released', async () => {
    const { id, pan } = await card(50_000);
    const byDe90 = purchase(pan, 10_000);
    const byRrn = purchase(pan, 8_000);
    expect(await code(byDe90)).toBe('00');
    expect(await code(byRrn)).toBe('00');
    expect(await code(follow(byDe90, '0400', { 90: de90(byDe90) }))).toBe('00');
    expect(await code(follow(byRrn, '0400'))).toBe('00');
    expect(await state(id)).toEqual({ balance: 50_000, held: 0 });
    const completion = follow(byDe90, '0220', { 4: amount(9_000), 90: de90(byDe90) });
    expect(await code(completion)).toBe('00');
    expect(await code(again(completion, '0221'))).toBe('00');
    expect(await code(follow(byRrn, '0220', { 4: amount(7_000) }))).toBe('00');
    expect(await state(id)).toEqual({ balance: 34_000, held: 0 });
    // The authorization advice of a reversed original under the original's own key: its stored answer, no new hold.
    expect(await code(again(byDe90, '0120'))).toBe('00');
    expect(await state(id)).toEqual({ balance: 34_000, held: 0 });
    const released = await query<{ mti: string; released: string }>("select mti, released from transactions where card_id = $1 and mti in ('0220', '0400') order by id", [id]);
    expect(released).toEqual([{ mti: '0400', released: '10000' }, { mti: '0400', released: '8000' }, { mti: '0220', released: '0' }, { mti: '0220', released: '0' }]);
  });

  it('completes after a partial reversal by releasing what the partial reversal left', async () => {
    const { id, pan } = await card(50_000);
    const preAuth = purchase(pan, 10_000);
    expect(await code(preAuth)).toBe('00');
    expect(await code(follow(preAuth, '0400', { 90: de90(preAuth), 95: de95(6_000) }))).toBe('00');
    expect(await code(follow(preAuth, '0220', { 4: amount(5_000), 90: de90(preAuth) }))).toBe('00');
    expect(await state(id)).toEqual({ balance: 45_000, held: 0 });
    expect(await code(follow(preAuth, '0400', { 90: de90(preAuth) }))).toBe('00');
    expect(await state(id)).toEqual({ balance: 45_000, held: 0 });
  });
});

describe('the rolling card limit at its edge', () => {
  it('declines one cent more than what is left 61 and approves exactly what is left', async () => {
    const { id, pan } = await card(100_000, { limit: 10_000n });
    expect(await code(purchase(pan, 6_000))).toBe('00');
    expect(await code(purchase(pan, 4_001))).toBe('61');
    expect(await state(id)).toEqual({ balance: 100_000, held: 6_000 });
    expect(await code(purchase(pan, 4_000))).toBe('00');
    expect(await code(purchase(pan, 1))).toBe('61');
    expect(await state(id)).toEqual({ balance: 100_000, held: 10_000 });
  });

  it('approves one cent more than what is left partially, for exactly what is left, when the card allows it', async () => {
    const { id, pan } = await card(100_000, { partial: true, limit: 10_000n });
    expect(await code(purchase(pan, 6_000))).toBe('00');
    const answer = await request(purchase(pan, 4_001));
    expect([answer.fields[39], answer.fields[4]]).toEqual(['10', amount(4_000)]);
    expect(await code(purchase(pan, 1))).toBe('61');
    expect(await state(id)).toEqual({ balance: 100_000, held: 10_000 });
  });
});

describe('the largest and the smallest amounts', () => {
  it('decides a 12-digit maximum amount exactly: approved on a balance of exactly it, declined one cent short', async () => {
    const rich = await card(MAX);
    expect(await code(purchase(rich.pan, MAX))).toBe('00');
    expect(await code(purchase(rich.pan, 1))).toBe('51');
    expect(await state(rich.id)).toEqual({ balance: MAX, held: MAX });
    const short = await card(MAX - 1);
    expect(await code(purchase(short.pan, MAX))).toBe('51');
    expect(await state(short.id)).toEqual({ balance: MAX - 1, held: 0 });
    const partial = await card(50_000, { partial: true });
    const answer = await request(purchase(partial.pan, MAX));
    expect([answer.fields[39], answer.fields[4], answer.fields[54]]).toEqual(['10', amount(50_000), `0057978C${amount(MAX)}`]);
    expect(await state(partial.id)).toEqual({ balance: 50_000, held: 50_000 });
    // Two offline advices of the maximum are debited in full, into overdraft.
    for (const rrn of ['OFFLINE00001', 'OFFLINE00002']) expect(await code(again(purchase(short.pan, MAX, { 37: rrn }), '0220'))).toBe('00');
    expect(await state(short.id)).toEqual({ balance: -MAX - 1, held: 0 });
  });

  it('approves a zero amount without holding, with an authorization code, and a zero-amount reversal is a full one', async () => {
    const { id, pan } = await card(0);
    const zero = purchase(pan, 0);
    const verification = await request(zero);
    expect([verification.fields[39], verification.fields[38]]).toEqual(['00', expect.stringMatching(/^[A-Z0-9]{6}$/)]);
    const repeat = await request(again(zero, '0101'));
    expect([repeat.fields[39], repeat.fields[38]]).toEqual(['00', verification.fields[38]]);
    expect(await state(id)).toEqual({ balance: 0, held: 0 });
    expect(await code(purchase(pan, 1))).toBe('51');
    const other = await card(5_000);
    const original = purchase(other.pan, 5_000);
    expect(await code(original)).toBe('00');
    expect(await code(follow(original, '0400', { 4: amount(0), 90: de90(original) }))).toBe('00');
    expect(await state(other.id)).toEqual({ balance: 5_000, held: 0 });
    expect(await code(again(purchase(other.pan, 0, { 37: 'OFFLINE00003' }), '0220'))).toBe('00');
    expect(await state(other.id)).toEqual({ balance: 5_000, held: 0 });
    expect(await code(purchase(other.pan, 5_001))).toBe('51');
    expect(await code(purchase(other.pan, 5_000))).toBe('00');
  });
});
