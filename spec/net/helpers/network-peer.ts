/**
 * A card network for session tests, on loopback: it accepts the issuer's links, answers sign-ons (0800 DE70 001),
 * echoes (301) and the issuer's 0100s, and sends requests of its own down a link, awaiting the issuer's answers.
 * It is a test peer written on raw sockets, so the session is tested against bytes, not against the library's server.
 */
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import { responseMti } from '../../../src/index.js';
import { encodeFrame, readFrames } from '../../../src/net/index.js';
import { codec, framing, type IsoMessage } from './loopback.js';

/** One link the network accepted. */
export interface NetworkLink {
  readonly socket: Socket;
  /** Network-management codes (DE70) received on this link, in order. */
  readonly management: string[];
  /** STANs (DE11) of the issuer's requests other than network management received on this link, in order. */
  readonly requests: string[];
  /** Sends `message` down the link (a request of the network's own). */
  send(message: IsoMessage): void;
}

/** What the network does with the issuer's frames. */
export interface NetworkBehaviour {
  /** The DE39 of sign-on answers (default '00'); a function gets the link's number (from 1). */
  signOnCode?: (linkNumber: number) => string | undefined;
  /** Whether echoes are answered (default true). */
  answerEchoes?: boolean;
  /** Holds the answer to an issuer's 0100 until the promise resolves (default: at once). */
  hold?: (request: IsoMessage) => Promise<void> | undefined;
  /** Listens with TLS (node:tls) instead of plain TCP. */
  tls?: TlsOptions;
}

export interface Network {
  readonly port: number;
  /** Links accepted so far, in order. */
  readonly links: NetworkLink[];
  /** Answers the network received to its own requests, by DE11. */
  readonly answers: Map<string, IsoMessage>;
  /** Resolves with the link numbered `n` (from 1) once it has signed on. */
  signedOn(n: number): Promise<NetworkLink>;
  /** Resolves with the answer to the network's request with STAN `stan`. */
  answerTo(stan: string): Promise<IsoMessage>;
  close(): Promise<void>;
}

/** Starts a network on 127.0.0.1 on an ephemeral port. */
export async function startNetwork(behaviour: NetworkBehaviour = {}): Promise<Network> {
  const links: NetworkLink[] = [];
  const answers = new Map<string, IsoMessage>();
  const waiters: (() => void)[] = [];
  const changed = (): void => {
    for (const w of waiters.splice(0)) w();
  };
  const until = async <T>(read: () => T | undefined): Promise<T> => {
    for (;;) {
      const v = read();
      if (v !== undefined) return v;
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  const onLink = (socket: Socket): void => {
    socket.setNoDelay(true);
    const number = links.length + 1;
    const write = (m: IsoMessage): void => {
      if (!socket.destroyed) socket.write(encodeFrame(framing, { message: codec.encode(m) }));
    };
    const link: NetworkLink = { socket, management: [], requests: [], send: write };
    links.push(link);
    changed();
    socket.on('error', () => undefined);
    void (async () => {
      try {
        for await (const { message } of readFrames(socket, framing)) {
          const m = codec.decode(message);
          if (m.mti === '0110' || m.mti === '0810') {
            answers.set(String(m.fields[11]), m);
            changed();
            continue;
          }
          if (m.mti === '0800') {
            const code = String(m.fields[70]);
            link.management.push(code);
            changed();
            if (code === '301' && behaviour.answerEchoes === false) continue;
            const de39 = code === '001' ? behaviour.signOnCode?.(number) ?? '00' : '00';
            write({ mti: '0810', fields: { 11: m.fields[11], 39: de39, 70: m.fields[70] } });
            continue;
          }
          link.requests.push(String(m.fields[11]));
          changed();
          const held = behaviour.hold?.(m);
          const answer: IsoMessage = { mti: responseMti(m.mti), fields: { 4: m.fields[4], 11: m.fields[11], 39: '00', 41: m.fields[41] } };
          if (held === undefined) write(answer);
          else void held.then(() => write(answer));
        }
      } catch {
        socket.destroy();
      }
    })();
  };
  const server: TcpServer = behaviour.tls === undefined ? createTcpServer(onLink) : createTlsServer(behaviour.tls, onLink);
  // A TLS handshake that fails (no client certificate, an unknown CA) is the test's subject, not an error here.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    links,
    answers,
    signedOn: (n) => until(() => (links[n - 1]?.management.includes('001') === true ? links[n - 1] : undefined)),
    answerTo: (stan) => until(() => answers.get(stan)),
    close: () =>
      new Promise<void>((r) => {
        for (const l of links) l.socket.destroy();
        server.close(() => r());
      }),
  };
}
