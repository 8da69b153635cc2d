/**
 * The acquirer side: a traffic simulator that sends a realistic mix through the library's client (authorizations,
 * partial approvals, completions, reversals, echo, repeats, unknown and blocked cards) and summarises the answers;
 * or, with `--listen`, the network side: it listens, waits for the authorizer to dial and sign on, and sends the
 * same mix down that link.
 */
import { randomBytes } from 'node:crypto';
import { createCodec } from 'iso8583-codec';
import { type Client, connect, createServer, isIso8583NetError, NetErrorCode, type PeerConnection } from 'iso8583-codec/net';
import { ConfigError, DEFAULTS, FRAMING, loadSimulatorConfig, SPEC } from './config.js';
import { demoPan } from './database.js';
import type { IsoMessage } from './iso.js';
import { macModule, type MacSetting, withMac } from './message-auth.js';

/** What the simulator saw: answers by request kind and response code, latencies, and why it stopped early. */
export interface SimulationSummary {
  /** Messages sent and answered. */
  readonly sent: number;
  /** Messages the run was asked to send. */
  readonly planned: number;
  readonly byKind: Map<string, Map<string, number>>;
  readonly latenciesMs: number[];
  /** Requests that got no answer within the client timeout. */
  readonly unanswered: number;
  /** Why the run ended before sending everything (one line), or undefined when it did not. */
  readonly stopped: string | undefined;
}

/** What each response code the authorizer gives means (the README's answers table), for the summary's legend. */
export const RESPONSE_CODES: ReadonlyMap<string, string> = new Map([
  ['00', 'approved (advices and reversals: acknowledged)'],
  ['05', 'account closed'],
  ['10', 'partially approved: DE4 the approved amount, DE54 the requested one'],
  ['12', 'invalid transaction: unknown processing code, or a currency other than the account\'s'],
  ['14', 'unknown card'],
  ['30', 'format error: malformed, or without what the message must carry'],
  ['41', 'lost card'],
  ['43', 'stolen card'],
  ['51', 'insufficient funds'],
  ['54', 'expired card, or an expiry (DE14) other than the card\'s'],
  ['57', 'merchant type or channel not allowed for the card'],
  ['61', 'rolling 30-day amount limit'],
  ['62', 'blocked card'],
  ['63', 'security violation: the request\'s MAC is missing or wrong (AUTHORIZER_MAC_KEY)'],
  ['65', 'rolling 30-day count limit'],
  ['91', 'no decision within the deadline (nothing held)'],
  ['94', 'a known request key with other content'],
  ['96', 'system error'],
]);

/** The client is typed by its codec: requests and answers are messages of SPEC (IsoMessage). */
const codec = createCodec(SPEC);

/** DE7 (transmission date and time, MMDDhhmmss, UTC) of a moment. */
function transmissionTime(now: Date): string {
  return now.toISOString().replace(/[-:T]/g, '').slice(4, 14);
}

/**
 * The identifiers of one run: its STANs start at a random point and its RRNs carry a random tag, and DE7 is the
 * real time of sending, so no two runs share an idempotency key (a second run would otherwise be answered 94).
 */
function runIdentifiers(): { stan: () => string; rrn: () => string } {
  const tag = randomBytes(3).toString('hex').toUpperCase().slice(0, 4);
  let stan = randomBytes(3).readUIntBE(0, 3) % 999_999;
  let rrns = 0;
  return {
    stan: () => String((stan = (stan % 999_999) + 1)).padStart(6, '0'),
    rrn: () => `${tag}${String(++rrns % 100_000_000).padStart(8, '0')}`,
  };
}

/** Sends one request and resolves with its answer (a client's connection, or the link a dialling authorizer opened). */
type Lane = (message: IsoMessage) => Promise<IsoMessage>;

/** Sends `count` messages over `clients` connections to the authorizer at host:port. */
export async function simulate(options: {
  host?: string;
  port: number;
  count?: number;
  clients?: number;
  cards?: number;
  /** Client-side timeout per request (default {@link DEFAULTS}: 5000 ms). */
  timeoutMs?: number;
  /** The MAC to put on every request but network management (`AUTHORIZER_MAC_KEY`); none by default. */
  mac?: MacSetting | undefined;
}): Promise<SimulationSummary> {
  const count = options.count ?? DEFAULTS.simulateCount;
  const host = options.host ?? DEFAULTS.host;
  let connections: Client<IsoMessage>[];
  try {
    connections = await Promise.all(
      Array.from({ length: options.clients ?? 8 }, () =>
        connect({ host, port: options.port, codec, framing: FRAMING, timeoutMs: options.timeoutMs ?? DEFAULTS.simulateTimeoutMs }),
      ),
    );
  } catch (e) {
    const code = isIso8583NetError(e) ? e.code : e instanceof Error ? e.name : String(e);
    return emptySummary(count, `no authorizer answers at ${host}:${options.port} (${code}): start one with npm run authorizer`);
  }
  const security = options.mac === undefined ? undefined : macModule(options.mac);
  // Network management goes unsigned; every other request carries its MAC in DE64 (DE128 with a secondary bitmap).
  const sign = async (m: IsoMessage): Promise<IsoMessage> => (security === undefined || m.mti.startsWith('08') ? m : withMac(codec, m, security));
  const summary = await drive(connections.map((c) => async (m) => c.request(await sign(m))), count, options.cards ?? 100);
  await Promise.all(connections.map((c) => c.close()));
  return summary;
}

/** Options of {@link simulateAsNetwork}. */
export interface NetworkSimulationOptions {
  readonly host?: string;
  /** The port to listen on (0: any free port). */
  readonly port: number;
  readonly count?: number;
  /** Requests in flight at once on the link (default 8, as many as the connecting simulator's clients). */
  readonly concurrency?: number;
  readonly cards?: number;
  /** Timeout per request (default {@link DEFAULTS}: 5000 ms). */
  readonly timeoutMs?: number;
  /** Called with the bound port once the simulator listens, before any authorizer has dialled. */
  readonly onListening?: (port: number) => void;
  /** Called once an authorizer has signed on (0800 DE70 001, answered 0810 DE39 00), before the traffic starts. */
  readonly onSignOn?: () => void;
}

/**
 * The network side: listens on host:port, answers network management (sign-on, sign-off, echo: 0810 DE39 00), waits
 * for an authorizer to dial and sign on, then sends `count` messages down the link it opened, `concurrency` at a
 * time, and summarises the answers like {@link simulate}. The link closes when the run ends.
 *
 * Why: an issuer's processor usually dials the network, and the network's authorizations arrive on that link; this
 * drives the authorizer's dial mode with the same traffic as its listening mode.
 */
export async function simulateAsNetwork(options: NetworkSimulationOptions): Promise<SimulationSummary> {
  const count = options.count ?? DEFAULTS.simulateCount;
  let signedOn!: (peer: PeerConnection<IsoMessage>) => void;
  const firstSignOn = new Promise<PeerConnection<IsoMessage>>((resolve) => (signedOn = resolve));
  const server = createServer({
    codec,
    framing: FRAMING,
    handler: (request, ctx) => {
      if (request.mti !== '0800') return undefined; // only network management comes this way
      // The answer is written when the handler returns; the traffic starts after it (see below).
      if (request.fields[70] === '001' && ctx.peer !== undefined) signedOn(ctx.peer);
      return { mti: '0810', fields: { 7: request.fields[7], 11: request.fields[11], 39: '00', 70: request.fields[70] } };
    },
  });
  const address = await server.listen(options.port, options.host ?? DEFAULTS.host);
  options.onListening?.(address.port);
  const peer = await firstSignOn;
  // The 0810 goes out once the handler has returned: the first request follows it on the next turn.
  await new Promise((resolve) => setImmediate(resolve));
  options.onSignOn?.();
  const timeoutMs = options.timeoutMs ?? DEFAULTS.simulateTimeoutMs;
  const lane: Lane = (m) => peer.request(m, { timeoutMs });
  const summary = await drive(Array.from({ length: options.concurrency ?? 8 }, () => lane), count, options.cards ?? 100);
  await server.close(2000);
  return summary;
}

/** A summary of a run that sent nothing, and why. */
function emptySummary(planned: number, stopped: string): SimulationSummary {
  return { sent: 0, planned, byKind: new Map(), latenciesMs: [], unanswered: 0, stopped };
}

/** Sends `count` messages of the mix, one lane after another in turn, each lane one request at a time. */
async function drive(lanes: readonly Lane[], count: number, cards: number): Promise<SimulationSummary> {
  const byKind = new Map<string, Map<string, number>>();
  const latenciesMs: number[] = [];
  let sent = 0;
  let unanswered = 0;
  let stopped: string | undefined;
  const ids = runIdentifiers();
  const approved: IsoMessage[] = [];
  const repeating = new Set<IsoMessage>();
  const repeatOf = new Map<IsoMessage, IsoMessage>();
  const record = (kind: string, code: string): void => {
    const row = byKind.get(kind) ?? new Map<string, number>();
    row.set(code, (row.get(code) ?? 0) + 1);
    byKind.set(kind, row);
  };
  const authorization = (card: number, amount: number): IsoMessage => {
    const stan = ids.stan();
    return {
      mti: '0100',
      fields: {
        2: demoPan(card), 3: '000000', 4: String(amount).padStart(12, '0'), 7: transmissionTime(new Date()), 11: stan, 18: '5411',
        32: '123456', 37: ids.rrn(), 41: `SIM${stan.slice(1)}`, 42: 'SIMULATOR000001', 49: '978',
      },
    };
  };
  const next = (): [string, IsoMessage] => {
    const r = Math.random();
    const card = 1 + Math.floor(Math.random() * cards);
    const base = approved.length > 0 ? approved[Math.floor(Math.random() * approved.length)]! : undefined;
    if (r < 0.05) return ['0800 echo', { mti: '0800', fields: { 7: transmissionTime(new Date()), 11: ids.stan(), 41: 'SIMECHO1', 70: '301' } }];
    // A repeat carries its original's DE11 and DE41, so two repeats of one original in flight at once on one link
    // would share a matching key: an original is repeated by one lane at a time.
    if (r < 0.1 && base !== undefined && !repeating.has(base)) {
      const repeat = { ...base, mti: '0101' };
      repeating.add(base);
      repeatOf.set(repeat, base);
      return ['0101 repeat', repeat];
    }
    if (r < 0.18 && base !== undefined) {
      const de90 = `0100${base.fields[11]}${base.fields[7]}${base.fields[32]!.padStart(11, '0')}${'0'.repeat(11)}`;
      return ['0400 reversal', { mti: '0400', fields: { ...base.fields, 7: transmissionTime(new Date()), 11: ids.stan(), 90: de90 } }];
    }
    if (r < 0.26 && base !== undefined) {
      // A completion names its pre-auth by RRN, terminal and merchant (no DE90).
      return ['0220 completion', { mti: '0220', fields: { ...base.fields, 7: transmissionTime(new Date()), 11: ids.stan() } }];
    }
    if (r < 0.3) return ['0100 unknown/blocked/expired', authorization([9_999, 13, 17][Math.floor(Math.random() * 3)]!, 1_000)];
    if (r < 0.4) return ['0100 large on partial card', authorization(10 * (1 + Math.floor(Math.random() * (cards / 10))), 150_000)];
    return ['0100 authorization', authorization(card, 100 + Math.floor(Math.random() * 20_000))];
  };
  const release = (message: IsoMessage): void => {
    const base = repeatOf.get(message);
    if (base === undefined) return;
    repeatOf.delete(message);
    repeating.delete(base);
  };
  await Promise.all(
    lanes.map(async (request, i) => {
      for (let k = i; k < count && stopped === undefined; k += lanes.length) {
        const [kind, message] = next();
        const start = performance.now();
        let answer: IsoMessage;
        try {
          answer = await request(message);
        } catch (e) {
          release(message);
          if (isIso8583NetError(e) && e.code === NetErrorCode.TIMEOUT) {
            unanswered++;
            continue;
          }
          const code = isIso8583NetError(e) ? e.code : e instanceof Error ? e.name : String(e);
          stopped ??= `the authorizer closed the connection (${code})`;
          return;
        }
        release(message);
        latenciesMs.push(performance.now() - start);
        sent++;
        const code = String(answer.fields[39] ?? '(none)');
        record(kind, code);
        if (message.mti === '0100' && (code === '00' || code === '10')) approved.push(message);
      }
    }),
  );
  return { sent, planned: count, byKind, latenciesMs, unanswered, stopped };
}

/** A printable table of a {@link SimulationSummary}, with a legend of the response codes it shows. */
export function formatSummary(s: SimulationSummary): string {
  const sorted = [...s.latenciesMs].sort((a, b) => a - b);
  const pct = (p: number): string => (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0).toFixed(2);
  const lines = [`${s.sent} messages; latency ms p50 ${pct(50)}, p99 ${pct(99)}, max ${pct(100)}`];
  if (s.unanswered > 0) lines.push(`${s.unanswered} requests got no answer within the client timeout`);
  if (s.byKind.size > 0) lines.push('', 'request                         answers (DE39: count)');
  const seen = new Set<string>();
  for (const [kind, codes] of [...s.byKind].sort()) {
    lines.push(`${kind.padEnd(31)} ${[...codes].sort().map(([c, n]) => `${c}: ${n}`).join(', ')}`);
    for (const c of codes.keys()) seen.add(c);
  }
  if (seen.size > 0) {
    lines.push('', 'response codes');
    for (const c of [...seen].sort()) lines.push(`  ${c} ${RESPONSE_CODES.get(c) ?? 'not an answer this authorizer gives'}`);
  }
  if (s.stopped !== undefined) lines.push('', `stopped after ${s.sent} of ${s.planned} messages: ${s.stopped}`);
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // `simulate.ts [count]` dials the authorizer; `simulate.ts --listen [count]` listens as the network for it to dial.
  const listen = process.argv[2] === '--listen';
  const countArg = process.argv[listen ? 3 : 2];
  try {
    const config = loadSimulatorConfig(countArg === undefined ? process.env : { ...process.env, SIMULATE_COUNT: countArg }, listen);
    const summary = listen
      ? await simulateAsNetwork({
          host: config.host, port: config.port, count: config.count, timeoutMs: config.timeoutMs,
          onListening: (port) => console.log(`network simulator listening on ${config.host}:${port}; waiting for the authorizer to dial and sign on`),
          onSignOn: () => console.log('the authorizer signed on; sending traffic down its link\n'),
        })
      : await simulate({ host: config.host, port: config.port, count: config.count, timeoutMs: config.timeoutMs, mac: config.mac });
    console.log(formatSummary(summary));
    if (summary.stopped !== undefined) process.exitCode = 1;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(e.message);
    process.exitCode = 1;
  }
}
