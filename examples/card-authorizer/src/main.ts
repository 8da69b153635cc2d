/**
 * `npm run authorizer`: starts the reference authorizer on DATABASE_URL, or on an embedded Postgres when it is unset.
 * `npm run authorizer -- seed [count]` seeds demo accounts and cards and exits.
 */
import { openDatabase, seed } from './database.js';
import { warmUp } from './db.js';
import { startAuthorizer } from './server.js';

const [command, arg] = process.argv.slice(2);
const database = await openDatabase();
if (command === 'seed') {
  await seed(database.pool, Number(arg ?? 100));
  console.log(`seeded ${Number(arg ?? 100)} accounts and cards in ${database.description}`);
  await database.close();
} else {
  if (process.env.DATABASE_URL === undefined) await seed(database.pool);
  // Every connection the pool may open, and no more: a warm-up asking for more would wait forever for the rest.
  await warmUp(database.pool, database.poolSize);
  const port = Number(process.env.PORT ?? 8583);
  const started = await startAuthorizer({ pool: database.pool, port, deadlineMs: Number(process.env.DEADLINE_MS ?? 1000) });
  const server = started.server;
  console.log(`authorizer listening on 127.0.0.1:${started.port} (2-byte length header, ISO 8583:1987 ASCII), ${database.description}`);
  const stop = async (): Promise<void> => {
    await server.close(2000);
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
