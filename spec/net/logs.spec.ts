import { describe, expect, it } from 'vitest';
import { Iso8583Error, responseMti } from '../../src/index.js';
import { errorName } from '../../src/net/logger.js';
import { approve, capture, codec, echo, type IsoMessage, rawSocket, startClient, startServer, wire } from './helpers/loopback.js';

const PAN = '4111111111111111';

/** Throws an Error whose class and instance are both named by a PAN: throwing code can name it anything. */
function panNamedError(): Error {
  class Named extends Error {}
  Object.defineProperty(Named, 'name', { value: PAN });
  const e = new Named('x');
  e.name = PAN;
  return e;
}

describe('server logs carry no value from user code (issue #11)', () => {
  it('name a handler’s exception by a sanitised class name, and log an MTI only when it is four digits', async () => {
    const log = capture();
    const behaviours: Record<string, (m: IsoMessage) => IsoMessage | Promise<IsoMessage>> = {
      '000001': () => {
        throw new Error(`declined ${PAN}`);
      },
      '000002': () => Promise.reject(Object.assign(new TypeError(PAN), { code: PAN })),
      '000003': () => {
        throw PAN;
      },
      '000004': () => {
        throw panNamedError();
      },
      '000005': () => {
        throw Object.assign(new Error('x'), { name: `X${PAN}Error` });
      },
      '000006': () => ({ mti: PAN, fields: {} }),
      '000007': (m) => ({ mti: responseMti(m.mti), fields: { 2: `${PAN}999999`, 11: m.fields[11] } }),
      '000008': () => {
        throw new Iso8583Error('INVALID_CHARACTER', 'a test failure');
      },
      '000009': () => {
        throw new (class PoolTimeoutError extends Error {
          override name = 'PoolTimeoutError';
        })(PAN);
      },
    };
    const { port } = await startServer((m) => behaviours[String(m.fields[11])]!(m), { logger: log.logger, logIntervalMs: 0 });
    const client = await startClient(port, { timeoutMs: 60_000 });
    for (const stan of Object.keys(behaviours)) {
      const request: IsoMessage = { mti: '0100', fields: { 2: PAN, 11: stan, 41: 'TERM0001' } };
      // A request whose answer does not encode is never answered: fire and forget those two.
      if (stan === '000006' || stan === '000007') void client.request(request).catch(() => undefined);
      else await client.request(request);
    }
    await log.when((e) => e.event === 'response could not be encoded', 2);
    const failed = log.entries.filter((e) => e.event === 'handler failed').map((e) => e.meta);
    expect(failed).toEqual([
      { mti: '0100', error: 'Error' },
      { mti: '0100', error: 'TypeError' },
      { mti: '0100', error: 'Error' },
      { mti: '0100', error: 'Error' },
      { mti: '0100', error: 'Error' },
      { mti: '0100', error: 'INVALID_CHARACTER' },
      { mti: '0100', error: 'PoolTimeoutError' },
    ]);
    const unencoded = log.entries.filter((e) => e.event === 'response could not be encoded').map((e) => e.meta);
    expect(unencoded).toEqual([{ error: 'INVALID_MTI' }, { mti: '0110', error: 'LENGTH_EXCEEDS_MAX' }]);
    for (const line of log.lines()) expect(line).not.toMatch(/411111|[0-9]{8}/);
  });
});

describe('logging around user code that fails', () => {
  it('names a custom codec’s own errors by their class, without their text', async () => {
    const log = capture();
    const hostile = {
      decode: (frame: Uint8Array) => {
        if (frame[4] === 0x39) throw new Error(PAN); // the frames this test marks with a '9' after the MTI
        return codec.decode(frame);
      },
      encode: (m: IsoMessage) => {
        if (m.fields[11] === '000002') throw new TypeError(PAN);
        return codec.encode(m);
      },
    };
    const { createServer } = await import('../../src/net/index.js');
    const server = createServer({ codec: hostile, framing: { length: 'binary2' }, handler: approve, logger: log.logger });
    const { port } = await server.listen(0);
    try {
      const raw = await rawSocket(port);
      const undecodable = Buffer.from(wire(echo(1)));
      undecodable[2 + 4] = 0x39;
      raw.socket.write(Buffer.concat([undecodable, wire(echo(2)), wire(echo(3))]));
      expect(await raw.next()).toEqual({ mti: '0810', fields: { 39: '30' } }); // the format error: DE11 was not read
      expect((await raw.next()).fields[11]).toBe('000003'); // 000002's answer did not encode
      expect(log.entries).toContainEqual(expect.objectContaining({ event: 'malformed frame', meta: expect.objectContaining({ code: 'INVALID_MESSAGE', mti: '0800' }) }));
      expect(log.entries).toContainEqual({ level: 'error', event: 'response could not be encoded', meta: { mti: '0810', error: 'TypeError' } });
      for (const line of log.lines()) expect(line).not.toContain('411111');
    } finally {
      await server.close(100);
    }
  });

  it('goes on serving when the logger itself throws', async () => {
    const throwing = {
      info: () => {
        throw new Error('info');
      },
      warn: () => {
        throw new Error('warn');
      },
      error: () => {
        throw new Error('error');
      },
    };
    const { server, port } = await startServer(
      (m) => {
        if (m.fields[11] === '000002') throw new Error('boom');
        return approve(m, { header: undefined, remoteAddress: undefined });
      },
      { logger: throwing, logIntervalMs: 0 },
    );
    const raw = await rawSocket(port);
    raw.socket.write(Buffer.concat([wire({ mti: '0810', fields: { 11: '000001', 39: '00', 70: '301' } }), wire(echo(2)), wire(echo(3))]));
    expect((await raw.next()).fields).toMatchObject({ 11: '000002', 39: '96' });
    expect((await raw.next()).fields).toMatchObject({ 11: '000003', 39: '00' });
    expect(server.stats).toMatchObject({ responsesAsRequests: 1, handlerErrors: 1, connectionsOpen: 1 });
  });

  it('on the client: an onUnmatched that throws is logged by its class name, and the connection lives on', async () => {
    const log = capture();
    const { port } = await startServer((m) => (m.fields[11] === '000001' ? { mti: '0810', fields: { 11: '999999', 39: '00' } } : approve(m, { header: undefined, remoteAddress: undefined })));
    const client = await startClient(port, {
      logger: log.logger,
      onUnmatched: () => {
        throw new RangeError(PAN);
      },
    });
    void client.request(echo(1), { timeoutMs: 600_000 }).catch(() => undefined);
    await log.when((e) => e.event === 'onUnmatched failed');
    expect(log.entries).toContainEqual({ level: 'error', event: 'onUnmatched failed', meta: { error: 'RangeError' } });
    expect((await client.request(echo(2))).fields[39]).toBe('00');
  });
});

describe('errorName', () => {
  it('never returns more than a code or a plain class name, whatever is thrown', () => {
    const hostile = [
      null,
      undefined,
      PAN,
      4111111111111111,
      { name: PAN },
      { name: 'TypeError', code: PAN },
      Object.assign(new Error(), { name: `${PAN}Error` }),
      new Proxy(
        {},
        {
          get() {
            throw new Error(PAN);
          },
        },
      ),
      Object.defineProperty({}, 'name', {
        get() {
          throw new Error(PAN);
        },
      }),
    ];
    for (const value of hostile) {
      const name = errorName(value);
      expect(name).toMatch(/^(?:[A-Za-z_$][A-Za-z0-9_$]*)?Error$|^[A-Z_]+$/);
      expect(name).not.toMatch(/[0-9]{4}/);
    }
    expect(errorName(new RangeError(PAN))).toBe('RangeError');
  });
});
