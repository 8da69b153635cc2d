import { afterEach, describe, expect, it } from 'vitest';
import { isIso8583NetError, seededRandom, type Session } from '../../src/net/index.js';
import { type FaultProxy, startFaultProxy } from './fault-proxy.js';
import type { IsoMessage } from './helpers/loopback.js';
import { type Network, startNetwork } from './helpers/network-peer.js';
import { purchase, rejection, startSession } from './helpers/session-fixtures.js';

/**
 * The session through a proxy that breaks the link on purpose. Whatever the fault, every request ends answered with
 * its own answer (the amount it sent, echoed) or rejected with a stable code, and the session comes back up.
 */
const started: { proxies: FaultProxy[]; networks: Network[] } = { proxies: [], networks: [] };
afterEach(async () => {
  await Promise.all(started.proxies.splice(0).map((p) => p.close()));
  await Promise.all(started.networks.splice(0).map((n) => n.close()));
});

async function rig(extra: Parameters<typeof startSession>[1] = {}) {
  const network = await startNetwork();
  const proxy = await startFaultProxy(network.port);
  started.networks.push(network);
  started.proxies.push(proxy);
  const { session, changes, next } = startSession(proxy.port, extra);
  return { network, proxy, session, changes, next };
}

const STABLE = new Set(['LINK_DOWN', 'NOT_UP']);

/** Sends `count` purchases with distinct amounts; each outcome is its own answer or a stable code. */
async function burst(session: Session<IsoMessage>, count: number, from: number): Promise<{ answered: number; rejected: string[] }> {
  const outcomes = await Promise.all(
    Array.from({ length: count }, (_, i) => {
      const request = purchase(from + i);
      return session.request(request, { waitForUp: true }).then(
        (answer) => {
          // The answer is this request's: same STAN and the amount it sent, never another's.
          expect(answer.fields[11]).toBe(request.fields[11]);
          expect(answer.fields[4]).toBe(request.fields[4]);
          return 'answered';
        },
        (e: unknown) => (isIso8583NetError(e) ? e.code : `unexpected ${String(e)}`),
      );
    }),
  );
  const rejected = outcomes.filter((o) => o !== 'answered');
  for (const code of rejected) expect(STABLE.has(code), code).toBe(true);
  return { answered: outcomes.length - rejected.length, rejected };
}

/** The accounting of a session: every request written ended in one outcome, or is still waiting. */
function balanced(session: Session<IsoMessage>): void {
  const s = session.stats;
  expect(s.sent).toBe(s.answered + s.timedOut + s.aborted + s.linkDown + s.inFlight);
}

describe('a session through a fault-injecting proxy', () => {
  it('pairs every answer with its own request when both directions are split at every byte', async () => {
    const { network, proxy, session } = await rig({ handler: (m) => ({ mti: '0110', fields: { 11: m.fields[11], 39: '00', 41: m.fields[41] } }) });
    proxy.faults.toIssuer.split = true;
    proxy.faults.toNetwork.split = true;
    await session.whenUp();
    expect(await burst(session, 20, 1000)).toEqual({ answered: 20, rejected: [] });
    network.links[0]!.send({ mti: '0100', fields: { 3: '000000', 4: '000000000100', 11: '900010', 41: 'NETTERM1' } });
    expect(await network.answerTo('900010')).toMatchObject({ fields: { 39: '00', 41: 'NETTERM1' } });
    expect(proxy.accepted).toBe(1);
    balanced(session);
  });

  it('pairs every answer with its own request when every chunk is delayed', async () => {
    const { proxy, session } = await rig();
    proxy.faults.toIssuer.delayMs = 3;
    proxy.faults.toNetwork.delayMs = 2;
    await session.whenUp();
    expect(await burst(session, 20, 2000)).toEqual({ answered: 20, rejected: [] });
    balanced(session);
  });

  it('rejects what was in flight with LINK_DOWN when the link is cut mid-frame either way, then signs on again and carries the next requests (seeded cut points)', async () => {
    const random = seededRandom(1234);
    const { network, proxy, session } = await rig();
    await session.whenUp();
    let from = 3000;
    for (let round = 1; round <= 8; round++) {
      // A purchase answer is 2 + 38 bytes or so: a cut within the first 400 bytes lands inside some frame or between.
      const cut = 1 + Math.floor(random() * 400);
      proxy.cutAfter(random() < 0.5 ? 'toIssuer' : 'toNetwork', cut);
      const { answered, rejected } = await burst(session, 10, from);
      from += 10;
      expect(answered + rejected.length).toBe(10);
      await session.whenUp();
      balanced(session);
    }
    // Each link that went down was replaced by one that signed on again before it carried a purchase.
    for (const link of network.links.filter((l) => l.requests.length > 0)) expect(link.management[0]).toBe('001');
    expect(session.stats.reconnects).toBe(proxy.accepted - 1 - session.stats.failedAttempts);
    expect(await burst(session, 5, 9000)).toEqual({ answered: 5, rejected: [] });
  });

  it('rejects the requests held by a stalled link with LINK_DOWN when it is reset, and never writes them again', async () => {
    const { network, proxy, session } = await rig();
    await session.whenUp();
    proxy.faults.toNetwork.stalled = true;
    const held = [1, 2, 3].map((n) => rejection(session.request(purchase(4000 + n))));
    await new Promise<void>((r) => setImmediate(r));
    proxy.reset();
    const codes = (await Promise.all(held)).map((e) => (isIso8583NetError(e) ? e.code : e));
    expect(codes).toEqual(['LINK_DOWN', 'LINK_DOWN', 'LINK_DOWN']);
    proxy.faults.toNetwork.stalled = false;
    await session.whenUp();
    expect(await burst(session, 3, 4100)).toEqual({ answered: 3, rejected: [] });
    // The stalled requests never reached the network, on the old link or the new one.
    expect(network.links.flatMap((l) => l.requests)).toHaveLength(3);
    balanced(session);
  });

  it('keeps dialling while connections are refused, with a growing backoff, and comes up when they are accepted again', async () => {
    const { proxy, session, next, changes } = await rig({ backoff: { minMs: 1, maxMs: 8, jitter: 0 } });
    await session.whenUp();
    await proxy.refuse();
    proxy.reset();
    await next((c) => c.status === 'down' && c.code === 'ECONNREFUSED' && c.failures >= 4);
    await proxy.accept();
    await session.whenUp();
    // The drop itself waits minMs (1); each refused dial after it doubles the wait, up to maxMs (8).
    const downs = changes.filter((c) => c.status === 'down');
    expect(downs.slice(0, 5).map((c) => [c.reason, c.retryInMs])).toEqual([
      ['peerClosed', 1],
      ['connectFailed', 2],
      ['connectFailed', 4],
      ['connectFailed', 8],
      ['connectFailed', 8],
    ]);
    expect(await burst(session, 3, 5000)).toEqual({ answered: 3, rejected: [] });
    expect(session.stats.reconnects).toBe(1);
  });
});
