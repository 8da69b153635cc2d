import { describe, expect, it } from 'vitest';
import { again, amount, de90, sequenceHarness } from './sequence-harness.js';

/**
 * Stand-in advices: the network answered an authorization for us (our answer came too late) and approved it in
 * full, then sends its advice (0120 for an 0100, 0220 for an 0200) with the authorization's key (MTI class, DE7,
 * DE11, DE32, DE37, DE41) and content. When we had declined the authorization or approved it partially, the advice
 * still moves the money in full (advices are facts, never declined for funds), once; the authorization keeps its
 * stored answer for its own repeats, and its reversal or completion releases everything held for it. Found by the
 * audit of money sequences: the advice used to get the decline's stored answer and move nothing. Last, how a DE90
 * names an original: as the 0100 the acquirer sent, or as a repeat.
 */
const { card, state, purchase, follow, request, handle, code } = sequenceHarness('stand_in');

describe('an authorization advice (0120) under the key of an 0100 we declined', () => {
  it('is acknowledged 00 as an 0130 and holds its amount once, however often it is repeated', async () => {
    const { id, pan } = await card(1_000);
    const original = purchase(pan, 4_000);
    expect((await request(original)).fields[39]).toBe('51');
    const advice = await request(again(original, '0120'));
    expect([advice.mti, advice.fields[39]]).toEqual(['0130', '00']);
    expect(await state(id)).toEqual({ balance: 1_000, held: 4_000 });
    expect(await code(again(original, '0121'))).toBe('00');
    expect(await code(again(original, '0120'))).toBe('00');
    expect(await state(id)).toEqual({ balance: 1_000, held: 4_000 });
  });

  it('leaves the 0100 its own answer: a repeat of the 0100 is still answered 51', async () => {
    const { id, pan } = await card(1_000);
    const original = purchase(pan, 4_000);
    expect(await code(original)).toBe('51');
    expect(await code(again(original, '0120'))).toBe('00');
    expect(await code(again(original, '0101'))).toBe('51');
    expect(await state(id)).toEqual({ balance: 1_000, held: 4_000 });
  });

  it('is held for the 0100, so the 0100 reversal by DE90 releases it', async () => {
    const { id, pan } = await card(1_000);
    const original = purchase(pan, 4_000);
    expect(await code(original)).toBe('51');
    expect(await code(again(original, '0120'))).toBe('00');
    expect(await code(follow(original, '0400', { 90: de90(original) }))).toBe('00');
    expect(await state(id)).toEqual({ balance: 1_000, held: 0 });
  });

  it('with another amount than the 0100 is answered 94 and holds nothing', async () => {
    const { id, pan } = await card(1_000);
    const original = purchase(pan, 4_000);
    expect(await code(original)).toBe('51');
    expect(await code(again(original, '0120', { 4: amount(3_000) }))).toBe('94');
    expect(await state(id)).toEqual({ balance: 1_000, held: 0 });
  });

  it('sent twice at once holds its amount once', async () => {
    const { id, pan } = await card(1_000);
    const original = purchase(pan, 4_000);
    expect(await code(original)).toBe('51');
    const answers = await Promise.all([handle(again(original, '0120')), handle(again(original, '0121')), request(again(original, '0120'))]);
    expect(answers.map((a) => a?.fields[39])).toEqual(['00', '00', '00']);
    expect(await state(id)).toEqual({ balance: 1_000, held: 4_000 });
  });
});

describe('an authorization advice (0120) under the key of an 0100 we approved partially (10)', () => {
  it('holds the rest of the amount with the approved part, and the reversal releases the whole', async () => {
    const { id, pan } = await card(1_000, { partial: true });
    const original = purchase(pan, 4_000);
    const partial = await request(original);
    expect([partial.fields[39], partial.fields[4]]).toEqual(['10', amount(1_000)]);
    expect(await state(id)).toEqual({ balance: 1_000, held: 1_000 });
    expect(await code(again(original, '0120'))).toBe('00');
    expect(await state(id)).toEqual({ balance: 1_000, held: 4_000 });
    expect(await code(again(original, '0101'))).toBe('10');
    expect(await code(follow(original, '0400', { 90: de90(original) }))).toBe('00');
    expect(await state(id)).toEqual({ balance: 1_000, held: 0 });
  });
});

describe('an authorization advice (0120) under the key of an 0100 we approved', () => {
  it('gets the stored answer and holds nothing more', async () => {
    const { id, pan } = await card(10_000);
    const original = purchase(pan, 4_000);
    expect(await code(original)).toBe('00');
    expect(await code(again(original, '0120'))).toBe('00');
    expect(await state(id)).toEqual({ balance: 10_000, held: 4_000 });
  });
});

describe('a financial advice (0220) under the key of an 0200 we did not approve in full', () => {
  it('is acknowledged 00 as an 0230 and debits its amount once after a decline', async () => {
    const { id, pan } = await card(1_000);
    const original = again(purchase(pan, 4_000), '0200');
    expect((await request(original)).fields[39]).toBe('51');
    const advice = await request(again(original, '0220'));
    expect([advice.mti, advice.fields[39]]).toEqual(['0230', '00']);
    expect(await code(again(original, '0221'))).toBe('00');
    expect(await state(id)).toEqual({ balance: -3_000, held: 0 });
  });

  it('after a partial approval, releases the approved part and debits the whole amount', async () => {
    const { id, pan } = await card(1_000, { partial: true });
    const original = again(purchase(pan, 4_000), '0200');
    expect(await code(original)).toBe('10');
    expect(await state(id)).toEqual({ balance: 1_000, held: 1_000 });
    expect(await code(again(original, '0220'))).toBe('00');
    expect(await state(id)).toEqual({ balance: -3_000, held: 0 });
  });
});

describe('a reversal whose DE90 names the 0100 the acquirer sent, of an authorization we saw only as its 0120', () => {
  it('finds the 0120 and releases its hold, as one naming the 0120 does', async () => {
    const { id, pan } = await card(10_000);
    const sent = purchase(pan, 4_000);
    const bySent = purchase(pan, 3_000);
    expect(await code(again(sent, '0120'))).toBe('00');
    expect(await code(again(bySent, '0120'))).toBe('00');
    expect(await state(id)).toEqual({ balance: 10_000, held: 7_000 });
    expect(await code(follow(sent, '0400', { 90: de90(sent) }))).toBe('00');
    expect(await state(id)).toEqual({ balance: 10_000, held: 3_000 });
    expect(await code(follow(bySent, '0420', { 90: de90(again(bySent, '0120')) }))).toBe('00');
    expect(await state(id)).toEqual({ balance: 10_000, held: 0 });
  });
});

describe('a reversal whose DE90 names a repeat (0101) of the authorization', () => {
  it('finds the 0100 it repeats and releases its hold', async () => {
    const { id, pan } = await card(10_000);
    const original = purchase(pan, 4_000);
    expect(await code(original)).toBe('00');
    expect(await code(follow(original, '0400', { 90: de90(again(original, '0101')) }))).toBe('00');
    expect(await state(id)).toEqual({ balance: 10_000, held: 0 });
  });
});

describe('a stand-in authorization advice (0120) after its authorization was reversed or completed', () => {
  for (const partial of [false, true]) {
    const answered = partial ? 'approved partially' : 'declined';
    it(`holds nothing after a full reversal of the 0100 we ${answered}`, async () => {
      const { id, pan } = await card(1_000, { partial });
      const original = purchase(pan, 4_000);
      expect(await code(original)).toBe(partial ? '10' : '51');
      expect(await code(follow(original, '0400', { 90: de90(original) }))).toBe('00');
      expect(await code(again(original, '0120'))).toBe('00');
      expect(await state(id)).toEqual({ balance: 1_000, held: 0 });
    });

    it(`holds nothing after a completion of the 0100 we ${answered}, which debited it`, async () => {
      const { id, pan } = await card(1_000, { partial });
      const original = purchase(pan, 4_000);
      expect(await code(original)).toBe(partial ? '10' : '51');
      expect(await code(follow(original, '0220', { 90: de90(original) }))).toBe('00');
      expect(await code(again(original, '0120'))).toBe('00');
      expect(await state(id)).toEqual({ balance: -3_000, held: 0 });
    });

    it(`holds nothing when the reversal came before the 0100 we ${answered}`, async () => {
      const { id, pan } = await card(1_000, { partial });
      const original = purchase(pan, 4_000);
      expect(await code(follow(original, '0400', { 90: de90(original) }))).toBe('00');
      expect(await code(original)).toBe(partial ? '10' : '51');
      expect(await code(again(original, '0120'))).toBe('00');
      expect(await state(id)).toEqual({ balance: 1_000, held: 0 });
    });
  }

  it('holds up to what a partial reversal (DE95) left, less what the authorization still holds', async () => {
    const { id, pan } = await card(1_000, { partial: true });
    const original = purchase(pan, 4_000);
    expect(await code(original)).toBe('10');
    // The acquirer says 2,500 of the 4,000 went through: the 1,000 approved stays held, the advice adds 1,500.
    expect(await code(follow(original, '0400', { 90: de90(original), 95: `${amount(2_500)}${amount(2_500)}C00000000C00000000` }))).toBe('00');
    expect(await state(id)).toEqual({ balance: 1_000, held: 1_000 });
    expect(await code(again(original, '0120'))).toBe('00');
    expect(await state(id)).toEqual({ balance: 1_000, held: 2_500 });
  });
});
