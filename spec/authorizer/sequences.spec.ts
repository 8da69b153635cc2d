import { describe, expect, it } from 'vitest';
import type { IsoMessage } from '../../examples/card-authorizer/src/iso.js';
import { amount, de90, message, sequenceHarness } from './sequence-harness.js';

/**
 * Single-message sequences from outside, over TCP: what the acquirer sends, what it is answered, and what the
 * account holds afterwards. Each test is one sequence that once moved the wrong money.
 */
const { card, state, purchase, follow, request: send, code, query } = sequenceHarness('seq');

/** A reversal (0400) of `original` with a fresh STAN; `fields` adds, replaces or removes elements. */
const reversal = (original: IsoMessage, fields: Record<number, string | undefined> = {}): IsoMessage => follow(original, '0400', fields);

/** How many transactions of the card are stored. */
const stored = async (cardId: number): Promise<number> => (await query<{ n: number }>('select count(*)::int as n from transactions where card_id = $1', [cardId]))[0]!.n;

/** The sum of every account's balance. */
const total = async (): Promise<string> => (await query<{ b: string }>('select sum(balance)::text as b from accounts', []))[0]!.b;

describe('an early reversal (it came before its original)', () => {
  it('is refused 30 when it names no original (no DE90, no DE37), and no purchase consumes it', async () => {
    const { id, pan } = await card(10_000);
    const never = purchase(pan, 10_000, { 37: undefined, 42: undefined });
    expect(await code(reversal(never))).toBe('30');
    expect(await code(purchase(pan, 10_000, { 37: undefined, 42: undefined }))).toBe('00');
    expect(await code(purchase(pan, 10_000, { 37: undefined, 42: undefined }))).toBe('51');
    expect(await state(id)).toEqual({ balance: 10_000, held: 10_000 });
  });

  it('is consumed only by the original it names: same card, RRN, terminal, merchant and amount', async () => {
    const { id, pan } = await card(50_000);
    const original = purchase(pan, 10_000);
    expect(await code(reversal(original))).toBe('00');
    // Another RRN, another amount, another terminal, another merchant: none of them is the original.
    expect(await code(purchase(pan, 10_000))).toBe('00');
    expect(await code(purchase(pan, 5_000, { 37: original.fields[37] }))).toBe('00');
    expect(await code(purchase(pan, 10_000, { 37: original.fields[37], 41: 'TERM0002' }))).toBe('00');
    expect(await code(purchase(pan, 10_000, { 37: original.fields[37], 42: undefined }))).toBe('00');
    expect(await state(id)).toEqual({ balance: 50_000, held: 35_000 });
    // The original itself is approved and holds nothing: its reversal came first.
    expect(await code(original)).toBe('00');
    expect(await state(id)).toEqual({ balance: 50_000, held: 35_000 });
  });

  it('named by DE90 is consumed only by that original with the same amount', async () => {
    const { id, pan } = await card(50_000);
    const original = purchase(pan, 10_000);
    expect(await code(reversal(original, { 37: undefined, 90: de90(original) }))).toBe('00');
    expect(await code({ ...original, fields: { ...original.fields, 4: amount(9_000), 37: 'OTHERRRN0001' } })).toBe('00');
    expect(await state(id)).toEqual({ balance: 50_000, held: 9_000 });
  });
});

describe('requests that carry no identifiers', () => {
  it('are refused 30 without DE7 or DE11: they could never be told apart from one another', async () => {
    const { id, pan } = await card(10_000);
    expect(await code(purchase(pan, 10_000, { 7: undefined, 11: undefined, 37: undefined }))).toBe('30');
    expect(await code(purchase(pan, 10_000, { 7: undefined, 11: undefined, 37: undefined }))).toBe('30');
    expect(await code(purchase(pan, 10_000, { 11: undefined }))).toBe('30');
    expect(await state(id)).toEqual({ balance: 10_000, held: 0 });
  });
});

describe('requests whose identifiers are all zeros', () => {
  it('are refused 30 when DE7 or DE11 is all zeros, and nothing is stored or held', async () => {
    const { id, pan } = await card(10_000);
    for (const mti of ['0100', '0200', '0120', '0400']) {
      expect(await code(message(mti, purchase(pan, 1_000, { 11: '000000' }).fields)), `${mti} DE11`).toBe('30');
      expect(await code(message(mti, purchase(pan, 1_000, { 7: '0000000000' }).fields)), `${mti} DE7`).toBe('30');
    }
    expect(await stored(id)).toBe(0);
    expect(await state(id)).toEqual({ balance: 10_000, held: 0 });
    // The same purchase with its identifiers is decided and stored under this card.
    expect(await code(purchase(pan, 1_000))).toBe('00');
    expect(await stored(id)).toBe(1);
  });
});

describe('a reversal whose RRN (DE37) is all zeros or blank, without DE90', () => {
  it('names nothing: 30, and the original under that RRN stays held', async () => {
    const { id, pan } = await card(10_000);
    for (const rrn of ['000000000000', '            ']) {
      const original = purchase(pan, 1_000, { 37: rrn });
      expect(await code(original), JSON.stringify(rrn)).toBe('00');
      expect(await code(reversal(original)), JSON.stringify(rrn)).toBe('30');
    }
    expect(await state(id)).toEqual({ balance: 10_000, held: 2_000 });
  });
});

describe('a reversal whose DE90 has an all-zero STAN or DE7', () => {
  it('is read as one without DE90: 30 without DE37, and with DE37 it releases the original of that RRN', async () => {
    const { id, pan } = await card(10_000);
    const original = purchase(pan, 1_000);
    expect(await code(original)).toBe('00');
    const named = de90(original);
    const zeroStan = `${named.slice(0, 4)}000000${named.slice(10)}`;
    const zeroDe7 = `${named.slice(0, 10)}0000000000${named.slice(20)}`;
    for (const field90 of [zeroStan, zeroDe7]) expect(await code(reversal(original, { 37: undefined, 90: field90 })), field90).toBe('30');
    expect(await state(id)).toEqual({ balance: 10_000, held: 1_000 });
    expect(await code(reversal(original, { 90: zeroStan }))).toBe('00');
    expect(await state(id)).toEqual({ balance: 10_000, held: 0 });
  });
});

describe('a reversal or advice repeated under its key with other content', () => {
  it('is answered 94 and moves nothing', async () => {
    const { id, pan } = await card(50_000);
    const original = purchase(pan, 10_000);
    expect(await code(original)).toBe('00');
    const partial = reversal(original, { 95: `${amount(6_000)}${amount(6_000)}C00000000C00000000` });
    expect(await code(partial)).toBe('00');
    expect(await state(id)).toEqual({ balance: 50_000, held: 6_000 });
    expect(await code(message('0400', { ...partial.fields, 95: `${amount(1_000)}${amount(1_000)}C00000000C00000000` }))).toBe('94');
    expect(await state(id)).toEqual({ balance: 50_000, held: 6_000 });
    const advice = message('0120', purchase(pan, 2_000).fields);
    expect(await code(advice)).toBe('00');
    expect(await state(id)).toEqual({ balance: 50_000, held: 8_000 });
    expect(await code(message('0120', { ...advice.fields, 4: amount(3_000) }))).toBe('94');
    expect(await state(id)).toEqual({ balance: 50_000, held: 8_000 });
    const offline = message('0220', purchase(pan, 1_000, { 37: 'OFFLINE00001' }).fields);
    expect(await code(offline)).toBe('00');
    expect(await state(id)).toEqual({ balance: 49_000, held: 8_000 });
    expect(await code(message('0220', { ...offline.fields, 4: amount(4_000) }))).toBe('94');
    expect(await state(id)).toEqual({ balance: 49_000, held: 8_000 });
  });
});

describe('an advice for a card not on file', () => {
  it('is answered 14, as an 0130 or 0230, and moves no money', async () => {
    const unknown = '4999000000000001';
    const before = await total();
    for (const [mti, answerMti] of [['0120', '0130'], ['0220', '0230']] as const) {
      const answer = await send(message(mti, purchase(unknown, 1_000).fields));
      expect([answer.mti, answer.fields[39]], mti).toEqual([answerMti, '14']);
    }
    expect(await total()).toBe(before);
  });
});

describe('requests that lack a required element', () => {
  it('are refused 30 without DE2 or DE4, and an authorization or advice without DE3 or DE49; nothing moves', async () => {
    const { id, pan } = await card(10_000);
    const original = purchase(pan, 1_000);
    expect(await code(original)).toBe('00');
    for (const missing of [2, 4, 3, 49]) expect(await code(purchase(pan, 2_000, { [missing]: undefined })), `0100 without DE${missing}`).toBe('30');
    for (const mti of ['0120', '0220']) {
      for (const missing of [2, 4, 3, 49]) expect(await code({ ...purchase(pan, 2_000, { [missing]: undefined }), mti }), `${mti} without DE${missing}`).toBe('30');
    }
    for (const missing of [2, 4]) expect(await code(reversal(original, { [missing]: undefined, 90: de90(original) })), `0400 without DE${missing}`).toBe('30');
    expect(await state(id)).toEqual({ balance: 10_000, held: 1_000 });
  });
});

describe('a reversal without DE90', () => {
  it('releases the unreleased original with its amount, then the other one', async () => {
    const { id, pan } = await card(50_000);
    // Two purchases at the same card, terminal and merchant under one RRN (terminals do reuse them).
    const small = purchase(pan, 3_000, { 37: 'SAMERRN00001' });
    const large = purchase(pan, 4_000, { 37: 'SAMERRN00001' });
    expect(await code(small)).toBe('00');
    expect(await code(large)).toBe('00');
    expect(await code(reversal(large))).toBe('00');
    expect(await state(id)).toEqual({ balance: 50_000, held: 3_000 });
    // The same reversal again under a new STAN names the same original, which has nothing left.
    expect(await code(reversal(large))).toBe('00');
    expect(await state(id)).toEqual({ balance: 50_000, held: 3_000 });
    expect(await code(reversal(small))).toBe('00');
    expect(await state(id)).toEqual({ balance: 50_000, held: 0 });
  });
});

describe('malformed amount fields', () => {
  it('answer 30 and change nothing: a DE95 that is not two amounts and two fees is no partial reversal', async () => {
    const { id, pan } = await card(50_000);
    const original = purchase(pan, 10_000);
    expect(await code(original)).toBe('00');
    expect(await code(reversal(original, { 95: ` 00000005000${'0'.repeat(30)}` }))).toBe('30');
    expect(await code(reversal(original, { 95: `${amount(5_000)}${amount(5_000)}${'0'.repeat(18)}` }))).toBe('30');
    // An actual amount above the original's is no partial reversal either.
    expect(await code(reversal(original, { 95: `${amount(12_000)}${amount(12_000)}C00000000C00000000` }))).toBe('30');
    expect(await state(id)).toEqual({ balance: 50_000, held: 10_000 });
    expect(await code(reversal(original, { 95: `${amount(5_000)}${amount(5_000)}C00000000C00000000` }))).toBe('00');
    expect(await state(id)).toEqual({ balance: 50_000, held: 5_000 });
  });
});

describe('processing codes (DE3)', () => {
  it('hold goods and services (00) and cash (01)', async () => {
    const { id, pan } = await card(50_000);
    expect(await code(purchase(pan, 4_000, { 3: '000000' }))).toBe('00');
    expect(await code(purchase(pan, 6_000, { 3: '010000', 18: '6011' }))).toBe('00');
    expect(await state(id)).toEqual({ balance: 50_000, held: 10_000 });
  });

  it('approve a refund (20) without holding anything, and credit it on its financial advice', async () => {
    const { id, pan } = await card(1_000);
    const refund = purchase(pan, 7_000, { 3: '200000' });
    const answer = await send(refund);
    expect([answer.fields[39], answer.fields[4]]).toEqual(['00', amount(7_000)]);
    expect(await state(id)).toEqual({ balance: 1_000, held: 0 });
    const advice = follow(refund, '0220');
    expect(await code(advice)).toBe('00');
    expect(await state(id)).toEqual({ balance: 8_000, held: 0 });
  });

  it('answer a balance inquiry (30) with the ledger and available balances in DE54, holding nothing', async () => {
    const { id, pan } = await card(20_000);
    expect(await code(purchase(pan, 5_000))).toBe('00');
    const answer = await send(purchase(pan, 0, { 3: '300000' }));
    expect([answer.mti, answer.fields[39], answer.fields[38]]).toEqual(['0110', '00', undefined]);
    expect(answer.fields[54]).toBe('0001978C0000000200000002978C000000015000');
    expect(await state(id)).toEqual({ balance: 20_000, held: 5_000 });
  });

  it('decide a purchase with cashback (09) on its whole amount, never partially', async () => {
    const { id, pan } = await card(10_000, { partial: true });
    const cashback = (total: number, cash: number): IsoMessage => purchase(pan, total, { 3: '090000', 54: `0040978D${amount(cash)}` });
    expect(await code(cashback(6_000, 2_000))).toBe('00');
    expect(await code(cashback(6_000, 2_000))).toBe('51');
    expect(await state(id)).toEqual({ balance: 10_000, held: 6_000 });
    // Without its cashback amount in DE54, or with more cash than the total, it is malformed.
    expect(await code(purchase(pan, 1_000, { 3: '090000' }))).toBe('30');
    expect(await code(cashback(1_000, 2_000))).toBe('30');
  });

  it('refuse a purchase with cashback (09) 30 unless DE54 is exactly one cash amount (type 40) in DE49\'s currency, above 0', async () => {
    const { id, pan } = await card(10_000);
    const withDe54 = (de54: string): IsoMessage => purchase(pan, 3_000, { 3: '090000', 54: de54 });
    for (const de54 of [
      `0040978D${amount(0)}`, // no cash
      `0040840D${amount(1_000)}`, // another currency
      `0001978D${amount(1_000)}`, // another amount type
      `0040978D${amount(500)}0040978D${amount(500)}`, // two cash amounts
    ]) expect(await code(withDe54(de54)), de54).toBe('30');
    expect(await state(id)).toEqual({ balance: 10_000, held: 0 });
    expect(await code(withDe54(`0040978D${amount(3_000)}`))).toBe('00');
    expect(await state(id)).toEqual({ balance: 10_000, held: 3_000 });
  });

  it('decline a balance inquiry (30) in an advice with 12, and store and move nothing', async () => {
    const { id, pan } = await card(10_000);
    for (const mti of ['0120', '0220']) expect(await code(message(mti, purchase(pan, 1_000, { 3: '300000' }).fields)), mti).toBe('12');
    expect(await stored(id)).toBe(0);
    expect(await state(id)).toEqual({ balance: 10_000, held: 0 });
    // A balance inquiry as an authorization is answered 00, and an advice of goods and services is stored.
    expect(await code(purchase(pan, 1_000, { 3: '300000' }))).toBe('00');
    expect(await code(message('0120', purchase(pan, 1_000).fields))).toBe('00');
    expect(await stored(id)).toBe(1);
  });

  it('decline an unknown processing code with 12 and hold nothing', async () => {
    const { id, pan } = await card(10_000);
    expect(await code(purchase(pan, 1_000, { 3: '500000' }))).toBe('12');
    expect(await code(purchase(pan, 1_000, { 3: '400000' }))).toBe('12');
    expect(await state(id)).toEqual({ balance: 10_000, held: 0 });
  });
});

describe('the expiry date in the request (DE14)', () => {
  it('declines 54 when it is not the card\'s, and decides as usual when it is', async () => {
    const { id, pan } = await card(10_000);
    expect(await code(purchase(pan, 1_000, { 14: '2812' }))).toBe('54');
    expect(await state(id)).toEqual({ balance: 10_000, held: 0 });
    expect(await code(purchase(pan, 1_000, { 14: '2912' }))).toBe('00');
    expect(await state(id)).toEqual({ balance: 10_000, held: 1_000 });
  });
});
