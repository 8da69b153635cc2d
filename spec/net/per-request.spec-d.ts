import { describe, expectTypeOf, it } from 'vitest';
import { createCodec, defineSpec, type Infer, responseMti } from '../../src/index.js';
import { type Answer, connect, createServer, type HeaderedAnswer, withHeader } from '../../src/net/index.js';

const spec = defineSpec({
  name: 'typed-headers',
  mti: { encoding: 'ascii' },
  bitmap: { format: 'binary' },
  fields: {
    11: { kind: 'n', length: 6, encoding: 'ascii' },
    39: { kind: 'an', length: 2, encoding: 'ascii' },
  },
});
type Typed = Infer<typeof spec>;
const codec = createCodec(spec);
const framing = { length: 'binary4', headerBytes: 5 } as const;

describe('per-request options and headers are typed by the codec', () => {
  it('gives requestWithHeader an answer typed by the spec, with the header it arrived with', async () => {
    const client = await connect({
      host: '127.0.0.1',
      port: 8583,
      codec,
      framing,
      onUnmatched: (_m, _reason, header) => expectTypeOf(header).toEqualTypeOf<Uint8Array | undefined>(),
    });
    const answer = await client.requestWithHeader({ mti: '0800', fields: { 11: '000001' } }, { header: new Uint8Array(5), signal: AbortSignal.timeout(1000), timeoutMs: 10 });
    expectTypeOf(answer).toEqualTypeOf<Answer<Typed>>();
    expectTypeOf(answer.message.fields[39]).toEqualTypeOf<string | undefined>();
    expectTypeOf(answer.header).toEqualTypeOf<Uint8Array | undefined>();
    expectTypeOf(await client.request({ mti: '0800', fields: { 11: '000001' } }, { signal: new AbortController().signal })).toEqualTypeOf<Typed>();
    // @ts-expect-error a signal is an AbortSignal, not a boolean
    void client.request({ mti: '0800', fields: {} }, { signal: true });
    // @ts-expect-error the header is bytes
    client.send({ mti: '0800', fields: {} }, { header: '60000' });
  });

  it('lets a handler answer withHeader, typed by the spec, with no cast', () => {
    createServer({
      codec,
      framing,
      handler: (m, { header }) => {
        const answer = withHeader({ mti: responseMti(m.mti), fields: { 11: m.fields[11], 39: '00' } }, header ?? new Uint8Array(5));
        expectTypeOf(answer).toEqualTypeOf<HeaderedAnswer<{ mti: string; fields: { 11: string | undefined; 39: string } }>>();
        return answer;
      },
    });
    createServer({ codec, framing, handler: async (m) => withHeader<Typed>({ mti: '0810', fields: { 11: m.fields[11] } }, new Uint8Array(5)) });
    // @ts-expect-error DE39 is text, not a number, inside withHeader too
    createServer({ codec, framing, handler: () => withHeader<Typed>({ mti: '0810', fields: { 39: 0 } }, new Uint8Array(5)) });
    // @ts-expect-error a plain message with a misspelt field is still refused next to withHeader answers
    createServer({ codec, framing, handler: () => ({ mti: '0810', fields: { 70: '301' } }) });
  });
});
