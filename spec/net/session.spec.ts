import { afterEach, describe, expect, it } from 'vitest';
import { isIso8583NetError, openSession, type SessionStats } from '../../src/net/index.js';
import { caught } from './helpers/caught.js';
import { expectUnread, unreadable } from './helpers/hostile.js';
import { capture, codec, framing, HANG_GUARD_MS, type IsoMessage } from './helpers/loopback.js';
import { type Network, startNetwork } from './helpers/network-peer.js';
import { nextStan, purchase, rejection, signOff, signOn, startSession } from './helpers/session-fixtures.js';

const networks: Network[] = [];
afterEach(async () => {
  await Promise.all(networks.splice(0).map((n) => n.close()));
});
async function network(...args: Parameters<typeof startNetwork>): Promise<Network> {
  const n = await startNetwork(...args);
  networks.push(n);
  return n;
}

const approveIn = (m: IsoMessage): IsoMessage => ({ mti: '0110', fields: { 11: m.fields[11], 39: '00', 41: m.fields[41] } });
const codeOf = (e: unknown): string | undefined => (isIso8583NetError(e) ? e.code : undefined);

describe('openSession', () => {
  it('counts as up only after the sign-on is answered, then carries requests both ways on the one link', async () => {
    const net = await network();
    const { session, changes } = startSession(net.port, { handler: approveIn });
    await session.whenUp();
    expect(changes.map((c) => [c.previous, c.status])).toEqual([
      ['connecting', 'signing-on'],
      ['signing-on', 'up'],
    ]);
    expect(net.links[0]!.management).toEqual(['001']);
    const answer = await session.request(purchase(1234));
    expect(answer).toMatchObject({ mti: '0110', fields: { 4: '000000001234', 39: '00' } });
    net.links[0]!.send({ mti: '0100', fields: { 3: '000000', 4: '000000000100', 11: '900001', 41: 'NETTERM1' } });
    expect(await net.answerTo('900001')).toMatchObject({ mti: '0110', fields: { 39: '00', 41: 'NETTERM1' } });
    expect(net.links).toHaveLength(1);
    expect(session.stats).toMatchObject<Partial<SessionStats>>({ sent: 2, answered: 2, inFlight: 0, requestsReceived: 1, requestsAnswered: 1, reconnects: 0 });
  });

  it('rejects a request at once with NOT_UP while the link is not up, and waits for it when asked to', async () => {
    const net = await network();
    const { session } = startSession(net.port);
    expect(session.status).toBe('connecting');
    const early = await rejection(session.request(purchase(1)));
    expect(codeOf(early)).toBe('NOT_UP');
    const waited = await session.request(purchase(2), { waitForUp: true });
    expect(waited.fields[4]).toBe('000000000002');
    expect(net.links[0]!.requests).toHaveLength(1);
    expect(session.stats.refused).toBe(1);
  });

  it('refuses requests with NOT_UP while it signs on, and writes none of them', async () => {
    const net = await network();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { session, next } = startSession(net.port, {
      signOn: async (link) => {
        await gate;
        await signOn(link);
      },
    });
    await next((c) => c.status === 'signing-on');
    expect(codeOf(await rejection(session.request(purchase(1))))).toBe('NOT_UP');
    release();
    await session.whenUp();
    expect(net.links[0]!.requests).toEqual([]);
  });

  it('rejects a waiting request with NOT_UP when the link is not up within its timeout', async () => {
    const { session } = startSession(1, { socket: () => new Promise(() => undefined) });
    expect(codeOf(await rejection(session.request(purchase(1), { waitForUp: true, timeoutMs: 1 })))).toBe('NOT_UP');
  });

  it('answers a request whose handler throws with the system error (DE39 96) and logs the failure with its code, never its text', async () => {
    const net = await network();
    const log = capture();
    const failing = (): IsoMessage => {
      throw Object.assign(new Error('card 4111111111111111 declined'), { code: 'ECONNRESET' });
    };
    const { session } = startSession(net.port, { handler: failing, logger: log.logger });
    await session.whenUp();
    net.links[0]!.send({ mti: '0100', fields: { 3: '000000', 4: '000000000100', 11: '900002', 41: 'NETTERM1' } });
    expect(await net.answerTo('900002')).toMatchObject({ mti: '0110', fields: { 11: '900002', 39: '96', 41: 'NETTERM1' } });
    expect(log.entries).toContainEqual({ level: 'error', event: 'handler failed', meta: { mti: '0100', error: 'Error', code: 'ECONNRESET' } });
    expect(log.lines().join('\n')).not.toContain('4111');
    expect(session.stats).toMatchObject({ handlerErrors: 1, requestsReceived: 1, requestsAnswered: 1 });
  });

  it('rejects requests in flight with LINK_DOWN when the link drops, never writes them again, and signs on again on a new link', async () => {
    const net = await network({ hold: () => new Promise(() => undefined) });
    const { session } = startSession(net.port);
    await session.whenUp();
    const inFlight = [1, 2, 3].map((n) => rejection(session.request(purchase(n))));
    await new Promise<void>((r) => {
      const check = (): void => (net.links[0]!.requests.length === 3 ? r() : void setImmediate(check));
      check();
    });
    net.links[0]!.socket.destroy();
    expect((await Promise.all(inFlight)).map(codeOf)).toEqual(['LINK_DOWN', 'LINK_DOWN', 'LINK_DOWN']);
    await net.signedOn(2);
    await session.whenUp();
    expect(net.links[1]!.requests).toEqual([]);
    expect(session.stats).toMatchObject({ sent: 5, linkDown: 3, reconnects: 1, inFlight: 0 });
  });

  it('reports an answer that comes after its request timed out to onUnmatched as late, and counts it', async () => {
    let release!: () => void;
    const net = await network({ hold: () => new Promise<void>((r) => (release = r)) });
    const late: [string, string][] = [];
    const { session } = startSession(net.port, { onUnmatched: (m, reason) => late.push([m.mti, reason]) });
    await session.whenUp();
    // The timeout is this test's subject: the answer is held until the request has timed out.
    expect(codeOf(await rejection(session.request(purchase(5), { timeoutMs: 1 })))).toBe('TIMEOUT');
    await new Promise<void>((r) => {
      const check = (): void => (net.links[0]!.requests.length === 1 ? r() : void setImmediate(check));
      check();
    });
    release();
    await new Promise<void>((r) => {
      const check = (): void => (late.length > 0 ? r() : void setImmediate(check));
      check();
    });
    expect(late).toEqual([['0110', 'late']]);
    expect(session.stats).toMatchObject({ timedOut: 1, late: 1, inFlight: 0 });
  });

  it('logs the link events by name and reason, never the contents of a message', async () => {
    const net = await network({ signOnCode: (n) => (n === 1 ? '91' : '00') });
    const log = capture();
    const { session } = startSession(net.port, { logger: log.logger });
    await session.whenUp();
    const withPan: IsoMessage = { ...purchase(42), fields: { ...purchase(42).fields, 2: '4111111111111111' } };
    await session.request(withPan);
    net.links[1]!.socket.destroy();
    await log.when((e) => e.event === 'session link down');
    await session.whenUp();
    const events = log.entries.map((e) => e.event);
    expect(events).toContain('sign-on failed');
    expect(log.entries).toContainEqual({ level: 'warn', event: 'session link down', meta: { reason: 'peerClosed' } });
    expect(log.entries).toContainEqual(expect.objectContaining({ level: 'info', event: 'session status', meta: expect.objectContaining({ status: 'up', previous: 'signing-on' }) }));
    expect(log.lines().join('\n')).not.toMatch(/4111|411111/);
  });

  it('closes a link whose sign-on is refused and dials again', async () => {
    const net = await network({ signOnCode: (n) => (n === 1 ? '91' : '00') });
    const { session, changes } = startSession(net.port);
    await session.whenUp();
    expect(changes.map((c) => [c.status, c.reason])).toEqual([
      ['signing-on', undefined],
      ['down', 'signOnFailed'],
      ['connecting', undefined],
      ['signing-on', undefined],
      ['up', undefined],
    ]);
    expect(net.links.map((l) => l.management)).toEqual([['001'], ['001']]);
    expect(session.stats).toMatchObject({ failedAttempts: 1, reconnects: 0 });
  });

  it('closes gracefully: nothing new is written, the request in flight is answered, then it signs off and closes', async () => {
    let release!: () => void;
    const net = await network({ hold: () => new Promise<void>((r) => (release = r)) });
    const { session, changes } = startSession(net.port, { signOff });
    await session.whenUp();
    const pending = session.request(purchase(7));
    await new Promise<void>((r) => {
      const check = (): void => (net.links[0]!.requests.length === 1 ? r() : void setImmediate(check));
      check();
    });
    const closing = session.close({ deadlineMs: HANG_GUARD_MS });
    expect(session.status).toBe('draining');
    expect(codeOf(await rejection(session.request(purchase(8))))).toBe('CLOSED');
    expect(net.links[0]!.management).toEqual(['001']);
    release();
    expect((await pending).fields[4]).toBe('000000000007');
    await closing;
    await session.closed;
    expect(net.links[0]!.management).toEqual(['001', '002']);
    expect(changes.map((c) => c.status).slice(-2)).toEqual(['draining', 'closed']);
    expect(net.links[0]!.requests).toHaveLength(1);
  });

  it('rejects with CLOSED what is still in flight when the close deadline passes', async () => {
    const net = await network({ hold: () => new Promise(() => undefined) });
    const { session } = startSession(net.port);
    await session.whenUp();
    const pending = rejection(session.request(purchase(9)));
    await session.close({ deadlineMs: 0 });
    expect(codeOf(await pending)).toBe('CLOSED');
    expect(session.status).toBe('closed');
    expect(session.stats).toMatchObject({ linkDown: 1, inFlight: 0 });
  });

  it('reports a refused dial as down with its system code and the backoff delay, and close cancels the wait', async () => {
    const net = await network();
    const port = net.port;
    await net.close();
    networks.splice(0);
    const { session, next } = startSession(port, { backoff: { minMs: HANG_GUARD_MS, maxMs: HANG_GUARD_MS, jitter: 0 } });
    const down = await next((c) => c.status === 'down');
    expect(down).toMatchObject({ reason: 'connectFailed', code: 'ECONNREFUSED', retryInMs: HANG_GUARD_MS, failures: 0 });
    await session.close();
    expect(session.status).toBe('closed');
    expect(session.stats.failedAttempts).toBe(1);
  });

  it('abandons a dial that does not connect within connectTimeoutMs', async () => {
    const { next } = startSession(1, { socket: () => new Promise(() => undefined), connectTimeoutMs: 1 });
    expect(await next((c) => c.status === 'down')).toMatchObject({ reason: 'connectTimeout' });
  });

  it('closes for good when the link goes down and reconnect is false', async () => {
    const net = await network();
    const { session } = startSession(net.port, { reconnect: false });
    await session.whenUp();
    net.links[0]!.socket.destroy();
    await session.closed;
    expect(session.status).toBe('closed');
    expect(net.links).toHaveLength(1);
    expect(codeOf(await rejection(session.request(purchase(1))))).toBe('CLOSED');
    expect(codeOf(await rejection(session.whenUp()))).toBe('CLOSED');
  });

  it('refuses a bad option with INVALID_OPTION, naming it', () => {
    expect(() => startSession(8583, { backoff: { minMs: 10, maxMs: 5 } })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', option: 'options.backoff.maxMs' }));
    expect(() => startSession(8583, { keepAlive: { idleMs: 0, echo: () => ({ mti: '0800', fields: { 11: nextStan(), 70: '301' } }) } })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION', option: 'options.keepAlive.idleMs' }),
    );
    expect(() => startSession(8583, { reconect: true } as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', option: 'options.reconect' }));
  });

  const base = { host: '127.0.0.1', port: 8583, codec, framing };
  const open = (options: object) => () => (openSession as (o: unknown) => unknown)(options);
  for (const [form, value] of unreadable(base, 'host')) {
    it(`refuses ${form} as options with INVALID_OPTION naming options, without the thrown text, before it dials`, () => {
      expectUnread(caught(open(value)), 'INVALID_OPTION', 'options');
    });
  }
  for (const [form, value] of unreadable(framing, 'length')) {
    it(`refuses ${form} as framing with INVALID_FRAMING naming options.framing, without the thrown text, before it dials`, () => {
      expectUnread(caught(open({ ...base, framing: value })), 'INVALID_FRAMING', 'options.framing');
    });
  }
  for (const [form, value] of unreadable({ idleMs: 1000, echo: () => ({ mti: '0800', fields: { 70: '301' } }) }, 'echo')) {
    it(`refuses ${form} as keepAlive with INVALID_OPTION naming options.keepAlive, without the thrown text, before it dials`, () => {
      expectUnread(caught(open({ ...base, keepAlive: value })), 'INVALID_OPTION', 'options.keepAlive');
    });
  }

  it('refuses request and close options that cannot be read with INVALID_OPTION naming options, without the thrown text', async () => {
    const net = await network();
    const { session } = startSession(net.port, { handler: approveIn });
    await session.whenUp();
    const request = session.request as (m: unknown, o: unknown) => Promise<unknown>;
    const close = session.close as (o: unknown) => Promise<void>;
    const { sent, refused } = session.stats;
    for (const [, value] of unreadable({ timeoutMs: 1000 }, 'timeoutMs')) {
      expectUnread(await request(purchase(1), value).catch((x: unknown) => x), 'INVALID_OPTION', 'options');
    }
    for (const [, value] of unreadable({ deadlineMs: 0 }, 'deadlineMs')) expectUnread(caught(() => close(value)), 'INVALID_OPTION', 'options');
    expect(session.stats).toMatchObject<Partial<SessionStats>>({ sent, refused: refused + 3, inFlight: 0 });
    expect(session.status).toBe('up');
  });

  it('refuses a missing, bad or misspelt framing with INVALID_FRAMING, naming it, before it dials', () => {
    expect(() => startSession(8583, { framing: undefined } as never)).toThrow(expect.objectContaining({ code: 'INVALID_FRAMING', option: 'options.framing' }));
    expect(() => startSession(8583, { framing: { length: 'binary3' } as never })).toThrow(expect.objectContaining({ code: 'INVALID_FRAMING', option: 'options.framing.length' }));
    expect(() => startSession(8583, { framing: { length: 'binary2', header: 5 } as never })).toThrow(expect.objectContaining({ code: 'INVALID_FRAMING', option: 'options.framing.header' }));
  });
});
