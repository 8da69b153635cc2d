import { connect as rawConnect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createCodec, type Infer, presets, responseMti } from '../../src/index.js';
import {
  type Client,
  type ClientOptions,
  connect,
  encodeFrame,
  type FramingSpec,
  type Handler,
  isIso8583NetError,
  type NetLogger,
  readFrames,
  type Server,
  type ServerOptions,
  createServer,
} from '../../src/net/index.js';

const codec = createCodec(presets.iso87ascii);
type Message = Infer<typeof presets.iso87ascii>;
const PAN = '4111111111111111';
const framing: FramingSpec = { length: 'binary2' };
const open: { servers: Server[]; clients: Client<Message>[]; sockets: Socket[] } = { servers: [], clients: [], sockets: [] };

afterEach(async () => {
  for (const s of open.sockets) s.destroy();
  await Promise.all(open.clients.map((c) => c.close()));
  await Promise.all(open.servers.map((s) => s.close(100)));
  open.servers = [];
  open.clients = [];
  open.sockets = [];
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const approve: Handler<Message> = (m) => ({ mti: responseMti(m.mti), fields: { 11: m.fields[11], 39: '00', 41: m.fields[41] } });

async function start(handler: Handler<Message>, extra: Partial<ServerOptions<Message>> = {}, f: FramingSpec = framing) {
  const server = createServer({ codec, framing: f, handler, ...extra });
  open.servers.push(server);
  const { port } = await server.listen(0);
  return { server, port };
}

async function client(port: number, extra: Partial<ClientOptions<Message>> = {}, f: FramingSpec = framing) {
  const c = await connect({ host: '127.0.0.1', port, codec, framing: f, ...extra });
  open.clients.push(c);
  return c;
}

function request(stan: number, terminal = 'TERM0001'): Message {
  return { mti: '0100', fields: { 2: PAN, 4: '000000001000', 11: String(stan).padStart(6, '0'), 41: terminal } };
}

/** A raw socket with a frame reader, for sending bytes the client never would. */
async function rawSocket(port: number) {
  const socket = rawConnect({ host: '127.0.0.1', port });
  open.sockets.push(socket);
  await new Promise<void>((r) => socket.once('connect', () => r()));
  const frames = readFrames(socket, framing)[Symbol.asyncIterator]();
  return { socket, next: async () => codec.decode((await frames.next()).value!.message) };
}

function capture(): { logger: NetLogger; lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (event: string, meta?: Record<string, unknown>) => lines.push(`${level} ${event} ${JSON.stringify(meta ?? {})}`);
  return { logger: { info: log('info'), warn: log('warn'), error: log('error') }, lines };
}

describe('client and server over loopback', () => {
  it('match 1,000 concurrent requests on one connection under random response order', async () => {
    const { port } = await start(async (m) => {
      await sleep(Math.random() * 20);
      return { mti: responseMti(m.mti), fields: { 4: m.fields[4], 11: m.fields[11], 39: '00', 41: m.fields[41] } };
    });
    const c = await client(port);
    const answers = await Promise.all(Array.from({ length: 1000 }, (_, i) => c.request(request(i))));
    answers.forEach((a, i) => {
      expect(a.mti).toBe('0110');
      expect(a.fields[11]).toBe(String(i).padStart(6, '0'));
    });
    expect(c.pending).toBe(0);
  });

  it('routes a response that arrives after its timeout to the late handler', async () => {
    const { port } = await start(async (m) => {
      await sleep(150);
      return approve(m, { header: undefined, remoteAddress: undefined });
    });
    const late: [Message, string][] = [];
    const c = await client(port, { onUnmatched: (m, reason) => late.push([m, reason]) });
    const error = await c.request(request(1), { timeoutMs: 30 }).catch((e: unknown) => e);
    expect(isIso8583NetError(error) && error.code).toBe('TIMEOUT');
    await sleep(250);
    expect(late).toHaveLength(1);
    expect(late[0]![1]).toBe('late');
    expect(late[0]![0].fields[11]).toBe('000001');
  });

  it('rejects a second request with the same key while the first is in flight', async () => {
    const { port } = await start(async (m) => {
      await sleep(30);
      return approve(m, { header: undefined, remoteAddress: undefined });
    });
    const c = await client(port);
    const first = c.request(request(7));
    const second = await c.request(request(7)).catch((e: unknown) => e);
    expect(isIso8583NetError(second) && second.code).toBe('DUPLICATE_KEY');
    expect((await first).fields[39]).toBe('00');
  });

  it('settles every pending request with CLOSED on close', async () => {
    const { port } = await start(async () => {
      await sleep(1000);
      return undefined;
    });
    const c = await client(port);
    const settled = [c.request(request(1)), c.request(request(2))].map((p) => p.catch((x: unknown) => x));
    await sleep(20);
    expect(c.pending).toBe(2);
    await c.close();
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
      return approve(m, { header: undefined, remoteAddress: undefined });
    });
    const c = await client(port);
    expect((await c.request(request(1))).fields[39]).toBe('96');
    expect((await c.request(request(2))).fields[39]).toBe('00');
  });

  it('closes only the connection that sends an oversized frame', async () => {
    const { port } = await start(approve, { maxFrameBytes: 1024 });
    const good = await client(port);
    const raw = await rawSocket(port);
    const closed = new Promise<void>((r) => raw.socket.once('close', () => r()));
    raw.socket.write(Buffer.from([0xea, 0x60, 1, 2, 3]));
    await closed;
    expect((await good.request(request(3))).fields[39]).toBe('00');
  });

  it('serves a slow-loris client and, meanwhile, everyone else', async () => {
    const { port } = await start(approve);
    const raw = await rawSocket(port);
    const wire = encodeFrame(framing, { message: codec.encode(request(42)) });
    const fast = await client(port);
    const dribble = (async () => {
      for (let i = 0; i < wire.length; i++) {
        raw.socket.write(wire.subarray(i, i + 1));
        if (i % 10 === 0) await sleep(2);
      }
    })();
    expect((await fast.request(request(1))).fields[39]).toBe('00');
    await dribble;
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
    let running = 0;
    let peak = 0;
    const { port } = await start(
      async (m) => {
        running++;
        peak = Math.max(peak, running);
        await sleep(5);
        running--;
        return approve(m, { header: undefined, remoteAddress: undefined });
      },
      { maxInFlightPerConnection: 4 },
    );
    const c = await client(port);
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => c.request(request(i))));
    expect(answers).toHaveLength(40);
    expect(peak).toBeLessThanOrEqual(4);
    expect(peak).toBeGreaterThan(1);
  });

  it('drains an in-flight slow handler on graceful close', async () => {
    let finished = false;
    const { server, port } = await start(async (m) => {
      await sleep(100);
      finished = true;
      return approve(m, { header: undefined, remoteAddress: undefined });
    });
    const c = await client(port);
    const answer = c.request(request(9));
    await sleep(20);
    await server.close(2000);
    expect(finished).toBe(true);
    expect((await answer).fields[39]).toBe('00');
  });

  it('never writes card data to the logs', async () => {
    const { logger, lines } = capture();
    const { port } = await start(
      (m) => {
        if (m.fields[11] === '000002') throw new Error(`bad card ${PAN}`);
        return approve(m, { header: undefined, remoteAddress: undefined });
      },
      { logger },
    );
    const c = await client(port, { logger });
    await c.request(request(1));
    await c.request(request(2));
    const raw = await rawSocket(port);
    raw.socket.write(encodeFrame(framing, { message: Buffer.concat([Buffer.from('0100'), Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('2A' + PAN)]) }));
    await raw.next();
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
    const { server, port } = await start(approve);
    await server.close(10);
    open.servers = [];
    const e = await connect({ host: '127.0.0.1', port, codec, framing }).catch((x: unknown) => x);
    expect(isIso8583NetError(e) && e.code).toBe('CONNECT_FAILED');
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
