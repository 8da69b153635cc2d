/**
 * Loopback fixtures for the net tests: servers, clients and raw sockets that are all closed after each test, and
 * a logger whose entries can be awaited (tests wait for the event itself, never for a delay).
 */
import { connect as rawConnect, type Socket } from 'node:net';
import { afterEach } from 'vitest';
import { createCodec, type Infer, presets, responseMti } from '../../../src/index.js';
import {
  type Client,
  type ClientOptions,
  connect,
  createServer,
  encodeFrame,
  type FramingSpec,
  type Handler,
  type NetLogger,
  type RequestContext,
  readFrames,
  type Server,
  type ServerOptions,
} from '../../../src/net/index.js';

export const codec = createCodec(presets.iso87ascii);
export type IsoMessage = Infer<typeof presets.iso87ascii>;
export const framing: FramingSpec = { length: 'binary2' };

const open: { servers: Server[]; clients: Client<IsoMessage>[]; sockets: Socket[] } = { servers: [], clients: [], sockets: [] };

afterEach(async () => {
  for (const s of open.sockets) s.destroy();
  await Promise.all(open.clients.map((c) => c.close()));
  await Promise.all(open.servers.map((s) => s.close(100)));
  open.servers = [];
  open.clients = [];
  open.sockets = [];
});

/** Answers every request: response MTI, DE11 and DE41 echoed, DE39 `00`. */
export const approve = (m: IsoMessage, _ctx?: RequestContext): IsoMessage => ({
  mti: responseMti(m.mti),
  fields: { 11: m.fields[11], 39: '00', 41: m.fields[41] },
});

export async function startServer(handler: Handler<IsoMessage>, extra: Partial<ServerOptions<IsoMessage>> = {}, f: FramingSpec = framing) {
  const server = createServer({ codec, framing: f, handler, ...extra });
  open.servers.push(server);
  const { port } = await server.listen(0);
  return { server, port };
}

/**
 * The request timeout of test clients unless a test sets its own: a hang guard only, far above the test's own
 * timeout, so that an answer the test waits for is never cut short by a loaded machine (the library's default,
 * 5 s, is a network's figure, not a test's).
 */
export const HANG_GUARD_MS = 600_000;

export async function startClient(port: number, extra: Partial<ClientOptions<IsoMessage>> = {}, f: FramingSpec = framing) {
  const c = await connect({ host: '127.0.0.1', port, codec, framing: f, timeoutMs: HANG_GUARD_MS, ...extra });
  open.clients.push(c);
  return c;
}

/** An echo request (0800, DE70 301) with the given STAN. */
export function echo(stan: number, terminal = 'TERM0001'): IsoMessage {
  return { mti: '0800', fields: { 11: String(stan % 1_000_000).padStart(6, '0'), 41: terminal, 70: '301' } };
}

/** The wire bytes of one framed message. */
export function wire(message: IsoMessage): Uint8Array {
  return encodeFrame(framing, { message: codec.encode(message) });
}

/** A raw socket (bytes the library's client would never send), closed after the test. */
export async function rawSocket(port: number): Promise<{ socket: Socket; closed: Promise<void>; next: () => Promise<IsoMessage> }> {
  const socket = rawConnect({ host: '127.0.0.1', port });
  open.sockets.push(socket);
  socket.on('error', () => {});
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  await new Promise<void>((r) => socket.once('connect', () => r()));
  let frames: AsyncIterator<{ message: Uint8Array }> | undefined;
  return {
    socket,
    closed,
    next: async () => {
      frames ??= readFrames(socket, framing)[Symbol.asyncIterator]();
      return codec.decode((await frames.next()).value!.message);
    },
  };
}

export interface LogEntry {
  readonly level: 'info' | 'warn' | 'error';
  readonly event: string;
  readonly meta: Record<string, unknown>;
}

/** A logger that keeps every entry and lets a test await the entry it expects. */
export function capture(): { logger: NetLogger; entries: LogEntry[]; lines: () => string[]; when: (match: (e: LogEntry) => boolean, count?: number) => Promise<void> } {
  const entries: LogEntry[] = [];
  const waiters: { match: (e: LogEntry) => boolean; count: number; resolve: () => void }[] = [];
  const log = (level: LogEntry['level']) => (event: string, meta?: Record<string, unknown>) => {
    const entry = { level, event, meta: meta ?? {} };
    entries.push(entry);
    for (const w of [...waiters]) {
      if (w.match(entry) && --w.count === 0) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  return {
    logger: { info: log('info'), warn: log('warn'), error: log('error') },
    entries,
    lines: () => entries.map((e) => `${e.level} ${e.event} ${JSON.stringify(e.meta)}`),
    when: (match, count = 1) =>
      new Promise<void>((resolve) => {
        const seen = entries.filter(match).length;
        if (seen >= count) return resolve();
        waiters.push({ match, count: count - seen, resolve });
      }),
  };
}

/** Matches a `connection closed` entry with the given reason. */
export const closedBy = (reason: string) => (e: LogEntry) => e.event === 'connection closed' && e.meta['reason'] === reason;
