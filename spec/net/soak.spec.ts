import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isIso8583NetError } from '../../src/net/index.js';
import { approve, capture, echo, startClient, startServer, wire } from './helpers/loopback.js';

/**
 * One server under every hostile peer at once, for about 20 s: a pipeliner that never reads its answers, slowloris
 * sockets, and floods of connections, all from a child process (so their buffers are not in this process's
 * memory). Small limits keep it bounded in time; the defaults are tested in limits.spec.ts.
 */
const LIMITS = {
  maxConnections: 64,
  idleTimeoutMs: 1000,
  frameTimeoutMs: 800,
  writeStallMs: 1500,
  maxWriteBufferBytes: 32_768,
  maxInFlightPerConnection: 64,
};
const ATTACK = { attackMs: 15_000, graceMs: 20_000, pipeliners: 1, slowloris: 30, dripMs: 100, floods: 3, floodSize: 150 };
const GOOD_CLIENTS = 4;

interface Summary {
  tally: Record<'pipeliner' | 'slowloris' | 'flood', { opened: number; closedByServer: number }>;
  stillOpen: number;
  echoesSent: number;
}

function runHostilePeers(port: number): Promise<Summary> {
  const script = fileURLToPath(new URL('./helpers/hostile-peers.ts', import.meta.url));
  const config = { port, echoHex: Buffer.from(wire(echo(1))).toString('hex'), ...ATTACK };
  const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as Summary) : reject(new Error(`hostile peers exited with ${code}`))));
  });
}

const MB = 1024 * 1024;

describe('soak: a server under a non-reading peer, slowloris sockets and connection floods at once', () => {
  it('keeps memory bounded, keeps answering well-behaved clients, and cuts off and logs every bad peer', async () => {
    const log = capture();
    const { server, port } = await startServer(approve, { ...LIMITS, logger: log.logger });
    const clients = await Promise.all(Array.from({ length: GOOD_CLIENTS }, () => startClient(port, { timeoutMs: 60_000 })));

    // Well-behaved clients: a closed loop of echoes each, for the whole soak.
    let attackRunning = true;
    let soakRunning = true;
    const answered = clients.map(() => ({ total: 0, duringAttack: 0 }));
    const failures: string[] = [];
    const loops = clients.map(async (c, k) => {
      for (let stan = 1; soakRunning; stan++) {
        try {
          const a = await c.request(echo(stan, `GOOD000${k}`));
          if (a.fields[39] !== '00') failures.push(`answer ${String(a.fields[39])}`);
          answered[k]!.total++;
          if (attackRunning) answered[k]!.duringAttack++;
        } catch (e) {
          failures.push(isIso8583NetError(e) ? e.code : String(e));
          return;
        }
      }
    });
    await Promise.all(clients.map((c) => c.request(echo(999_999))));

    const before = process.memoryUsage();
    const peak = { rss: before.rss, heapUsed: before.heapUsed, buffers: before.external + before.arrayBuffers };
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peak.rss = Math.max(peak.rss, m.rss);
      peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
      peak.buffers = Math.max(peak.buffers, m.external + m.arrayBuffers);
    }, 100);

    const summary = await runHostilePeers(port);
    attackRunning = false;
    clearInterval(sampler);
    soakRunning = false;
    await Promise.all(loops);
    const stats = server.stats;

    const delta = { rss: (peak.rss - before.rss) / MB, heapUsed: (peak.heapUsed - before.heapUsed) / MB, buffers: (peak.buffers - before.external - before.arrayBuffers) / MB };
    console.log(
      `soak: peak RSS +${delta.rss.toFixed(1)} MB, heap +${delta.heapUsed.toFixed(1)} MB, buffers +${delta.buffers.toFixed(1)} MB; ` +
        `${summary.echoesSent} echoes pipelined unread; good clients answered ${answered.map((a) => a.total).join(', ')}; ` +
        `closed by reason ${JSON.stringify(stats.connectionsClosed)}; refused ${stats.connectionsRefused}; ` +
        `hostile sockets ${JSON.stringify(summary.tally)}`,
    );

    // Every bad peer was disconnected by the server, none outlived the attack.
    expect(summary.stillOpen).toBe(0);
    expect(summary.tally.pipeliner.closedByServer).toBe(summary.tally.pipeliner.opened);
    expect(summary.tally.slowloris.closedByServer).toBe(summary.tally.slowloris.opened);
    expect(summary.tally.flood.closedByServer).toBe(summary.tally.flood.opened);
    // ... for the reason it deserved, counted and logged.
    expect(stats.connectionsClosed.writeStall).toBeGreaterThanOrEqual(1);
    expect(stats.connectionsClosed.frameTimeout).toBeGreaterThanOrEqual(ATTACK.slowloris);
    expect(stats.connectionsClosed.idleTimeout).toBeGreaterThanOrEqual(1);
    expect(stats.connectionsRefused).toBeGreaterThanOrEqual(1);
    for (const reason of ['writeStall', 'frameTimeout', 'idleTimeout'] as const) {
      const logged = log.entries.filter((e) => e.level === 'warn' && e.event === 'connection closed' && e.meta['reason'] === reason).length;
      expect(logged).toBe(stats.connectionsClosed[reason]);
    }
    // Refusals are logged once per logIntervalMs for the whole server, the others counted (a flood of connections
    // must not flood the log): written plus counted is every refusal, the last count is written at close().
    const refusals = log.entries.filter((e) => e.event === 'connection refused');
    expect(refusals.length).toBeGreaterThanOrEqual(1);
    await server.close(100);
    const counted = log.entries.find((e) => e.event === 'log entries suppressed' && e.meta['event'] === 'connection refused');
    const suppressed = refusals.reduce((n, e) => n + Number(e.meta['suppressed'] ?? 0), 0) + Number(counted?.meta['count'] ?? 0);
    expect(refusals.length + suppressed).toBe(stats.connectionsRefused);

    // Well-behaved clients kept their connections and got every answer, during the attack too.
    expect(failures).toEqual([]);
    for (const a of answered) expect(a.duringAttack).toBeGreaterThan(0);
    expect(stats.connectionsOpen).toBe(GOOD_CLIENTS);
    expect(stats.connectionsClosed.badFrames).toBe(0);

    // Memory stayed bounded: each hostile connection holds at most its read buffer, maxWriteBufferBytes and its
    // in-flight answers (64 connections: a few MB); the rest of the margin is garbage not yet collected.
    expect(delta.heapUsed).toBeLessThan(96);
    expect(delta.buffers).toBeLessThan(64);
  }, 120_000);
});
