import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

interface Measure {
  readonly heldRequests: number;
  readonly heapDeltaBytes: number;
  readonly bytesPerRequest: number;
}

/** Runs helpers/inflight-heap.ts in a process of its own (its heap is the server's alone) with --expose-gc. */
function heapPerRequest(config: { peers: number; maxInFlight: number; released: number }): Promise<Measure> {
  const script = fileURLToPath(new URL('./helpers/inflight-heap.ts', import.meta.url));
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', script, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as Measure) : reject(new Error(`inflight-heap exited with ${code}`))));
  });
}

describe('server memory under pipelining peers with slow handlers', () => {
  it('grows linearly with the requests in flight: the heap per held request does not grow with the window', async () => {
    // 8 connections, each turning its requests over in a full window of maxInFlight (4 windows answered, one held).
    const small = await heapPerRequest({ peers: 8, maxInFlight: 128, released: 512 });
    const large = await heapPerRequest({ peers: 8, maxInFlight: 512, released: 2048 });
    console.log(
      `heap per in-flight request: ${Math.round(small.bytesPerRequest)} B with 128 in flight per connection, ` +
        `${Math.round(large.bytesPerRequest)} B with 512 (${large.heldRequests} held, +${(large.heapDeltaBytes / 1e6).toFixed(1)} MB)`,
    );
    // A request held costs its decoded message, its frame and a promise: a few KB. Issue #11's review found the
    // cost growing with the window (a reaction added to every pending request per frame read: 27 KB each at 512,
    // 9 KB at 128), i.e. memory growing with the square of maxInFlightPerConnection.
    expect(large.bytesPerRequest).toBeLessThan(8 * 1024);
    expect(large.bytesPerRequest).toBeLessThan(1.5 * small.bytesPerRequest + 1024);
  }, 120_000);
});
