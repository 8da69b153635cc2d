import { describe, expectTypeOf, it } from 'vitest';
import { createCodec, defineSpec, type Infer, type Iso87Preset, type Message, presets, responseMti } from '../../src/index.js';
import { type MessageCodec, openSession, type Session, type SessionLink, type SessionStatus, type StatusChange } from '../../src/net/index.js';

const spec = defineSpec({
  name: 'typed-session',
  mti: { encoding: 'ascii' },
  bitmap: { format: 'binary' },
  fields: {
    11: { kind: 'n', length: 6, encoding: 'ascii' },
    39: { kind: 'an', length: 2, encoding: 'ascii' },
    52: { kind: 'b', length: 8, encoding: 'binary' },
    70: { kind: 'n', length: 3, encoding: 'ascii' },
  },
});
type Typed = Infer<typeof spec>;
const codec = createCodec(spec);
const framing = { length: 'binary2' } as const;

describe('openSession is typed by its codec', () => {
  it('types the handler, the hooks, the echo and the answers by the spec, with no cast', () => {
    const session = openSession({
      host: '127.0.0.1',
      port: 8583,
      codec,
      framing,
      handler: (request) => {
        expectTypeOf(request).toEqualTypeOf<Typed>();
        expectTypeOf(request.fields[52]).toEqualTypeOf<Uint8Array | undefined>();
        return { mti: responseMti(request.mti), fields: { 11: request.fields[11], 39: '00' } };
      },
      signOn: async (link) => {
        expectTypeOf(link).toEqualTypeOf<SessionLink<Typed>>();
        const answer = await link.request({ mti: '0800', fields: { 11: '000001', 70: '001' } });
        expectTypeOf(answer.fields[39]).toEqualTypeOf<string | undefined>();
      },
      keepAlive: { idleMs: 30_000, echo: (n) => ({ mti: '0800', fields: { 11: String(n).padStart(6, '0'), 70: '301' } }) },
    });
    expectTypeOf(session).toEqualTypeOf<Session<Typed>>();
    expectTypeOf(session.request).returns.resolves.toEqualTypeOf<Typed>();
    expectTypeOf(session.status).toEqualTypeOf<SessionStatus>();
    session.on('status', (change) => expectTypeOf(change).toEqualTypeOf<StatusChange>());
  });

  it('takes its message type from the codec alone, never from a literal the echo or the hooks return', () => {
    const preset = createCodec(presets.iso87ascii);
    const session = openSession({
      host: '127.0.0.1',
      port: 8583,
      codec: preset,
      framing,
      handler: (request) => ({ mti: responseMti(request.mti), fields: { 11: request.fields[11], 39: '00', 41: request.fields[41] } }),
      signOn: async (link) => void (await link.request({ mti: '0800', fields: { 11: '000001', 70: '001' } })),
      keepAlive: { idleMs: 30_000, echo: () => ({ mti: '0800', fields: { 11: '000002', 70: '301' } }) },
    });
    expectTypeOf(session).toEqualTypeOf<Session<Infer<Iso87Preset>>>();
  });

  it('refuses a request or an answer that the spec does not allow', () => {
    const session = openSession({ host: '127.0.0.1', port: 8583, codec, framing });
    // @ts-expect-error DE52 is binary: a string is not a value for it
    void session.request({ mti: '0800', fields: { 52: 'not bytes' } });
    // @ts-expect-error an unknown event
    session.on('closed', () => undefined);
  });

  it('stays on the dynamic Message for a codec typed by it', () => {
    const dynamic: MessageCodec = { decode: () => ({ mti: '0800', fields: {} }), encode: () => new Uint8Array() };
    expectTypeOf(openSession({ host: '127.0.0.1', port: 8583, codec: dynamic, framing })).toEqualTypeOf<Session<Message>>();
  });
});
