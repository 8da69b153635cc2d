/**
 * `npm start`: the reference authorizer on an embedded Postgres (or DATABASE_URL), driven by the traffic simulator;
 * prints the simulator's summary and stops (exit 1 if the run stopped early).
 */
import { cardKeys } from './card-keys.js';
import { type AuthorizerConfig, ConfigError, loadConfig, loadSimulatorConfig, type SimulatorConfig } from './config.js';
import { openDatabase, seed } from './database.js';
import { startAuthorizer } from './server.js';
import { formatSummary, simulate } from './simulate.js';

let config: AuthorizerConfig;
let simulator: SimulatorConfig;
try {
  // The demo's own defaults (the environment still wins): a 2 s deadline, 400 messages.
  config = loadConfig({ DEADLINE_MS: '2000', ...process.env });
  simulator = loadSimulatorConfig({ ...process.env, PORT: undefined, SIMULATE_COUNT: process.env.SIMULATE_COUNT ?? '400' });
} catch (e) {
  // An unusable setting: one line saying which and why, no stack.
  if (!(e instanceof ConfigError)) throw e;
  console.error(e.message);
  process.exit(1);
}
const { count, timeoutMs } = simulator;
const keys = cardKeys(config.cardKey);
const database = await openDatabase(config);
await seed(database.pool, keys);
const { server, port } = await startAuthorizer({ pool: database.pool, keys, deadlineMs: config.deadlineMs });
console.log(`authorizer on 127.0.0.1:${port}, ${database.description}; simulating acquirer traffic…\n`);
const summary = await simulate({ port, count, clients: 8, timeoutMs });
console.log(formatSummary(summary));
await server.close(2000);
await database.close();
if (summary.stopped !== undefined) process.exitCode = 1;
