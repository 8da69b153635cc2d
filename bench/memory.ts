/**
 * Decodes 1,000,000 frames in a loop and reports the heap before and after (run with --expose-gc).
 *
 * Why: a decoder that keeps per-field buffers or caches grows with traffic; ours must stay flat.
 */
import { createCodec, presets } from 'iso8583-codec';
import { CASES } from './cases.js';

const gc = (globalThis as { gc?: () => void }).gc;
const N = Number(process.env.MEMORY_FRAMES ?? 1_000_000);
const c = CASES[0]!;
const codec = createCodec(presets[c.preset]);
const heap = (): number => {
  gc?.();
  return process.memoryUsage().heapUsed;
};
for (let i = 0; i < 10_000; i++) codec.decode(c.frame);
const before = heap();
let sink = 0;
const start = process.hrtime.bigint();
for (let i = 0; i < N; i++) sink += codec.decode(c.frame).mti.length;
const ms = Number(process.hrtime.bigint() - start) / 1e6;
const after = heap();
const mib = (b: number): string => (b / 1048576).toFixed(2);
console.log(
  `decoded ${N.toLocaleString('en-US')} frames of ${c.frame.length} B in ${ms.toFixed(0)} ms; ` +
    `heap before ${mib(before)} MiB, after ${mib(after)} MiB, delta ${mib(after - before)} MiB${gc ? '' : ' (no --expose-gc)'} (sink ${sink % 10})`,
);
