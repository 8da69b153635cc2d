/**
 * ISO 8583 over TCP: length-header framing, a frame reader for any async byte stream, a multiplexing client and a
 * resilient server.
 *
 * @packageDocumentation
 */
export { type Client, type ClientOptions, connect, defaultMatchKey, type MatchKey, type MessageCodec } from './client.js';
export { DEFAULT_MAX_FRAME_BYTES, type FrameReaderOptions, readFrames } from './frame-reader.js';
export { encodeFrame, type Frame, type FramingSpec, lengthBytes, maxAnnounced, readLength, validateFraming } from './framing.js';
export { type NetLogger, silentLogger } from './logger.js';
export { Iso8583NetError, isIso8583NetError, NetErrorCode } from './net-error.js';
export { createServer, type Handler, type RequestContext, type Server, type ServerOptions } from './server.js';
