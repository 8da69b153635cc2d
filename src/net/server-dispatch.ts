/**
 * The request side of one server connection: each frame is decoded, handed to the handler, and its answer (or a
 * format or system error) framed and written; bad frames are spent from the connection's budget.
 *
 * Invariants: a response MTI is never answered (two servers would echo format errors at each other forever); every
 * handler job started is ended exactly once, and the answers of jobs settling in one loop turn go out in one write.
 */
import type { Socket } from 'node:net';
import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error, isIso8583Error } from '../errors/iso8583-error.js';
import type { Message } from '../spec/types.js';
import { peekFrame } from './format-error.js';
import { type Frame, type FramingSpec, writeFrame } from './framing.js';
import { errorFacts, errorName, type LogLevel, loggableMti } from './logger.js';
import type { FramePeek, MessageCodec } from './message-codec.js';
import { mtiKind } from './mti-kind.js';
import { Iso8583NetError } from './net-error.js';
import { answerHeader, isHeadered, isThenable, type ServerHandler } from './server-handler.js';
import type { ServerLimits } from './server-limits.js';
import type { PeerConnection } from './server-peer.js';
import type { CloseReason, StatsCounters } from './server-stats.js';
import type { WriteWatch } from './write-watch.js';

/**
 * What the requests of every connection of one server are handled with.
 *
 * Why: the codec, handler and error builders are the server's, checked once; each connection's dispatcher reads them.
 */
export interface DispatchCore<M extends Message> {
  readonly codec: MessageCodec<M>;
  readonly framing: FramingSpec;
  readonly handler: ServerHandler<M>;
  readonly limits: ServerLimits;
  readonly counters: StatsCounters;
  readonly onMalformed: 'respond' | 'skip';
  readonly formatError: (frame: Uint8Array, error: Iso8583Error, read: FramePeek) => M | undefined;
  readonly systemError: (request: M, error: unknown) => M | undefined;
  /** A handler started or ended on some connection (the server waits for them on close). */
  jobStarted(): void;
  jobEnded(): void;
}

/**
 * What a dispatcher needs of its connection: the socket answers are written to, and the connection's log and close.
 *
 * Why: the dispatcher writes and counts, while reading, pausing and closing stay the connection's job.
 */
export interface DispatchPort<M extends Message> {
  readonly socket: Socket;
  readonly watch: WriteWatch;
  /** The connected peer, as the handler's context names it. */
  readonly peer: PeerConnection<M>;
  /** Logs through the connection's repeat limiter. */
  note(level: LogLevel, event: string, meta: Record<string, unknown>): void;
  /** Closes the connection at once for `reason`. */
  fail(reason: CloseReason, detail?: Record<string, unknown>): void;
  /** A handler job of this connection ended (its answer written): the connection may resume reading or finish. */
  jobDone(): void;
  /**
   * A response from the peer: handed to the server's request waiting under its key; `undefined` when one took it,
   * else why none did (`late`: its request timed out or was aborted; `unmatched`).
   */
  response(message: M, header: Uint8Array | undefined): 'late' | 'unmatched' | undefined;
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

/**
 * Handles the frames of one connection and writes their answers.
 *
 * Why: what a frame becomes (an answer, a format error, a system error, a bad frame spent) is one job, apart from
 * when the connection reads.
 */
export class RequestDispatcher<M extends Message> {
  /** Handlers of this connection running now. */
  active = 0;
  /** Bad frames this connection may still send (see `maxBadFrames`). */
  private budget: number;
  /** The socket is corked until this loop turn's check phase, for the answers of handlers settling now. */
  private corkedTurn = false;
  private readonly remoteAddress: string | undefined;

  constructor(
    private readonly core: DispatchCore<M>,
    private readonly port: DispatchPort<M>,
  ) {
    this.budget = core.limits.maxBadFrames;
    this.remoteAddress = port.socket.remoteAddress;
  }

  /** Decodes one frame and hands it to the handler (or answers it as malformed, or spends it as bad). */
  dispatch(frame: Frame): void {
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
      // An answer to a request this server sent the peer goes to that request; the handler sees requests only.
      const unmatched = this.port.response(request, frame.header);
      if (unmatched === undefined || unmatched === 'late') {
        if (unmatched === 'late') this.port.note('info', 'response without a pending request', { mti, reason: unmatched });
        this.earn();
        return;
      }
      counters.responsesAsRequests++;
      this.port.note('warn', 'response MTI received as a request', { mti, length: frame.message.length });
      this.bad();
      return;
    }
    if (kind === 'noResponse') counters.noResponseMti++;
    this.earn();
    let result: unknown;
    // The answer goes back with the request's header as received, unless the handler chose another (withHeader).
    const headerBytes = this.core.framing.headerBytes ?? 0;
    const reply = (answer: unknown): void => {
      if (!isHeadered(answer)) return this.answer(frame.header, answer as M | undefined);
      const header = answerHeader(answer, headerBytes);
      if (header instanceof Iso8583NetError) return this.failed(frame, request, header);
      this.answer(header, answer.message as M);
    };
    try {
      result = handler(request, { header: frame.header, remoteAddress: this.remoteAddress, peer: this.port.peer });
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
      this.port.socket.cork();
      setImmediate(() => {
        this.corkedTurn = false;
        this.port.socket.uncork();
      });
    }
    try {
      end();
    } finally {
      this.active--;
      this.core.jobEnded();
      this.port.jobDone();
    }
  }

  private failed(frame: Frame, request: M, e: unknown): void {
    const { counters, systemError } = this.core;
    counters.handlerErrors++;
    const mti = loggableMti(mtiOf(request));
    this.port.note('error', 'handler failed', { ...mti, ...errorFacts(e) });
    let answer: M | undefined;
    try {
      answer = systemError(request, e);
    } catch (x) {
      this.port.note('error', 'systemError failed', { ...mti, ...errorFacts(x) });
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
      this.port.note('warn', 'response MTI received as a request', { ...where, mti: read.mti });
      this.bad();
      return;
    }
    if (read.mti === undefined) {
      counters.unreadableMti++;
      this.port.note('warn', 'frame without a readable MTI', where);
    } else {
      if (kind === 'noResponse') counters.noResponseMti++;
      this.port.note('warn', 'malformed frame', { ...where, mti: read.mti });
    }
    const { onMalformed, formatError } = this.core;
    if (this.bad() || onMalformed === 'skip') return;
    let answer: M | undefined;
    try {
      answer = formatError(frame.message, e, read);
    } catch (x) {
      this.port.note('error', 'formatError failed', { ...loggableMti(read.mti), ...errorFacts(x) });
      return;
    }
    this.answer(frame.header, answer);
  }

  /** A good frame (a request handed on, an answer to the server's request) earns one bad frame back. */
  private earn(): void {
    if (this.budget < this.core.limits.maxBadFrames) this.budget++;
  }

  /** Spends one bad frame; true when that was one too many and the connection is closing. */
  private bad(): boolean {
    const max = this.core.limits.maxBadFrames;
    if (max === 0) return false;
    if (--this.budget >= 0) return false;
    this.port.fail('badFrames', { maxBadFrames: max });
    return true;
  }

  /** Writes `message` framed with the fixed `header` (none: the framing's zeros). */
  private answer(header: Uint8Array | undefined, message: M | undefined): void {
    if (message === undefined) return;
    const { socket } = this.port;
    if (socket.destroyed || !socket.writable) return;
    let bytes: Uint8Array;
    try {
      const encoded = this.core.codec.encode(message);
      bytes = writeFrame(this.core.framing, header === undefined ? { message: encoded } : { header, message: encoded }, allocBuffer);
    } catch (e) {
      this.port.note('error', 'response could not be encoded', { ...loggableMti(mtiOf(message)), error: errorName(e) });
      return;
    }
    this.port.watch.wrote(socket.write(bytes));
  }
}
