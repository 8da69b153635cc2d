/**
 * Reference models of the authorizer, for replaying what the database decided: `replay` for storms of plain
 * authorizations on one account, and `AuthorizerModel`, which answers whole ISO 8583 messages by the rules of the
 * README (written again here, independently of examples/card-authorizer/src, one message at a time, no concurrency).
 */

/** How a test account and its card are set up. */
export interface CardSetup {
  readonly accountId: number;
  readonly balance: bigint;
  readonly partial: boolean;
  readonly limitAmount: bigint | null;
  readonly limitCount: number | null;
}

/** The reference model: the same rules as the statement, applied one decision at a time. */
export function replay(setup: CardSetup, decisions: { amount: bigint; code: string; approved: bigint }[]): string[] {
  let held = 0n;
  let spent = 0n;
  let used = 0;
  const mismatches: string[] = [];
  decisions.forEach((d, i) => {
    const byFunds = setup.balance - held;
    const byLimit = setup.limitAmount === null ? byFunds : setup.limitAmount - spent;
    const available = byFunds < byLimit ? byFunds : byLimit;
    const authorizable = available < 0n ? 0n : available;
    let code: string;
    let approved = 0n;
    if (setup.limitCount !== null && used >= setup.limitCount) code = '65';
    else if (authorizable >= d.amount) [code, approved] = ['00', d.amount];
    else if (setup.partial && authorizable > 0n) [code, approved] = ['10', authorizable];
    else if (byLimit < d.amount && byFunds >= d.amount) code = '61';
    else code = '51';
    if (code !== d.code || approved !== d.approved) {
      mismatches.push(`#${i}: model ${code}/${approved}, database ${d.code}/${d.approved}`);
    }
    held += approved;
    if (approved > 0n) {
      spent += approved;
      used++;
    }
  });
  return mismatches;
}

/** A message as the model reads it: MTI and string-valued elements. */
export interface ModelMessage {
  readonly mti: string;
  readonly fields: Readonly<Record<number, string | undefined>>;
}

/** A card of the model's world: its account has `balance` in EUR (978), no limits, holds of 7 days. */
export interface ModelCard {
  readonly pan: string;
  readonly balance: number;
  readonly partial: boolean;
  /** YYMM. */
  readonly expiry: string;
}

/** The expected answer; `38: 'any'` stands for a fresh authorization code (six characters). */
export interface ModelAnswer {
  readonly mti: string;
  readonly fields: Record<number, string>;
}

interface Txn {
  readonly id: number;
  readonly card: number;
  readonly mti: string;
  readonly link: string;
  readonly rrn: string;
  readonly terminal: string;
  readonly merchant: string;
  readonly acquirer: string;
  readonly amount: number;
  readonly approved: number;
  holdTotal: number;
  released: number;
  day: number;
  /** Authorizations: what a reversal (the least any left), a completion (0) or an early reversal left it to hold. */
  endedKeep?: number;
}

interface Orphan {
  readonly seq: number;
  readonly card: number;
  readonly amount: number;
  readonly keep: number;
  readonly link: string;
  readonly rrn: string;
  readonly terminal: string;
  readonly merchant: string;
  readonly acquirer: string;
  readonly day: number;
}

interface Stored {
  readonly hash: string;
  readonly code: string;
  readonly approved: number;
  /**
   * An authorization (0100/0200) of a card on file not approved in full (declined, or approved partially): its
   * transaction. An advice with its key and content stands in for it (the network approved it, our answer late).
   */
  readonly short?: Txn;
  /** Stored by an advice (0120/0220). */
  readonly advice?: boolean;
  /** The authorization code the database gave (learnt from its first answer). */
  authCode: string | undefined;
}

const HOLD_DAYS = 7;
const ECHOED = [2, 3, 4, 7, 11, 12, 13, 32, 37, 41, 42, 49];
const CONTENT = [2, 3, 4, 14, 18, 22, 25, 42, 49, 54, 90, 95];

/** '' when a field identifies nothing: absent, blank or all zeros. */
const present = (v: string | undefined): string => {
  const t = (v ?? '').trim();
  return /^0*$/.test(t) ? '' : t;
};

const responseMtiOf = (mti: string): string => `${mti.slice(0, 2)}${Number(mti[2]) + 1}0`;
const yymm = (day: number): string => new Date(day * 86_400_000).toISOString().slice(2, 7).replace('-', '');

/**
 * The authorizer's rules over whole messages: idempotency, card checks, processing codes, decisions with partial
 * approval, holds by day, incrementals, reversals and completions matched by DE90 or by RRN and qualifiers,
 * reversals that come first (orphans), advices, balance inquiries. `today` is a day number (days since 1970).
 */
export class AuthorizerModel {
  readonly balances: number[];
  private readonly holds: Map<number, number>[];
  private readonly txns: Txn[][];
  private readonly orphans: Orphan[][];
  private readonly stored = new Map<string, Stored>();
  private seq = 0;

  constructor(
    private readonly cards: readonly ModelCard[],
    public today: number,
  ) {
    this.balances = cards.map((c) => c.balance);
    this.holds = cards.map(() => new Map());
    this.txns = cards.map(() => []);
    this.orphans = cards.map(() => []);
  }

  /** The account's holds that still count today. */
  held(card: number): number {
    return [...this.holds[card]!].filter(([d]) => d >= this.today).reduce((s, [, v]) => s + v, 0);
  }

  /** The expected answer to `m`, the model's state moved as the authorizer must move it. */
  answer(m: ModelMessage): ModelAnswer {
    const f = m.fields;
    const answer = (code: string, extra: Record<number, string> = {}): ModelAnswer => {
      const fields: Record<number, string> = {};
      for (const n of ECHOED) if (f[n] !== undefined) fields[n] = f[n]!;
      return { mti: responseMtiOf(m.mti), fields: { ...fields, 39: code, ...extra } };
    };
    const klass = m.mti[1]!;
    if (f[2] === undefined || f[4] === undefined || present(f[7]) === '' || present(f[11]) === '') return answer('30');
    const amount = Number(f[4]);
    const card = this.cards.findIndex((c) => c.pan === f[2]);
    const ids = { rrn: present(f[37]), terminal: present(f[41]), merchant: present(f[42]), acquirer: present(f[32]) };
    const de90 = f[90];
    // Links name a repeat as its original and an authorization advice as its authorization (0101, 0120 → 0100).
    const linkMti = (mti: string): string => {
      const original = `${mti.slice(0, 3)}${Number(mti[3]) & ~1}`;
      return original === '0120' ? '0100' : original;
    };
    const named = de90 !== undefined && !/^0+$/.test(de90.slice(4, 10)) && !/^0+$/.test(de90.slice(10, 20)) ? `${linkMti(de90.slice(0, 4))}${de90.slice(4, 31)}` : '';
    const ownLink = `${linkMti(m.mti)}${f[11]}${f[7]}${(f[32] ?? '').padStart(11, '0')}`;
    const hash = JSON.stringify(CONTENT.map((n) => f[n] ?? null));
    const advice = klass === '1' && m.mti[2] === '2' ? '0120' : klass === '2' && m.mti[2] === '2' ? '0220' : undefined;
    const requestKey = [klass, f[7], f[11], f[32], f[37], f[41]].map((v) => v ?? '').join('|');
    // An advice with the key and content of an authorization we did not approve in full stands in for it: stored
    // under a key of its own, so the authorization keeps its answer.
    const prior = advice === undefined ? undefined : this.stored.get(requestKey);
    const standIn = prior?.short !== undefined && prior.hash === hash ? prior : undefined;
    const key = standIn === undefined ? requestKey : `${requestKey}|advice`;
    /** The stored answer of the same request seen before: a decision's with its amounts and code, else the code. */
    const replayed = (decision: boolean): ModelAnswer | undefined => {
      const s = this.stored.get(key);
      if (s === undefined) return undefined;
      if (s.hash !== hash) return answer('94');
      // An authorization repeated after an advice took its key gets the advice's answer: approved, with no DE38 (the
      // advice carries none of ours).
      return decision ? this.decisionAnswer(answer, f, s.code, s.approved, s.advice === true ? null : s.authCode) : answer(s.code);
    };
    const store = (code: string, approved: number, short?: Txn): Stored => {
      const s: Stored = { hash, code, approved, advice: advice !== undefined, authCode: undefined, ...(short === undefined ? {} : { short }) };
      this.stored.set(key, s);
      return s;
    };

    if (klass === '4') {
      let keep = -1;
      if (f[95] !== undefined) {
        if (!/^[0-9]{24}[CD][0-9]{8}[CD][0-9]{8}$/.test(f[95]!) || Number(f[95]!.slice(0, 12)) > amount) return answer('30');
        keep = Number(f[95]!.slice(0, 12)) || -1;
      }
      if (named === '' && ids.rrn === '') return answer('30');
      const again = replayed(false);
      if (again !== undefined) return again;
      if (card < 0) return answer(store('14', 0).code);
      store('00', 0);
      const original = this.originalOf(card, named, ids, amount);
      if (original === undefined) {
        this.orphans[card]!.push({ seq: ++this.seq, card, amount, keep, link: named, ...(named === '' ? ids : { rrn: '', terminal: '', merchant: '', acquirer: '' }), day: this.today });
      } else {
        const release = keep < 0 ? original.holdTotal - original.released : Math.max(0, original.holdTotal - original.released - keep);
        this.release(card, original.day, release);
        original.released += release;
        original.endedKeep = Math.min(original.endedKeep ?? Infinity, Math.max(0, keep));
      }
      this.seq++;
      return answer('00');
    }

    if (f[3] === undefined || f[49] === undefined) return answer('30');
    const type = f[3].slice(0, 2);
    if (!['00', '01', '09', '20', '30'].includes(type) || (type === '30' && advice !== undefined)) return answer('12');
    if (type === '09') {
      const de54 = f[54] ?? '';
      const entries = de54.length > 0 && de54.length % 20 === 0 ? de54.match(/.{20}/g)! : [];
      const wellFormed = entries.every((e) => /^[0-9]{7}[CD][0-9]{12}$/.test(e));
      const cash = entries.filter((e) => e.slice(2, 4) === '40');
      if (!wellFormed || entries.length === 0 || cash.length !== 1 || cash[0]!.slice(4, 7) !== f[49] || Number(cash[0]!.slice(8)) <= 0 || Number(cash[0]!.slice(8)) > amount) {
        return answer('30');
      }
    }
    const refusal = (c: number): string | undefined => {
      const setup = this.cards[c]!;
      if (setup.expiry < yymm(this.today)) return '54';
      if (f[14] !== undefined && f[14] !== setup.expiry) return '54';
      return f[49] !== '978' ? '12' : undefined;
    };

    if (type === '30') {
      if (card < 0) return answer('14');
      const code = refusal(card);
      if (code !== undefined) return answer(code);
      const accountType = f[3].slice(2, 4);
      const entry = (amountType: string, value: number): string =>
        `${accountType}${amountType}978${value < 0 ? 'D' : 'C'}${String(Math.abs(value)).padStart(12, '0')}`;
      return answer('00', { 54: entry('01', this.balances[card]!) + entry('02', this.balances[card]! - this.held(card)) });
    }

    const again = replayed(advice === undefined);
    if (again !== undefined) return again;
    if (card < 0) return answer(store('14', 0).code);

    if (advice === '0220') {
      store('00', amount);
      if (type === '20') this.balances[card]! += amount;
      else {
        // Standing in without DE90, it completes the authorization it stands in for (its partial hold released).
        const original = standIn !== undefined && named === '' ? standIn.short : this.originalOf(card, named, ids, amount);
        if (original !== undefined) {
          this.release(card, original.day, original.holdTotal - original.released);
          original.released = original.holdTotal;
          original.endedKeep = 0;
        }
        this.balances[card]! -= amount;
      }
      this.seq++;
      return answer('00');
    }

    if (advice === '0120' && standIn !== undefined && type !== '20') {
      // What we did not approve joins the authorization's hold (an incremental's: its pre-auth's, while that holds),
      // on its day while that counts, else from today (a hold whose day passed counts as released).
      store('00', amount);
      const preAuth = this.preAuthOf(card, named);
      const holder = preAuth ?? standIn.short!;
      const live = holder.approved > 0 && holder.day >= this.today;
      // After a reversal or completion, no more than what that left (of the holder or of the authorization itself).
      const ends = [holder.endedKeep, standIn.short!.endedKeep].filter((k): k is number => k !== undefined);
      const remaining = live ? holder.holdTotal - holder.released : 0;
      const extra = ends.length === 0 ? amount - standIn.approved : Math.max(0, Math.min(amount - standIn.approved, Math.min(...ends) - remaining));
      if (extra > 0) {
        if (!live) [holder.released, holder.day] = [holder.holdTotal, this.today + HOLD_DAYS];
        holder.holdTotal += extra;
        this.hold(card, holder.day, extra);
      }
      this.record(card, '0120', ownLink, ids, amount, amount, 0, 0, holder.day);
      return answer('00');
    }
    const early = this.consumeOrphan(card, amount, ownLink, ids);
    if (advice === '0120') {
      store('00', amount);
      const holds = type !== '20';
      const held = !holds ? 0 : early === undefined ? amount : Math.max(0, Math.min(amount, early));
      this.hold(card, this.today + HOLD_DAYS, held);
      this.record(card, m.mti.slice(0, 3) + '0', ownLink, ids, amount, amount, holds ? amount : 0, holds ? amount - held : 0, this.today + HOLD_DAYS);
      return answer('00');
    }

    // An authorization (0100 or 0200): an incremental when DE90 names a pre-auth of the account that held.
    const preAuth = this.preAuthOf(card, named);
    const day = preAuth?.day ?? this.today + HOLD_DAYS;
    let code = refusal(card);
    let approved = 0;
    if (code === undefined && type === '20') [code, approved] = ['00', amount];
    else if (code === undefined) {
      const available = Math.max(0, this.balances[card]! - this.held(card));
      if (available >= amount) [code, approved] = ['00', amount];
      else if (this.cards[card]!.partial && (type === '00' || type === '01') && available > 0) [code, approved] = ['10', available];
      else code = '51';
    }
    const held = type === '20' ? 0 : early === undefined ? approved : Math.max(0, Math.min(approved, early));
    if (type !== '20') this.hold(card, day, held);
    if (preAuth !== undefined && approved > 0) {
      preAuth.holdTotal += approved;
      preAuth.released += approved - held;
    }
    const own = preAuth !== undefined || type === '20';
    const txn = this.record(card, m.mti.slice(0, 3) + '0', ownLink, ids, amount, approved, own ? 0 : approved, own ? 0 : approved - held, day);
    if (early !== undefined) txn.endedKeep = Math.max(0, early);
    store(code, approved, code === '00' ? undefined : txn);
    return this.decisionAnswer(answer, f, code, approved, undefined);
  }

  /** Tells the model the authorization code the database gave the request with `m`'s key (for its repeats). */
  learn(m: ModelMessage, authCode: string | undefined): void {
    const f = m.fields;
    const s = this.stored.get([m.mti[1], f[7], f[11], f[32], f[37], f[41]].map((v) => v ?? '').join('|'));
    if (s !== undefined && s.authCode === undefined) s.authCode = authCode;
  }

  private decisionAnswer(
    answer: (code: string, extra?: Record<number, string>) => ModelAnswer,
    f: ModelMessage['fields'],
    code: string,
    approved: number,
    authCode: string | undefined | null,
  ): ModelAnswer {
    const extra: Record<number, string> = {};
    // null: an approval without an authorization code of ours.
    if ((code === '00' || code === '10') && authCode !== null) extra[38] = authCode ?? 'any';
    if (code === '10') {
      extra[4] = String(approved).padStart(12, '0');
      extra[54] = `0057${f[49] ?? '000'}C${(f[4] ?? '').padStart(12, '0')}`;
    }
    return answer(code, extra);
  }

  /** The pre-auth a DE90 link names for an incremental to add to: an 0100 or 0200 of the card that holds. */
  private preAuthOf(card: number, named: string): Txn | undefined {
    return named === '' ? undefined : this.txns[card]!.find((t) => t.link === named && (t.mti === '0100' || t.mti === '0200') && t.holdTotal > 0);
  }

  /** The original a reversal or completion names (the README's matching rule). */
  private originalOf(card: number, link: string, ids: Record<'rrn' | 'terminal' | 'merchant' | 'acquirer', string>, amount: number): Txn | undefined {
    const candidates = this.txns[card]!.filter((t) =>
      link !== ''
        ? t.link === link
        : ids.rrn !== '' &&
          t.rrn === ids.rrn &&
          (ids.terminal === '' || t.terminal === ids.terminal) &&
          (ids.merchant === '' || t.merchant === ids.merchant) &&
          (ids.acquirer === '' || t.acquirer === ids.acquirer),
    );
    const specificity = (t: Txn): number =>
      Number((t.terminal === '') === (ids.terminal === '')) + Number((t.merchant === '') === (ids.merchant === '')) + Number((t.acquirer === '') === (ids.acquirer === ''));
    const rank = (t: Txn): number[] => [t.amount === amount || t.approved === amount ? 0 : 1, -specificity(t), t.holdTotal > t.released ? 0 : 1, t.id];
    return candidates.sort((a, b) => {
      const [ra, rb] = [rank(a), rank(b)];
      const i = ra.findIndex((v, k) => v !== rb[k]);
      return i < 0 ? 0 : ra[i]! - rb[i]!;
    })[0];
  }

  /** Removes and returns what the orphan naming this arriving original leaves held (-1: nothing), if one does. */
  private consumeOrphan(card: number, amount: number, link: string, ids: Record<'rrn' | 'terminal' | 'merchant' | 'acquirer', string>): number | undefined {
    const live = this.orphans[card]!.filter((o) => o.day >= this.today - 1);
    const matching = live.filter((o) =>
      o.card === card && o.amount === amount && (o.link !== ''
        ? o.link === link
        : o.rrn === ids.rrn && (o.terminal === '' || o.terminal === ids.terminal) && (o.merchant === '' || o.merchant === ids.merchant) && (o.acquirer === '' || o.acquirer === ids.acquirer)),
    );
    const specificity = (o: Orphan): number =>
      Number((o.terminal === '') === (ids.terminal === '')) + Number((o.merchant === '') === (ids.merchant === '')) + Number((o.acquirer === '') === (ids.acquirer === ''));
    const chosen = matching.sort((a, b) => specificity(b) - specificity(a) || a.seq - b.seq)[0];
    this.orphans[card] = live.filter((o) => o !== chosen);
    this.seq++;
    return chosen?.keep;
  }

  private record(card: number, mti: string, link: string, ids: Record<'rrn' | 'terminal' | 'merchant' | 'acquirer', string>, amount: number, approved: number, holdTotal: number, released: number, day: number): Txn {
    const txn: Txn = { id: ++this.seq, card, mti, link, ...ids, amount, approved, holdTotal, released, day };
    this.txns[card]!.push(txn);
    return txn;
  }

  private hold(card: number, day: number, amount: number): void {
    if (amount > 0) this.holds[card]!.set(day, (this.holds[card]!.get(day) ?? 0) + amount);
  }

  private release(card: number, day: number, amount: number): void {
    if (day >= this.today && amount > 0) this.holds[card]!.set(day, Math.max(0, (this.holds[card]!.get(day) ?? 0) - amount));
  }
}
