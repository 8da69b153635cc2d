/**
 * `npm start`: the reference authorizer on an embedded Postgres (or DATABASE_URL), driven by the traffic simulator;
 * prints the simulator's summary and stops.
 */
import { openDatabase, seed } from './database.js';
import { startAuthorizer } from './server.js';
import { formatSummary, simulate } from './simulate.js';

const database = await openDatabase();
await seed(database.pool);
const { server, port } = await startAuthorizer({ pool: database.pool, deadlineMs: 2000 });
console.log(`authorizer on 127.0.0.1:${port}, ${database.description}; simulating acquirer traffic…\n`);
const summary = await simulate({ port, count: Number(process.env.SIMULATE_COUNT ?? 400), clients: 8 });
console.log(formatSummary(summary));
await server.close(2000);
await database.close();
if (summary.stopped !== undefined) process.exitCode = 1;
