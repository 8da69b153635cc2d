/** Where the authorizer's tests find their Postgres, one place for every file. */

/** The Postgres the tests run against: DATABASE_URL, else the local default (trust auth, database `test`). */
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
