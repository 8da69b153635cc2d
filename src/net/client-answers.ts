/**
 * The read side of a client: every frame the peer sends is decoded and handed to the request waiting under its key,
 * or to `onUnmatched`.
 */
import type { Duplex } from 'node:stream';
import { isIso8583Error } from '../errors/iso8583-error.js';
import type { Message } from '../spec/types.js';
import type { ClientCounters } from './client-stats.js';
import { readFrames } from './frame-reader.js';
import type { FramingSpec } from './framing.js';
import { errorName, loggableMti, type NetLogger } from './logger.js';
import type { MatchKey } from './match-key.js';
import type { MessageCodec } from './message-codec.js';
import type { PendingRequests } from './pending-requests.js';

/**
 * What the answer loop of one client reads with and hands answers to.
 *
 * Why: the loop shares the client's table, counters and logger; naming them keeps it apart from the write path.
 */
export interface AnswerRoute<M extends Message> {
  readonly codec: MessageCodec<M>;
  readonly framing: FramingSpec;
  readonly maxFrameBytes: number;
  /** The guarded key function (see `guardedKey`). */
  readonly keyOf: MatchKey<M>;
  readonly pending: PendingRequests<M>;
  readonly counts: ClientCounters;
  readonly logger: NetLogger;
  readonly onUnmatched: ((message: M, reason: 'late' | 'unmatched', header: Uint8Array | undefined) => void) | undefined;
}

/**
 * Reads the socket's frames until it ends and routes each answer; a frame that fails to read destroys the socket.
 *
 * Why: an undecodable frame or an answer nobody waits for is counted and logged, never thrown, so one bad frame does
 * not end the link; a stream that breaks (bad length header, frame too large) leaves no trustworthy frame boundary.
 */
export async function routeAnswers<M extends Message>(socket: Duplex, route: AnswerRoute<M>): Promise<void> {
  const { codec, counts, logger, onUnmatched } = route;
  try {
    for await (const frame of readFrames(socket, route.framing, { maxFrameBytes: route.maxFrameBytes })) {
      let message: M;
      try {
        message = codec.decode(frame.message);
      } catch (e) {
        if (!isIso8583Error(e)) throw e;
        counts.undecodable++;
        logger.warn('undecodable response', { code: e.code, field: e.field, offset: e.offset });
        continue;
      }
      let k: string | undefined;
      try {
        k = route.keyOf(message, false);
      } catch (e) {
        logger.warn('response key failed', { error: errorName(e) });
      }
      const reason = route.pending.settle(k, { message, header: frame.header });
      if (reason === undefined) continue;
      counts[reason]++;
      logger.info('response without a pending request', { ...loggableMti((message as { mti?: unknown } | null)?.mti), reason });
      try {
        onUnmatched?.(message, reason, frame.header);
      } catch (e) {
        logger.error('onUnmatched failed', { error: errorName(e) });
      }
    }
  } catch (e) {
    logger.error('client stream failed', { code: errorName(e) });
    socket.destroy();
  }
}
