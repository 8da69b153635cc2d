/**
 * The listening socket of a server: plain TCP, or TLS through `node:tls` (mutual TLS with `requestCert` and `ca`),
 * with the handshake of every TLS peer bounded by `handshakeTimeoutMs` and counted against `maxConnections`.
 *
 * Invariant: a TLS peer holds a connection slot from its first byte, handshake included, so a flood of handshakes
 * that never complete is bounded by `maxConnections` and cut by `handshakeTimeoutMs`; none outlives `close()`.
 */
import { createServer as netCreateServer, type Server as NetServer, type Socket } from 'node:net';
import { createSecureContext, createServer as tlsCreateServer, type TlsOptions, type TLSSocket } from 'node:tls';
import { Iso8583NetError, NetErrorCode } from './net-error.js';
import { checkObject, guarded } from './options.js';
import type { ServerLimits } from './server-limits.js';

/** What the listener reports to its server. */
export interface ListenerHooks {
  /** A peer is ready to be served (with TLS: its handshake completed). */
  accepted(socket: Socket): void;
  /** A peer was turned away at `maxConnections` before its TLS handshake began. */
  dropped(): void;
  /** A TLS handshake failed (`code`: a Node or OpenSSL code, `ERR_TLS_HANDSHAKE_TIMEOUT` for a timeout). */
  handshakeFailed(code: string): void;
}

/** The listening server and a way to cut the handshakes still under way (on `close()`). */
export interface Listener {
  readonly server: NetServer;
  /** Destroys the sockets whose TLS handshake has not completed. */
  dropHandshakes(): void;
}

/** A code safe to log and count: a Node (`ERR_…`) or system (`ECONNRESET`) code, else `error`. */
export function tlsCode(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(ERR_[A-Z0-9_]{1,60}|E[A-Z]{2,20})$/.test(code) ? code : 'error';
}

/**
 * Checks the `tls` option of `createServer`: an object that makes a secure context (key, certificate, CA), without
 * a `handshakeTimeout` of its own (`handshakeTimeoutMs` is the server's limit). Throws `INVALID_OPTION` naming it;
 * the text carries the error's code, never the key material.
 *
 * Why: a key that does not match its certificate, or a PEM that does not parse, must fail `createServer`, not the
 * first handshake hours later.
 */
export function checkTlsOptions(where: string, tls: unknown): void {
  if (tls === undefined) return;
  const handshakeTimeout = guarded(where, 'options.tls', () => {
    checkObject(where, 'options.tls', tls);
    return tls['handshakeTimeout'];
  });
  if (handshakeTimeout !== undefined) {
    throw new Iso8583NetError(NetErrorCode.INVALID_OPTION, `${where}: options.tls.handshakeTimeout is not taken; set options.handshakeTimeoutMs`, {
      option: 'options.tls.handshakeTimeout',
    });
  }
  try {
    createSecureContext(tls as TlsOptions);
  } catch (e) {
    throw new Iso8583NetError(NetErrorCode.INVALID_OPTION, `${where}: options.tls does not make a secure context (${tlsCode(e)})`, { option: 'options.tls' });
  }
}

/** The address and port that name one accepted socket among the open ones of a server. */
const peerKey = (s: Socket): string => `${s.remoteAddress ?? ''}|${s.remotePort ?? ''}`;

/**
 * Creates the listening server: TCP when `tls` is undefined, else TLS with `limits.handshakeTimeoutMs`.
 *
 * Why: the rest of the server serves a `Socket` whatever it runs over; only accepting differs.
 */
export function createListener(tls: TlsOptions | undefined, limits: ServerLimits, hooks: ListenerHooks): Listener {
  // The write bound is each socket's high-water mark; half-open connections are allowed so that a peer's last
  // requests before its FIN are answered before we end our side.
  const base = { highWaterMark: limits.maxWriteBufferBytes, allowHalfOpen: true };
  if (tls === undefined) return { server: netCreateServer(base, (socket) => hooks.accepted(socket)), dropHandshakes: () => undefined };

  // 0 switches the limit off, as every limit of the server. Node reads a handshakeTimeout of 0 as its default
  // (`|| 120000`) and arms the timer only for a value above 0, so "never" is given to it as -1.
  const handshakeTimeout = limits.handshakeTimeoutMs === 0 ? -1 : limits.handshakeTimeoutMs;
  const server = tlsCreateServer({ ...tls, ...base, handshakeTimeout }, (socket: TLSSocket) => {
    handshaking.delete(peerKey(socket));
    hooks.accepted(socket);
  });
  // Counted at the TCP accept, so a handshake holds a slot: beyond it the socket is closed before TLS begins.
  server.maxConnections = limits.maxConnections;
  server.on('drop', () => hooks.dropped());
  const handshaking = new Map<string, Socket>();
  server.on('connection', (raw: Socket) => {
    const key = peerKey(raw);
    handshaking.set(key, raw);
    raw.once('close', () => {
      if (handshaking.get(key) === raw) handshaking.delete(key);
    });
  });
  // With a listener here Node leaves the socket open: it is destroyed at once, as a failed handshake must be.
  server.on('tlsClientError', (e: unknown, socket: TLSSocket) => {
    hooks.handshakeFailed(tlsCode(e));
    socket.destroy();
  });
  return {
    server,
    dropHandshakes: () => {
      for (const raw of handshaking.values()) raw.destroy();
      handshaking.clear();
    },
  };
}
