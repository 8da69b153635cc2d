import { randomUUID } from 'node:crypto';
import { connect as tcp } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRAMING } from '../../examples/card-authorizer/src/config.js';
import { migrate } from '../../examples/card-authorizer/src/db.js';
import type { IsoMessage } from '../../examples/card-authorizer/src/iso.js';
import { startAuthorizer } from '../../examples/card-authorizer/src/server.js';
import { createCodec, presets } from '../../src/index.js';
import { type Client, connect, encodeFrame, readFrames, type Server } from '../../src/net/index.js';
import { DATABASE_URL, heldOn, insertCard, insertCards, KEYS } from './env.js';
import { replay } from './model.js';

/** The authorizer over real TCP against the real Postgres, each run in its own schema. */
const schema = `authz_tcp_${process.pid}_${randomUUID().slice(0, 8)}`;
const codec = createCodec(presets.iso87ascii);
const PAN = '4000000000000001';
/**
 * The decision deadline of the server under test: one no decision reaches, however loaded the machine, so every
 * answer is a decision and the rows can be counted (the deadline itself has its own test, with 0 ms).
 */
const UNREACHABLE_DEADLINE_MS = 600_000;
let pool: pg.Pool;
let server: Server;
let port: number;
const clients: Client[] = [];

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: DATABASE_URL, max: 32, options: `-c search_path=${schema}` });
  await migrate(pool, schema);
  await pool.query("insert into accounts (id, currency, balance) values (1, '978', 200000), (2, '978', 50000)");
  await insertCards(pool, [{ id: 1, pan: PAN }, { id: 2, pan: '4000000000000002', partial: true }]);
  ({ server, port } = await startAuthorizer({ pool, keys: KEYS, deadlineMs: UNREACHABLE_DEADLINE_MS, clock: () => new Date('2026-11-24T10:00:00Z') }));
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server?.close(1000);
  await pool?.query(`drop schema if exists "${schema}" cascade`);
  await pool?.end();
});

async function client(): Promise<Client> {
  const c = await connect({ host: '127.0.0.1', port, codec, framing: FRAMING, timeoutMs: 120_000 });
  clients.push(c);
  return c;
}

let stan = 0;
function auth(amount: number, pan = PAN, mti = '0100'): IsoMessage {
  stan++;
  return {
    mti,
    fields: {
      2: pan,
      3: '000000',
      4: String(amount).padStart(12, '0'),
      7: '1124100000',
      11: String(stan % 1_000_000).padStart(6, '0'),
      18: '5411',
      32: '123456',
      37: `RRN${String(stan).padStart(9, '0')}`,
      41: `T${String(stan % 10_000_000).padStart(7, '0')}`,
      49: '978',
    },
  };
}

/** The idempotency key of an authorization request, as the authorizer stores it. */
const keyOf = (m: IsoMessage): string => ['1', m.fields[7], m.fields[11], m.fields[32], m.fields[37], m.fields[41]].join('|');

/** The rows of `accounts`, in lock order, with each row's answer as the client received it. */
async function rowsWithAnswers(where: string, answers: Map<string, string>): Promise<{ account_id: string; amount: bigint; code: string; approved: bigint; answered: string | undefined }[]> {
  const { rows } = await pool.query<{ account_id: string; idem_key: string; amount: string; response_code: string; approved: string }>(
    `select account_id, idem_key, amount, response_code, approved from transactions where ${where} order by account_id, decision_seq`,
  );
  return rows.map((r) => ({ account_id: r.account_id, amount: BigInt(r.amount), code: r.response_code, approved: BigInt(r.approved), answered: answers.get(r.idem_key) }));
}

describe('authorizer over TCP', () => {
  it('answers echo without the database', async () => {
    const c = await client();
    const answer = await c.request({ mti: '0800', fields: { 7: '1124100000', 11: '000001', 41: 'ECHO0001', 70: '301' } });
    expect(answer.mti).toBe('0810');
    expect(answer.fields[39]).toBe('00');
  });

  it('approves, and answers a repeat with the same stored answer and no second hold', async () => {
    const c = await client();
    const request = auth(1_000);
    const first = await c.request(request);
    expect(first.mti).toBe('0110');
    expect(first.fields[39]).toBe('00');
    expect(first.fields[38]).toMatch(/^[A-Z0-9]{6}$/);
    const repeat = await c.request({ ...request, mti: '0101' });
    expect([repeat.fields[39], repeat.fields[38]]).toEqual(['00', first.fields[38]]);
    const { rows } = await pool.query<{ n: string }>('select count(*) as n from transactions where idem_key like $1', [`1|%|${request.fields[11]}|%`]);
    expect(rows[0]!.n).toBe('1');
  });

  it('approves partially with DE54 when the card allows it', async () => {
    const c = await client();
    const answer = await c.request(auth(80_000, '4000000000000002'));
    expect(answer.fields[39]).toBe('10');
    expect(answer.fields[4]).toBe('000000050000');
    expect(answer.fields[54]).toBe('0057978C000000080000');
  });

  it('answers an unknown card 14 and an unsupported message 30, keeping the connection', async () => {
    const c = await client();
    expect((await c.request(auth(100, '4999999999999999'))).fields[39]).toBe('14');
    expect((await c.request({ mti: '0300', fields: { 11: '777777', 41: 'TERM0300' } })).fields[39]).toBe('30');
    expect((await c.request(auth(100))).fields[39]).toBe('00');
  });

  it('answers an undecodable frame 30 under its response MTI, and keeps the connection', async () => {
    const raw = tcp({ host: '127.0.0.1', port });
    try {
      await new Promise<void>((resolve, reject) => raw.once('connect', resolve).once('error', reject));
      const frames = readFrames(raw, FRAMING)[Symbol.asyncIterator]();
      const next = async (): Promise<IsoMessage> => codec.decode((await frames.next()).value!.message);
      // DE11 and DE41 come after the fault at DE4, so the format error holds its response MTI and DE39 only.
      const request = auth(1_000);
      const bad = Buffer.from(codec.encode(request)).toString('latin1').replace(request.fields[4]!, '00000000100X');
      raw.write(encodeFrame(FRAMING, { message: Buffer.from(bad, 'latin1') }));
      const answer = await next();
      expect(answer.mti).toBe('0110');
      expect(answer.fields).toEqual({ 39: '30' });
      raw.write(encodeFrame(FRAMING, { message: codec.encode({ mti: '0800', fields: { 7: '1124100000', 11: '000002', 41: 'ECHO0002', 70: '301' } }) }));
      expect((await next()).fields).toMatchObject({ 11: '000002', 39: '00' });
    } finally {
      raw.destroy();
    }
  });

  it('releases a hold on an 0400 reversal naming its original in DE90, and acknowledges with 0410', async () => {
    const c = await client();
    const original = auth(3_000);
    expect((await c.request(original)).fields[39]).toBe('00');
    const de90 = `0100${original.fields[11]}${original.fields[7]}${original.fields[32]!.padStart(11, '0')}${'0'.repeat(11)}`;
    const answer = await c.request({ mti: '0400', fields: { ...original.fields, 11: '999001', 90: de90 } });
    expect([answer.mti, answer.fields[39]]).toEqual(['0410', '00']);
    const { rows } = await pool.query<{ released: string }>("select released from transactions where mti = '0400'");
    expect(rows.map((r) => r.released)).toEqual(['3000']);
  });

  it('acknowledges a completion advice (0220) of a pre-auth with 0230 and settles it', async () => {
    const c = await client();
    const preAuth = auth(2_000);
    expect((await c.request(preAuth)).fields[39]).toBe('00');
    const completion = { mti: '0220', fields: { ...preAuth.fields, 4: '000000001800', 11: '999002' } };
    const answer = await c.request(completion);
    expect([answer.mti, answer.fields[39]]).toEqual(['0230', '00']);
    const { rows } = await pool.query<{ released: string }>("select released from transactions where mti = '0220'");
    expect(rows.map((r) => r.released)).toEqual(['2000']);
  });

  it('never approves after the deadline and holds nothing then', async () => {
    const slow = await startAuthorizer({ pool, keys: KEYS, deadlineMs: 0, clock: () => new Date('2026-11-24T10:00:00Z') });
    const c = await connect({ host: '127.0.0.1', port: slow.port, codec, framing: FRAMING });
    clients.push(c);
    const request = auth(100);
    const answer = await c.request(request);
    expect(answer.fields[39]).toBe('91');
    const { rows } = await pool.query<{ n: string }>('select count(*) as n from transactions where idem_key like $1', [`1|%|${request.fields[11]}|%`]);
    expect(rows[0]!.n).toBe('0');
    await slow.server.close(100);
  });

  it('keeps 10,000 cards exact under 64 TCP clients: every answer is a decision and every account matches the model', async () => {
    await pool.query("insert into accounts (id, currency, balance) select g, '978', 20000 from generate_series(20000, 29999) g");
    await insertCards(pool, Array.from({ length: 10_000 }, (_, i) => ({ id: 20_000 + i, pan: `4${String(20_000 + i).padStart(15, '0')}` })));
    const connections = await Promise.all(Array.from({ length: 64 }, () => client()));
    const pick = (): number => 20_000 + (Math.random() < 0.2 ? Math.floor(Math.random() * 20) : Math.floor(Math.random() * 10_000));
    const answers = new Map<string, string>();
    await Promise.all(
      connections.map(async (c) => {
        for (let i = 0; i < 30; i++) {
          const request = auth(1_000 + Math.floor(Math.random() * 5_000), `4${String(pick()).padStart(15, '0')}`);
          answers.set(keyOf(request), String((await c.request(request)).fields[39]));
        }
      }),
    );
    expect(answers.size).toBe(64 * 30);
    expect(new Set(answers.values())).toEqual(new Set(['00', '51']));
    const rows = await rowsWithAnswers('account_id between 20000 and 29999', answers);
    // One row per request, and each one's answer is the decision stored for it.
    expect(rows).toHaveLength(64 * 30);
    expect(rows.filter((r) => r.answered !== r.code)).toEqual([]);
    const byAccount = new Map<string, { amount: bigint; code: string; approved: bigint }[]>();
    for (const r of rows) byAccount.set(r.account_id, [...(byAccount.get(r.account_id) ?? []), r]);
    for (const [accountId, list] of byAccount) {
      expect(replay({ accountId: Number(accountId), balance: 20_000n, partial: false, limitAmount: null, limitCount: null }, list)).toEqual([]);
    }
  }, 180_000);

  it('keeps one account exact under 64 TCP clients: every answer is a decision and every decision matches the model', async () => {
    await pool.query("insert into accounts (id, currency, balance) values (9, '978', 300000)");
    await insertCard(pool, { id: 9, pan: '4000000000000009' });
    const connections = await Promise.all(Array.from({ length: 64 }, () => client()));
    const answers = new Map<string, string>();
    await Promise.all(
      connections.map(async (c) => {
        for (let i = 0; i < 5; i++) {
          const request = auth(1_000 + Math.floor(Math.random() * 4_000), '4000000000000009');
          answers.set(keyOf(request), String((await c.request(request)).fields[39]));
        }
      }),
    );
    expect(new Set(answers.values())).toEqual(new Set(['00', '51'])); // the storm did run the account dry
    const list = await rowsWithAnswers('account_id = 9', answers);
    expect(list).toHaveLength(320);
    expect(list.filter((r) => r.answered !== r.code)).toEqual([]);
    expect(replay({ accountId: 9, balance: 300_000n, partial: false, limitAmount: null, limitCount: null }, list)).toEqual([]);
  }, 180_000);

  it('routes each repeat as its original (0201 a decision, 0401 a reversal, 0121 and 0221 advices): answered as the original, counted once', async () => {
    await pool.query("insert into accounts (id, currency, balance) values (8, '978', 100000)");
    await insertCard(pool, { id: 8, pan: '4000000000000008' });
    const c = await client();
    const pan = '4000000000000008';
    const twice = async (m: IsoMessage, repeat: string): Promise<[string, unknown, unknown][]> => {
      const answers: [string, unknown, unknown][] = [];
      for (const mti of [m.mti, repeat]) {
        const a = await c.request({ ...m, mti });
        answers.push([a.mti, a.fields[39], a.fields[38]]);
      }
      return answers;
    };
    const purchase = auth(5_000, pan, '0200');
    const [first, again] = await twice(purchase, '0201');
    expect(first!.slice(0, 2)).toEqual(['0210', '00']);
    expect(again).toEqual(first);
    expect(await heldOn(pool, 8, '2026-11-24')).toBe(5_000n);
    const de90 = `0200${purchase.fields[11]}${purchase.fields[7]}${purchase.fields[32]!.padStart(11, '0')}${'0'.repeat(11)}`;
    stan++;
    const reversal: IsoMessage = { mti: '0400', fields: { ...purchase.fields, 11: String(stan).padStart(6, '0'), 90: de90 } };
    expect((await twice(reversal, '0401')).map((a) => a.slice(0, 2))).toEqual([['0410', '00'], ['0410', '00']]);
    expect(await heldOn(pool, 8, '2026-11-24')).toBe(0n);
    expect((await twice(auth(700, pan, '0120'), '0121')).map((a) => a.slice(0, 2))).toEqual([['0130', '00'], ['0130', '00']]);
    expect((await twice(auth(1_000, pan, '0220'), '0221')).map((a) => a.slice(0, 2))).toEqual([['0230', '00'], ['0230', '00']]);
    expect(await heldOn(pool, 8, '2026-11-24')).toBe(700n);
    const { rows } = await pool.query<{ balance: string }>('select balance from accounts where id = 8');
    expect(rows[0]!.balance).toBe('99000');
  });
});
