/**
 * The requests a session's peer sends down the link: each goes to the handler, and its answer (or the system error
 * when the handler throws) is framed and written back on the same link, with the request's fixed header unless the
 * handler chose another ({@link withHeader}).
 */
import type { Message } from '../spec/types.js';
import { type Frame, writeFrame } from './framing.js';
import { errorFacts, errorName, loggableMti } from './logger.js';
import { Iso8583NetError } from './net-error.js';
import { answerHeader, isHeadered, isThenable } from './server-handler.js';
import type { LinkContext } from './session-context.js';

/** The MTI of a message, read without trusting it (a getter may throw). */
export function mtiOf(message: unknown): unknown {
  try {
    return (message as { mti?: unknown } | null)?.mti;
  } catch {
    return undefined;
  }
}

/**
 * Hands one request of the peer to the handler and writes its answer through `write` (`down`: the link went down;
 * `full`: the peer is not reading; nothing written then). Never throws: a handler, `systemError` or codec failure is counted and logged by its code.
 *
 * Why: on a session the network asks the questions; a failing handler must still give it an answer it can pair
 * (DE39 `96` by default), as the server does, and the log names the failure without its text.
 */
export function answerRequest<M extends Message>(
  ctx: LinkContext<M>,
  request: M,
  frame: Frame,
  remoteAddress: string | undefined,
  write: (bytes: Uint8Array) => 'written' | 'down' | 'full',
): void {
  const { counters, handler, logger } = ctx;
  counters.requestsReceived++;
  if (handler === undefined) {
    logger.warn('request without a handler', loggableMti(mtiOf(request)));
    return;
  }
  const answer = (header: Uint8Array | undefined, message: M | undefined): void => {
    if (message === undefined) return;
    let bytes: Uint8Array;
    try {
      const encoded = ctx.codec.encode(message);
      bytes = writeFrame(ctx.framing, header === undefined ? { message: encoded } : { header, message: encoded });
    } catch (e) {
      logger.error('response could not be encoded', { ...loggableMti(mtiOf(message)), error: errorName(e) });
      return;
    }
    const written = write(bytes);
    if (written === 'written') counters.requestsAnswered++;
    else if (written === 'down') logger.warn('answer not written: the link is down', loggableMti(mtiOf(message)));
    else logger.warn('answer not written: the peer is not reading', { ...loggableMti(mtiOf(message)), maxWriteBufferBytes: ctx.limits.maxWriteBufferBytes });
  };
  const failed = (e: unknown): void => {
    counters.handlerErrors++;
    const mti = loggableMti(mtiOf(request));
    logger.error('handler failed', { ...mti, ...errorFacts(e) });
    let systemError: M | undefined;
    try {
      systemError = ctx.systemError(request, e);
    } catch (x) {
      logger.error('systemError failed', { ...mti, ...errorFacts(x) });
      return;
    }
    // A system error goes back with the request's header: the handler that chose another failed.
    answer(frame.header, systemError);
  };
  const headerBytes = ctx.framing.headerBytes ?? 0;
  const reply = (result: unknown): void => {
    if (!isHeadered(result)) return answer(frame.header, result as M | undefined);
    const header = answerHeader(result, headerBytes);
    if (header instanceof Iso8583NetError) return failed(header);
    answer(header, result.message as M);
  };
  let result: unknown;
  try {
    result = handler(request, { header: frame.header, remoteAddress });
  } catch (e) {
    return failed(e);
  }
  if (!isThenable(result)) return reply(result);
  Promise.resolve(result).then(reply, failed);
}
