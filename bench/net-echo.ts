/**
 * Net-layer benchmark: echo throughput of `createServer` against a hand-written `node:net` echo server that does
 * the same work per frame (parse the 2-byte length header, decode with the same codec, build the 0810, encode,
 * frame, write), in one process and one run, driven by the same pipelining client. Prints µs per echo for each
 * and their ratio: the ratio is what the library's transport costs on top of decode + encode.
 *
 * Run: npm run bench:net   (BENCH_MAX_TIME=0.5 for a quick look; default 3 s per contender)
 *
 * Wire facts: a 2-byte big-endian length header (not counting itself) before an ASCII 1987 message; one batch is
 * BATCH echoes (0800, DE11, DE41, DE70) written at once, and an operation ends when all BATCH answers are read.
 */
import { cpus } from 'node:os';
import { connect, createServer as netCreateServer, type Server as NetServer, type Socket } from 'node:net';
import Benchmark from 'benchmark';
import { createCodec, type Message, presets } from 'iso8583-codec';
import { createServer, encodeFrame } from 'iso8583-codec/net';

const MAX_TIME = Number(process.env.BENCH_MAX_TIME ?? 3);
const BATCH = Number(process.env.BENCH_BATCH ?? 256);
const codec = createCodec(presets.iso87ascii);
const framing = { length: 'binary2' } as const;

/** The handler both servers run: the echo answer of the authorizer (DE11, DE41, DE70 echoed, DE39 00). */
const answer = (m: Message): Message => ({ mti: '0810', fields: { 11: m.fields[11]!, 39: '00', 41: m.fields[41]!, 70: m.fields[70]! } });

/** The library's server. */
async function libraryServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createServer({ codec, framing, handler: answer });
  const { port } = await server.listen(0);
  return { port, close: () => server.close(100) };
}

/**
 * A bare node:net server doing the same decode + encode per frame, with no limits, no timers, no logging; the
 * answers to one chunk are corked into one write, as a careful hand-written server would.
 */
async function handWrittenServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const server: NetServer = netCreateServer((socket) => {
    socket.setNoDelay(true);
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      socket.cork(); // the answers to one chunk go out in one writev, as createServer's do
      while (pending.length >= 2) {
        const length = pending.readUInt16BE(0);
        if (pending.length < 2 + length) break;
        const request = codec.decode(pending.subarray(2, 2 + length));
        const body = codec.encode(answer(request));
        const out = Buffer.allocUnsafe(2 + body.length);
        out.writeUInt16BE(body.length, 0);
        out.set(body, 2);
        socket.write(out);
        pending = pending.subarray(2 + length);
      }
      socket.uncork();
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  return { port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A client that writes BATCH echoes at once and resolves when it has read BATCH answers (counted by header). */
async function pipeliner(port: number): Promise<{ batch: () => Promise<void>; socket: Socket }> {
  const socket = connect({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  await new Promise<void>((r) => socket.once('connect', () => r()));
  const frames = Buffer.concat(
    Array.from({ length: BATCH }, (_, i) =>
      encodeFrame(framing, { message: codec.encode({ mti: '0800', fields: { 11: String(i + 1).padStart(6, '0'), 41: 'TERM0001', 70: '301' } }) }),
    ),
  );
  let waiting: { left: number; done: () => void } | undefined;
  let pending: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
      pending = pending.subarray(2 + pending.readUInt16BE(0));
      if (waiting !== undefined && --waiting.left === 0) {
        const { done } = waiting;
        waiting = undefined;
        done();
      }
    }
  });
  return {
    socket,
    batch: () =>
      new Promise<void>((done) => {
        waiting = { left: BATCH, done };
        socket.write(frames);
      }),
  };
}

interface Row {
  readonly name: string;
  readonly usPerEcho: number;
  readonly rme: number;
}

async function measure(name: string, start: () => Promise<{ port: number; close: () => Promise<void> }>): Promise<Row> {
  const server = await start();
  const client = await pipeliner(server.port);
  for (let i = 0; i < 20; i++) await client.batch(); // warm-up: JIT and socket buffers
  const row = await new Promise<Row>((resolve) => {
    const bench = new Benchmark(name, {
      defer: true,
      maxTime: MAX_TIME,
      minSamples: 10,
      fn: (deferred: { resolve: () => void }) => void client.batch().then(() => deferred.resolve()),
      onComplete: () => resolve({ name, usPerEcho: 1e6 / bench.hz / BATCH, rme: bench.stats.rme }),
    });
    bench.run({ async: true });
  });
  client.socket.destroy();
  await server.close();
  process.stderr.write(`  ${name}: ${row.usPerEcho.toFixed(2)} µs/echo ±${row.rme.toFixed(1)}%\n`);
  return row;
}

async function main(): Promise<void> {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`# net echo benchmark\n\nNode ${process.version}, ${cpu} (${cpus().length} cores), ${new Date().toISOString().slice(0, 10)}, maxTime ${MAX_TIME}s, ${BATCH} echoes per batch\n`);
  // Alternate the contenders so that a change in machine load hits both.
  const rows: Row[] = [];
  for (let round = 0; round < 2; round++) {
    rows.push(await measure('hand-written node:net', handWrittenServer));
    rows.push(await measure('createServer', libraryServer));
  }
  const best = (name: string): Row => rows.filter((r) => r.name === name).sort((a, b) => a.usPerEcho - b.usPerEcho)[0]!;
  const hand = best('hand-written node:net');
  const ours = best('createServer');
  console.log('| server | µs per echo | ±rme | echoes/s |');
  console.log('|---|---:|---:|---:|');
  for (const r of [hand, ours]) console.log(`| ${r.name} | ${r.usPerEcho.toFixed(2)} | ±${r.rme.toFixed(1)}% | ${Math.round(1e6 / r.usPerEcho).toLocaleString('en-US')} |`);
  console.log(`\ncreateServer / hand-written: ${(ours.usPerEcho / hand.usPerEcho).toFixed(2)}x (best of 2 rounds each)`);
}

void main();
