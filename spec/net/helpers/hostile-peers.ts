/**
 * Hostile peers for the soak test, run in their own process so that their buffers never count in the memory of
 * the server under test: a pipeliner that writes echoes as fast as TCP takes them and never reads an answer,
 * slowloris sockets that send one byte now and then, and floods of silent connections opened all at once.
 * Pipeliners and slowloris sockets reconnect when cut off, for the whole attack.
 *
 * Usage: node --import tsx hostile-peers.ts '<json config>'; prints one JSON summary line on stdout when every
 * socket it opened has been closed by the server (or the grace period ran out: `stillOpen` counts those).
 */
import { connect, type Socket } from 'node:net';

interface Config {
  readonly port: number;
  /** One framed echo request, hex. */
  readonly echoHex: string;
  /** How long the attack lasts (ms); then nothing reconnects, and the peers wait to be cut off. */
  readonly attackMs: number;
  /** How long, after the attack, the peers wait for the server to close every socket (ms). */
  readonly graceMs: number;
  readonly pipeliners: number;
  readonly slowloris: number;
  /** Milliseconds between two bytes of a slowloris socket. */
  readonly dripMs: number;
  readonly floods: number;
  readonly floodSize: number;
}

type Kind = 'pipeliner' | 'slowloris' | 'flood';
interface Tally {
  opened: number;
  closedByServer: number;
}

const config = JSON.parse(process.argv[2]!) as Config;
const echo = Buffer.from(config.echoHex, 'hex');
const batch = Buffer.concat(Array.from({ length: 64 }, () => echo)); // 64 pipelined echoes per write
const tally: Record<Kind, Tally> = { pipeliner: { opened: 0, closedByServer: 0 }, slowloris: { opened: 0, closedByServer: 0 }, flood: { opened: 0, closedByServer: 0 } };
const open = new Set<Socket>();
let attacking = true;
let echoesSent = 0;
let allClosed: () => void = () => {};

function openPeer(kind: Kind, onConnect: (s: Socket) => void, reconnect: () => void): void {
  const s = connect({ host: '127.0.0.1', port: config.port });
  tally[kind].opened++;
  open.add(s);
  s.on('error', () => {});
  s.once('connect', () => onConnect(s));
  s.once('close', () => {
    open.delete(s);
    tally[kind].closedByServer++;
    if (attacking) setTimeout(reconnect, 20);
    else if (open.size === 0) allClosed();
  });
}

function pipeliner(): void {
  openPeer(
    'pipeliner',
    (s) => {
      const pump = (): void => {
        while (!s.destroyed) {
          echoesSent += 64;
          if (!s.write(batch)) {
            s.once('drain', pump);
            return;
          }
        }
      };
      pump();
    },
    pipeliner,
  );
}

function slowloris(): void {
  openPeer(
    'slowloris',
    (s) => {
      let i = 0;
      const drip = setInterval(() => {
        if (s.destroyed) return clearInterval(drip);
        s.write(echo.subarray(i % echo.length, (i % echo.length) + 1));
        i++;
      }, config.dripMs);
      s.once('close', () => clearInterval(drip));
    },
    slowloris,
  );
}

function flood(): void {
  for (let i = 0; i < config.floodSize; i++) openPeer('flood', () => {}, () => {});
}

for (let i = 0; i < config.pipeliners; i++) pipeliner();
for (let i = 0; i < config.slowloris; i++) slowloris();
for (let f = 0; f < config.floods; f++) setTimeout(flood, (f * config.attackMs) / config.floods);

setTimeout(() => {
  attacking = false;
  const done = new Promise<void>((r) => {
    allClosed = r;
    if (open.size === 0) r();
  });
  const grace = new Promise<void>((r) => setTimeout(r, config.graceMs).unref());
  void Promise.race([done, grace]).then(() => {
    const stillOpen = open.size;
    for (const s of open) s.destroy();
    process.stdout.write(`${JSON.stringify({ tally, stillOpen, echoesSent })}\n`);
    process.exit(0);
  });
}, config.attackMs);
