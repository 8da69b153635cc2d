/**
 * One link of a session: the transport it runs on, the requests written on it waiting for their answers, the
 * peer's requests handed to the handler and answered on the same link, and the clocks that declare it dead.
 *
 * Invariants: every request written on a link ends exactly once (answered, timed out, aborted, or rejected when the
 * link goes down, never written again); a frame with a response MTI is only ever paired, never handed to the
 * handler; the first reason a link goes down is the one reported.
 */
import type { Duplex } from 'node:stream';
import { isIso8583Error } from '../errors/iso8583-error.js';
import type { Message } from '../spec/types.js';
import { checkMessage, checkRequestOptions, type ClientLimits, type RequestOptions } from './client-options.js';
import { defaultFormatError, peekFrame } from './format-error.js';
import { readFrames } from './frame-reader.js';
import { type Frame, writeFrame } from './framing.js';
import { errorFacts, errorName, loggableMti } from './logger.js';
import { mtiKind } from './mti-kind.js';
import { Iso8583NetError, isIso8583NetError, NetErrorCode } from './net-error.js';
import { type Answer, PendingRequests } from './pending-requests.js';
import type { LinkContext } from './session-context.js';
import { answerRequest, mtiOf } from './session-inbound.js';
import type { LinkDownReason } from './session-options.js';
import { watchWrites, type WriteWatch } from './write-watch.js';

/**
 * A link over one connected transport; it goes down once, for the first reason, and then rejects what waits on it.
 *
 * Why: a session replaces a dead link with a new one; keeping each link's table and clocks in its own object
 * means nothing of a dead link (a late answer, a timer) can touch the next one.
 */
export class Link<M extends Message> {
  /** Resolves with the reason once the link is down. */
  readonly down: Promise<LinkDownReason>;
  private readonly pending: PendingRequests<M>;
  private readonly clientLimits: ClientLimits;
  private reason: LinkDownReason | undefined;
  private markDown!: (reason: LinkDownReason) => void;
  private lastIn = Date.now();
  private lastOut = Date.now();
  private missedEchoes = 0;
  private echoInFlight = false;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private readTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly remoteAddress: string | undefined;
  private quietWaiters: (() => void)[] = [];
  private readonly watch: WriteWatch;

  constructor(
    private readonly stream: Duplex,
    private readonly ctx: LinkContext<M>,
  ) {
    const { limits } = ctx;
    this.pending = new PendingRequests<M>(limits.lateWindowMs, ctx.counters.requests);
    this.clientLimits = { timeoutMs: limits.timeoutMs, maxFrameBytes: limits.maxFrameBytes, maxWriteBufferBytes: limits.maxWriteBufferBytes, writeStallMs: 0, lateWindowMs: limits.lateWindowMs };
    const address = (stream as { remoteAddress?: unknown }).remoteAddress;
    this.remoteAddress = typeof address === 'string' ? address : undefined;
    this.down = new Promise((resolve) => {
      this.markDown = resolve;
    });
    if ('setNoDelay' in stream && typeof stream.setNoDelay === 'function') (stream.setNoDelay as (on: boolean) => void).call(stream, true);
    stream.on('error', (e: unknown) => ctx.logger.warn('session link error', { code: errorFacts(e).code ?? errorName(e) }));
    stream.on('close', () => this.goDown('peerClosed'));
    // A peer that stops reading leaves our writes buffered: past writeStallMs the link is dead, as on the client.
    this.watch = watchWrites(stream, limits.writeStallMs, () => {
      ctx.logger.warn('peer not reading: link closed', { writeStallMs: limits.writeStallMs, bufferedBytes: stream.writableLength });
      this.close('writeStall');
    });
    void this.readLoop();
    if (limits.keepAlive !== undefined && ctx.nextEcho !== undefined) this.armIdle(limits.keepAlive.idleMs);
    if (limits.readTimeoutMs > 0) this.armRead(limits.readTimeoutMs);
  }

  /** Whether the link is down (nothing more is written on it). */
  get isDown(): boolean {
    return this.reason !== undefined;
  }

  /** Requests written on this link waiting for their answer. */
  get inFlight(): number {
    return this.pending.size;
  }

  /**
   * Writes a request and waits for its answer. Refused before anything is written (`NOT_UP` when the link is
   * down; the client's codes otherwise); rejects `LINK_DOWN` (or `CLOSED` when the session closed it) when the link
   * goes down first.
   */
  request(message: M, options: RequestOptions = {}): Promise<Answer<M>> {
    let k: string;
    let timeoutMs: number;
    let signal: AbortSignal | undefined;
    const { counters } = this.ctx;
    try {
      const checked = checkRequestOptions(options, this.clientLimits, this.ctx.framing.headerBytes ?? 0);
      timeoutMs = checked.timeoutMs;
      signal = checked.signal;
      if (signal?.aborted === true) throw new Iso8583NetError(NetErrorCode.ABORTED, 'the request was aborted before it was written; nothing was written');
      if (this.isDown || this.stream.destroyed) throw new Iso8583NetError(NetErrorCode.NOT_UP, 'the link is down; nothing was written');
      checkMessage('request', message);
      const encoded = this.ctx.codec.encode(message);
      const bytes = writeFrame(this.ctx.framing, checked.header === undefined ? { message: encoded } : { header: checked.header, message: encoded });
      k = this.ctx.keyOf(message, true);
      this.pending.checkFree(k);
      if (this.stream.writableLength >= this.ctx.limits.maxWriteBufferBytes) {
        throw new Iso8583NetError(NetErrorCode.WRITE_BUFFER_FULL, `${this.stream.writableLength} bytes unsent: the peer is not reading; nothing was written`);
      }
      this.watch.wrote(this.stream.write(bytes));
      this.lastOut = Date.now();
      counters.requests.sent++;
    } catch (e) {
      counters.requests.refused++;
      return Promise.reject(e as Error);
    }
    const waiting = this.pending.wait(k, timeoutMs, signal);
    waiting.then(this.settledOne, this.settledOne);
    return waiting;
  }

  /** Resolves once no request written on this link waits for its answer. */
  whenQuiet(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.quietWaiters.push(resolve));
  }

  private readonly settledOne = (): void => {
    if (this.pending.size !== 0) return;
    const waiters = this.quietWaiters;
    this.quietWaiters = [];
    for (const resolve of waiters) resolve();
  };

  /** Takes the link down for `reason` (the first reason wins) and destroys its transport. */
  close(reason: LinkDownReason): void {
    this.goDown(reason);
    this.stream.destroy();
  }

  /** Ends the link gracefully: its transport is ended (a FIN), and destroyed if the peer does not close within `ms`. */
  end(reason: LinkDownReason, ms: number): Promise<void> {
    this.goDown(reason);
    return new Promise((resolve) => {
      if (this.stream.destroyed) return resolve();
      const timer = setTimeout(() => this.stream.destroy(), ms);
      this.stream.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.stream.end();
    });
  }

  private goDown(reason: LinkDownReason): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    clearTimeout(this.idleTimer);
    clearTimeout(this.readTimer);
    const error =
      reason === 'closed'
        ? new Iso8583NetError(NetErrorCode.CLOSED, 'the session was closed before the answer came; the request is not sent again')
        : new Iso8583NetError(NetErrorCode.LINK_DOWN, `the link went down (${reason}) before the answer came; the request is not sent again`);
    this.pending.failAll(error);
    this.markDown(reason);
  }

  private async readLoop(): Promise<void> {
    try {
      for await (const frame of readFrames(this.stream, this.ctx.framing, { maxFrameBytes: this.ctx.limits.maxFrameBytes })) {
        this.lastIn = Date.now();
        this.onFrame(frame);
      }
      this.close('peerClosed');
    } catch (e) {
      // A frame that breaks the stream leaves no trustworthy boundary; a transport error is the peer's close.
      if (isIso8583NetError(e)) this.ctx.logger.warn('session stream failed', { code: e.code });
      this.close(isIso8583NetError(e) ? 'badStream' : 'peerClosed');
    }
  }

  private onFrame(frame: Frame): void {
    const { codec, counters, logger } = this.ctx;
    let message: M;
    try {
      message = codec.decode(frame.message);
      if (typeof message !== 'object' || message === null) throw new Error('not a message');
    } catch (e) {
      counters.requests.undecodable++;
      logger.warn('undecodable frame', isIso8583Error(e) ? { code: e.code, field: e.field, offset: e.offset } : { code: 'INVALID_MESSAGE' });
      this.answerFormatError(frame);
      return;
    }
    const kind = mtiKind(mtiOf(message));
    if (kind === 'request' || kind === 'noResponse') return answerRequest(this.ctx, message, frame, this.remoteAddress, (bytes) => this.writeAnswer(bytes));
    this.onAnswer(message, frame);
  }

  private onAnswer(message: M, frame: Frame): void {
    const { counters, logger } = this.ctx;
    let k: string | undefined;
    try {
      k = this.ctx.keyOf(message, false);
    } catch (e) {
      logger.warn('response key failed', { error: errorName(e) });
    }
    const reason = this.pending.settle(k, { message, header: frame.header });
    if (reason === undefined) return;
    counters.requests[reason]++;
    logger.info('response without a pending request', { ...loggableMti(mtiOf(message)), reason });
    try {
      this.ctx.onUnmatched?.(message, reason, frame.header);
    } catch (e) {
      logger.error('onUnmatched failed', { error: errorName(e) });
    }
  }

  /**
   * Writes an answer to a peer's request on this link: `down` when the link went down meanwhile, `full` when
   * `maxWriteBufferBytes` are already unsent (the peer is not reading; the answer is dropped, so memory stays
   * bounded until the stall clock takes the link down); nothing is written then.
   */
  private writeAnswer(bytes: Uint8Array): 'written' | 'down' | 'full' {
    if (this.isDown || this.stream.destroyed) return 'down';
    if (this.stream.writableLength >= this.ctx.limits.maxWriteBufferBytes) return 'full';
    this.watch.wrote(this.stream.write(bytes));
    this.lastOut = Date.now();
    return 'written';
  }

  /**
   * Answers an undecodable request as the server does: its response MTI, DE39 `30`, and DE11 and DE41 when they
   * could be read, so the peer pairs it instead of timing out. A frame whose MTI is unreadable, a response or an
   * MTI without a response gets nothing: an answer to an answer would start an echo of format errors.
   */
  private answerFormatError(frame: Frame): void {
    const read = peekFrame(this.ctx.codec, frame.message);
    const answer = defaultFormatError(read);
    if (answer === undefined) return;
    let bytes: Uint8Array;
    try {
      const encoded = this.ctx.codec.encode(answer as M);
      bytes = writeFrame(this.ctx.framing, frame.header === undefined ? { message: encoded } : { header: frame.header, message: encoded });
    } catch (e) {
      this.ctx.logger.error('format error could not be encoded', { ...loggableMti(answer.mti), error: errorName(e) });
      return;
    }
    const written = this.writeAnswer(bytes);
    if (written === 'written') this.ctx.logger.info('format error answered', loggableMti(answer.mti));
    else this.ctx.logger.warn(written === 'down' ? 'answer not written: the link is down' : 'answer not written: the peer is not reading', loggableMti(answer.mti));
  }

  /** The keep-alive clock: after `idleMs` with nothing sent or received, an echo goes out. */
  private armIdle(ms: number): void {
    this.idleTimer = setTimeout(() => this.onIdle(), ms);
  }

  private onIdle(): void {
    const keepAlive = this.ctx.limits.keepAlive!;
    const idle = Date.now() - Math.max(this.lastIn, this.lastOut);
    if (idle < keepAlive.idleMs || this.echoInFlight) return this.armIdle(Math.max(1, keepAlive.idleMs - idle));
    this.armIdle(keepAlive.idleMs);
    let echo: M;
    try {
      echo = this.ctx.nextEcho!();
    } catch (e) {
      this.ctx.logger.error('echo could not be built', errorFacts(e));
      return;
    }
    this.echoInFlight = true;
    this.request(echo, { timeoutMs: keepAlive.timeoutMs }).then(
      () => {
        this.echoInFlight = false;
        this.missedEchoes = 0;
      },
      (e: unknown) => {
        this.echoInFlight = false;
        if (!(isIso8583NetError(e) && e.code === NetErrorCode.TIMEOUT)) {
          if (!this.isDown) this.ctx.logger.warn('echo not sent', { code: errorName(e) });
          return;
        }
        this.missedEchoes++;
        this.ctx.logger.warn('echo unanswered', { missed: this.missedEchoes, maxMissed: keepAlive.maxMissed });
        if (this.missedEchoes >= keepAlive.maxMissed) this.close('echoMissed');
      },
    );
  }

  /** The read clock: nothing received for `readTimeoutMs` declares the link dead. */
  private armRead(ms: number): void {
    this.readTimer = setTimeout(() => {
      const limit = this.ctx.limits.readTimeoutMs;
      const quiet = Date.now() - this.lastIn;
      if (quiet < limit) return this.armRead(Math.max(1, limit - quiet));
      this.ctx.logger.warn('nothing received: link declared dead', { readTimeoutMs: limit });
      this.close('readTimeout');
    }, ms);
  }
}
