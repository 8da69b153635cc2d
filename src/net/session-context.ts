/** What every link of one session runs with; links come and go, this stays. */
import type { Message } from '../spec/types.js';
import type { FramingSpec } from './framing.js';
import type { NetLogger } from './logger.js';
import type { MatchKey } from './match-key.js';
import type { MessageCodec } from './message-codec.js';
import type { Handler } from './server-handler.js';
import type { SessionLimits } from './session-options.js';
import type { SessionCounters } from './session-stats.js';

/**
 * What every link of one session runs with: the session's codec, hooks, limits, counters and logger.
 *
 * Why: links come and go, the session's configuration and numbers stay.
 */
export interface LinkContext<M extends Message> {
  readonly codec: MessageCodec<M>;
  readonly framing: FramingSpec;
  readonly limits: SessionLimits;
  /** The guarded key function. */
  readonly keyOf: MatchKey<M>;
  readonly handler: Handler<M> | undefined;
  readonly systemError: (request: M, error: unknown) => M | undefined;
  readonly onUnmatched: ((message: M, reason: 'late' | 'unmatched', header: Uint8Array | undefined) => void) | undefined;
  /** Builds the next echo, numbered across the session's links. */
  readonly nextEcho: (() => M) | undefined;
  readonly counters: SessionCounters;
  readonly logger: NetLogger;
}
