/**
 * The server's own requests to a connected peer: `server.on('connection')`, `server.peers()` and `peer.request`,
 * matched like the client's. Peers are raw sockets the test answers by hand, so which request is answered, late or
 * never is decided here, never by the clock.
 */
import { connect as rawConnect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createServer, encodeFrame, type FramingSpec, isIso8583NetError, type PeerConnection, readFrames, type Server } from '../../src/net/index.js';
import { approve, capture, codec, echo, type IsoMessage, rawSocket, startServer, wire } from './helpers/loopback.js';

const code = (e: unknown): string => (isIso8583NetError(e) ? e.code : `not a net error: ${String(e)}`);

/** The next peer the server accepts. */
function nextPeer(server: Server<IsoMessage>): Promise<PeerConnection<IsoMessage>> {
  return new Promise((resolve) => {
    const stop = server.on('connection', (peer) => {
      stop();
      resolve(peer);
    });
  });
}

/** A server whose handler counts its calls, a raw peer connected to it, and the peer as the server sees it. */
async function linked(extra: Parameters<typeof startServer>[1] = {}) {
  const calls: IsoMessage[] = [];
  const { server, port } = await startServer((m) => {
    calls.push(m);
    return approve(m);
  }, extra);
  const accepted = nextPeer(server);
  const raw = await rawSocket(port);
  const peer = await accepted;
  return { server, port, raw, peer, calls };
}

describe('server.on("connection") and server.peers()', () => {
  it('hands over each accepted peer with its id, address and time, and lists the peers connected now', async () => {
    const { server, port } = await startServer(approve);
    const seen: PeerConnection<IsoMessage>[] = [];
    server.on('connection', (p) => seen.push(p));
    const before = Date.now();
    const first = nextPeer(server);
    const a = await rawSocket(port);
    await first;
    const second = nextPeer(server);
    await rawSocket(port);
    await second;
    expect(seen.map((p) => p.id)).toEqual([1, 2]);
    expect(seen[0]!.remoteAddress).toBe('127.0.0.1');
    expect(seen[0]!.remotePort).toBe(a.socket.localPort);
    expect(seen[0]!.since).toBeGreaterThanOrEqual(before);
    expect(seen[0]!.tls).toBeUndefined();
    expect(seen[0]!.open).toBe(true);
    expect(server.peers()).toEqual(seen);
    a.socket.destroy();
    expect(await seen[0]!.closed).toBe('peer');
    expect(seen[0]!.open).toBe(false);
    expect(server.peers().map((p) => p.id)).toEqual([2]);
  });

  it('stops calling a listener once its returned function is called', async () => {
    const { server, port } = await startServer(approve);
    const seen: number[] = [];
    const stop = server.on('connection', (p) => seen.push(p.id));
    const first = nextPeer(server);
    await rawSocket(port);
    await first;
    stop();
    const second = nextPeer(server);
    await rawSocket(port);
    await second;
    expect(seen).toEqual([1]);
  });

  it('logs a listener that throws and serves the connection all the same', async () => {
    const log = capture();
    const { server, port } = await startServer(approve, { logger: log.logger });
    server.on('connection', () => {
      throw new TypeError('4111111111111111');
    });
    const raw = await rawSocket(port);
    raw.socket.write(wire(echo(1)));
    expect((await raw.next()).fields[39]).toBe('00');
    expect(log.entries.find((e) => e.event === 'listener failed')).toEqual({ level: 'error', event: 'listener failed', meta: { event: 'connection', error: 'TypeError' } });
    expect(log.lines().join('\n')).not.toContain('4111111111111111');
  });

  it('refuses an unknown event or a listener that is not a function with INVALID_OPTION', async () => {
    const { server } = await startServer(approve);
    const failure = (run: () => unknown) => {
      try {
        run();
      } catch (e) {
        return isIso8583NetError(e) ? { code: e.code, option: e.option } : e;
      }
      return undefined;
    };
    expect(failure(() => server.on('close' as 'connection', () => undefined))).toEqual({ code: 'INVALID_OPTION', option: 'event' });
    expect(failure(() => server.on('connection', 42 as unknown as () => void))).toEqual({ code: 'INVALID_OPTION', option: 'listener' });
  });
});

describe('a request the server sends a peer', () => {
  it('resolves with the answer the peer sends back, which never reaches the handler', async () => {
    const { server, raw, peer, calls } = await linked();
    const answer = peer.request(echo(7));
    const asked = await raw.next();
    expect(asked).toEqual(echo(7));
    raw.socket.write(wire(approve(asked)));
    expect(await answer).toEqual({ mti: '0810', fields: { 11: '000007', 39: '00', 41: 'TERM0001' } });
    expect(calls).toEqual([]);
    expect(server.stats).toMatchObject({ framesReceived: 1, responsesAsRequests: 0, malformedFrames: 0 });
    expect(peer.stats).toEqual({ sent: 1, answered: 1, timedOut: 0, aborted: 0, closed: 0, inFlight: 0, refused: 0, late: 0, unmatched: 0, messagesSent: 0 });
  });

  it('pairs each of many answers sent back in reverse order with its own request', async () => {
    const { raw, peer } = await linked();
    const answers = Array.from({ length: 20 }, (_, i) => peer.request(echo(i + 1)));
    const asked: IsoMessage[] = [];
    for (let i = 0; i < 20; i++) asked.push(await raw.next());
    expect(peer.pending).toBe(20);
    raw.socket.write(Buffer.concat(asked.reverse().map((m) => wire(approve(m)))));
    expect((await Promise.all(answers)).map((a) => a.fields[11])).toEqual(Array.from({ length: 20 }, (_, i) => String(i + 1).padStart(6, '0')));
  });

  it('serves the peer\'s own requests while the server\'s wait on the same connection', async () => {
    const { raw, peer, calls } = await linked();
    const answer = peer.request(echo(1, 'SERVER01'));
    const asked = await raw.next();
    raw.socket.write(wire(echo(2)));
    expect((await raw.next()).fields).toEqual({ 11: '000002', 39: '00', 41: 'TERM0001' });
    raw.socket.write(wire(approve(asked)));
    expect((await answer).fields[41]).toBe('SERVER01');
    expect(calls.map((m) => m.fields[11])).toEqual(['000002']);
  });

  it('times out with TIMEOUT, keeps its key in doubt, and counts the answer that comes later as late, not as a bad frame', async () => {
    const log = capture();
    const { server, raw, peer, calls } = await linked({ logger: log.logger, maxBadFrames: 1 });
    // 1 ms: the peer below answers only after the test has seen the timeout, so the outcome never depends on speed.
    const answer = peer.request(echo(3), { timeoutMs: 1 }).catch((e: unknown) => e);
    const asked = await raw.next();
    expect(code(await answer)).toBe('TIMEOUT');
    expect(code(await peer.request(echo(3)).catch((e: unknown) => e))).toBe('KEY_IN_DOUBT');
    raw.socket.write(wire(approve(asked)));
    raw.socket.write(wire(approve(asked))); // a second copy matches nothing any more: a bad frame
    raw.socket.write(wire(echo(4)));
    expect((await raw.next()).fields[11]).toBe('000004');
    expect(peer.stats).toMatchObject({ sent: 1, timedOut: 1, late: 1, unmatched: 1, refused: 1, inFlight: 0 });
    expect(server.stats).toMatchObject({ responsesAsRequests: 1, connectionsOpen: 1 });
    expect(calls.map((m) => m.fields[11])).toEqual(['000004']);
    expect(log.entries.filter((e) => e.event === 'response without a pending request').map((e) => e.meta)).toEqual([{ mti: '0810', reason: 'late' }]);
  });

  it('takes its default timeout from requestTimeoutMs', async () => {
    const { server, raw, peer } = await linked({ requestTimeoutMs: 1 });
    expect(server.limits.requestTimeoutMs).toBe(1);
    const answer = peer.request(echo(5)).catch((e: unknown) => e);
    await raw.next();
    expect(code(await answer)).toBe('TIMEOUT');
  });

  it('frees a timed-out key at once with lateWindowMs 0', async () => {
    const { raw, peer } = await linked({ lateWindowMs: 0 });
    const first = peer.request(echo(6), { timeoutMs: 1 }).catch((e: unknown) => e);
    await raw.next();
    expect(code(await first)).toBe('TIMEOUT');
    const second = peer.request(echo(6));
    const asked = await raw.next();
    raw.socket.write(wire(approve(asked)));
    expect((await second).fields[11]).toBe('000006');
  });

  it('rejects with ABORTED when its signal aborts, and writes nothing when it had aborted before', async () => {
    const { raw, peer } = await linked();
    const early = new AbortController();
    early.abort();
    expect(code(await peer.request(echo(1), { signal: early.signal }).catch((e: unknown) => e))).toBe('ABORTED');
    const late = new AbortController();
    const answer = peer.request(echo(2), { signal: late.signal });
    expect((await raw.next()).fields[11]).toBe('000002'); // the first frame the peer ever gets
    late.abort();
    expect(code(await answer.catch((e: unknown) => e))).toBe('ABORTED');
    expect(peer.stats).toMatchObject({ sent: 1, aborted: 1, refused: 1, inFlight: 0 });
  });

  it('rejects with CLOSED when the connection closes while it waits, and is refused CLOSED after', async () => {
    const { raw, peer } = await linked();
    const answers = [peer.request(echo(1)), peer.request(echo(2))];
    await raw.next();
    await raw.next();
    raw.socket.destroy();
    expect(await Promise.all(answers.map((a) => a.catch(code)))).toEqual(['CLOSED', 'CLOSED']);
    expect(await peer.closed).toBe('peer');
    expect(code(await peer.request(echo(3)).catch((e: unknown) => e))).toBe('CLOSED');
    expect(code((() => {
      try {
        peer.send(echo(4));
      } catch (e) {
        return e;
      }
      return undefined;
    })())).toBe('CLOSED');
    const s = peer.stats;
    expect(s).toMatchObject({ sent: 2, closed: 2, refused: 1 });
    expect(s.sent).toBe(s.answered + s.timedOut + s.aborted + s.closed + s.inFlight);
  });

  it('rejects with CLOSED when the server closes, and is refused CLOSED once close() began', async () => {
    const { server, raw, peer } = await linked();
    const answer = peer.request(echo(1)).catch((e: unknown) => e);
    await raw.next();
    const closing = server.close(100);
    expect(code(await peer.request(echo(2)).catch((e: unknown) => e))).toBe('CLOSED');
    expect(code(await answer)).toBe('CLOSED');
    await closing;
    expect(await peer.closed).toBe('serverClose');
  });

  it('refuses a second request under a key in flight with DUPLICATE_KEY, an unknown option and a bad message before writing', async () => {
    const { raw, peer } = await linked();
    const answer = peer.request(echo(1));
    expect(code(await peer.request(echo(1)).catch((e: unknown) => e))).toBe('DUPLICATE_KEY');
    const bad = await peer.request(echo(2), { timeout: 5 } as object).catch((e: unknown) => e);
    expect(isIso8583NetError(bad) && [bad.code, bad.option]).toEqual(['INVALID_OPTION', 'options.timeout']);
    expect(await peer.request(null as unknown as IsoMessage).catch((e: { code?: string }) => e.code)).toBe('INVALID_MESSAGE');
    const asked = await raw.next();
    raw.socket.write(wire(approve(asked)));
    await answer;
    expect(peer.stats).toMatchObject({ sent: 1, answered: 1, refused: 3 });
  });

  it('sends a message that expects no answer with send, counted messagesSent', async () => {
    const { raw, peer } = await linked();
    peer.send({ mti: '0820', fields: { 11: '000001', 41: 'TERM0001', 70: '301' } });
    expect(await raw.next()).toEqual({ mti: '0820', fields: { 11: '000001', 41: 'TERM0001', 70: '301' } });
    expect(peer.stats).toMatchObject({ messagesSent: 1, sent: 0, inFlight: 0 });
  });

  it('pairs answers by the server\'s own key function when given one', async () => {
    // The peer answers under a STAN of its own, with the request's STAN in DE37 (12 characters): only this key pairs them.
    const key = (m: IsoMessage, isRequest: boolean): string => (isRequest ? String(m.fields[11]).padStart(12, '0') : String(m.fields[37]));
    const { raw, peer } = await linked({ key });
    const answer = peer.request(echo(11));
    await raw.next();
    raw.socket.write(wire({ mti: '0810', fields: { 11: '999999', 37: '000000000011', 39: '00' } }));
    expect((await answer).fields).toEqual({ 11: '999999', 37: '000000000011', 39: '00' });
  });
});

describe('the request context', () => {
  it('names the peer, so a handler can ask the peer a question before it answers', async () => {
    let peerSeen: PeerConnection<IsoMessage> | undefined;
    const { server, port } = await startServer(async (m, ctx) => {
      peerSeen = ctx.peer;
      const check = await ctx.peer!.request({ mti: '0800', fields: { 11: '900001', 41: 'SERVER01', 70: '301' } });
      return { ...approve(m), fields: { ...approve(m).fields, 39: check.fields[39] === '00' ? '00' : '91' } };
    });
    const accepted = nextPeer(server);
    const raw = await rawSocket(port);
    const peer = await accepted;
    raw.socket.write(wire({ mti: '0100', fields: { 3: '000000', 4: '000000001000', 11: '000001', 41: 'TERM0001' } }));
    const question = await raw.next();
    expect(question.fields[11]).toBe('900001');
    raw.socket.write(wire(approve(question)));
    const answer = await raw.next();
    expect(answer).toMatchObject({ mti: '0110', fields: { 11: '000001', 39: '00' } });
    expect(peerSeen).toBe(peer);
  });
});

describe('a fixed header on a request to a peer', () => {
  it('is sent as given, and requestWithHeader gives back the header the answer came with', async () => {
    const TPDU: FramingSpec = { length: 'binary2', headerBytes: 5 };
    const server = createServer({ codec, framing: TPDU, handler: approve });
    const { port } = await server.listen(0);
    try {
      const accepted = nextPeer(server);
      const socket = rawConnect({ host: '127.0.0.1', port });
      socket.on('error', () => undefined);
      const frames = readFrames(socket, TPDU)[Symbol.asyncIterator]();
      const peer = await accepted;
      const answer = peer.requestWithHeader(echo(1), { header: Uint8Array.of(0x60, 0, 1, 0, 2) });
      const got = (await frames.next()).value!;
      expect([...got.header!]).toEqual([0x60, 0, 1, 0, 2]);
      socket.write(encodeFrame(TPDU, { header: Uint8Array.of(0x60, 0, 2, 0, 1), message: codec.encode(approve(codec.decode(got.message))) }));
      const { message, header } = await answer;
      expect([message.mti, [...header!]]).toEqual(['0810', [0x60, 0, 2, 0, 1]]);
      const wrong = await peer.request(echo(2), { header: Uint8Array.of(1) }).catch((e: unknown) => e);
      expect(isIso8583NetError(wrong) && [wrong.code, wrong.option]).toEqual(['INVALID_OPTION', 'options.header']);
      socket.destroy();
    } finally {
      await server.close(100);
    }
  });
});

describe('server options for requests to peers', () => {
  it('refuses a bad requestTimeoutMs, lateWindowMs or key with INVALID_OPTION naming it', () => {
    const option = (extra: object): unknown => {
      try {
        createServer({ codec, framing: { length: 'binary2' }, handler: approve, ...extra });
      } catch (e) {
        return isIso8583NetError(e) ? e.option : e;
      }
      return undefined;
    };
    expect(option({ requestTimeoutMs: 0 })).toBe('options.requestTimeoutMs');
    expect(option({ requestTimeoutMs: 1.5 })).toBe('options.requestTimeoutMs');
    expect(option({ lateWindowMs: -1 })).toBe('options.lateWindowMs');
    expect(option({ key: 'stan' })).toBe('options.key');
  });
});
