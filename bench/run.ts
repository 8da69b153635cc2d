/**
 * Codec benchmark: our decoder/encoder side by side with the `iso_8583` package, a hand-written decoder/encoder
 * for exactly these layouts that validates as ours does (bench/ceiling.ts), and the floor, straight-line code per
 * case that validates nothing (bench/floor.ts), in one process and one run. Prints ns/op, ops/s, ±rme and the
 * ratios; the floor's output is checked against ours once before anything is timed.
 *
 * Run: npm run bench   (BENCH_MAX_TIME=0.2 for a quick look; default 3 s per contender; BENCH_CASES=ac and
 *      BENCH_OPS=decode run only those cases and operations, in the same order)
 */
import { cpus, loadavg } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import Benchmark from 'benchmark';
import { createCodec, type MessageSpec, presets } from 'iso8583-codec';
import { type BenchCase, CASES } from './cases.js';
import { decodeAsciiByHand, decodeBcdByHand, encodeAsciiByHand, encodeBcdByHand } from './ceiling.js';
import { FLOOR } from './floor.js';
import { peerDecode, peerEncode, toPeerData } from './peer.js';

const MAX_TIME = Number(process.env.BENCH_MAX_TIME ?? 3);
// BENCH_CASES=c (case letters) and BENCH_OPS=decode narrow a run for a quick look; the table reports only full runs.
const ONLY_CASES = process.env.BENCH_CASES ?? 'abcd';
const OPS = (process.env.BENCH_OPS ?? 'decode,encode').split(',');

interface Row {
  readonly bench: string;
  readonly contender: string;
  readonly hz: number;
  readonly rme: number;
}

let sink = 0;
/**
 * Every decoded message is kept here until the next one replaces it, so each contender has to build the whole object:
 * with only a number read off its result, V8 inlines a small decoder (the floor) and drops the field slices nobody
 * reads, which a real caller's message never allows.
 */
let kept: unknown;

function contenders(c: BenchCase, op: 'decode' | 'encode'): [string, () => void][] {
  // The cases are dynamic messages (their preset is chosen per case), so the codec is asked for the dynamic type.
  const codec = createCodec<MessageSpec>(presets[c.preset]);
  const ascii = c.preset === 'iso87ascii';
  const out: [string, () => void][] = [];
  const floor = FLOOR[c.name[0]!];
  if (floor === undefined) throw new Error(`${c.name}: no floor for this case`);
  // The floor validates nothing, so it is a contender only while it produces exactly what ours does.
  if (op === 'decode' && !isDeepStrictEqual(floor.decode(c.frame), codec.decode(c.frame))) throw new Error(`${c.name}: the floor decodes another message`);
  if (op === 'encode' && !isDeepStrictEqual(floor.encode(c.message), codec.encode(c.message))) throw new Error(`${c.name}: the floor encodes other bytes`);
  if (op === 'decode') {
    out.push(['ours', () => (kept = codec.decode(c.frame))]);
    out.push(['floor', () => (kept = floor.decode(c.frame))]);
    const hand = ascii ? decodeAsciiByHand : decodeBcdByHand;
    out.push(['hand-written', () => (kept = hand(c.frame))]);
    if (ascii) {
      const peerFrame = peerEncode(toPeerData(c.message));
      out.push(['iso_8583', () => (kept = peerDecode(peerFrame))]);
    }
  } else {
    out.push(['ours', () => (sink += codec.encode(c.message).length)]);
    out.push(['floor', () => (sink += floor.encode(c.message).length)]);
    const hand = ascii ? encodeAsciiByHand : encodeBcdByHand;
    out.push(['hand-written', () => (sink += hand(c.message).length)]);
    if (ascii) {
      const data = toPeerData(c.message);
      out.push(['iso_8583', () => (sink += peerEncode(data).length)]);
    }
  }
  return out;
}

function runSuite(name: string, fns: [string, () => void][]): Promise<Row[]> {
  return new Promise((resolve) => {
    const suite = new Benchmark.Suite(name);
    for (const [label, fn] of fns) suite.add(label, fn, { maxTime: MAX_TIME, minSamples: 5 });
    const rows: Row[] = [];
    suite.on('cycle', (event: Benchmark.Event) => {
      // benchmark.js sets hz and stats on a benchmark before it reports the cycle; their types allow undefined.
      const { name: contender = '?', hz, stats } = event.target;
      if (hz === undefined || stats === undefined) throw new Error(`${name} / ${contender}: a cycle without hz or stats`);
      rows.push({ bench: name, contender, hz, rme: stats.rme });
      process.stderr.write(`  ${name} / ${contender}: ${fmtNs(1e9 / hz)} ns/op\n`);
    });
    suite.on('complete', () => resolve(rows));
    suite.run({ async: false });
  });
}

const fmtNs = (ns: number): string => ns.toFixed(ns < 100 ? 1 : 0);

async function main(): Promise<void> {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`# iso8583-codec benchmark\n\nNode ${process.version}, ${cpu} (${cpus().length} cores), ${new Date().toISOString().slice(0, 10)}, maxTime ${MAX_TIME}s, load average ${load()}\n`);
  const table: string[] = [
    '| case | op | ours ns/op | ±rme | floor ns/op | hand-written ns/op | iso_8583 ns/op | ours / floor | ours / hand-written | speed-up vs iso_8583 |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const c of CASES) {
    if (!ONLY_CASES.includes(c.name[0]!)) continue;
    for (const op of ['decode', 'encode'] as const) {
      if (!OPS.includes(op)) continue;
      const rows = await runSuite(`${c.name} ${op}`, contenders(c, op));
      const get = (who: string): Row | undefined => rows.find((r) => r.contender === who);
      const ours = get('ours')!;
      const floor = get('floor')!;
      const hand = get('hand-written')!;
      const peer = get('iso_8583');
      table.push(
        `| ${c.name} (${c.frame.length} B) | ${op} | ${fmtNs(1e9 / ours.hz)} | ±${ours.rme.toFixed(1)}% | ${fmtNs(1e9 / floor.hz)} | ` +
          `${fmtNs(1e9 / hand.hz)} | ${peer ? fmtNs(1e9 / peer.hz) : 'n/a (cannot express BCD)'} | ` +
          `${(floor.hz / ours.hz).toFixed(2)}x | ${(hand.hz / ours.hz).toFixed(2)}x | ${peer ? `${(ours.hz / peer.hz).toFixed(1)}x faster` : 'n/a'} |`,
      );
    }
  }
  console.log(table.join('\n'));
  console.log(`\n(sink ${sink % 10}, last kept ${typeof kept}; load average at the end ${load()})`);
}

void main();
