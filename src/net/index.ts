/**
 * ISO 8583 over TCP: length-header framing, a frame reader for any async byte stream, a multiplexing client and a
 * resilient server.
 *
 * @module iso8583-codec/net
 */
export { type Client, connect } from './client.js';
export { type ClientLimits, type ClientOptions, DEFAULT_CLIENT_LIMITS, type RequestOptions, type SendOptions } from './client-options.js';
export type { LinkOptions } from './link-options.js';
export { type ClientStats } from './client-stats.js';
export { defaultMatchKey, type MatchKey } from './match-key.js';
export { type Answer } from './pending-requests.js';
export { DEFAULT_MAX_FRAME_BYTES, type FrameReaderOptions, readFrames } from './frame-reader.js';
export { encodeFrame, type Frame, type FramingSpec, lengthBytes, maxAnnounced, readLength, validateFraming } from './framing.js';
export { type NetLogger, type ObjectFirstLogger, objectFirstLogger, silentLogger } from './logger.js';
export { DEFAULT_MATCH_FIELDS, type FramePeek, type MessageCodec } from './message-codec.js';
export { Iso8583NetError, isIso8583NetError, NetErrorCode } from './net-error.js';
export { createServer, type Server, type ServerEvents } from './server.js';
export { type PeerConnection, type PeerStats, type PeerTls } from './server-peer.js';
export { type Handler, type HeaderedAnswer, type RequestContext, type ServerHandler, type ServerRequestContext, withHeader } from './server-handler.js';
export { type ServerOptions } from './server-options.js';
export { DEFAULT_SERVER_LIMITS, type ServerLimits } from './server-limits.js';
export { type Session, type SessionCloseOptions, type SessionRequestOptions, openSession } from './session.js';
export { backoffDelay, type Backoff, type BackoffOptions, DEFAULT_BACKOFF, seededRandom } from './session-backoff.js';
export { type KeepAliveOptions, type LinkDownReason, type SessionLimits, type SessionLink, type SessionOptions } from './session-options.js';
export { type SessionStats } from './session-stats.js';
export { type SessionEvents, type SessionStatus, type StatusChange } from './session-status.js';
export { CLOSE_REASONS, type CloseReason, type ServerStats } from './server-stats.js';
export {
  openSessionPool,
  type PoolLinkChange,
  type PoolLinkTarget,
  type PoolSelect,
  type PoolStatus,
  type PoolStatusChange,
  type SessionPool,
  type SessionPoolEvents,
  type SessionPoolOptions,
} from './link-pool.js';
