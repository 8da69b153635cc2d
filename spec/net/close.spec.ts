import { describe, expect, it } from 'vitest';
import { isIso8583NetError } from '../../src/net/index.js';
import { approve, capture, closedBy, echo, type IsoMessage, rawSocket, startClient, startServer, wire } from './helpers/loopback.js';

/** Resolves after `turns` full turns of the event loop (each turn polls for I/O once): waits for I/O, not for time. */
async function loopTurns(turns: number): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((r) => setImmediate(r));
}

/** A handler that holds each request until the test releases it by STAN, and records what it was handed. */
function heldHandler() {
  const started: string[] = [];
  const release = new Map<string, () => void>();
  const waiters = new Map<string, () => void>();
  return {
    started,
    release: (stan: string) => release.get(stan)!(),
    startedWith: (stan: string) => new Promise<void>((r) => (started.includes(stan) ? r() : waiters.set(stan, r))),
    handler: async (m: IsoMessage): Promise<IsoMessage | undefined> => {
      const stan = String(m.fields[11]);
      started.push(stan);
      waiters.get(stan)?.();
      await new Promise<void>((r) => release.set(stan, r));
      return approve(m, { header: undefined, remoteAddress: undefined });
    },
  };
}

describe('server.close()', () => {
  it('never hands the handler a request that arrives after close() began; answers the one in flight (issue #11 sequence)', async () => {
    const held = heldHandler();
    const log = capture();
    const { server, port } = await startServer(held.handler, { logger: log.logger });
    const client = await startClient(port, { timeoutMs: 600_000 });
    const a = client.request(echo(1));
    await held.startedWith('000001');
    const closing = server.close(600_000);
    const b = client.request(echo(2)).then(
      () => 'answered',
      (e: unknown) => (isIso8583NetError(e) ? e.code : 'other'),
    );
    // B is on the wire; give the server's event loop turns to read it, as the old code did at once.
    await loopTurns(5);
    held.release('000001');
    await closing;
    expect((await a).fields[11]).toBe('000001');
    expect(await b).toBe('CLOSED');
    expect(held.started).toEqual(['000001']);
    expect(server.stats.connectionsClosed.serverClose).toBe(1);
    await log.when(closedBy('serverClose'));
  });

  it('drops frames queued behind maxInFlightPerConnection when close() begins: they are never handled nor answered', async () => {
    const held = heldHandler();
    const { server, port } = await startServer(held.handler, { maxInFlightPerConnection: 1 });
    const peer = await rawSocket(port);
    peer.socket.write(Buffer.concat([wire(echo(1)), wire(echo(2)), wire(echo(3))]));
    await held.startedWith('000001');
    const closing = server.close(600_000);
    await loopTurns(5);
    held.release('000001');
    await closing;
    expect(held.started).toEqual(['000001']);
    expect((await peer.next()).fields[11]).toBe('000001');
    peer.socket.resume(); // read on to the end: no other answer comes, the connection closes
    await peer.closed;
  });

  it('waits for every running handler up to the deadline, and returns the same promise when called again', async () => {
    const held = heldHandler();
    const { server, port } = await startServer(held.handler);
    const client = await startClient(port, { timeoutMs: 600_000 });
    const answers = [client.request(echo(1)), client.request(echo(2, 'TERM0002'))];
    await held.startedWith('000001');
    await held.startedWith('000002');
    const first = server.close(600_000);
    expect(server.close(600_000)).toBe(first);
    let done = false;
    void first.then(() => (done = true));
    held.release('000001');
    await answers[0];
    await loopTurns(5);
    expect(done).toBe(false); // the second handler still runs
    held.release('000002');
    await first;
    expect((await answers[1]!).fields[41]).toBe('TERM0002');
  });

  it('closes the connections at the deadline: a handler still running then finishes unanswered', async () => {
    const held = heldHandler();
    const { server, port } = await startServer(held.handler);
    const client = await startClient(port, { timeoutMs: 600_000 });
    const answer = client.request(echo(1)).then(
      () => 'answered',
      (e: unknown) => (isIso8583NetError(e) ? e.code : 'other'),
    );
    await held.startedWith('000001');
    // The handler is held until after close() resolves: the 20 ms deadline is sure to pass first.
    await server.close(20);
    expect(await answer).toBe('CLOSED');
    held.release('000001');
  });

  it('answers a peer that half-closes right after its requests, then ends the connection', async () => {
    const held = heldHandler();
    const log = capture();
    const { port } = await startServer(held.handler, { logger: log.logger });
    const peer = await rawSocket(port);
    peer.socket.end(Buffer.concat([wire(echo(1)), wire(echo(2))]));
    await held.startedWith('000002');
    held.release('000002');
    held.release('000001');
    const stans = [String((await peer.next()).fields[11]), String((await peer.next()).fields[11])];
    expect(stans.sort()).toEqual(['000001', '000002']);
    await log.when(closedBy('peer'));
  });
});
