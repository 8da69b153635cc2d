import { describe, expect, it } from 'vitest';
import { isIso8583Error } from '../../src/index.js';
import { DEFAULT_MATCH_FIELDS, defaultMatchKey, isIso8583NetError, type MatchKey } from '../../src/net/index.js';
import { approve, echo, type IsoMessage, startClient, startServer } from './helpers/loopback.js';

const PAN = '4111111111111111';

/** Values a plain JavaScript caller could hand to request() or send() by mistake. */
const notMessages: [string, unknown][] = [
  ['null', null],
  ['undefined', undefined],
  ['a number', 42],
  ['a string', '0800'],
  ['an array', [1, 2]],
  ['an MTI without fields', { mti: '0800' }],
  ['null fields', { mti: '0800', fields: null }],
  ['fields that are a string', { mti: '0800', fields: PAN }],
  [
    'a message whose getter throws',
    {
      get mti(): string {
        throw new Error(PAN);
      },
      fields: {},
    },
  ],
  [
    'a proxy whose traps throw',
    new Proxy(
      {},
      {
        get() {
          throw new Error(PAN);
        },
      },
    ),
  ],
];

describe('client.request() and send() of something that is not a message', () => {
  for (const [name, value] of notMessages) {
    it(`reject ${name} with an Iso8583Error, never a TypeError, and send nothing`, async () => {
      const { server, port } = await startServer(approve);
      const client = await startClient(port);
      const rejected = await client.request(value as IsoMessage).catch((e: unknown) => e);
      expect(isIso8583Error(rejected), String(rejected)).toBe(true);
      expect(rejected).not.toBeInstanceOf(TypeError);
      expect((rejected as Error).message).not.toContain('411111');
      let thrown: unknown;
      try {
        client.send(value as IsoMessage);
      } catch (e) {
        thrown = e;
      }
      expect(isIso8583Error(thrown), String(thrown)).toBe(true);
      expect(client.pending).toBe(0);
      // The connection is unharmed: a real request goes through.
      expect((await client.request(echo(1))).fields[39]).toBe('00');
      expect(server.stats.framesReceived).toBe(1);
    });
  }

  it('reject a plain non-object with INVALID_MESSAGE', async () => {
    const { port } = await startServer(approve);
    const client = await startClient(port);
    for (const value of [null, undefined, 42, { mti: '0800' }, { mti: '0800', fields: null }]) {
      await expect(client.request(value as IsoMessage)).rejects.toMatchObject({ code: 'INVALID_MESSAGE' });
    }
  });
});

describe('defaultMatchKey', () => {
  it('throws only Iso8583Errors, whatever it is given', () => {
    for (const [, value] of [...notMessages, ['a response MTI', { mti: '0110', fields: {} }] as [string, unknown], ['an MTI that is a number', { mti: 100, fields: {} }] as [string, unknown], ['DE11 an object', { mti: '0100', fields: { 11: { toString: () => PAN } } }] as [string, unknown]]) {
      for (const isRequest of [true, false]) {
        try {
          defaultMatchKey(value as IsoMessage, isRequest);
        } catch (e) {
          expect(isIso8583Error(e), String(e)).toBe(true);
          expect((e as Error).message).not.toContain('411111');
        }
      }
    }
  });

  it('pairs a request with its response', () => {
    expect(defaultMatchKey({ mti: '0100', fields: { 11: '000001', 41: 'TERM0001' } }, true)).toBe('0110|000001|TERM0001');
    expect(defaultMatchKey({ mti: '0110', fields: { 11: '000001', 39: '00', 41: 'TERM0001' } }, false)).toBe('0110|000001|TERM0001');
    expect(defaultMatchKey({ mti: '0800', fields: {} }, true)).toBe('0810||');
  });

  it('keys on the fields DEFAULT_MATCH_FIELDS lists, DE11 and DE41, beside the response MTI', () => {
    expect(DEFAULT_MATCH_FIELDS).toEqual([11, 41]);
    expect(Object.isFrozen(DEFAULT_MATCH_FIELDS)).toBe(true);
    const base: IsoMessage = { mti: '0100', fields: { 2: PAN, 4: '000000000100', 11: '000001', 37: 'RRN000000001', 41: 'TERM0001' } };
    // A field outside the list changes no key; each listed field does.
    expect(defaultMatchKey({ ...base, fields: { ...base.fields, 4: '000000999999', 37: 'RRN000000002' } }, true)).toBe(defaultMatchKey(base, true));
    for (const n of DEFAULT_MATCH_FIELDS) {
      expect(defaultMatchKey({ ...base, fields: { ...base.fields, [n]: n === 11 ? '000002' : 'TERM0002' } }, true)).not.toBe(defaultMatchKey(base, true));
    }
  });
});

describe('a custom key function', () => {
  it('that throws rejects the request with KEY_FAILED, its text dropped', async () => {
    const { port } = await startServer(approve);
    const key: MatchKey<IsoMessage> = () => {
      throw new Error(`no key for ${PAN}`);
    };
    const client = await startClient(port, { key });
    const e = await client.request(echo(1)).catch((x: unknown) => x);
    expect(isIso8583NetError(e) && e.code).toBe('KEY_FAILED');
    expect((e as Error).message).not.toContain('411111');
    expect(client.pending).toBe(0);
  });

  it('that returns something other than a string rejects the request with KEY_FAILED', async () => {
    const { port } = await startServer(approve);
    const client = await startClient(port, { key: (() => 7) as unknown as MatchKey<IsoMessage> });
    await expect(client.request(echo(1))).rejects.toMatchObject({ code: 'KEY_FAILED' });
  });

  it('that throws on a response hands it to onUnmatched', async () => {
    const { port } = await startServer(approve);
    const unmatched: string[] = [];
    let arrived: () => void = () => {};
    const got = new Promise<void>((r) => (arrived = r));
    const client = await startClient(port, {
      key: (m, isRequest) => {
        if (!isRequest) throw new Error(PAN);
        return defaultMatchKey(m, isRequest);
      },
      onUnmatched: (m, reason) => {
        unmatched.push(`${m.mti} ${reason}`);
        arrived();
      },
    });
    void client.request(echo(1), { timeoutMs: 600_000 }).catch(() => undefined);
    await got;
    expect(unmatched).toEqual(['0810 unmatched']);
  });
});
