/**
 * Opening one transport for a session: a TCP or TLS dial, or the caller's own socket factory, bounded by the
 * connect timeout.
 */
import { isIP, connect as netConnect, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { errorFacts } from './logger.js';

/** How a dial ended when it did not connect. */
export interface DialFailure {
  readonly reason: 'connectFailed' | 'connectTimeout';
  /** The system or TLS error code when there is one (`ECONNREFUSED`, `ERR_SSL_…`), never a message. */
  readonly code?: string;
}

/** Where and how a session dials. */
export interface DialTarget {
  readonly host: string | undefined;
  readonly port: number | undefined;
  readonly tls: ConnectionOptions | undefined;
  readonly socket: (() => Duplex | Promise<Duplex>) | undefined;
  readonly connectTimeoutMs: number;
  readonly maxWriteBufferBytes: number;
}

/** The transport of the default dial: TCP, or TLS over it (a TLS socket is connected at `secureConnect`). */
function defaultDial(target: DialTarget): { stream: Duplex; connectedEvent: 'connect' | 'secureConnect' } {
  if (target.tls !== undefined) {
    // SNI carries a host name only, never an IP address (RFC 6066); the certificate is still checked against the IP.
    const servername = target.tls.servername ?? (isIP(target.host!) === 0 ? target.host! : undefined);
    const stream = tlsConnect({ ...target.tls, host: target.host!, port: target.port!, ...(servername === undefined ? {} : { servername }) });
    return { stream, connectedEvent: 'secureConnect' };
  }
  // write() returns false at the high-water mark; net.Socket hands Duplex options through, @types/node omits it.
  const options: { host: string; port: number; writableHighWaterMark: number } = { host: target.host!, port: target.port!, writableHighWaterMark: target.maxWriteBufferBytes };
  return { stream: netConnect(options), connectedEvent: 'connect' };
}

/**
 * Opens one transport; `result` resolves with it once connected, or with why it did not connect within the timeout
 * or before `cancel()` (the stream then destroyed). It never rejects.
 *
 * Why: the session's loop treats every failed dial the same way (count, back off, dial again), so failures are
 * values, not exceptions; `close()` must not wait for a dial that hangs.
 */
export function dial(target: DialTarget): { result: Promise<Duplex | DialFailure>; cancel: () => void } {
  let cancel: () => void = () => undefined;
  const result = new Promise<Duplex | DialFailure>((resolve) => {
    let stream: Duplex | undefined;
    let done = false;
    const finish = (result: Duplex | DialFailure): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (stream !== undefined) stream.off('error', onError);
      if (!('reason' in result)) return resolve(result);
      stream?.destroy();
      resolve(result);
    };
    const onError = (e: unknown): void => {
      const { code } = errorFacts(e);
      finish(code === undefined ? { reason: 'connectFailed' } : { reason: 'connectFailed', code });
    };
    const timer = setTimeout(() => finish({ reason: 'connectTimeout' }), target.connectTimeoutMs);
    cancel = () => finish({ reason: 'connectFailed', code: 'CANCELLED' });
    const connected = (s: Duplex, event: 'connect' | 'secureConnect' | undefined): void => {
      stream = s;
      if (done) {
        s.destroy();
        return;
      }
      s.once('error', onError);
      if (event === undefined) return finish(s);
      s.once(event, () => finish(s));
    };
    try {
      if (target.socket === undefined) {
        const { stream: s, connectedEvent } = defaultDial(target);
        connected(s, connectedEvent);
        return;
      }
      Promise.resolve(target.socket()).then(
        (s) => {
          if (typeof (s as { on?: unknown } | null)?.on !== 'function' || typeof (s as { write?: unknown }).write !== 'function' || s.destroyed) {
            return finish({ reason: 'connectFailed', code: 'NOT_A_STREAM' });
          }
          // A net.Socket still connecting is waited for; any other stream is taken as connected.
          connected(s, s instanceof Socket && s.connecting ? 'connect' : undefined);
        },
        onError,
      );
    } catch (e) {
      onError(e);
    }
  });
  return { result, cancel };
}
