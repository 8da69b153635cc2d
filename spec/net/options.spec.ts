import { describe, expect, it } from 'vitest';
import { connect, createServer, isIso8583NetError } from '../../src/net/index.js';
import { approve, codec, framing, startClient, startServer } from './helpers/loopback.js';
import { caught } from './helpers/caught.js';
import { expectUnread, unreadable } from './helpers/hostile.js';

/**
 * The net entry points as a plain JavaScript caller reaches them: no compiler, so every call below goes through
 * `any`. Each bad option throws (or rejects with) an `Iso8583NetError` whose text and `option` name it.
 */
const js = { createServer, connect } as Record<string, (...args: any[]) => any>;

function expectNamed(e: unknown, code: string, option: string): void {
  expect(isIso8583NetError(e), String(e)).toBe(true);
  if (!isIso8583NetError(e)) return;
  expect(e.code).toBe(code);
  expect(e.option).toBe(option);
  expect(e.message).toContain(option);
  expect(e).not.toBeInstanceOf(TypeError);
}

const server = (extra: Record<string, unknown>) => () => js['createServer']!({ codec, framing, handler: approve, ...extra });

describe('createServer validates its options', () => {
  const cases: [string, () => unknown, string, string][] = [
    ['no options at all', () => js['createServer']!(), 'INVALID_OPTION', 'options'],
    ['no codec', () => js['createServer']!({ framing, handler: approve }), 'INVALID_OPTION', 'options.codec'],
    ['a codec without encode', server({ codec: { decode: codec.decode } }), 'INVALID_OPTION', 'options.codec.encode'],
    ['no framing (issue #11: a TypeError on reading length)', () => js['createServer']!({ codec, handler: approve }), 'INVALID_FRAMING', 'options.framing'],
    ['an unknown length header', server({ framing: { length: 'binary3' } }), 'INVALID_FRAMING', 'options.framing.length'],
    ['ascii digits out of range', server({ framing: { length: 'ascii', digits: 9 } }), 'INVALID_FRAMING', 'options.framing.digits'],
    ['a negative headerBytes', server({ framing: { length: 'binary2', headerBytes: -1 } }), 'INVALID_FRAMING', 'options.framing.headerBytes'],
    ['includesLength not a boolean', server({ framing: { length: 'binary2', includesLength: 'yes' } }), 'INVALID_FRAMING', 'options.framing.includesLength'],
    ['no handler', () => js['createServer']!({ codec, framing }), 'INVALID_OPTION', 'options.handler'],
    ['an unknown onMalformed', server({ onMalformed: 'ignore' }), 'INVALID_OPTION', 'options.onMalformed'],
    ['formatError not a function', server({ formatError: '30' }), 'INVALID_OPTION', 'options.formatError'],
    ['systemError not a function', server({ systemError: {} }), 'INVALID_OPTION', 'options.systemError'],
    ['a logger without warn', server({ logger: { info() {}, error() {} } }), 'INVALID_OPTION', 'options.logger.warn'],
    ['maxConnections of 0', server({ maxConnections: 0 }), 'INVALID_OPTION', 'options.maxConnections'],
    ['maxConnections as a string', server({ maxConnections: '10' }), 'INVALID_OPTION', 'options.maxConnections'],
    ['a negative idleTimeoutMs', server({ idleTimeoutMs: -1 }), 'INVALID_OPTION', 'options.idleTimeoutMs'],
    ['an infinite frameTimeoutMs', server({ frameTimeoutMs: Infinity }), 'INVALID_OPTION', 'options.frameTimeoutMs'],
    ['a fractional writeStallMs', server({ writeStallMs: 1.5 }), 'INVALID_OPTION', 'options.writeStallMs'],
    ['a tiny maxWriteBufferBytes', server({ maxWriteBufferBytes: 10 }), 'INVALID_OPTION', 'options.maxWriteBufferBytes'],
    ['maxFrameBytes as NaN', server({ maxFrameBytes: NaN }), 'INVALID_OPTION', 'options.maxFrameBytes'],
    ['maxInFlightPerConnection of 0', server({ maxInFlightPerConnection: 0 }), 'INVALID_OPTION', 'options.maxInFlightPerConnection'],
    ['a negative maxBadFrames', server({ maxBadFrames: -1 }), 'INVALID_OPTION', 'options.maxBadFrames'],
    ['logIntervalMs as a string', server({ logIntervalMs: '1m' }), 'INVALID_OPTION', 'options.logIntervalMs'],
    ['a misspelt limit (issue #11: ignored, the default stayed)', server({ maxConection: 10 }), 'INVALID_OPTION', 'options.maxConection'],
    ['a limit without its unit', server({ idleTimeout: 1000 }), 'INVALID_OPTION', 'options.idleTimeout'],
    ['an unknown framing key', server({ framing: { length: 'binary2', headerByte: 5 } }), 'INVALID_FRAMING', 'options.framing.headerByte'],
  ];
  for (const [name, run, code, option] of cases) {
    it(`names ${option} for ${name}`, () => expectNamed(caught(run), code, option));
  }

  for (const [form, value] of unreadable({ codec, framing, handler: approve }, 'handler')) {
    it(`names options for ${form} as options, without the thrown text`, () => {
      expectUnread(caught(() => js['createServer']!(value)), 'INVALID_OPTION', 'options');
    });
  }
  for (const [form, value] of unreadable(framing, 'length')) {
    it(`names options.framing for ${form} as framing, with INVALID_FRAMING and without the thrown text`, () => {
      expectUnread(caught(() => js['createServer']!({ codec, framing: value, handler: approve })), 'INVALID_FRAMING', 'options.framing');
    });
  }

  for (const option of ['codec', 'logger', 'tls'] as const) {
    const base = { codec: { ...codec }, logger: { info() {}, warn() {}, error() {} }, tls: {} }[option];
    const key = { codec: 'decode', logger: 'warn', tls: 'handshakeTimeout' }[option];
    for (const [form, value] of unreadable(base, key)) {
      it(`names options.${option} for ${form} as ${option}, without the thrown text`, () => {
        expectUnread(caught(() => js['createServer']!({ codec, framing, handler: approve, [option]: value })), 'INVALID_OPTION', `options.${option}`);
      });
    }
  }

  it('checks listen and close arguments', async () => {
    const s = createServer({ codec, framing, handler: approve });
    expectNamed(caught(() => (s.listen as (...a: unknown[]) => unknown)(70_000)), 'INVALID_OPTION', 'port');
    const { server: running } = await startServer(approve);
    await expect((running.close as (d: unknown) => Promise<void>)('soon')).rejects.toMatchObject({ code: 'INVALID_OPTION', option: 'deadlineMs' });
  });
});

describe('connect validates its options', () => {
  const base = { host: '127.0.0.1', port: 1, codec, framing };
  const cases: [string, Record<string, unknown> | undefined, string, string][] = [
    ['no options at all', undefined, 'INVALID_OPTION', 'options'],
    ['no host', { ...base, host: undefined }, 'INVALID_OPTION', 'options.host'],
    ['no port', { ...base, port: undefined }, 'INVALID_OPTION', 'options.port'],
    ['a port out of range', { ...base, port: 70_000 }, 'INVALID_OPTION', 'options.port'],
    ['a socket factory that is not a function', { ...base, socket: {} }, 'INVALID_OPTION', 'options.socket'],
    ['tls options that are not an object', { ...base, tls: 'yes' }, 'INVALID_OPTION', 'options.tls'],
    ['no codec', { ...base, codec: undefined }, 'INVALID_OPTION', 'options.codec'],
    ['no framing', { ...base, framing: undefined }, 'INVALID_FRAMING', 'options.framing'],
    ['a key that is not a function', { ...base, key: 'stan' }, 'INVALID_OPTION', 'options.key'],
    ['onUnmatched not a function', { ...base, onUnmatched: true }, 'INVALID_OPTION', 'options.onUnmatched'],
    ['a timeoutMs of 0', { ...base, timeoutMs: 0 }, 'INVALID_OPTION', 'options.timeoutMs'],
    ['a negative maxFrameBytes', { ...base, maxFrameBytes: -5 }, 'INVALID_OPTION', 'options.maxFrameBytes'],
    ['a tiny maxWriteBufferBytes', { ...base, maxWriteBufferBytes: 1 }, 'INVALID_OPTION', 'options.maxWriteBufferBytes'],
    ['writeStallMs as a string', { ...base, writeStallMs: '1s' }, 'INVALID_OPTION', 'options.writeStallMs'],
    ['a logger that is a function', { ...base, logger: () => {} }, 'INVALID_OPTION', 'options.logger'],
    ['a negative lateWindowMs', { ...base, lateWindowMs: -1 }, 'INVALID_OPTION', 'options.lateWindowMs'],
    ['an unknown option', { ...base, timeout: 1000 }, 'INVALID_OPTION', 'options.timeout'],
    ['an unknown framing key', { ...base, framing: { length: 'ascii', digits: 4, include: true } }, 'INVALID_FRAMING', 'options.framing.include'],
  ];
  for (const [name, options, code, option] of cases) {
    it(`rejects naming ${option} for ${name}, before any connection`, async () => {
      const e = await (js['connect']!(options) as Promise<unknown>).catch((x: unknown) => x);
      expectNamed(e, code, option);
    });
  }

  for (const [form, value] of unreadable(base, 'host')) {
    it(`rejects naming options for ${form} as options, without the thrown text`, async () => {
      expectUnread(await (js['connect']!(value) as Promise<unknown>).catch((x: unknown) => x), 'INVALID_OPTION', 'options');
    });
  }
  for (const [form, value] of unreadable(framing, 'length')) {
    it(`rejects with INVALID_FRAMING naming options.framing for ${form} as framing, without the thrown text`, async () => {
      const e = await (js['connect']!({ ...base, framing: value }) as Promise<unknown>).catch((x: unknown) => x);
      expectUnread(e, 'INVALID_FRAMING', 'options.framing');
    });
  }

  it('rejects a request with a bad timeoutMs without sending it', async () => {
    const { port } = await startServer(approve);
    const c = await startClient(port);
    const e = await (c.request as (m: unknown, o: unknown) => Promise<unknown>)({ mti: '0800', fields: { 11: '000001' } }, { timeoutMs: -1 }).catch(
      (x: unknown) => x,
    );
    expectNamed(e, 'INVALID_OPTION', 'options.timeoutMs');
    expect(c.pending).toBe(0);
  });

  it('refuses request and send options that cannot be read with INVALID_OPTION naming options, without the thrown text', async () => {
    const { port } = await startServer(approve);
    const c = await startClient(port);
    const request = c.request as (m: unknown, o: unknown) => Promise<{ fields: Record<number, unknown> }>;
    const send = c.send as (m: unknown, o: unknown) => void;
    for (const [, value] of unreadable({ timeoutMs: 1000 }, 'timeoutMs')) {
      expectUnread(await request({ mti: '0800', fields: { 11: '000001', 70: '301' } }, value).catch((x: unknown) => x), 'INVALID_OPTION', 'options');
      expectUnread(caught(() => send({ mti: '0800', fields: { 11: '000002', 70: '301' } }, value)), 'INVALID_OPTION', 'options');
    }
    expect(c.stats).toMatchObject({ sent: 0, messagesSent: 0 });
    expect((await request({ mti: '0800', fields: { 11: '000003', 70: '301' } }, {})).fields[39]).toBe('00');
  });

  it('rejects a request with an unknown option without sending it', async () => {
    const { server: s, port } = await startServer(approve);
    const c = await startClient(port);
    const e = await (c.request as (m: unknown, o: unknown) => Promise<unknown>)({ mti: '0800', fields: { 11: '000001' } }, { timeout: 10 }).catch(
      (x: unknown) => x,
    );
    expectNamed(e, 'INVALID_OPTION', 'options.timeout');
    expect(c.pending).toBe(0);
    expect(s.stats.framesReceived).toBe(0);
  });

  it('accepts options given as undefined, like options left out', async () => {
    // Plain JavaScript spreads often leave a key with the value undefined (exactOptionalPropertyTypes forbids it).
    const { port } = await startServer(approve, { maxBadFrames: undefined, logger: undefined } as object);
    const c = await startClient(port, { lateWindowMs: undefined } as object);
    const request = c.request as (m: unknown, o: unknown) => Promise<{ fields: Record<number, unknown> }>;
    expect((await request({ mti: '0800', fields: { 11: '000001', 70: '301' } }, { timeoutMs: undefined })).fields[39]).toBe('00');
  });
});

describe('server.listen', () => {
  it('rejects with LISTEN_FAILED when the port is in use, naming the system code', async () => {
    const { port } = await startServer(approve);
    const second = createServer({ codec, framing, handler: approve });
    const e = await second.listen(port).catch((x: unknown) => x);
    expect(isIso8583NetError(e) && e.code).toBe('LISTEN_FAILED');
    expect((e as Error).message).toContain('EADDRINUSE');
    // The failed server can listen elsewhere afterwards.
    const { port: other } = await second.listen(0);
    expect(other).toBeGreaterThan(0);
    await second.close(100);
  });

  it('rejects with LISTEN_FAILED when called twice, or after close', async () => {
    const s = createServer({ codec, framing, handler: approve });
    await s.listen(0);
    const twice = await s.listen(0).catch((x: unknown) => x);
    expect(isIso8583NetError(twice) && twice.code).toBe('LISTEN_FAILED');
    await s.close(100);
    const after = await s.listen(0).catch((x: unknown) => x);
    expect(isIso8583NetError(after) && after.code).toBe('LISTEN_FAILED');
  });
});
