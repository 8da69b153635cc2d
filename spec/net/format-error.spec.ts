import { connect as rawConnect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createCodec, defineSpec, presets } from '../../src/index.js';
import { connect, createServer, encodeFrame, type FramePeek, readFrames } from '../../src/net/index.js';
import { approve, capture, codec, echo, framing, type IsoMessage, rawSocket, startServer, wire } from './helpers/loopback.js';

const PAN = '4111111111111111';

/** The 1987 ASCII table, except that DE49 takes letters: requests it encodes, the server's codec refuses. */
const lax = defineSpec({ ...presets.iso87ascii, name: 'lax', fields: { ...presets.iso87ascii.fields, 49: { kind: 'an', length: 3, encoding: 'ascii' } } });
const laxCodec = createCodec(lax);

/** A 0100 that fails to decode at DE49 (letters in a numeric field), after DE11 and DE41 decoded fine. */
const badCurrency = (stan: string): Uint8Array =>
  laxCodec.encode({ mti: '0100', fields: { 2: PAN, 4: '000000001000', 11: stan, 41: 'TERM0042', 49: 'EUR' } });

describe('format-error answers', () => {
  it('echo DE11 and DE41, so the library’s own client pairs the answer with its request', async () => {
    const handled: string[] = [];
    const { server, port } = await startServer((m) => {
      handled.push(m.mti);
      return approve(m, { header: undefined, remoteAddress: undefined });
    });
    const client = await connect({ host: '127.0.0.1', port, codec: laxCodec, framing, timeoutMs: 30_000 });
    try {
      const answer = await client.request({ mti: '0100', fields: { 2: PAN, 4: '000000001000', 11: '000123', 41: 'TERM0042', 49: 'EUR' } });
      expect(answer).toEqual({ mti: '0110', fields: { 11: '000123', 39: '30', 41: 'TERM0042' } });
    } finally {
      await client.close();
    }
    expect(handled).toEqual([]);
    expect(server.stats.malformedFrames).toBe(1);
  });

  it('from a codec without peek carry the MTI read from the first digits, ASCII, EBCDIC or BCD, and no field', async () => {
    for (const preset of [presets.iso87ascii, presets.iso87ebcdic, presets.iso87binary]) {
      const full = createCodec(preset);
      // The same codec with no peek: the server cannot read fields of a frame that does not decode.
      const { port } = await startServer(approve, { codec: { decode: (f: Uint8Array) => full.decode(f), encode: (m: IsoMessage) => full.encode(m) } });
      const raw = rawConnect({ host: '127.0.0.1', port });
      try {
        await new Promise<void>((resolve, reject) => raw.once('connect', resolve).once('error', reject));
        const frames = readFrames(raw, framing)[Symbol.asyncIterator]();
        // A whole 0200 and a byte after it (TRAILING_BYTES): its DE11 and DE41 are there, but only peek could say.
        const bad = Buffer.concat([full.encode({ mti: '0200', fields: { 3: '000000', 4: '000000001000', 11: '000321', 41: 'TERM0321' } }), Buffer.of(0)]);
        raw.write(encodeFrame(framing, { message: bad }));
        expect(full.decode((await frames.next()).value!.message), preset.name).toEqual({ mti: '0210', fields: { 39: '30' } });
      } finally {
        raw.destroy();
      }
    }
  });

  it('carry only what precedes the fault: a frame broken at DE2 is answered with its MTI and DE39', async () => {
    const { port } = await startServer(approve);
    const raw = await rawSocket(port);
    // MTI 0100, bitmap announces DE2, then a PAN length of 25 (above 19): DE11 and DE41 cannot be located.
    const bad = Buffer.concat([Buffer.from('0100'), Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('25' + PAN)]);
    raw.socket.write(encodeFrame(framing, { message: bad }));
    expect(await raw.next()).toEqual({ mti: '0110', fields: { 39: '30' } });
  });

  it('hand a custom formatError what could be read of the frame', async () => {
    const seen: FramePeek[] = [];
    const { port } = await startServer(approve, {
      formatError: (_frame, error, read) => {
        seen.push(read);
        return { mti: '0110', fields: { 11: read.fields[11] as string, 39: error.code === 'INVALID_CHARACTER' ? '30' : '96' } };
      },
    });
    const raw = await rawSocket(port);
    raw.socket.write(encodeFrame(framing, { message: badCurrency('000777') }));
    expect((await raw.next()).fields[11]).toBe('000777');
    expect(seen).toEqual([{ mti: '0100', fields: { 11: '000777', 41: 'TERM0042' } }]);
  });
});

describe('frames a server does not hand to its handler', () => {
  it('drops a response MTI received as a request: logged and counted, never handled or answered', async () => {
    const log = capture();
    const handled: string[] = [];
    const { server, port } = await startServer(
      (m) => {
        handled.push(m.mti);
        return approve(m, { header: undefined, remoteAddress: undefined });
      },
      { logger: log.logger, logIntervalMs: 0 }, // every entry written: their MTIs are checked one by one
    );
    const raw = await rawSocket(port);
    const response: IsoMessage = { mti: '0110', fields: { 11: '000001', 39: '00', 41: 'TERM0001' } };
    raw.socket.write(wire(response));
    raw.socket.write(wire({ mti: '0810', fields: { 11: '000002', 39: '00', 70: '301' } }));
    raw.socket.write(wire(echo(3)));
    // Frames are taken in order: an answer to the responses would have come before this one.
    expect((await raw.next()).fields[11]).toBe('000003');
    expect(handled).toEqual(['0800']);
    expect(server.stats.responsesAsRequests).toBe(2);
    expect(log.entries.filter((e) => e.event === 'response MTI received as a request').map((e) => e.meta['mti'])).toEqual(['0110', '0810']);
  });

  it('never answers a malformed frame that carries a response MTI (two servers would trade format errors forever)', async () => {
    const log = capture();
    const { server, port } = await startServer(approve, { logger: log.logger });
    const raw = await rawSocket(port);
    const bad = laxCodec.encode({ mti: '0110', fields: { 11: '000001', 39: '00', 49: 'EUR' } });
    raw.socket.write(encodeFrame(framing, { message: bad }));
    raw.socket.write(wire(echo(4)));
    expect((await raw.next()).fields[11]).toBe('000004');
    expect(server.stats).toMatchObject({ malformedFrames: 1, responsesAsRequests: 1, unreadableMti: 0 });
    expect(log.entries).toContainEqual(expect.objectContaining({ level: 'warn', event: 'response MTI received as a request' }));
  });

  it('drops a frame whose MTI cannot be read: logged and counted, the connection lives on', async () => {
    const log = capture();
    const { server, port } = await startServer(approve, { logger: log.logger, logIntervalMs: 0 });
    const raw = await rawSocket(port);
    raw.socket.write(encodeFrame(framing, { message: Buffer.from('garbage') }));
    raw.socket.write(encodeFrame(framing, { message: new Uint8Array([0x01]) }));
    raw.socket.write(wire(echo(5)));
    expect((await raw.next()).fields[11]).toBe('000005');
    expect(server.stats).toMatchObject({ malformedFrames: 2, unreadableMti: 2, responsesAsRequests: 0, framesReceived: 3 });
    expect(log.entries.filter((e) => e.event === 'frame without a readable MTI')).toHaveLength(2);
    for (const line of log.lines()) expect(line).not.toContain('garbage');
  });

  it('answers a throwing handler with the request’s header, DE11 and DE41 when the spec has a header', async () => {
    const tpdu = defineSpec({ ...presets.iso87ascii, name: 'tpdu', header: { length: 5, encoding: 'binary' } });
    const tpduCodec = createCodec(tpdu);
    const header = new Uint8Array([0x60, 0, 1, 0, 0]);
    const server = createServer({
      codec: tpduCodec,
      framing,
      handler: () => {
        throw new Error('boom');
      },
    });
    const { port } = await server.listen(0);
    try {
      const raw = await rawSocket(port);
      raw.socket.write(encodeFrame(framing, { message: tpduCodec.encode({ mti: '0800', header, fields: { 11: '000008', 41: 'TERM0008', 70: '301' } }) }));
      const frames = readFrames(raw.socket, framing)[Symbol.asyncIterator]();
      const answer = tpduCodec.decode((await frames.next()).value!.message);
      expect(answer).toEqual({ mti: '0810', header, fields: { 11: '000008', 39: '96', 41: 'TERM0008' } });
    } finally {
      await server.close(100);
    }
  });

  it('counts handler failures', async () => {
    const { server, port } = await startServer(() => {
      throw new Error(`boom ${PAN}`);
    });
    const raw = await rawSocket(port);
    raw.socket.write(wire(echo(6)));
    expect((await raw.next()).fields).toEqual({ 11: '000006', 39: '96', 41: 'TERM0001' });
    expect(server.stats.handlerErrors).toBe(1);
  });
});

describe('MTIs without a response MTI (message function 8 or 9, reserved by ISO)', () => {
  /** A 0180 with DE11 and DE41: decodes with the 1987 table; responseMti('0180') has no answer to give. */
  const ack = (stan: string): IsoMessage => ({ mti: '0180', fields: { 11: stan, 41: 'TERM0001' } });

  it('are handed to the handler, and what it returns is sent', async () => {
    const handled: string[] = [];
    const { server, port } = await startServer((m) => {
      handled.push(m.mti);
      return m.mti === '0980' ? { mti: '0990', fields: { 11: m.fields[11], 39: '00' } } : approve(m, { header: undefined, remoteAddress: undefined });
    });
    const raw = await rawSocket(port);
    raw.socket.write(wire({ mti: '0980', fields: { 11: '000001' } }));
    expect(await raw.next()).toEqual({ mti: '0990', fields: { 11: '000001', 39: '00' } });
    expect(handled).toEqual(['0980']);
    expect(server.stats).toMatchObject({ noResponseMti: 1, framesReceived: 1, handlerErrors: 0 });
  });

  it('get no system error when the handler throws: logged as a handler failure, counted, the connection lives on', async () => {
    const log = capture();
    const { server, port } = await startServer(
      (m) => {
        if (m.mti === '0180') throw new Error(`no ${PAN}`);
        return approve(m, { header: undefined, remoteAddress: undefined });
      },
      { logger: log.logger },
    );
    const raw = await rawSocket(port);
    raw.socket.write(wire(ack('000001')));
    raw.socket.write(wire(echo(2)));
    // Frames are taken in order and the handler is synchronous: an answer to the 0180 would have come first.
    expect((await raw.next()).fields[11]).toBe('000002');
    expect(server.stats).toMatchObject({ noResponseMti: 1, handlerErrors: 1, connectionsOpen: 1 });
    expect(log.entries).toContainEqual({ level: 'error', event: 'handler failed', meta: { mti: '0180', error: 'Error' } });
    // Before issue #11's fix the default systemError threw on responseMti('0180'): logged as a vague failure.
    expect(log.entries.filter((e) => e.event === 'request failed' || e.event === 'systemError failed')).toEqual([]);
  });

  it('get no format error when malformed: logged as a malformed frame, counted', async () => {
    const log = capture();
    const { server, port } = await startServer(approve, { logger: log.logger });
    const raw = await rawSocket(port);
    const bad = Buffer.concat([Buffer.from(codec.encode(ack('000003'))), Buffer.from('X')]); // a trailing byte
    raw.socket.write(encodeFrame(framing, { message: bad }));
    raw.socket.write(wire(echo(4)));
    expect((await raw.next()).fields[11]).toBe('000004');
    expect(server.stats).toMatchObject({ noResponseMti: 1, malformedFrames: 1, connectionsOpen: 1 });
    expect(log.entries).toContainEqual({ level: 'warn', event: 'malformed frame', meta: { code: 'TRAILING_BYTES', field: undefined, offset: 26, length: 27, mti: '0180' } });
    expect(log.entries.filter((e) => e.level === 'error')).toEqual([]);
  });

  it('are passed to a custom systemError, which may answer', async () => {
    const { port } = await startServer(
      () => {
        throw new Error('boom');
      },
      { systemError: (m) => ({ mti: '0190', fields: { 11: m.fields[11], 39: '96' } }) },
    );
    const raw = await rawSocket(port);
    raw.socket.write(wire(ack('000005')));
    expect(await raw.next()).toEqual({ mti: '0190', fields: { 11: '000005', 39: '96' } });
  });
});

describe('a custom systemError or formatError that throws', () => {
  it('sends nothing, is logged by its error name, and the server keeps serving', async () => {
    const log = capture();
    const { port } = await startServer(
      (m) => {
        if (m.fields[11] === '000001') throw new Error('boom');
        return approve(m, { header: undefined, remoteAddress: undefined });
      },
      {
        logger: log.logger,
        systemError: () => {
          throw new RangeError(PAN);
        },
        formatError: () => {
          throw new SyntaxError(PAN);
        },
      },
    );
    const raw = await rawSocket(port);
    raw.socket.write(wire(echo(1)));
    raw.socket.write(encodeFrame(framing, { message: badCurrency('000002') }));
    raw.socket.write(wire(echo(3)));
    expect((await raw.next()).fields[11]).toBe('000003');
    expect(log.entries).toContainEqual({ level: 'error', event: 'systemError failed', meta: { mti: '0800', error: 'RangeError' } });
    expect(log.entries).toContainEqual({ level: 'error', event: 'formatError failed', meta: { mti: '0100', error: 'SyntaxError' } });
    for (const line of log.lines()) expect(line).not.toContain('411111');
  });
});
