/**
 * The acquirer side: a traffic simulator that sends a realistic mix through the library's client (authorizations,
 * partial approvals, completions, reversals, echo, repeats, unknown and blocked cards) and summarises the answers.
 */
import { createCodec, type Message, presets } from '../../../src/index.js';
import { type Client, connect } from '../../../src/net/index.js';
import { demoPan } from './database.js';
import type { IsoMessage } from './iso.js';
import { AUTHORIZER_FRAMING } from './server.js';

/** What the simulator saw: answers by request MTI and response code, and latencies. */
export interface SimulationSummary {
  readonly sent: number;
  readonly byKind: Map<string, Map<string, number>>;
  readonly latenciesMs: number[];
}

const codec = createCodec(presets.iso87ascii) as unknown as { decode(b: Uint8Array): Message; encode(m: Message): Uint8Array };

/** Sends `count` messages over `clients` connections to the authorizer at host:port. */
export async function simulate(options: {
  host?: string;
  port: number;
  count?: number;
  clients?: number;
  cards?: number;
  /** Client-side timeout per request (default 5000 ms). */
  timeoutMs?: number;
}): Promise<SimulationSummary> {
  const count = options.count ?? 500;
  const cards = options.cards ?? 100;
  const connections: Client[] = await Promise.all(
    Array.from({ length: options.clients ?? 8 }, () =>
      connect({ host: options.host ?? '127.0.0.1', port: options.port, codec, framing: AUTHORIZER_FRAMING, timeoutMs: options.timeoutMs ?? 5000 }),
    ),
  );
  const byKind = new Map<string, Map<string, number>>();
  const latenciesMs: number[] = [];
  const approved: IsoMessage[] = [];
  let stan = 0;
  let sent = 0;
  const record = (kind: string, code: string): void => {
    const row = byKind.get(kind) ?? new Map<string, number>();
    row.set(code, (row.get(code) ?? 0) + 1);
    byKind.set(kind, row);
  };
  const authorization = (card: number, amount: number): IsoMessage => {
    stan++;
    return {
      mti: '0100',
      fields: {
        2: demoPan(card), 3: '000000', 4: String(amount).padStart(12, '0'), 7: '1124120000',
        11: String(stan % 1_000_000).padStart(6, '0'), 18: '5411', 32: '123456', 37: `SIM${String(stan).padStart(9, '0')}`,
        41: `SIM${String(stan % 100_000).padStart(5, '0')}`, 42: 'SIMULATOR000001', 49: '978',
      },
    };
  };
  const next = (): [string, IsoMessage] => {
    const r = Math.random();
    const card = 1 + Math.floor(Math.random() * cards);
    const base = approved.length > 0 ? approved[Math.floor(Math.random() * approved.length)]! : undefined;
    if (r < 0.05) return ['0800 echo', { mti: '0800', fields: { 7: '1124120000', 11: String(++stan % 1_000_000).padStart(6, '0'), 41: 'SIMECHO1', 70: '301' } }];
    if (r < 0.1 && base !== undefined) return ['0101 repeat', { ...base, mti: '0101' }];
    if (r < 0.18 && base !== undefined) {
      const de90 = `0100${base.fields[11]}${base.fields[7]}${base.fields[32]!.padStart(11, '0')}${'0'.repeat(11)}`;
      return ['0400 reversal', { mti: '0400', fields: { ...base.fields, 11: String(++stan % 1_000_000).padStart(6, '0'), 90: de90 } }];
    }
    if (r < 0.26 && base !== undefined) {
      return ['0220 completion', { mti: '0220', fields: { ...base.fields, 11: String(++stan % 1_000_000).padStart(6, '0') } }];
    }
    if (r < 0.3) return ['0100 unknown/blocked/expired', authorization([9_999, 13, 17][Math.floor(Math.random() * 3)]!, 1_000)];
    if (r < 0.4) return ['0100 large on partial card', authorization(10 * (1 + Math.floor(Math.random() * (cards / 10))), 150_000)];
    return ['0100 authorization', authorization(card, 100 + Math.floor(Math.random() * 20_000))];
  };
  await Promise.all(
    connections.map(async (client, i) => {
      for (let k = i; k < count; k += connections.length) {
        const [kind, message] = next();
        const start = performance.now();
        const answer = await client.request(message as Message);
        latenciesMs.push(performance.now() - start);
        sent++;
        const code = answer.fields[39] as string;
        record(kind, code);
        if (message.mti === '0100' && (code === '00' || code === '10')) approved.push(message);
      }
    }),
  );
  await Promise.all(connections.map((c) => c.close()));
  return { sent, byKind, latenciesMs };
}

/** A printable table of a {@link SimulationSummary}. */
export function formatSummary(s: SimulationSummary): string {
  const sorted = [...s.latenciesMs].sort((a, b) => a - b);
  const pct = (p: number): string => (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0).toFixed(2);
  const lines = [`${s.sent} messages; latency ms p50 ${pct(50)}, p99 ${pct(99)}, max ${pct(100)}`, '', 'request                         answers (DE39: count)'];
  for (const [kind, codes] of [...s.byKind].sort()) {
    lines.push(`${kind.padEnd(31)} ${[...codes].sort().map(([c, n]) => `${c}: ${n}`).join(', ')}`);
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.PORT ?? 8583);
  const summary = await simulate({ port, count: Number(process.argv[2] ?? 500) });
  console.log(formatSummary(summary));
}
