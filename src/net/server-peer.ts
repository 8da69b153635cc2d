/**
 * The peer side of one server connection: what the application sees of a connected peer (id, address, TLS
 * identity, counters) and the requests the server sends it, each matched to the answer the peer sends back.
 *
 * Invariant: every request written to a peer ends exactly once, answered, timed out, aborted or rejected `CLOSED`
 * when the connection goes down; none is dropped silently.
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Message } from '../spec/types.js';
import { checkMessage, checkRequestOptions, checkSendOptions, DEFAULT_CLIENT_LIMITS, type RequestOptions, type SendOptions } from './client-options.js';
import { type ClientCounters, type ClientStats, newClientCounters } from './client-stats.js';
import { type FramingSpec, writeFrame } from './framing.js';
import type { MatchKey } from './match-key.js';
import type { MessageCodec } from './message-codec.js';
import { Iso8583NetError, NetErrorCode } from './net-error.js';
import { type Answer, PendingRequests } from './pending-requests.js';
import type { CloseReason } from './server-stats.js';
import type { WriteWatch } from './write-watch.js';

/**
 * Counters of the requests a server sent one peer, as a snapshot ({@link PeerConnection.stats}).
 *
 * Why: the same figures as a client's link (`ClientStats`), since the server is the client of these requests:
 * `sent = answered + timedOut + aborted + closed + inFlight` at every moment.
 */
export type PeerStats = Omit<ClientStats, 'undecodable'>;

/**
 * What TLS tells of a peer: whether its certificate was verified against the server's `ca`, and who it names.
 *
 * Why: with mutual TLS the certificate is the peer's identity (which network, which acquirer), for routing,
 * limits and audit; it is read once, when the handshake completes.
 */
export interface PeerTls {
  /** The peer's certificate was verified against the server's `ca` (always true when `rejectUnauthorized` is on). */
  readonly authorized: boolean;
  /** The subject of the peer's certificate (`{ CN: 'network-a', O: 'Example' }`); `undefined` when it sent none. */
  readonly subject: Readonly<Record<string, string | readonly string[]>> | undefined;
  /** The SHA-256 fingerprint of the peer's certificate (`AB:CD:…`); `undefined` when it sent none. */
  readonly fingerprint256: string | undefined;
  /** The negotiated protocol (`TLSv1.3`). */
  readonly protocol: string | undefined;
}

/**
 * A peer connected to a server, as `server.peers()` lists it and `server.on('connection')` hands it over: the
 * server can send it requests and await the answers on the same connection.
 *
 * Why: the network sends requests down the link the issuer opened, and the side that accepted a link may have to
 * ask the peer too (an echo, an advice); its answers come back on the connection the requests went out on.
 */
export interface PeerConnection<M extends Message = Message> {
  /** The connection's number on its server, from 1, in the order the connections were accepted. */
  readonly id: number;
  /** The peer's address, for logs and rate limits. */
  readonly remoteAddress: string | undefined;
  /** The peer's port. */
  readonly remotePort: number | undefined;
  /** When the connection was accepted (`Date.now()`; with TLS, when its handshake completed). */
  readonly since: number;
  /** The TLS facts of the peer; `undefined` on a plain TCP server. */
  readonly tls: PeerTls | undefined;
  /** Whether requests may be sent: false once the connection is closing or closed. */
  readonly open: boolean;
  /** Requests to this peer waiting for their answer. */
  readonly pending: number;
  /** Counters of the requests sent to this peer, as a snapshot taken when read. */
  readonly stats: PeerStats;
  /** Resolves with the reason once the connection has closed (see `CloseReason`); never rejects. */
  readonly closed: Promise<CloseReason>;
  /**
   * Sends a request to the peer and resolves with its matched answer. Every request ends answered or rejected with
   * a stable code: `TIMEOUT` (after `requestTimeoutMs` or the request's `timeoutMs`), `ABORTED`, `CLOSED`,
   * `DUPLICATE_KEY`, `KEY_IN_DOUBT`, `KEY_FAILED`, `WRITE_BUFFER_FULL`, `INVALID_OPTION`, or an `Iso8583Error`
   * for a message that does not encode.
   */
  request(message: M, options?: RequestOptions): Promise<M>;
  /** {@link PeerConnection.request}, resolving with the answer and the fixed header (TPDU) it arrived with. */
  requestWithHeader(message: M, options?: RequestOptions): Promise<Answer<M>>;
  /** Sends a message that expects no answer; throws like `request` rejects. */
  send(message: M, options?: SendOptions): void;
}

/** What a peer link writes with and how its requests are bounded. */
export interface PeerLinkOptions<M extends Message> {
  readonly id: number;
  readonly codec: MessageCodec<M>;
  readonly framing: FramingSpec;
  /** The guarded key function (see `guardedKey`). */
  readonly keyOf: MatchKey<M>;
  readonly requestTimeoutMs: number;
  readonly lateWindowMs: number;
}

/** A certificate subject as a plain frozen object (Node's has a null prototype and optional entries). */
function subjectOf(subject: Readonly<Record<string, string | string[] | undefined>>): Readonly<Record<string, string | readonly string[]>> {
  const out: Record<string, string | readonly string[]> = {};
  for (const [k, v] of Object.entries(subject)) if (v !== undefined) out[k] = Array.isArray(v) ? Object.freeze([...v]) : v;
  return Object.freeze(out);
}

/** The TLS facts of `socket`, or `undefined` when it is a plain TCP socket. */
function tlsFacts(socket: Socket): PeerTls | undefined {
  const s = socket as Partial<TLSSocket>;
  if (s.encrypted !== true || typeof s.getPeerCertificate !== 'function') return undefined;
  const cert = s.getPeerCertificate();
  const has = cert !== null && typeof cert === 'object' && Object.keys(cert).length > 0;
  return Object.freeze({
    authorized: s.authorized === true,
    subject: has && cert.subject !== undefined ? subjectOf(cert.subject) : undefined,
    fingerprint256: has ? cert.fingerprint256 : undefined,
    protocol: s.getProtocol?.() ?? undefined,
  });
}

/**
 * The requests a server sends one peer, and the peer's facts: implements {@link PeerConnection}.
 *
 * Why: the pairing is the client's (the same key function, pending table and doubt window), so an answer is never
 * paired with the wrong request, whichever side opened the connection.
 */
export class PeerLink<M extends Message> implements PeerConnection<M> {
  readonly id: number;
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  readonly since = Date.now();
  readonly tls: PeerTls | undefined;
  readonly closed: Promise<CloseReason>;
  private markClosed: (reason: CloseReason) => void = () => undefined;
  private readonly counts: ClientCounters = newClientCounters();
  private readonly table: PendingRequests<M>;
  private readonly headerBytes: number;
  private shut = false;

  constructor(
    private readonly socket: Socket,
    private readonly watch: WriteWatch,
    private readonly options: PeerLinkOptions<M>,
  ) {
    this.id = options.id;
    this.remoteAddress = socket.remoteAddress;
    this.remotePort = socket.remotePort;
    this.tls = tlsFacts(socket);
    this.table = new PendingRequests<M>(options.lateWindowMs, this.counts);
    this.headerBytes = options.framing.headerBytes ?? 0;
    this.closed = new Promise<CloseReason>((resolve) => (this.markClosed = resolve));
  }

  get open(): boolean {
    return !this.shut && !this.socket.destroyed && this.socket.writable;
  }

  get pending(): number {
    return this.table.size;
  }

  get stats(): PeerStats {
    const { undecodable: _, ...counts } = this.counts;
    return Object.freeze({ ...counts, inFlight: this.table.size });
  }

  request(message: M, options: RequestOptions = {}): Promise<M> {
    return this.exchange(message, options).then((answer) => answer.message);
  }

  requestWithHeader(message: M, options: RequestOptions = {}): Promise<Answer<M>> {
    return this.exchange(message, options);
  }

  send(message: M, options: SendOptions = {}): void {
    const header = checkSendOptions(options, this.headerBytes);
    this.checkWritable();
    checkMessage('send', message);
    this.write(message, header);
    this.counts.messagesSent++;
  }

  /**
   * Hands a response from the peer to the request waiting under its key; returns `undefined` when one took it, else
   * why none did (`late`: its request timed out or was aborted; `unmatched`), counted so.
   */
  settle(message: M, header: Uint8Array | undefined): 'late' | 'unmatched' | undefined {
    let k: string | undefined;
    try {
      k = this.options.keyOf(message, false);
    } catch {
      k = undefined;
    }
    const reason = this.table.settle(k, { message, header });
    if (reason !== undefined) this.counts[reason]++;
    return reason;
  }

  /** No request is written any more (the connection is closing); those waiting wait for the close. */
  shutdown(): void {
    this.shut = true;
  }

  /** The connection closed for `reason`: every waiting request rejects with `CLOSED`. */
  ended(reason: CloseReason): void {
    this.shut = true;
    this.table.failAll(new Iso8583NetError(NetErrorCode.CLOSED, `the connection to the peer closed (${reason})`));
    this.markClosed(reason);
  }

  private exchange(message: M, options: RequestOptions): Promise<Answer<M>> {
    let k: string;
    let timeoutMs: number;
    let signal: AbortSignal | undefined;
    try {
      const checked = checkRequestOptions(options, { ...DEFAULT_CLIENT_LIMITS, timeoutMs: this.options.requestTimeoutMs }, this.headerBytes);
      ({ timeoutMs, signal } = checked);
      if (signal?.aborted === true) throw new Iso8583NetError(NetErrorCode.ABORTED, 'the request was aborted before it was written; nothing was written');
      this.checkWritable();
      checkMessage('request', message);
      k = this.options.keyOf(message, true);
      this.table.checkFree(k);
      this.write(message, checked.header);
      this.counts.sent++;
    } catch (e) {
      this.counts.refused++;
      return Promise.reject(e as Error);
    }
    return this.table.wait(k, timeoutMs, signal);
  }

  /** Throws a stable error when nothing can be written now. */
  private checkWritable(): void {
    if (!this.open) throw new Iso8583NetError(NetErrorCode.CLOSED, 'the connection to the peer is closed or closing; nothing was written');
    if (this.watch.blocked) {
      throw new Iso8583NetError(NetErrorCode.WRITE_BUFFER_FULL, `${this.socket.writableLength} bytes unsent: the peer is not reading; nothing was written`);
    }
  }

  /** Frames and writes `message`; throws what the codec throws, before anything is written. */
  private write(message: M, header: Uint8Array | undefined): void {
    const { codec, framing } = this.options;
    const encoded = codec.encode(message);
    const bytes = writeFrame(framing, header === undefined ? { message: encoded } : { header, message: encoded });
    this.watch.wrote(this.socket.write(bytes));
  }
}
