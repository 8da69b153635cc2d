/** The server's peers and their requests are typed by the server's codec, with no cast. */
import { describe, expectTypeOf, it } from 'vitest';
import { createCodec, defineSpec, type Infer, responseMti } from '../../src/index.js';
import {
  type Answer,
  createServer,
  type Handler,
  openSession,
  type PeerConnection,
  type PeerStats,
  type PeerTls,
  type RequestContext,
  type Server,
  type ServerRequestContext,
} from '../../src/net/index.js';

const spec = defineSpec({
  name: 'typed-peers',
  mti: { encoding: 'ascii' },
  bitmap: { format: 'binary' },
  fields: {
    11: { kind: 'n', length: 6, encoding: 'ascii' },
    39: { kind: 'an', length: 2, encoding: 'ascii' },
    70: { kind: 'n', length: 3, encoding: 'ascii' },
  },
});
type Typed = Infer<typeof spec>;
const codec = createCodec(spec);

describe('a server’s peers', () => {
  it('are typed by the codec in peers(), on("connection") and the handler’s ctx.peer', () => {
    const server = createServer({
      codec,
      framing: { length: 'binary2' },
      handler: (request, ctx) => {
        // The server sets ctx.peer for every request: its handler's context has it, with no check.
        expectTypeOf(ctx.peer).toEqualTypeOf<PeerConnection<Typed>>();
        expectTypeOf(ctx).toEqualTypeOf<ServerRequestContext<Typed>>();
        return { mti: responseMti(request.mti), fields: { 11: request.fields[11], 39: '00' } };
      },
    });
    expectTypeOf(server).toEqualTypeOf<Server<Typed>>();
    expectTypeOf(server.peers()).toEqualTypeOf<readonly PeerConnection<Typed>[]>();
    server.on('connection', (peer) => {
      expectTypeOf(peer).toEqualTypeOf<PeerConnection<Typed>>();
      expectTypeOf(peer.request({ mti: '0800', fields: { 11: '000001', 70: '301' } })).toEqualTypeOf<Promise<Typed>>();
      expectTypeOf(peer.requestWithHeader).returns.toEqualTypeOf<Promise<Answer<Typed>>>();
      expectTypeOf(peer.stats).toEqualTypeOf<PeerStats>();
      expectTypeOf(peer.tls).toEqualTypeOf<PeerTls | undefined>();
      // @ts-expect-error DE70 is a string in this spec
      void peer.request({ mti: '0800', fields: { 70: 301 } });
    });
    // @ts-expect-error the only event is 'connection'
    server.on('close', () => undefined);
  });

  it('still take a Handler, whose context may lack the peer, as a session’s handler’s does', () => {
    const plain: Handler<Typed> = (request, ctx) => {
      expectTypeOf(ctx.peer).toEqualTypeOf<PeerConnection<Typed> | undefined>();
      return { mti: responseMti(request.mti), fields: { 11: request.fields[11], 39: '00' } };
    };
    createServer({ codec, framing: { length: 'binary2' }, handler: plain });
    openSession({
      host: '127.0.0.1',
      port: 1,
      codec,
      framing: { length: 'binary2' },
      handler: (_request, ctx) => {
        expectTypeOf(ctx).toEqualTypeOf<RequestContext<Typed>>();
        return undefined;
      },
    });
  });
});
