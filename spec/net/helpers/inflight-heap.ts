/**
 * Measures the server's heap per in-flight request, in a process of its own started with --expose-gc.
 *
 * `peers` connections each pipeline `released + maxInFlight` echoes and read their answers. The handler holds
 * every request, and whenever a connection has `maxInFlight` held it answers that connection's oldest one, until
 * `released` have been answered per connection: the requests so turn over in a full window, as they do under a
 * steady load with slow handlers. Then every connection holds exactly `maxInFlight` requests, nothing else is in
 * transit, and the heap after a forced GC, minus the heap before the peers came, is divided by the requests held.
 * Counted, not timed: each step waits for the counts it needs.
 *
 * Usage: node --expose-gc --import tsx inflight-heap.ts '{"peers":8,"maxInFlight":512,"released":2048}'; prints
 * one JSON line `{ heldRequests, heapDeltaBytes, bytesPerRequest }`.
 */
import { connect, type Socket } from 'node:net';
import { createCodec, presets, responseMti } from '../../../src/index.js';
import { createServer, encodeFrame } from '../../../src/net/index.js';

const { peers, maxInFlight, released } = JSON.parse(process.argv[2]!) as { peers: number; maxInFlight: number; released: number };
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');
const codec = createCodec(presets.iso87ascii);
const framing = { length: 'binary2' } as const;
type Held = { resolve: (m: ReturnType<typeof codec.decode>) => void; message: ReturnType<typeof codec.decode> };

const held = new Map<string, Held[]>();
const answered = new Map<string, number>();
let settled: () => void = () => {};
const allHeld = new Promise<void>((r) => (settled = r));
let full = 0;

const server = createServer({
  codec,
  framing,
  maxInFlightPerConnection: maxInFlight,
  handler: (m) =>
    new Promise((resolve) => {
      const peer = String(m.fields[41]);
      const queue = held.get(peer) ?? [];
      held.set(peer, queue);
      queue.push({ resolve, message: m });
      const done = answered.get(peer) ?? 0;
      if (queue.length === maxInFlight && done < released) {
        answered.set(peer, done + 1);
        const oldest = queue.shift()!;
        oldest.resolve({ mti: responseMti(oldest.message.mti), fields: { 11: oldest.message.fields[11], 39: '00', 41: peer } });
      } else if (queue.length === maxInFlight && ++full === peers) {
        settled();
      }
    }),
});
const { port } = await server.listen(0);

const measure = (): number => {
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage().heapUsed;
};
const before = measure();

const sockets: Socket[] = [];
for (let p = 0; p < peers; p++) {
  const terminal = `PEER${String(p).padStart(4, '0')}`;
  const frames = Buffer.concat(
    Array.from({ length: released + maxInFlight }, (_, i) =>
      encodeFrame(framing, { message: codec.encode({ mti: '0800', fields: { 11: String(i % 1_000_000).padStart(6, '0'), 41: terminal, 70: '301' } }) }),
    ),
  );
  const socket = connect({ host: '127.0.0.1', port });
  socket.on('data', () => undefined); // read and drop the answers
  socket.on('error', () => undefined);
  socket.once('connect', () => socket.write(frames));
  sockets.push(socket);
}
await allHeld;
const after = measure();
const heldRequests = peers * maxInFlight;
console.log(JSON.stringify({ heldRequests, heapDeltaBytes: after - before, bytesPerRequest: (after - before) / heldRequests }));
for (const s of sockets) s.destroy();
process.exit(0);
