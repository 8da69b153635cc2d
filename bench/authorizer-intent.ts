/**
 * The authorizer's work on a request before the database (`intentOf`) against its floor, the two keyed digests it
 * must compute (bench/intent-cases.ts), in one process and one run with benchmark.js; prints ns per request for
 * each and their ratio. Why: it runs once per request on the server's one thread, beside decode and encode.
 *
 * Run: node --import tsx bench/authorizer-intent.ts   (BENCH_MAX_TIME seconds per contender, default 3)
 */
import Benchmark from 'benchmark';
import { digestsOnly, INTENT_REQUESTS, intentOfRequest } from './intent-cases.js';

const MAX_TIME = Number(process.env.BENCH_MAX_TIME ?? 3);
let next = 0;
let sink = 0;
const request = () => INTENT_REQUESTS[next++ % INTENT_REQUESTS.length]!;
const ns = new Map<string, number>();
const suite = new Benchmark.Suite('intent');
suite
  .add('intentOf', () => {
    sink += intentOfRequest(request()) === undefined ? 0 : 1;
  }, { maxTime: MAX_TIME })
  .add('floor: the two keyed digests', () => {
    sink += digestsOnly(request()).panKey.length;
  }, { maxTime: MAX_TIME })
  .on('cycle', (event: Benchmark.Event) => {
    const t = event.target;
    ns.set(String(t.name), (t.stats?.mean ?? 0) * 1e9);
    console.log(`${String(t.name).padEnd(30)} ${((t.stats?.mean ?? 0) * 1e9).toFixed(0).padStart(7)} ns/request  ±${(t.stats?.rme ?? 0).toFixed(1)} %`);
  })
  .on('complete', () => {
    console.log(`intentOf / floor: ${(ns.get('intentOf')! / ns.get('floor: the two keyed digests')!).toFixed(2)}x (${sink > 0 ? 'ran' : 'no result'})`);
  })
  .run();
