/**
 * ISO 8583 over TCP: length-header framing, a frame reader for any async byte stream, a multiplexing client and a
 * resilient server.
 *
 * @module iso8583-codec/net
 */
export {
  type Answer,
  type Client,
  type ClientLimits,
  type ClientOptions,
  type ClientStats,
  connect,
  DEFAULT_CLIENT_LIMITS,
  defaultMatchKey,
  type MatchKey,
  type RequestOptions,
  type SendOptions,
} from './client.js';
export { DEFAULT_MAX_FRAME_BYTES, type FrameReaderOptions, readFrames } from './frame-reader.js';
export { encodeFrame, type Frame, type FramingSpec, lengthBytes, maxAnnounced, readLength, validateFraming } from './framing.js';
export { type NetLogger, type ObjectFirstLogger, objectFirstLogger, silentLogger } from './logger.js';
export { DEFAULT_MATCH_FIELDS, type FramePeek, type MessageCodec } from './message-codec.js';
export { Iso8583NetError, isIso8583NetError, NetErrorCode } from './net-error.js';
export { createServer, type Handler, type HeaderedAnswer, type RequestContext, type Server, type ServerOptions, withHeader } from './server.js';
export { DEFAULT_SERVER_LIMITS, type ServerLimits } from './server-limits.js';
export { CLOSE_REASONS, type CloseReason, type ServerStats } from './server-stats.js';
