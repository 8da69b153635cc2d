import { connect as rawConnect, createServer as rawServer, type Server as RawServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { responseMti } from '../../src/index.js';
import { connect, encodeFrame, type FramingSpec, isIso8583NetError } from '../../src/net/index.js';
import { approve, capture, codec, framing, type IsoMessage as Message, rawSocket, startClient as client, startServer as start } from './helpers/loopback.js';

const PAN = '4111111111111111';
const context = { header: undefined, remoteAddress: undefined };

function request(stan: number, terminal = 'TERM0001'): Message {
  return { mti: '0100', fields: { 2: PAN, 4: '000000001000', 11: String(stan).padStart(6, '0'), 41: terminal } };
}

/** A promise and the function that resolves it: what a handler waits on until the test lets it go. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open: () => void = () => {};
  const opened = new Promise<void>((r) => (open = r));
  return { opened, open };
}

/** Resolves after `turns` turns of the event loop (each polls for I/O once): waits for I/O, never for time. */
async function loopTurns(turns: number): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((r) => setImmediate(r));
}

/** Writes `bytes` one byte a write, each handed to the kernel before the next (no delay between them). */
async function dribble(socket: Socket, bytes: Uint8Array): Promise<void> {
  for (let i = 0; i < bytes.length; i++) await new Promise<void>((r, j) => socket.write(bytes.subarray(i, i + 1), (e) => (e ? j(e) : r())));
}

const helpers: { servers: RawServer[]; sockets: Socket[] } = { servers: [], sockets: [] };
afterEach(async () => {
  for (const s of helpers.sockets.splice(0)) s.destroy();
  for (const s of helpers.servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
});

/**
 * A loopback port that refuses connections for as long as the test runs: the local port of an open outgoing
 * connection. It is bound (no other socket can listen on it, and no new connection takes it as its own port, which
 * a port just freed allows) and nothing listens on it (a SYN to it is answered by a reset).
 */
async function refusingPort(): Promise<number> {
  const sink = rawServer((s) => {
    helpers.sockets.push(s);
    s.on('error', () => {});
  });
  helpers.servers.push(sink);
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
  const out = rawConnect({ host: '127.0.0.1', port: (sink.address() as { port: number }).port });
  helpers.sockets.push(out);
  out.on('error', () => {});
  await new Promise<void>((r) => out.once('connect', () => r()));
  return out.localPort!;
}

describe('client and server over loopback', () => {
  it('match 1,000 concurrent requests on one connection under random response order', async () => {
    // The handler holds requests in groups of 50 (within maxInFlightPerConnection's default), then answers each
    // group in a shuffled order: the order is decided here (seeded), not by timers, so it is never the sent one.
    const GROUP = 50;
    let seed = 8583;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let group: (() => void)[] = [];
    const { port } = await start(async (m) => {
      const turn = gate();
      group.push(turn.open);
      if (group.length === GROUP) {
        const shuffled = group;
        group = [];
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = random(i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        for (const open of shuffled) open();
      }
      await turn.opened;
      return { mti: responseMti(m.mti), fields: { 4: m.fields[4], 11: m.fields[11], 39: '00', 41: m.fields[41] } };
    });
    const c = await client(port);
    const resolved: number[] = [];
    // Each answer is checked as it settles: a mismatch fails at once, before the requests it leaves waiting.
    await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        c.request(request(i)).then((a) => {
          expect([a.mti, a.fields[11]]).toEqual(['0110', String(i).padStart(6, '0')]);
          resolved.push(i);
        }),
      ),
    );
    expect(resolved).toHaveLength(1000);
    // The answers did come back out of order (each matched by its key, not by its place).
    expect(resolved).not.toEqual([...resolved].sort((a, b) => a - b));
    expect(c.pending).toBe(0);
  });

  it('routes a response that arrives after its timeout to the late handler', async () => {
    const held = gate();
    const { port } = await start(async (m) => {
      await held.opened;
      return approve(m, context);
    });
    const late: [Message, string][] = [];
    const arrived = gate();
    const c = await client(port, {
      onUnmatched: (m, reason) => {
        late.push([m, reason]);
        arrived.open();
      },
    });
    // The handler answers only once the request has timed out: the answer is sure to be late, however slow the run.
    const error = await c.request(request(1), { timeoutMs: 30 }).catch((e: unknown) => e);
    expect(isIso8583NetError(error) && error.code).toBe('TIMEOUT');
    held.open();
    await arrived.opened;
    expect(late).toHaveLength(1);
    expect(late[0]![1]).toBe('late');
    expect(late[0]![0].fields[11]).toBe('000001');
  });

  it('rejects a second request with the same key while the first is in flight', async () => {
    const held = gate();
    const { port } = await start(async (m) => {
      await held.opened;
      return approve(m, context);
    });
    const c = await client(port);
    const first = c.request(request(7));
    const second = await c.request(request(7)).catch((e: unknown) => e);
    expect(isIso8583NetError(second) && second.code).toBe('DUPLICATE_KEY');
    held.open();
    expect((await first).fields[39]).toBe('00');
  });

  it('settles every pending request with CLOSED on close', async () => {
    // The handler holds both requests (and then answers nothing): no answer can settle them before close().
    const held = gate();
    let reached = 0;
    const both = gate();
    const { port } = await start(async () => {
      if (++reached === 2) both.open();
      await held.opened;
      return undefined;
    });
    const c = await client(port);
    const settled = [c.request(request(1)), c.request(request(2))].map((p) => p.catch((x: unknown) => x));
    await both.opened;
    expect(c.pending).toBe(2);
    const closing = c.close();
    held.open(); // the handlers end now (unanswered), so the server ends its side of the connection at once
    await closing;
    for (const e of await Promise.all(settled)) expect(isIso8583NetError(e) && e.code).toBe('CLOSED');
    expect(c.pending).toBe(0);
  });

  it('answers a malformed frame with a format error and keeps the connection', async () => {
    const { port } = await start(approve);
    const raw = await rawSocket(port);
    // MTI 0100, bitmap announces DE2, then a PAN length of 25 (above 19).
    const bad = Buffer.concat([Buffer.from('0100'), Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('25' + PAN)]);
    raw.socket.write(encodeFrame(framing, { message: bad }));
    const answer = await raw.next();
    expect(answer).toEqual({ mti: '0110', fields: { 39: '30' } });
    raw.socket.write(encodeFrame(framing, { message: codec.encode(request(5)) }));
    expect((await raw.next()).fields[39]).toBe('00');
  });

  it('skips a malformed frame when told to, and still serves the next one', async () => {
    const { port } = await start(approve, { onMalformed: 'skip' });
    const raw = await rawSocket(port);
    raw.socket.write(encodeFrame(framing, { message: Buffer.from('garbage') }));
    raw.socket.write(encodeFrame(framing, { message: codec.encode(request(6)) }));
    expect((await raw.next()).fields[11]).toBe('000006');
  });

  it('answers 96 when the handler throws, and keeps serving', async () => {
    let calls = 0;
    const { port } = await start((m) => {
      calls++;
      if (calls === 1) throw new Error(`boom ${PAN}`);
      return approve(m, context);
    });
    const c = await client(port);
    expect((await c.request(request(1))).fields[39]).toBe('96');
    expect((await c.request(request(2))).fields[39]).toBe('00');
  });

  it('closes only the connection that sends an oversized frame', async () => {
    const { port } = await start(approve, { maxFrameBytes: 1024 });
    const good = await client(port);
    const raw = await rawSocket(port);
    raw.socket.write(Buffer.from([0xea, 0x60, 1, 2, 3]));
    await raw.closed;
    expect((await good.request(request(3))).fields[39]).toBe('00');
  });

  it('serves a slow-loris client and, meanwhile, everyone else', async () => {
    const { server, port } = await start(approve);
    const raw = await rawSocket(port);
    raw.socket.setNoDelay(true);
    const wire = encodeFrame(framing, { message: codec.encode(request(42)) });
    const fast = await client(port);
    // Half the slow frame, a byte a write; the other client is answered while that frame is still open.
    const half = wire.length >> 1;
    await dribble(raw.socket, wire.subarray(0, half));
    expect((await fast.request(request(1))).fields[39]).toBe('00');
    expect(server.stats.framesReceived).toBe(1);
    await dribble(raw.socket, wire.subarray(half));
    expect((await raw.next()).fields[11]).toBe('000042');
  });

  it('keeps serving other connections while one sends garbage', async () => {
    const { port } = await start(approve);
    const raw = await rawSocket(port);
    const c = await client(port);
    for (let i = 0; i < 5; i++) raw.socket.write(encodeFrame(framing, { message: Buffer.from(`junk${i}`) }));
    const answers = await Promise.all([1, 2, 3].map((i) => c.request(request(i))));
    expect(answers.map((a) => a.fields[39])).toEqual(['00', '00', '00']);
  });

  it('handles at most maxInFlightPerConnection requests of one connection at once', async () => {
    // Every handler is held until the test lets the running ones go, which it does each time the limit is reached
    // (or every request has reached the handler): the server has all the time it wants to start a fifth one.
    const LIMIT = 4;
    const TOTAL = 40;
    let running = 0;
    let started = 0;
    let peak = 0;
    let held: (() => void)[] = [];
    let full = gate();
    const { port } = await start(
      async (m) => {
        running++;
        started++;
        peak = Math.max(peak, running);
        const turn = gate();
        held.push(turn.open);
        if (running >= LIMIT || started === TOTAL) full.open();
        await turn.opened;
        running--;
        return approve(m, context);
      },
      { maxInFlightPerConnection: LIMIT },
    );
    const c = await client(port);
    let answered = 0;
    const all = Promise.all(Array.from({ length: TOTAL }, (_, i) => c.request(request(i)).then(() => answered++)));
    while (answered < TOTAL) {
      await Promise.race([full.opened, all]);
      full = gate();
      const go = held;
      held = [];
      for (const open of go) open();
    }
    await all;
    expect(answered).toBe(TOTAL);
    expect(peak).toBe(LIMIT);
  });

  it('drains an in-flight slow handler on graceful close', async () => {
    const reached = gate();
    const held = gate();
    let finished = false;
    const { server, port } = await start(async (m) => {
      reached.open();
      await held.opened;
      finished = true;
      return approve(m, context);
    });
    const c = await client(port);
    const answer = c.request(request(9));
    await reached.opened;
    let closed = false;
    const closing = server.close(600_000).then(() => (closed = true));
    await loopTurns(5);
    expect(closed).toBe(false); // still waiting for the handler
    held.open();
    await closing;
    expect(finished).toBe(true);
    expect((await answer).fields[39]).toBe('00');
  });

  it('never writes card data to the logs', async () => {
    const log = capture();
    const { logger } = log;
    const { port } = await start(
      (m) => {
        if (m.fields[11] === '000002') throw new Error(`bad card ${PAN}`);
        return approve(m, context);
      },
      { logger },
    );
    const c = await client(port, { logger });
    await c.request(request(1));
    await c.request(request(2));
    const raw = await rawSocket(port);
    raw.socket.write(encodeFrame(framing, { message: Buffer.concat([Buffer.from('0100'), Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('2A' + PAN)]) }));
    await raw.next();
    const lines = log.lines();
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) {
      expect(line).not.toContain(PAN);
      expect(line).not.toContain('411111');
    }
  });

  for (const f of [
    { length: 'binary2' },
    { length: 'binary2', includesLength: true },
    { length: 'bcd2' },
    { length: 'ascii' },
    { length: 'ascii', digits: 4, includesLength: true },
    { length: 'binary2', headerBytes: 5 },
  ] as FramingSpec[]) {
    it(`interoperate with framing ${JSON.stringify(f)}`, async () => {
      const { port } = await start(approve, {}, f);
      const c = await client(port, {}, f);
      const answers = await Promise.all([1, 2, 3].map((i) => c.request(request(i))));
      expect(answers.map((a) => a.fields[11])).toEqual(['000001', '000002', '000003']);
    });
  }

  it('fails to connect with CONNECT_FAILED', async () => {
    const port = await refusingPort();
    const e = await connect({ host: '127.0.0.1', port, codec, framing }).catch((x: unknown) => x);
    expect(isIso8583NetError(e) && e.code).toBe('CONNECT_FAILED');
    expect((e as Error).message).toContain('ECONNREFUSED');
  });
});

describe('server under random input', () => {
  it('survives random byte streams on many connections and keeps answering a well-behaved client', async () => {
    const { server, port } = await start(approve, { maxFrameBytes: 2048 });
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let k = 0; k < 20; k++) {
      const raw = await rawSocket(port);
      raw.socket.on('error', () => {});
      const bytes = Buffer.alloc(1 + (random() % 600));
      for (let i = 0; i < bytes.length; i++) bytes[i] = random() & 0xff;
      // Half the streams carry a plausible length header followed by garbage.
      if (k % 2 === 0 && bytes.length > 2) bytes.writeUInt16BE(Math.min(bytes.length - 2, 2048), 0);
      raw.socket.write(bytes);
    }
    const c = await client(port);
    const answers = await Promise.all([1, 2, 3].map((i) => c.request(request(i))));
    expect(answers.map((a) => a.fields[39])).toEqual(['00', '00', '00']);
    expect(server.connections).toBeGreaterThanOrEqual(1);
  });
});
