/** A codec set's messages are the union of its specs' Infer types, discriminated by `mti` when the keys are literal. */
import { describe, expectTypeOf, it } from 'vitest';
import {
  type CodecSet,
  createCodecSet,
  type Infer,
  type InferSet,
  type Message,
  type MessageSpec,
  type MtiOfKey,
  presets,
  type SpecsByMti,
  type TlvEntry,
  withSubfields,
} from '../../src/index.js';
import { connect, createServer, type MessageCodec, openSession, type Server, type Session } from '../../src/net/index.js';

const auth = withSubfields(presets.iso87ascii, { 48: { type: 'tlv', tagLength: 2, lengthDigits: 2, encoding: 'ascii' } });
const admin = withSubfields(presets.iso87ascii, {
  48: { type: 'positional', fields: { 1: { kind: 'n', length: 3, encoding: 'ascii' }, 2: { kind: 'ans', length: 20, prefix: 'LL/ascii', encoding: 'ascii' } } },
});
const link = createCodecSet({ byMti: { '0100': auth, '08xx': admin } });
type Auth = Infer<typeof auth> & { mti: '0100' };
type Admin = Infer<typeof admin> & { mti: `08${string}` };
const frame = new Uint8Array();

describe('the message type of a codec set', () => {
  it('is the union of its keys’ specs, each with the MTI its key admits', () => {
    expectTypeOf(link).toEqualTypeOf<CodecSet<Auth | Admin>>();
    expectTypeOf<MtiOfKey<'0100'>>().toEqualTypeOf<'0100'>();
    expectTypeOf<MtiOfKey<'08xx'>>().toEqualTypeOf<`08${string}`>();
    expectTypeOf<MtiOfKey<'1xxx'>>().toEqualTypeOf<`1${string}`>();
    expectTypeOf<MtiOfKey<string>>().toEqualTypeOf<string>();
  });

  it('narrows by mti to the one spec of that key', () => {
    const m = link.decode(frame);
    if (m.mti === '0100') {
      expectTypeOf(m.fields[48]).toEqualTypeOf<TlvEntry[] | undefined>();
    } else {
      expectTypeOf(m.mti).toEqualTypeOf<`08${string}`>();
      expectTypeOf(m.fields[48]).toEqualTypeOf<{ 1: string; 2: string } | undefined>();
    }
  });

  it('asks encode for the layout of the MTI given', () => {
    link.encode({ mti: '0100', fields: { 48: [{ tag: 'A1', value: 'XY' }] } });
    link.encode({ mti: '0810', fields: { 48: { 1: '301', 2: 'ECHO' } } });
    // @ts-expect-error a 0100's DE48 is TLV, not positional
    link.encode({ mti: '0100', fields: { 48: { 1: '301', 2: 'ECHO' } } });
    // @ts-expect-error no key admits 0200 and the set has no default
    link.encode({ mti: '0200', fields: {} });
  });

  it('adds the default’s Infer, with any MTI, which a narrowing keeps', () => {
    const withDefault = createCodecSet({ byMti: { '0100': auth }, default: presets.iso87ascii });
    expectTypeOf(withDefault).toEqualTypeOf<CodecSet<Auth | Infer<typeof presets.iso87ascii>>>();
    withDefault.encode({ mti: '0200', fields: { 48: 'FREE TEXT' } });
    const m = withDefault.decode(frame);
    if (m.mti === '0100') expectTypeOf(m.fields[48]).toEqualTypeOf<TlvEntry[] | string | undefined>();
  });

  it('is a plain union when the keys are not literal', () => {
    const table: SpecsByMti = { '0100': presets.iso87ascii };
    expectTypeOf(createCodecSet({ byMti: table })).toEqualTypeOf<CodecSet<Infer<MessageSpec> & { mti: string }>>();
    expectTypeOf<InferSet<Record<string, typeof auth>>>().toEqualTypeOf<Infer<typeof auth> & { mti: string }>();
  });

  it('types peek’s fields by the specs', () => {
    const read = link.peek(frame, [48]);
    expectTypeOf(read.mti).toEqualTypeOf<string | undefined>();
    expectTypeOf(read.fields).toEqualTypeOf<Partial<Auth['fields']> | Partial<Admin['fields']>>();
  });
});

describe('a codec set in the net layer', () => {
  const served = createCodecSet({ byMti: { '01xx': auth, '08xx': admin } });
  type Served = (Infer<typeof auth> & { mti: `01${string}` }) | Admin;

  it('is a MessageCodec of its union, so a server’s handler gets the typed message and answers by MTI', () => {
    expectTypeOf(served).toMatchTypeOf<MessageCodec<Served>>();
    const server = createServer({
      codec: served,
      framing: { length: 'binary2' },
      handler: (request) => {
        expectTypeOf(request).toEqualTypeOf<Served>();
        if (request.mti === '0100') return { mti: '0110', fields: { 11: request.fields[11], 39: '00', 48: [{ tag: 'A1', value: 'OK' }] } };
        return { mti: '0810', fields: { 11: request.fields[11], 39: '00', 48: { 1: '301', 2: 'ECHO' } } };
      },
    });
    expectTypeOf(server).toEqualTypeOf<Server<Served>>();
    createServer({
      codec: served,
      framing: { length: 'binary2' },
      // @ts-expect-error an 0810's DE48 is positional, not TLV
      handler: (request) => ({ mti: '0810', fields: { 11: request.fields[11], 48: [{ tag: 'A1', value: 'OK' }] } }),
    });
  });

  it('types a client’s requests and answers and a session’s handler the same way', async () => {
    const client = await connect({ host: '127.0.0.1', port: 1, codec: served, framing: { length: 'binary2' } });
    expectTypeOf(client.request({ mti: '0800', fields: { 11: '000001', 48: { 1: '301', 2: 'ECHO' } } })).toEqualTypeOf<Promise<Served>>();
    // @ts-expect-error a 0100's DE48 is TLV
    void client.request({ mti: '0100', fields: { 48: { 1: '301', 2: 'ECHO' } } });
    const session = openSession({
      host: '127.0.0.1',
      port: 1,
      codec: served,
      framing: { length: 'binary2' },
      handler: (request) => (request.mti === '0800' ? { mti: '0810', fields: { 11: request.fields[11], 48: request.fields[48] } } : undefined),
    });
    expectTypeOf(session).toEqualTypeOf<Session<Served>>();
  });

  it('leaves the dynamic Message the default', () => {
    expectTypeOf<CodecSet>().toEqualTypeOf<CodecSet<Message>>();
  });
});
