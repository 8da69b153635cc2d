import { describe, expectTypeOf, it } from 'vitest';
import { createCodec, defineSpec, type Infer, responseMti } from '../../src/index.js';
import { openSessionPool, type PoolLinkChange, type PoolStatus, type Session, type SessionPool } from '../../src/net/index.js';

const spec = defineSpec({
  name: 'typed-pool',
  mti: { encoding: 'ascii' },
  bitmap: { format: 'binary' },
  fields: {
    11: { kind: 'n', length: 6, encoding: 'ascii' },
    39: { kind: 'an', length: 2, encoding: 'ascii' },
    52: { kind: 'b', length: 8, encoding: 'binary' },
  },
});
type Typed = Infer<typeof spec>;
const codec = createCodec(spec);

describe('openSessionPool is typed by its codec', () => {
  it('types the handler, the links, the answers and the events by the spec, with no cast', () => {
    const pool = openSessionPool({
      codec,
      framing: { length: 'binary2' },
      links: [{ host: '127.0.0.1', port: 8583 }, { socket: () => new Promise(() => undefined) }],
      handler: (request) => {
        expectTypeOf(request).toEqualTypeOf<Typed>();
        return { mti: responseMti(request.mti), fields: { 11: request.fields[11], 39: '00' } };
      },
    });
    expectTypeOf(pool).toEqualTypeOf<SessionPool<Typed>>();
    expectTypeOf(pool.links).toEqualTypeOf<readonly Session<Typed>[]>();
    expectTypeOf(pool.request).returns.resolves.toEqualTypeOf<Typed>();
    expectTypeOf(pool.status).toEqualTypeOf<PoolStatus>();
    pool.on('link', (change) => expectTypeOf(change).toEqualTypeOf<PoolLinkChange>());
    // @ts-expect-error: a pool's selection is one of the two it knows.
    openSessionPool({ codec, framing: { length: 'binary2' }, links: [], select: 'random' });
    // @ts-expect-error: a link's target takes no session option of its own.
    openSessionPool({ codec, framing: { length: 'binary2' }, links: [{ host: '127.0.0.1', port: 1, timeoutMs: 5 }] });
    void pool.close();
  });
});
