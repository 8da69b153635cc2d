/**
 * A fault-injecting TCP proxy on loopback, between a session (the issuer) and its network: it forwards bytes both
 * ways and, on command, splits them into one-byte writes, delays them, stalls them, cuts the link after a given
 * number of bytes (mid-frame), resets it, or refuses new connections for a while (its listener closed, so a dial
 * meets ECONNREFUSED).
 */
import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';

/** The two directions of a proxied link. */
export type Direction = 'toNetwork' | 'toIssuer';

/** What the proxy does to the bytes of one direction (changed at any time; applies to bytes not yet forwarded). */
export interface Faults {
  /** Each byte is written on its own, one event-loop turn after the one before. */
  split: boolean;
  /** Each chunk waits this many ms before it is written. */
  delayMs: number;
  /** Nothing is forwarded while true; the bytes queue up. */
  stalled: boolean;
}

interface Pair {
  readonly issuer: Socket;
  readonly network: Socket;
  /** Bytes each direction may still forward before the link is cut (Infinity: no cut planned). */
  readonly budget: Record<Direction, number>;
  readonly pump: Record<Direction, () => void>;
}

export interface FaultProxy {
  readonly port: number;
  readonly faults: Record<Direction, Faults>;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Cuts every current link after `bytes` more bytes in `direction` (both sockets destroyed, no FIN). */
  cutAfter(direction: Direction, bytes: number): void;
  /** Resets every current link (TCP RST to both sides). */
  reset(): void;
  /** Resumes stalled directions. */
  release(): void;
  /** Closes the listener: new dials are refused until `accept()`. */
  refuse(): Promise<void>;
  /** Listens again on the same port. */
  accept(): Promise<void>;
  /** Resolves once `n` connections were accepted in all. */
  acceptedCount(n: number): Promise<void>;
  close(): Promise<void>;
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Starts a proxy on 127.0.0.1 in front of `targetPort`. */
export async function startFaultProxy(targetPort: number): Promise<FaultProxy> {
  const faults: Record<Direction, Faults> = {
    toNetwork: { split: false, delayMs: 0, stalled: false },
    toIssuer: { split: false, delayMs: 0, stalled: false },
  };
  const pairs = new Set<Pair>();
  let accepted = 0;
  const waiters: (() => void)[] = [];
  const onConnection = (issuer: Socket): void => {
    accepted++;
    for (const w of waiters.splice(0)) w();
    issuer.setNoDelay(true);
    const network = tcpConnect({ host: '127.0.0.1', port: targetPort });
    network.setNoDelay(true);
    const pair: Pair = { issuer, network, budget: { toNetwork: Infinity, toIssuer: Infinity }, pump: { toNetwork: () => undefined, toIssuer: () => undefined } };
    pairs.add(pair);
    const destroyBoth = (): void => {
      issuer.destroy();
      network.destroy();
      pairs.delete(pair);
    };
    issuer.on('error', destroyBoth);
    network.on('error', destroyBoth);
    issuer.on('close', destroyBoth);
    network.on('close', destroyBoth);
    const forward = (direction: Direction, from: Socket, to: Socket): void => {
      const queue: Buffer[] = [];
      let busy = false;
      const pump = async (): Promise<void> => {
        if (busy) return;
        busy = true;
        try {
          while (queue.length > 0 && !faults[direction].stalled && !to.destroyed) {
            const chunk = queue.shift()!;
            if (faults[direction].delayMs > 0) await new Promise((r) => setTimeout(r, faults[direction].delayMs));
            const pieces = faults[direction].split ? [...chunk].map((b) => Buffer.of(b)) : [chunk];
            for (const piece of pieces) {
              if (to.destroyed) return;
              const allowed = pair.budget[direction];
              if (piece.length >= allowed) {
                // The cut: exactly `allowed` bytes reach the other side, then both sockets go.
                if (allowed > 0) to.write(piece.subarray(0, allowed), () => destroyBoth());
                else destroyBoth();
                pair.budget[direction] = 0;
                return;
              }
              if (allowed !== Infinity) pair.budget[direction] = allowed - piece.length;
              to.write(piece);
              if (pieces.length > 1) await turn();
            }
          }
        } finally {
          busy = false;
        }
      };
      pair.pump[direction] = () => void pump();
      from.on('data', (chunk: Buffer) => {
        queue.push(chunk);
        void pump();
      });
    };
    forward('toNetwork', issuer, network);
    forward('toIssuer', network, issuer);
  };
  let server: Server = createServer(onConnection);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    faults,
    get accepted() {
      return accepted;
    },
    cutAfter(direction, bytes) {
      for (const p of pairs) p.budget[direction] = bytes;
      // A cut at 0 bytes happens now, not at the next chunk.
      if (bytes === 0) for (const p of [...pairs]) (p.issuer.destroy(), p.network.destroy());
    },
    reset() {
      for (const p of [...pairs]) {
        p.issuer.resetAndDestroy();
        p.network.resetAndDestroy();
      }
    },
    release() {
      faults.toIssuer.stalled = false;
      faults.toNetwork.stalled = false;
      for (const p of pairs) (p.pump.toIssuer(), p.pump.toNetwork());
    },
    refuse: () => {
      // The listener stops at once; links already accepted keep running.
      server.close();
      return Promise.resolve();
    },
    accept: async () => {
      server = createServer(onConnection);
      await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    },
    acceptedCount: async (n) => {
      while (accepted < n) await new Promise<void>((r) => waiters.push(r));
    },
    close: () =>
      new Promise<void>((r) => {
        for (const p of [...pairs]) (p.issuer.destroy(), p.network.destroy());
        if (!server.listening) return r();
        server.close(() => r());
      }),
  };
}
