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
import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error, isIso8583Error } from '../errors/iso8583-error.js';
import type { Message } from '../spec/types.js';
import { FrameParser } from './frame-parser.js';
import { peekFrame } from './format-error.js';
import { type Frame, type FramingSpec, writeFrame } from './framing.js';
import { RepeatLimiter } from './log-limiter.js';
import { errorFacts, errorName, type LogLevel, loggableMti, type NetLogger } from './logger.js';
import type { FramePeek, MessageCodec } from './message-codec.js';
import { mtiKind } from './mti-kind.js';
import { Iso8583NetError, isIso8583NetError, NetErrorCode } from './net-error.js';
import { type ClockExpiry, PeerClock } from './peer-clock.js';
import type { ServerLimits } from './server-limits.js';
import type { CloseReason, StatsCounters } from './server-stats.js';
import { watchWrites, type WriteWatch } from './write-watch.js';

/** What a handler learns about the request besides the message. */
export interface RequestContext {
  /** The fixed header (TPDU) the request arrived with, when the framing has one. */
  readonly header: Uint8Array | undefined;
  /** The remote address, for logs and rate limits. */
  readonly remoteAddress: string | undefined;
}

/** An answer and the fixed header (TPDU) it goes back with, as {@link withHeader} makes it. */
export interface HeaderedAnswer<M extends Message = Message> {
  /** Tells this wrapper from a message (a message has no `kind`). */
  readonly kind: 'headeredAnswer';
  /** The answer. */
  readonly message: M;
  /** The fixed header it is framed with. */
  readonly header: Uint8Array;
}

/**
 * Wraps a handler's answer with the fixed header (TPDU) it goes back with, instead of the request's header.
 *
 * Why: the default echo suits networks that route an answer by the request's header as it came; others want the
 * answer's header changed (a TPDU's source and destination swapped). `header` must be exactly the framing's
 * `headerBytes` long: a header of another length (or not a `Uint8Array`) fails the request like a handler that
 * throws (`handler failed`, `error: 'INVALID_OPTION'`, and the system error goes back with the request's header).
 * The bytes are copied, so the caller may reuse its buffer.
 *
 * @example
 * ```ts
 * // A TPDU is id, destination (2 bytes), source (2 bytes): the answer goes back with the two swapped.
 * const server = createServer({ codec, framing: { length: 'binary2', headerBytes: 5 },
 *   handler: (request, { header: h }) => withHeader({ mti: responseMti(request.mti), fields: { 11: request.fields[11], 39: '00' } },
 *     Uint8Array.of(h![0]!, h![3]!, h![4]!, h![1]!, h![2]!)) });
 * ```
 */
export function withHeader<M extends Message>(message: M, header: Uint8Array): HeaderedAnswer<M> {
  return Object.freeze({ kind: 'headeredAnswer' as const, message, header: header instanceof Uint8Array ? header.slice() : header });
}

/** Whether a handler returned a {@link HeaderedAnswer} (read without trusting it: a getter may throw). */
function isHeadered(value: unknown): value is HeaderedAnswer {
  try {
    return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'headeredAnswer';
  } catch {
    return false;
  }
}

/**
 * Answers one request: returns (or resolves) the response, a response {@link withHeader} a fixed header of its
 * own, or `undefined` to send nothing. `M` is the message type of the server's codec (`Infer<typeof spec>` for
 * `createCodec(spec)`), the dynamic `Message` by default.
 */
export type Handler<M extends Message = Message> = (
  message: M,
  ctx: RequestContext,
) => M | HeaderedAnswer<M> | undefined | Promise<M | HeaderedAnswer<M> | undefined>;

/** What every connection of one server shares. */
export interface ServerCore<M extends Message> {
  readonly codec: MessageCodec<M>;
  readonly framing: FramingSpec;
  readonly handler: Handler<M>;
  readonly limits: ServerLimits;
  /** The caller's logger, guarded: a logger that throws loses its entry, nothing else. */
  readonly logger: NetLogger;
  readonly counters: StatsCounters;
  readonly onMalformed: 'respond' | 'skip';
  readonly formatError: (frame: Uint8Array, error: Iso8583Error, read: FramePeek) => M | undefined;
  readonly systemError: (request: M, error: unknown) => M | undefined;
  /** A handler started or ended on some connection (the server waits for them on close). */
  jobStarted(): void;
  jobEnded(): void;
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

/** The MTI of whatever a handler returned, read without trusting it (a proxy or a getter may throw). */
function mtiOf(message: unknown): unknown {
  try {
    return (message as { mti?: unknown } | null)?.mti;
  } catch {
    return undefined;
  }
}

/** Output buffers of answers: pooled, and written to the socket as they are. */
const allocBuffer = (size: number): Uint8Array => Buffer.allocUnsafe(size);

/** Whether a handler's result is a promise (or any thenable) rather than the answer itself. */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
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
  private readonly remoteAddress: string | undefined;
  /** Handlers of this connection running now. */
  private active = 0;
  /** Bad frames this connection may still send (see `maxBadFrames`). */
  private budget: number;
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
  /** The socket is corked until this loop turn's check phase, for the answers of handlers settling now. */
  private corkedTurn = false;
  /** Whether a frame completed since the clock was last armed, and whether a frame was begun then. */
  private framedSinceArm = false;
  private armedPartial = false;

  constructor(
    readonly socket: Socket,
    private readonly core: ServerCore<M>,
  ) {
    const { limits, counters } = core;
    this.parser = new FrameParser(core.framing, limits.maxFrameBytes);
    this.budget = limits.maxBadFrames;
    this.remoteAddress = socket.remoteAddress;
    this.log = new RepeatLimiter(core.logger, limits.logIntervalMs, () => counters.logEntriesSuppressed++);
    this.clock = new PeerClock(limits.idleTimeoutMs, limits.frameTimeoutMs, (expiry) => this.expired(expiry));
    this.watch = watchWrites(socket, limits.writeStallMs, () => {
      this.fail('writeStall', { writeStallMs: limits.writeStallMs, bufferedBytes: socket.writableLength });
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
      this.core.closed(this);
      this.markClosed();
    });
    this.clock.arm(false);
  }

  /** Stops dispatching for good (`close()` began): nothing more is read or handed to the handler. */
  stop(): void {
    this.stopped = true;
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
      if (this.active >= limits.maxInFlightPerConnection) {
        this.fullInFlight = true;
        return this.stopReading();
      }
      if (this.awaitingDrain || this.watch.blocked) return this.waitForDrain();
      if (n >= TURN_FRAMES || (n > 0 && performance.now() - started >= TURN_MS)) return this.giveTurn();
      const frame = this.parser.next();
      if (frame === undefined) break;
      this.framedSinceArm = true;
      if (frame.message.length > 0) this.dispatch(frame); // zero-length frames are keep-alives
    }
    // Every byte read is dispatched: wait for the peer, or finish when it has half-closed.
    const partial = this.parser.partial;
    if (this.ended) {
      if (partial) this.fail('truncatedFrame');
      else if (this.active === 0) this.finish();
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

  private dispatch(frame: Frame): void {
    const { codec, counters, handler } = this.core;
    counters.framesReceived++;
    let request: M;
    try {
      request = codec.decode(frame.message);
      if (typeof request !== 'object' || request === null) throw new Error('not a message');
    } catch (e) {
      this.malformed(frame, isIso8583Error(e) ? e : new Iso8583Error(ErrorCode.INVALID_MESSAGE, 'the codec failed without an Iso8583Error'));
      return;
    }
    const mti = mtiOf(request);
    const kind = mtiKind(mti);
    if (kind === 'response') {
      // This server sends no requests, so a response matches nothing here; the handler sees requests only.
      counters.responsesAsRequests++;
      this.note('warn', 'response MTI received as a request', { mti, length: frame.message.length });
      this.bad();
      return;
    }
    if (kind === 'noResponse') counters.noResponseMti++;
    if (this.budget < this.core.limits.maxBadFrames) this.budget++;
    let result: unknown;
    // The answer goes back with the request's header as received, unless the handler chose another (withHeader).
    const headerBytes = this.core.framing.headerBytes ?? 0;
    const reply = (answer: unknown): void => {
      if (!isHeadered(answer)) return this.answer(frame.header, answer as M | undefined);
      const { header, message } = answer;
      if (!(header instanceof Uint8Array) || header.length !== headerBytes) {
        const e = new Iso8583NetError(NetErrorCode.INVALID_OPTION, `withHeader: header must be a Uint8Array of ${headerBytes} bytes (the framing's headerBytes)`, {
          option: 'header',
        });
        return this.failed(frame, request, e);
      }
      this.answer(header, message as M);
    };
    try {
      result = handler(request, { header: frame.header, remoteAddress: this.remoteAddress });
      if (isThenable(result)) {
        this.active++;
        this.core.jobStarted();
        Promise.resolve(result).then(
          (answer) => this.settled(() => reply(answer)),
          (e: unknown) => this.settled(() => this.failed(frame, request, e)),
        );
        return;
      }
    } catch (e) {
      this.failed(frame, request, e);
      return;
    }
    reply(result);
  }

  /** Runs the end of one handler's job, then lets the connection go on (resume reading, or finish). */
  private settled(end: () => void): void {
    // Answers of handlers that settle in the same loop turn (timers, database round trips) go out in one write:
    // the socket is uncorked in this turn's check phase, after the I/O poll, which does not wait while it is due.
    if (!this.corkedTurn) {
      this.corkedTurn = true;
      this.socket.cork();
      setImmediate(() => {
        this.corkedTurn = false;
        this.socket.uncork();
      });
    }
    try {
      end();
    } finally {
      this.active--;
      this.core.jobEnded();
      if (this.fullInFlight) {
        // Resume on the next loop turn, not now: a thousand handlers ending at once must not each start a burst.
        this.fullInFlight = false;
        this.schedulePump();
      } else if (this.ended && this.active === 0) {
        this.pump();
      }
    }
  }

  private failed(frame: Frame, request: M, e: unknown): void {
    const { counters, systemError } = this.core;
    counters.handlerErrors++;
    const mti = loggableMti(mtiOf(request));
    this.note('error', 'handler failed', { ...mti, ...errorFacts(e) });
    let answer: M | undefined;
    try {
      answer = systemError(request, e);
    } catch (x) {
      this.note('error', 'systemError failed', { ...mti, ...errorFacts(x) });
      return;
    }
    // A system error goes back with the request's header: the handler that chose another failed.
    this.answer(frame.header, answer);
  }

  private malformed(frame: Frame, e: Iso8583Error): void {
    const { codec, counters } = this.core;
    counters.malformedFrames++;
    const read = peekFrame(codec, frame.message);
    const where = { code: errorName(e), field: e.field, offset: e.offset, length: frame.message.length };
    const kind = mtiKind(read.mti);
    if (kind === 'response') {
      // Never answer an answer: two servers would echo format errors at each other forever.
      counters.responsesAsRequests++;
      this.note('warn', 'response MTI received as a request', { ...where, mti: read.mti });
      this.bad();
      return;
    }
    if (read.mti === undefined) {
      counters.unreadableMti++;
      this.note('warn', 'frame without a readable MTI', where);
    } else {
      if (kind === 'noResponse') counters.noResponseMti++;
      this.note('warn', 'malformed frame', { ...where, mti: read.mti });
    }
    const { onMalformed, formatError } = this.core;
    if (this.bad() || onMalformed === 'skip') return;
    let answer: M | undefined;
    try {
      answer = formatError(frame.message, e, read);
    } catch (x) {
      this.note('error', 'formatError failed', { ...loggableMti(read.mti), ...errorFacts(x) });
      return;
    }
    this.answer(frame.header, answer);
  }

  /** Spends one bad frame; true when that was one too many and the connection is closing. */
  private bad(): boolean {
    const max = this.core.limits.maxBadFrames;
    if (max === 0) return false;
    if (--this.budget >= 0) return false;
    this.fail('badFrames', { maxBadFrames: max });
    return true;
  }

  /** Writes `message` framed with the fixed `header` (none: the framing's zeros). */
  private answer(header: Uint8Array | undefined, message: M | undefined): void {
    if (message === undefined) return;
    const { socket } = this;
    if (socket.destroyed || !socket.writable) return;
    let bytes: Uint8Array;
    try {
      const encoded = this.core.codec.encode(message);
      bytes = writeFrame(this.core.framing, header === undefined ? { message: encoded } : { header, message: encoded }, allocBuffer);
    } catch (e) {
      this.note('error', 'response could not be encoded', { ...loggableMti(mtiOf(message)), error: errorName(e) });
      return;
    }
    this.watch.wrote(socket.write(bytes));
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
