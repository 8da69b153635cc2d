/**
 * One accepted connection of a server, as a small state machine: reading (waiting for the peer), not reading
 * (backpressure: too many requests in flight, answers unread, or a turn given back to the event loop), stopped (no
 * frame is handed to the handler any more: `close()` began, or the connection is going down).
 *
 * Invariants: the socket is read only while every byte already read has been cut into frames and dispatched, so a
 * connection holds at most one chunk, one unfinished frame, its write buffer and its in-flight requests; no frame is
 * dispatched once `stopped` is set; frames of one burst are dispatched for at most about 1 ms (or 128 frames) before
 * the event loop gets a turn, so one peer's burst cannot starve the others.
 */
import type { Socket } from 'node:net';
import type { Message } from '../spec/types.js';
import { FrameParser } from './frame-parser.js';
import { RepeatLimiter } from './log-limiter.js';
import type { LogLevel, NetLogger } from './logger.js';
import type { MatchKey } from './match-key.js';
import { isIso8583NetError, NetErrorCode } from './net-error.js';
import { type ClockExpiry, PeerClock } from './peer-clock.js';
import { type DispatchCore, RequestDispatcher } from './server-dispatch.js';
import { PeerLink } from './server-peer.js';
import type { CloseReason } from './server-stats.js';
import { watchWrites, type WriteWatch } from './write-watch.js';

/**
 * What every connection of one server shares: how requests are handled, the logger, and the close count.
 *
 * Why: the server checks its options once and counts every connection's close in one place.
 */
export interface ServerCore<M extends Message> extends DispatchCore<M> {
  /** The caller's logger, guarded: a logger that throws loses its entry, nothing else. */
  readonly logger: NetLogger;
  /** Pairs the answers of the server's own requests with them (guarded, see `guardedKey`). */
  readonly keyOf: MatchKey<M>;
  /** The connection's socket closed: count and log it. */
  closed(connection: ServedConnection<M>): void;
}

/** Dispatching a burst gives the event loop a turn after this much work (ms) ... */
const TURN_MS = 1;
/** ... or this many frames, whichever comes first. */
const TURN_FRAMES = 128;

/** The close reason for an error thrown by the frame parser. */
function reasonFor(e: unknown): CloseReason {
  if (!isIso8583NetError(e)) return 'socketError';
  switch (e.code) {
    case NetErrorCode.FRAME_TOO_LARGE:
      return 'frameTooLarge';
    case NetErrorCode.TRUNCATED_FRAME:
      return 'truncatedFrame';
    default:
      return 'invalidFrame';
  }
}

/** A Node system error code (`ECONNRESET`), or `error` for anything else. */
function systemCode(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,39}$/.test(code) && !/[0-9]{4}/.test(code) ? code : 'error';
}

/** One accepted connection: frames in, handler calls, answers out. */
export class ServedConnection<M extends Message> {
  /** Why it is closing; the first cause wins. */
  reason: CloseReason | undefined;
  /** Numbers logged with the close (limits reached, bytes left unsent). */
  detail: Record<string, unknown> = {};
  /** Resolves when the socket has closed and the close has been counted and logged. */
  readonly closed: Promise<void>;
  private markClosed: () => void = () => undefined;

  private readonly parser: FrameParser;
  private readonly clock: PeerClock;
  private readonly watch: WriteWatch;
  private readonly log: RepeatLimiter;
  private readonly requests: RequestDispatcher<M>;
  /** The peer as the application sees it, and the requests the server sends it. */
  readonly peer: PeerLink<M>;
  /** No frame is dispatched any more. */
  private stopped = false;
  /** The peer half-closed: what it sent is served, then the connection ends. */
  private ended = false;
  private reading = true;
  private pumping = false;
  /** A pump is scheduled for the next loop turn. */
  private scheduled = false;
  /** Reading stopped at `maxInFlightPerConnection`: a handler that ends resumes it. */
  private fullInFlight = false;
  /** Reading stopped until the peer reads its answers. */
  private awaitingDrain = false;
  /** Whether a frame completed since the clock was last armed, and whether a frame was begun then. */
  private framedSinceArm = false;
  private armedPartial = false;

  constructor(
    readonly socket: Socket,
    private readonly core: ServerCore<M>,
    id: number,
  ) {
    const { limits, counters } = core;
    this.parser = new FrameParser(core.framing, limits.maxFrameBytes);
    this.log = new RepeatLimiter(core.logger, limits.logIntervalMs, () => counters.logEntriesSuppressed++);
    this.clock = new PeerClock(limits.idleTimeoutMs, limits.frameTimeoutMs, (expiry) => this.expired(expiry));
    this.watch = watchWrites(socket, limits.writeStallMs, () => {
      this.fail('writeStall', { writeStallMs: limits.writeStallMs, bufferedBytes: socket.writableLength });
    });
    const { codec, framing, keyOf } = core;
    this.peer = new PeerLink(socket, this.watch, { id, codec, framing, keyOf, requestTimeoutMs: limits.requestTimeoutMs, lateWindowMs: limits.lateWindowMs });
    this.requests = new RequestDispatcher(core, {
      socket,
      watch: this.watch,
      peer: this.peer,
      response: (message, header) => this.peer.settle(message, header),
      note: (level, event, meta) => this.note(level, event, meta),
      fail: (reason, detail) => this.fail(reason, detail),
      jobDone: () => this.jobDone(),
    });
    socket.on('data', (chunk: Buffer) => this.received(chunk));
    socket.on('end', () => {
      this.ended = true;
      this.pump();
    });
    socket.on('error', (e: unknown) => {
      this.reason ??= 'socketError';
      this.note('warn', 'socket error', { code: systemCode(e) });
    });
    this.closed = new Promise<void>((resolve) => (this.markClosed = resolve));
    socket.once('close', () => {
      this.stopped = true;
      this.clock.stop();
      this.parser.clear();
      this.log.flush();
      this.peer.ended(this.reason ?? 'peer');
      this.core.closed(this);
      this.markClosed();
    });
    this.clock.arm(false);
  }

  /** Stops dispatching for good (`close()` began): nothing more is read or handed to the handler. */
  stop(): void {
    this.stopped = true;
    this.peer.shutdown();
    this.stopReading();
    this.clock.stop();
    this.parser.clear();
  }

  /** Ends the connection once its answers are written; what the peer sends meanwhile is read and dropped. */
  end(): void {
    this.stop();
    this.socket.resume();
    this.socket.end();
  }

  private received(chunk: Buffer): void {
    // After close() began (or the connection failed) what arrives is dropped: it is never handed to the handler.
    if (this.stopped) return;
    this.parser.push(chunk);
    this.pump();
  }

  private pump(): void {
    if (this.pumping || this.stopped) return;
    this.pumping = true;
    // The answers of one turn go out in one write (writev), not one system call each.
    this.socket.cork();
    try {
      this.dispatchQueued();
    } catch (e) {
      const reason = reasonFor(e);
      this.fail(reason, reason === 'frameTooLarge' ? { maxFrameBytes: this.core.limits.maxFrameBytes } : {});
    } finally {
      this.pumping = false;
      this.socket.uncork();
    }
  }

  /** Dispatches the frames already read, until none is left or one of the reasons to stop reading holds. */
  private dispatchQueued(): void {
    const { limits } = this.core;
    const started = performance.now();
    for (let n = 0; ; n++) {
      if (this.stopped || this.socket.destroyed) return;
      if (this.requests.active >= limits.maxInFlightPerConnection) {
        this.fullInFlight = true;
        return this.stopReading();
      }
      if (this.awaitingDrain || this.watch.blocked) return this.waitForDrain();
      if (n >= TURN_FRAMES || (n > 0 && performance.now() - started >= TURN_MS)) return this.giveTurn();
      const frame = this.parser.next();
      if (frame === undefined) break;
      this.framedSinceArm = true;
      if (frame.message.length > 0) this.requests.dispatch(frame); // zero-length frames are keep-alives
    }
    // Every byte read is dispatched: wait for the peer, or finish when it has half-closed.
    const partial = this.parser.partial;
    if (this.ended) {
      if (partial) this.fail('truncatedFrame');
      else if (this.requests.active === 0) this.finish();
      return;
    }
    this.startReading();
    // The limits restart after a completed frame or when a frame begins; more bytes of an unfinished frame keep its
    // deadline, so dribbling never extends it.
    if (this.framedSinceArm || partial !== this.armedPartial) {
      this.clock.arm(partial);
      this.framedSinceArm = false;
      this.armedPartial = partial;
    }
  }

  private startReading(): void {
    if (this.reading) return;
    this.reading = true;
    this.socket.resume();
    this.clock.resume();
  }

  private stopReading(): void {
    if (!this.reading) return;
    this.reading = false;
    this.socket.pause();
    this.clock.pause();
  }

  /** Stops reading for one loop turn, so that other connections' I/O is served before the rest of this burst. */
  private giveTurn(): void {
    this.stopReading();
    this.schedulePump();
  }

  private schedulePump(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  /** Backpressure, writes: the peer leaves its answers unread; stop reading its requests until it catches up. */
  private waitForDrain(): void {
    this.stopReading();
    if (this.awaitingDrain) return;
    this.awaitingDrain = true;
    const { counters, limits } = this.core;
    counters.readPauses++;
    this.note('info', 'reading paused: answers not read', { bufferedBytes: this.socket.writableLength, maxWriteBufferBytes: limits.maxWriteBufferBytes });
    void this.watch.drained().then(() => {
      this.awaitingDrain = false;
      if (this.socket.destroyed || this.stopped) return;
      this.note('info', 'reading resumed', {});
      this.pump();
    });
  }

  /** A handler job ended: resume reading if the in-flight bound had stopped it, or finish a half-closed connection. */
  private jobDone(): void {
    if (this.fullInFlight) {
      // Resume on the next loop turn, not now: a thousand handlers ending at once must not each start a burst.
      this.fullInFlight = false;
      this.schedulePump();
    } else if (this.ended && this.requests.active === 0) {
      this.pump();
    }
  }

  private expired({ code, ms }: ClockExpiry): void {
    if (code === NetErrorCode.IDLE_TIMEOUT) this.fail('idleTimeout', { idleTimeoutMs: ms });
    else this.fail('frameTimeout', { frameTimeoutMs: ms });
  }

  /** The peer half-closed and everything it sent is answered: end our side too. */
  private finish(): void {
    this.reason ??= 'peer';
    this.stop();
    this.socket.end();
  }

  /** Closes the connection at once for `reason`; answers already made are handed to the kernel first. */
  private fail(reason: CloseReason, detail: Record<string, unknown> = {}): void {
    if (this.reason === undefined) {
      this.reason = reason;
      this.detail = detail;
    }
    this.stop();
    while (this.socket.writableCorked > 0) this.socket.uncork();
    this.socket.destroy();
  }

  /** Logs through the per-connection limiter: a repeated entry is counted, not written, within `logIntervalMs`. */
  private note(level: LogLevel, event: string, meta: Record<string, unknown>): void {
    this.log.log(level, event, meta);
  }
}
