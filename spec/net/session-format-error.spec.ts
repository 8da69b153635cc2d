/**
 * What a session does with a frame from the network that does not decode: a request is answered with a format
 * error the network can pair, as the server answers one; a response is never answered. The link is an in-memory
 * stream from a socket factory that records what the session writes.
 */
import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createCodec, defineSpec, presets } from '../../src/index.js';
import { encodeFrame } from '../../src/net/index.js';
import { capture, codec, framing, type IsoMessage } from './helpers/loopback.js';
import { startSession } from './helpers/session-fixtures.js';

/** The 1987 ASCII table, except that DE49 takes letters: the network encodes it, the session's codec refuses it. */
const lax = createCodec(defineSpec({ ...presets.iso87ascii, name: 'lax', fields: { ...presets.iso87ascii.fields, 49: { kind: 'an', length: 3, encoding: 'ascii' } } }));

/** A connected in-memory link: `written` holds the messages the session wrote, decoded; `push` sends it bytes. */
function recordingLink(): { stream: Duplex; written: IsoMessage[]; wrote: Promise<void> } {
  const written: IsoMessage[] = [];
  let resolve!: () => void;
  const wrote = new Promise<void>((r) => (resolve = r));
  const stream = new Duplex({
    read: () => undefined,
    write(chunk: Buffer, _encoding, done) {
      // binary2 framing: a 2-byte length, then the message; the session writes one frame per write.
      written.push(codec.decode(chunk.subarray(2)));
      resolve();
      done();
    },
  });
  return { stream, written, wrote };
}

describe('a session given an undecodable frame', () => {
  it('answers a request with its response MTI, DE39 30, and the DE11 and DE41 it could read; the handler never sees it', async () => {
    const link = recordingLink();
    const handled: IsoMessage[] = [];
    const log = capture();
    const { session } = startSession(0, { socket: () => link.stream, signOn: async () => undefined, handler: (m) => (handled.push(m), undefined), logger: log.logger });
    await session.whenUp();
    const bad = lax.encode({ mti: '0100', fields: { 4: '000000001000', 11: '000321', 41: 'TERM0042', 49: 'EUR' } });
    link.stream.push(encodeFrame(framing, { message: bad }));
    await link.wrote;
    expect(link.written).toEqual([{ mti: '0110', fields: { 11: '000321', 39: '30', 41: 'TERM0042' } }]);
    expect(handled).toEqual([]);
    expect(session.stats.undecodable).toBe(1);
    expect(log.entries).toContainEqual(expect.objectContaining({ level: 'info', event: 'format error answered', meta: { mti: '0110' } }));
  });

  it('never answers an undecodable response, nor a frame whose MTI cannot be read', async () => {
    const link = recordingLink();
    const log = capture();
    const { session } = startSession(0, { socket: () => link.stream, signOn: async () => undefined, logger: log.logger });
    await session.whenUp();
    const undecodable = log.when((e) => e.event === 'undecodable frame', 2);
    link.stream.push(encodeFrame(framing, { message: lax.encode({ mti: '0110', fields: { 11: '000322', 39: '00', 41: 'TERM0042', 49: 'EUR' } }) }));
    link.stream.push(encodeFrame(framing, { message: Buffer.from('XY') }));
    await undecodable;
    // A request after them is answered by the format error path too, so nothing written before it means nothing was.
    link.stream.push(encodeFrame(framing, { message: lax.encode({ mti: '0100', fields: { 11: '000323', 41: 'TERM0042', 49: 'EUR' } }) }));
    await link.wrote;
    expect(link.written).toEqual([{ mti: '0110', fields: { 11: '000323', 39: '30', 41: 'TERM0042' } }]);
    expect(session.stats.undecodable).toBe(3);
  });
});
