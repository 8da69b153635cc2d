/** The client's and the session's options share one declaration of what every link takes, and keep their own. */
import { describe, expectTypeOf, it } from 'vitest';
import { type Infer, presets } from '../../src/index.js';
import type { ClientOptions, LinkOptions, SessionOptions } from '../../src/net/index.js';

type M = Infer<typeof presets.iso87ascii>;
type Shared = keyof LinkOptions;

describe('LinkOptions', () => {
  it('holds the options connect and openSession share, typed alike in both', () => {
    expectTypeOf<Pick<ClientOptions<M>, Shared>>().toEqualTypeOf<Pick<SessionOptions<M>, Shared>>();
    expectTypeOf<Pick<ClientOptions<M>, Shared>>().toEqualTypeOf<LinkOptions<M>>();
    expectTypeOf<Shared>().toEqualTypeOf<
      'host' | 'port' | 'socket' | 'tls' | 'codec' | 'framing' | 'key' | 'onUnmatched' | 'timeoutMs' | 'maxFrameBytes' | 'maxWriteBufferBytes' | 'lateWindowMs' | 'logger'
    >();
  });

  it('leaves each its own: the client how a stalled connection ends, the session its handler, hooks and redial', () => {
    expectTypeOf<Exclude<keyof ClientOptions, Shared>>().toEqualTypeOf<'writeStallMs'>();
    expectTypeOf<Exclude<keyof SessionOptions, Shared>>().toEqualTypeOf<
      'handler' | 'systemError' | 'connectTimeoutMs' | 'signOn' | 'signOff' | 'keepAlive' | 'readTimeoutMs' | 'backoff' | 'random' | 'reconnect' | 'writeStallMs'
    >();
  });
});
