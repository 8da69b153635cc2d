import { connect as rawConnect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createCodec, createCodecSet, type InferSet, type Message, presets, withSubfields } from '../../src/index.js';
import { type Client, connect, createServer, encodeFrame, type Handler, type MessageCodec, readFrames, type Server } from '../../src/net/index.js';
import { capture, HANG_GUARD_MS } from './helpers/loopback.js';

/** DE48 is TLV in authorizations, positional in network management: one link, two layouts. */
const auth = withSubfields(presets.iso87ascii, { 48: { type: 'tlv', tagLength: 2, lengthDigits: 2, encoding: 'ascii' } });
const admin = withSubfields(presets.iso87ascii, {
  48: { type: 'positional', fields: { 1: { kind: 'n', length: 3, encoding: 'ascii' }, 2: { kind: 'ans', length: 20, prefix: 'LL/ascii', encoding: 'ascii' } } },
});
const byMti = { '01xx': auth, '08xx': admin } as const;
const link = createCodecSet({ byMti });
const framing = { length: 'binary2' } as const;
const flat = createCodec(presets.iso87ascii);

const open: { servers: Server<never>[]; clients: Client<never>[]; sockets: Socket[] } = { servers: [], clients: [], sockets: [] };
afterEach(async () => {
  for (const s of open.sockets.splice(0)) s.destroy();
  await Promise.all(open.clients.splice(0).map((c) => c.close()));
  await Promise.all(open.servers.splice(0).map((s) => s.close(100)));
});

/** A server over `codec` with `handler`, listening on a loopback port. */
async function serve<M extends Message>(codec: MessageCodec<M>, handler: Handler<M>, logger = capture().logger): Promise<number> {
  const server = createServer({ codec, framing, logger, handler });
  open.servers.push(server as Server<never>);
  return (await server.listen(0, '127.0.0.1')).port;
}

/** Answers 0100 and 0800 with DE48 echoed in each one's own layout, and DE11 and DE41 (the client's default match key). */
const echoDe48: Handler<InferSet<typeof byMti>> = (request) => {
  if (request.mti === '0100') return { mti: '0110', fields: { 11: request.fields[11], 39: '00', 41: request.fields[41], 48: request.fields[48] } };
  if (request.mti === '0800') return { mti: '0810', fields: { 11: request.fields[11], 39: '00', 41: request.fields[41], 48: request.fields[48] } };
  return undefined;
};

/** A raw socket to `port` and a reader of the frames it gets, decoded by the flat 1987 codec. */
async function raw(port: number): Promise<{ socket: Socket; next: () => Promise<Uint8Array> }> {
  const socket = rawConnect({ host: '127.0.0.1', port });
  open.sockets.push(socket);
  socket.on('error', () => {});
  await new Promise<void>((r) => socket.once('connect', () => r()));
  const frames = readFrames(socket, framing)[Symbol.asyncIterator]();
  return { socket, next: async () => (await frames.next()).value!.message };
}

describe('a codec set in the net layer', () => {
  it('serves a link over TCP whose DE48 is TLV in a 0100 and positional in a 0800, both ways', async () => {
    const port = await serve(link, echoDe48);
    const client = await connect({ host: '127.0.0.1', port, codec: link, framing, timeoutMs: HANG_GUARD_MS });
    open.clients.push(client as Client<never>);
    const [authorized, echoed] = await Promise.all([
      client.request({ mti: '0100', fields: { 11: '000001', 41: 'TERM0001', 48: [{ tag: 'A1', value: 'XY' }] } }),
      client.request({ mti: '0800', fields: { 11: '000002', 41: 'TERM0001', 48: { 1: '301', 2: 'ECHO' }, 70: '301' } }),
    ]);
    expect(authorized).toEqual({ mti: '0110', fields: { 11: '000001', 39: '00', 41: 'TERM0001', 48: [{ tag: 'A1', value: 'XY' }] } });
    expect(echoed).toEqual({ mti: '0810', fields: { 11: '000002', 39: '00', 41: 'TERM0001', 48: { 1: '301', 2: 'ECHO' } } });
  });

  it('answers a frame whose MTI no key is for with the default’s format error, DE11 echoed', async () => {
    // The default spec decodes a 0200, which this handler leaves unanswered.
    const port = await serve(createCodecSet({ byMti, default: presets.iso87ascii }), () => undefined);
    const peer = await raw(port);
    peer.socket.write(encodeFrame(framing, { message: flat.encode({ mti: '0200', fields: { 11: '000003', 48: 'FREE TEXT' } }) }));
    // The decodable 0200 gets nothing; the undecodable one (a byte past its last field) a format error.
    peer.socket.write(encodeFrame(framing, { message: Uint8Array.from([...flat.encode({ mti: '0200', fields: { 11: '000004' } }), 0x30]) }));
    expect(flat.decode(await peer.next())).toEqual({ mti: '0210', fields: { 11: '000004', 39: '30' } });
  });

  it('without a default, refuses a frame whose MTI no key is for, and cannot answer it: the next request is answered next', async () => {
    const logs = capture();
    const port = await serve(link, echoDe48, logs.logger);
    const peer = await raw(port);
    peer.socket.write(encodeFrame(framing, { message: flat.encode({ mti: '0200', fields: { 11: '000005' } }) }));
    await logs.when((e) => e.event === 'malformed frame' && e.meta['code'] === 'UNKNOWN_MTI');
    await logs.when((e) => e.event === 'response could not be encoded' && e.meta['error'] === 'UNKNOWN_MTI');
    peer.socket.write(encodeFrame(framing, { message: link.encode({ mti: '0800', fields: { 11: '000006', 48: { 1: '301', 2: '' } } }) }));
    expect(link.decode(await peer.next())).toEqual({ mti: '0810', fields: { 11: '000006', 39: '00', 48: { 1: '301', 2: '' } } });
  });
});
