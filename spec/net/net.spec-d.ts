import { describe, expectTypeOf, it } from 'vitest';
import { createCodec, defineSpec, type Infer, type Iso87Preset, type Message, presets, responseMti } from '../../src/index.js';
import { type Client, connect, createServer, type Handler, type MessageCodec, type Server, type ServerOptions } from '../../src/net/index.js';

const spec = defineSpec({
  name: 'typed-net',
  mti: { encoding: 'ascii' },
  bitmap: { format: 'binary' },
  fields: {
    4: { kind: 'n', length: 12, encoding: 'ascii' },
    11: { kind: 'n', length: 6, encoding: 'ascii' },
    39: { kind: 'an', length: 2, encoding: 'ascii' },
    41: { kind: 'ans', length: 8, encoding: 'ascii' },
    52: { kind: 'b', length: 8, encoding: 'binary' },
  },
});
type Typed = Infer<typeof spec>;
const codec = createCodec(spec);
const framing = { length: 'binary2' } as const;

describe('createServer is typed by its codec', () => {
  it('types the handler’s request and answer by the spec, with no cast', () => {
    createServer({
      codec,
      framing,
      handler: (request) => {
        expectTypeOf(request).toEqualTypeOf<Typed>();
        expectTypeOf(request.fields[11]).toEqualTypeOf<string | undefined>();
        expectTypeOf(request.fields[52]).toEqualTypeOf<Uint8Array | undefined>();
        return { mti: responseMti(request.mti), fields: { 11: request.fields[11], 39: '00' } };
      },
    });
    createServer({ codec: createCodec(presets.iso87ascii), framing, handler: async (m) => ({ mti: '0810', fields: { 11: m.fields[11], 70: m.fields[70] } }) });
  });

  it('refuses answers the spec cannot encode', () => {
    // @ts-expect-error DE39 is text, not a number
    createServer({ codec, framing, handler: () => ({ mti: '0110', fields: { 39: 0 } }) });
    // @ts-expect-error DE52 is binary
    createServer({ codec, framing, handler: () => ({ mti: '0110', fields: { 52: 'AB' } }) });
    // @ts-expect-error the spec has no DE70
    createServer({ codec, framing, handler: () => ({ mti: '0810', fields: { 70: '301' } }) });
  });

  it('takes its message type from the codec alone, never from a literal the handler or the hooks return', () => {
    const preset = createCodec(presets.iso87ascii);
    const server = createServer({
      codec: preset,
      framing,
      handler: () => ({ mti: '0810', fields: { 39: '00', 70: '301' } }),
      systemError: () => ({ mti: '0810', fields: { 39: '96' } }),
    });
    expectTypeOf(server).toEqualTypeOf<Server<Infer<Iso87Preset>>>();
  });

  it('types formatError and systemError by the spec too', () => {
    const options: ServerOptions<Typed> = {
      codec,
      framing,
      handler: () => undefined,
      formatError: (_frame, _error, read) => ({ mti: '0110', fields: { 11: read.fields[11] as string | undefined, 39: '30' } }),
      systemError: (request) => {
        expectTypeOf(request).toEqualTypeOf<Typed>();
        return { mti: '0110', fields: { 11: request.fields[11], 39: '96' } };
      },
    };
    void options;
  });

  it('keeps the dynamic Message as the default', () => {
    expectTypeOf<Handler>().parameter(0).toEqualTypeOf<Message>();
    expectTypeOf<MessageCodec>().toEqualTypeOf<MessageCodec<Message>>();
    const dynamic: MessageCodec = { decode: () => ({ mti: '0800', fields: {} }), encode: () => new Uint8Array() };
    createServer({ codec: dynamic, framing, handler: (m) => {
      expectTypeOf(m).toEqualTypeOf<Message>();
      return { mti: '0810', fields: { 999: 'anything' } };
    } });
  });
});

describe('connect is typed by its codec', () => {
  it('types requests, answers and unmatched responses by the spec', async () => {
    const client = await connect({
      host: '127.0.0.1',
      port: 8583,
      codec,
      framing,
      onUnmatched: (m, reason) => {
        expectTypeOf(m).toEqualTypeOf<Typed>();
        expectTypeOf(reason).toEqualTypeOf<'late' | 'unmatched'>();
      },
    });
    expectTypeOf(client).toEqualTypeOf<Client<Typed>>();
    const answer = await client.request({ mti: '0100', fields: { 4: '000000001000', 11: '000001', 41: 'TERM0001' } });
    expectTypeOf(answer).toEqualTypeOf<Typed>();
    expectTypeOf(answer.fields[39]).toEqualTypeOf<string | undefined>();
    // @ts-expect-error amounts are strings, never numbers
    void client.request({ mti: '0100', fields: { 4: 1000 } });
    // @ts-expect-error the spec has no DE2
    client.send({ mti: '0100', fields: { 2: '4111111111111111' } });
  });

  it('accepts a custom match key over the typed message', async () => {
    await connect({ host: '127.0.0.1', port: 8583, codec, framing, key: (m, isRequest) => `${isRequest}|${m.fields[11] ?? ''}` });
    // @ts-expect-error DE70 is not in the spec, so a key cannot read it
    await connect({ host: '127.0.0.1', port: 8583, codec, framing, key: (m) => String(m.fields[70]) });
  });

  it('gives Client<Message> for a codec typed by the dynamic Message', async () => {
    const dynamic: MessageCodec = { decode: () => ({ mti: '0810', fields: {} }), encode: () => new Uint8Array() };
    const client = await connect({ host: '127.0.0.1', port: 8583, codec: dynamic, framing, onUnmatched: (m) => expectTypeOf(m).toEqualTypeOf<Message>() });
    expectTypeOf(client).toEqualTypeOf<Client<Message>>();
    expectTypeOf(await client.request({ mti: '0800', fields: { 999: 'any field' } })).toEqualTypeOf<Message>();
  });

  it('needs no cast for the library’s own codec (issue #13)', async () => {
    const client = await connect({ host: '127.0.0.1', port: 8583, codec: createCodec(presets.iso87ascii), framing });
    const echo = await client.request({ mti: '0800', fields: { 11: '000001', 70: '301' } });
    expectTypeOf(echo.fields[70]).toEqualTypeOf<string | undefined>();
    expectTypeOf(echo.fields[55]).toEqualTypeOf<Uint8Array | undefined>();
  });
});
