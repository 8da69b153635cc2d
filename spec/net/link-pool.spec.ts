import { connect as tcpConnect, createServer as createTcpServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isIso8583NetError, openSessionPool, type PoolLinkChange, type PoolStatusChange, type SessionPool, type SessionPoolOptions, type SessionStats } from '../../src/net/index.js';
import { type FaultProxy, startFaultProxy } from './fault-proxy.js';
import { caught as thrown } from './helpers/caught.js';
import { expectUnread, unreadable } from './helpers/hostile.js';
import { codec, framing, HANG_GUARD_MS, type IsoMessage } from './helpers/loopback.js';
import { type Network, startNetwork } from './helpers/network-peer.js';
import { purchase, rejection, signOff, signOn } from './helpers/session-fixtures.js';

const networks: Network[] = [];
const proxies: FaultProxy[] = [];
const pools: SessionPool<IsoMessage>[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close({ deadlineMs: 0 })));
  await Promise.all(proxies.splice(0).map((p) => p.close()));
  await Promise.all(networks.splice(0).map((n) => n.close()));
});
async function network(...args: Parameters<typeof startNetwork>): Promise<Network> {
  const n = await startNetwork(...args);
  networks.push(n);
  return n;
}
async function proxy(target: Network): Promise<FaultProxy> {
  const p = await startFaultProxy(target.port);
  proxies.push(p);
  return p;
}
/** A port nothing listens on: a network started, then closed. */
async function deadPort(): Promise<number> {
  const n = await startNetwork();
  await n.close();
  return n.port;
}

const codeOf = (e: unknown): string | undefined => (isIso8583NetError(e) ? e.code : undefined);

/** Opens a pool over loopback `ports` (closed after the test), with hang-guard timeouts and a fast backoff. */
function startPool(ports: readonly number[], extra: Partial<SessionPoolOptions<IsoMessage>> = {}) {
  const pool = openSessionPool<IsoMessage>({
    links: ports.map((port) => ({ host: '127.0.0.1', port })),
    codec,
    framing,
    timeoutMs: HANG_GUARD_MS,
    backoff: { minMs: 1, maxMs: 20 },
    random: () => 0.5,
    signOn,
    ...extra,
  });
  pools.push(pool);
  const changes: PoolStatusChange[] = [];
  pool.on('status', (c) => changes.push(c));
  const waiters: { match: (c: PoolLinkChange) => boolean; resolve: () => void }[] = [];
  pool.on('link', (c) => {
    for (const w of [...waiters]) {
      if (w.match(c)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  /** The next change of link `link` (from now) to `status`. */
  const linkBecomes = (link: number, status: PoolLinkChange['status']): Promise<void> =>
    new Promise((resolve) => waiters.push({ match: (c) => c.link === link && c.status === status, resolve }));
  const allUp = (): Promise<void> => Promise.all(pool.links.map((s) => s.whenUp())).then(() => undefined);
  return { pool, changes, linkBecomes, allUp };
}

/** Resolves once `read()` is true, checked at each turn of the event loop (no delay involved). */
function until(read: () => boolean): Promise<void> {
  return new Promise((r) => {
    const check = (): void => (read() ? r() : void setImmediate(check));
    check();
  });
}

/** The STANs of the issuer's requests `n` received, over all its links. */
const received = (n: Network): string[] => n.links.flatMap((l) => l.requests);

describe('openSessionPool', () => {
  it('active-standby sends every request on the primary while it is up, and fails over to the secondary when the primary server closes', async () => {
    const primary = await network();
    const secondary = await network();
    const { pool, linkBecomes, allUp } = startPool([primary.port, secondary.port], { select: 'active-standby' });
    await allUp();
    const before = [purchase(1), purchase(2), purchase(3)];
    for (const m of before) await pool.request(m);
    expect(received(primary)).toEqual(before.map((m) => m.fields[11]));
    expect(received(secondary)).toEqual([]);

    const down = linkBecomes(0, 'down');
    await primary.close();
    await down;
    expect(pool.status).toBe('up');
    const after = purchase(4);
    expect((await pool.request(after)).fields[4]).toBe('000000000004');
    expect(received(secondary)).toEqual([after.fields[11]]);
    expect(received(primary)).toHaveLength(3);
    expect(pool.links[0]!.stats).toMatchObject({ refused: 0, sent: 1 + 3 });
  });

  it('active-standby goes back to the primary once it is up again', async () => {
    const primary = await network();
    const secondary = await network();
    const door = await proxy(primary);
    const { pool, linkBecomes, allUp } = startPool([door.port, secondary.port]);
    await allUp();
    await door.refuse();
    const down = linkBecomes(0, 'down');
    door.reset();
    await down;
    const during = purchase(1);
    await pool.request(during);
    expect(received(secondary)).toEqual([during.fields[11]]);

    const up = linkBecomes(0, 'up');
    await door.accept();
    await up;
    const back = purchase(2);
    await pool.request(back);
    expect(received(primary)).toEqual([back.fields[11]]);
    expect(received(secondary)).toEqual([during.fields[11]]);
    expect(pool.links[0]!.stats.reconnects).toBe(1);
  });

  it('round-robin spreads requests over the up links in turn and skips a link that is down', async () => {
    const nets = [await network(), await network(), await network()];
    const door = await proxy(nets[1]!);
    const { pool, linkBecomes, allUp } = startPool([nets[0]!.port, door.port, nets[2]!.port], { select: 'round-robin' });
    await allUp();
    const first = Array.from({ length: 6 }, (_, i) => purchase(i + 1));
    for (const m of first) await pool.request(m);
    expect(nets.map(received)).toEqual([
      [first[0]!.fields[11], first[3]!.fields[11]],
      [first[1]!.fields[11], first[4]!.fields[11]],
      [first[2]!.fields[11], first[5]!.fields[11]],
    ]);

    await door.refuse();
    const down = linkBecomes(1, 'down');
    door.reset();
    await down;
    const second = Array.from({ length: 4 }, (_, i) => purchase(i + 11));
    for (const m of second) await pool.request(m);
    expect(received(nets[1]!)).toHaveLength(2);
    // The down link is not even offered a request: its session refused none.
    expect(pool.links[1]!.stats).toMatchObject({ refused: 0, sent: 1 + 2 });
    expect(received(nets[0]!).slice(2)).toHaveLength(2);
    expect(received(nets[2]!).slice(2)).toHaveLength(2);
    expect([...received(nets[0]!).slice(2), ...received(nets[2]!).slice(2)].sort()).toEqual(second.map((m) => String(m.fields[11])).sort());
    const sums = Object.fromEntries(Object.keys(pool.stats).map((k) => [k, pool.links.reduce((sum, s) => sum + s.stats[k as keyof SessionStats], 0)]));
    expect(pool.stats).toEqual(sums);
    expect(pool.links.map((s) => s.stats.answered)).toEqual([1 + 2 + 2, 1 + 2, 1 + 2 + 2]);
  });

  it('rejects a request in flight on a link that drops with LINK_DOWN and never writes it on another link', async () => {
    const primary = await network({ hold: () => new Promise(() => undefined) });
    const secondary = await network();
    const door = await proxy(primary);
    const { pool, allUp } = startPool([door.port, secondary.port]);
    await allUp();
    const caught = purchase(1);
    const pending = rejection(pool.request(caught));
    await until(() => received(primary).length === 1);
    await door.refuse();
    door.reset();
    expect(codeOf(await pending)).toBe('LINK_DOWN');
    const next = purchase(2);
    await pool.request(next);
    expect(received(secondary)).toEqual([next.fields[11]]);
    expect(pool.stats).toMatchObject({ linkDown: 1, inFlight: 0 });
  });

  it('rejects a request at once with NOT_UP while no link is up, writes nothing, and waits for a link when asked to', async () => {
    const { pool, linkBecomes, changes } = startPool([await deadPort(), await deadPort()]);
    await Promise.all([linkBecomes(0, 'down'), linkBecomes(1, 'down')]);
    expect(pool.status).toBe('down');
    expect(codeOf(await rejection(pool.request(purchase(1))))).toBe('NOT_UP');
    expect(codeOf(await rejection(pool.request(purchase(2), { waitForUp: true, timeoutMs: 1 })))).toBe('NOT_UP');
    expect(pool.stats).toMatchObject({ sent: 0, refused: 2 });
    expect(changes).toEqual([]);

    const net = await network();
    const late = startPool([await deadPort(), net.port]);
    expect(late.pool.status).toBe('down');
    expect(codeOf(await rejection(late.pool.request(purchase(3))))).toBe('NOT_UP');
    const waited = await late.pool.request(purchase(4), { waitForUp: true });
    expect(waited.fields[4]).toBe('000000000004');
    expect(late.changes.map((c) => [c.previous, c.status, c.linksUp])).toEqual([['down', 'up', 1]]);
  });

  it('is down when its last up link goes down, and up again when one returns', async () => {
    const net = await network();
    const door = await proxy(net);
    const { pool, changes, linkBecomes } = startPool([door.port]);
    await pool.whenUp();
    await door.refuse();
    const down = linkBecomes(0, 'down');
    door.reset();
    await down;
    expect(pool.status).toBe('down');
    expect(codeOf(await rejection(pool.request(purchase(1))))).toBe('NOT_UP');
    await door.accept();
    await pool.whenUp();
    expect(changes.map((c) => [c.previous, c.status])).toEqual([
      ['down', 'up'],
      ['up', 'down'],
      ['down', 'up'],
    ]);
    expect(received(net)).toEqual([]);
  });

  it('hands the requests a network sends down any link to the one handler, answered on that link', async () => {
    const nets = [await network(), await network()];
    const seen: string[] = [];
    const handler = (m: IsoMessage): IsoMessage => {
      seen.push(String(m.fields[11]));
      return { mti: '0110', fields: { 11: m.fields[11], 39: '00', 41: m.fields[41] } };
    };
    const { pool, allUp } = startPool(nets.map((n) => n.port), { handler });
    await allUp();
    nets[1]!.links[0]!.send({ mti: '0100', fields: { 3: '000000', 4: '000000000100', 11: '900021', 41: 'NETTERM1' } });
    expect(await nets[1]!.answerTo('900021')).toMatchObject({ mti: '0110', fields: { 11: '900021', 39: '00' } });
    nets[0]!.links[0]!.send({ mti: '0100', fields: { 3: '000000', 4: '000000000100', 11: '900022', 41: 'NETTERM1' } });
    expect(await nets[0]!.answerTo('900022')).toMatchObject({ mti: '0110', fields: { 11: '900022', 39: '00' } });
    expect(seen).toEqual(['900021', '900022']);
    expect(nets[0]!.answers.has('900021')).toBe(false);
    expect(pool.stats).toMatchObject({ requestsReceived: 2, requestsAnswered: 2 });
    expect(pool.links.map((s) => s.stats.requestsReceived)).toEqual([1, 1]);
  });

  it('closes every link gracefully: each signs off, then the pool is closed and refuses requests with CLOSED', async () => {
    const nets = [await network(), await network()];
    const { pool, changes, allUp } = startPool(nets.map((n) => n.port), { signOff });
    await allUp();
    const closing = pool.close({ deadlineMs: HANG_GUARD_MS });
    expect(pool.status).toBe('draining');
    expect(codeOf(await rejection(pool.request(purchase(1))))).toBe('CLOSED');
    await closing;
    await pool.closed;
    expect(pool.status).toBe('closed');
    expect(pool.links.map((s) => s.status)).toEqual(['closed', 'closed']);
    expect(nets.map((n) => n.links[0]!.management)).toEqual([
      ['001', '002'],
      ['001', '002'],
    ]);
    expect(changes.map((c) => c.status).slice(-2)).toEqual(['draining', 'closed']);
    expect(codeOf(await rejection(pool.whenUp()))).toBe('CLOSED');
    expect(pool.stats.refused).toBe(1);
  });

  it('rejects with CLOSED what is still in flight on any link when the close deadline passes', async () => {
    const held = await network({ hold: () => new Promise(() => undefined) });
    const { pool, allUp } = startPool([held.port]);
    await allUp();
    const pending = rejection(pool.request(purchase(1)));
    await until(() => received(held).length === 1);
    await pool.close({ deadlineMs: 0 });
    expect(codeOf(await pending)).toBe('CLOSED');
    expect(pool.stats).toMatchObject({ linkDown: 1, inFlight: 0 });
  });

  it('dials each link with its own target: TLS on one, a socket factory on another', async () => {
    // A listener that drops every connection at once: a TLS dial to it fails before it connects (connectFailed).
    const dropper = createTcpServer((socket) => socket.destroy());
    await new Promise<void>((r) => dropper.listen(0, '127.0.0.1', r));
    const address = dropper.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const net = await network();
      const pool = openSessionPool<IsoMessage>({
        codec,
        framing,
        signOn,
        timeoutMs: HANG_GUARD_MS,
        backoff: { minMs: HANG_GUARD_MS, maxMs: HANG_GUARD_MS },
        links: [{ host: '127.0.0.1', port, tls: { rejectUnauthorized: false } }, { socket: () => tcpConnect({ host: '127.0.0.1', port: net.port }) }],
      });
      pools.push(pool);
      const tlsDown = new Promise<PoolLinkChange>((resolve) => pool.on('link', (c) => c.link === 0 && c.status === 'down' && resolve(c)));
      await pool.links[1]!.whenUp();
      expect(await tlsDown).toMatchObject({ reason: 'connectFailed' });
      const m = purchase(1);
      await pool.request(m);
      expect(received(net)).toEqual([m.fields[11]]);
    } finally {
      await new Promise((r) => dropper.close(r));
    }
  });

  it('refuses a bad option with INVALID_OPTION, naming it', () => {
    expect(() => startPool([])).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', option: 'options.links' }));
    expect(() => startPool([8583], { select: 'random' as never })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', option: 'options.select' }));
    expect(() => startPool([8583], { reconect: true } as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', option: 'options.reconect' }));
    expect(() => openSessionPool({ codec, framing, links: [{ host: '127.0.0.1', port: 8583 }, { host: '127.0.0.1', port: 0 }] })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION', option: 'options.port' }),
    );
    expect(() => openSessionPool({ codec, framing: { length: 'binary2', header: 5 } as never, links: [{ host: '127.0.0.1', port: 8583 }] })).toThrow(
      expect.objectContaining({ code: 'INVALID_FRAMING', option: 'options.framing.header' }),
    );
  });

  it('refuses request and close options that cannot be read with INVALID_OPTION naming options, without the thrown text', async () => {
    const net = await network();
    const { pool, allUp } = startPool([net.port]);
    await allUp();
    const request = pool.request as (m: unknown, o: unknown) => Promise<unknown>;
    const close = pool.close as (o: unknown) => Promise<void>;
    for (const [, value] of unreadable({ timeoutMs: 1000 }, 'timeoutMs')) {
      expectUnread(await request(purchase(1), value).catch((x: unknown) => x), 'INVALID_OPTION', 'options');
    }
    for (const [, value] of unreadable({ deadlineMs: 0 }, 'deadlineMs')) expectUnread(thrown(() => close(value)), 'INVALID_OPTION', 'options');
    expect(received(net)).toEqual([]);
    expect(pool.status).toBe('up');
  });

  const links = [{ host: '127.0.0.1', port: 8583 }];
  const open = (options: object) => () => (openSessionPool as (o: unknown) => unknown)(options);
  for (const [form, value] of unreadable({ codec, framing, links }, 'links')) {
    it(`refuses ${form} as options with INVALID_OPTION naming options, without the thrown text, before it dials`, () => {
      expectUnread(thrown(open(value)), 'INVALID_OPTION', 'options');
    });
  }
  for (const [form, value] of unreadable(framing, 'length')) {
    it(`refuses ${form} as framing with INVALID_FRAMING naming options.framing, without the thrown text, before it dials`, () => {
      expectUnread(thrown(open({ codec, framing: value, links })), 'INVALID_FRAMING', 'options.framing');
    });
  }
  for (const [form, value] of unreadable(links[0]!, 'port')) {
    it(`refuses ${form} as a link with INVALID_OPTION naming options.links[0], without the thrown text, before it dials`, () => {
      expectUnread(thrown(open({ codec, framing, links: [value] })), 'INVALID_OPTION', 'options.links[0]');
    });
  }
});
