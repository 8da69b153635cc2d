/**
 * `npm run authorizer`: starts the reference authorizer on DATABASE_URL, or on an embedded Postgres (with 100 demo
 * accounts) when it is unset. `npm run authorizer:seed [count]` seeds demo accounts and cards on DATABASE_URL and
 * exits. It listens on AUTHORIZER_HOST:PORT, or with AUTHORIZER_DIAL=host:port dials the network and serves the
 * requests sent down that link. The configuration comes from the environment (src/config.ts); a wrong one prints one
 * line and exits 1.
 */
import { cardKeys } from './card-keys.js';
import { type AuthorizerConfig, ConfigError, FRAMING, loadConfig, SPEC } from './config.js';
import { type Database, openDatabase, seed } from './database.js';
import { warmUp } from './db.js';
import { dialNetwork } from './dial.js';
import { stderrLogger } from './log.js';
import { startAuthorizer } from './server.js';

/** Prints one line on stderr and exits 1. */
function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const [command, arg] = process.argv.slice(2);
let config: AuthorizerConfig;
try {
  config = loadConfig();
} catch (e) {
  if (e instanceof ConfigError) fail(e.message);
  throw e;
}
if (command === 'seed' && config.databaseUrl === undefined) {
  fail('authorizer:seed seeds the Postgres named by DATABASE_URL; without it the authorizer runs on an embedded database that seeds 100 demo accounts itself');
}
const count = Number(arg ?? 100);
if (command === 'seed' && (!Number.isInteger(count) || count < 1)) fail('authorizer:seed takes a count of accounts (a positive integer)');

let database: Database;
try {
  database = await openDatabase(config);
} catch (e) {
  fail(`could not open the database: ${(e as { code?: string }).code ?? (e as Error).message}`);
}
const keys = cardKeys(config.cardKey);
if (command === 'seed') {
  await seed(database.pool, keys, count);
  console.log(`seeded ${count} accounts and cards in ${database.description}`);
  await database.close();
} else {
  if (database.embedded) await seed(database.pool, keys);
  if (config.cardKeyIsEphemeral) console.log('AUTHORIZER_PAN_KEY is not set: the PAN digests use a random key that lives as long as this embedded database');
  // Every connection the pool may open, and no more: a warm-up asking for more would wait forever for the rest.
  await warmUp(database.pool, database.poolSize);
  let stopLink: () => Promise<void>;
  /** The line that says the authorizer is up. */
  let up: string;
  if (config.dial === undefined) {
    const started = await startAuthorizer({ pool: database.pool, keys, host: config.host, port: config.port, deadlineMs: config.deadlineMs, logger: stderrLogger, mac: config.mac });
    up = `authorizer listening on ${config.host}:${started.port} (${SPEC.name}, ${FRAMING.length} length header), ${database.description}`;
    stopLink = () => started.server.close(2000);
  } else {
    // Dial mode: the authorizer opens the link to the network and answers what the network sends down it.
    const target = `${config.dial.host}:${config.dial.port}`;
    const session = dialNetwork({ pool: database.pool, keys, target: config.dial, deadlineMs: config.deadlineMs, logger: stderrLogger });
    session.on('status', ({ status, reason, code, retryInMs }) => {
      if (status === 'up') console.log(`authorizer signed on to the network at ${target}`);
      if (status === 'down') console.log(`link to ${target} down (${reason ?? 'unknown'}${code === undefined ? '' : ` ${code}`}); dialling again in ${retryInMs ?? 0} ms`);
    });
    up = `authorizer dialling the network at ${target} (${SPEC.name}, ${FRAMING.length} length header), ${database.description}`;
    stopLink = () => session.close({ deadlineMs: 2000 });
  }
  const stop = async (signal: string): Promise<void> => {
    await stopLink();
    await database.close();
    console.log(`authorizer stopped (${signal})`);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  // Only now: a signal sent on seeing this line finds its handler in place (written to a pipe, the line can wake the
  // reader before this process runs its next statement).
  console.log(up);
}
