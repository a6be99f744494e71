import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

// bigint (bigserial ids, counts) arrives as text; keep it that way rather than lose precision.
export function createDb(connectionString: string, max = 10): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString,
    max,
    // A server that takes the connection but never answers must not hold a request forever.
    connectionTimeoutMillis: 5000,
    keepAlive: true,
  });
  // An idle client's error (database restarted) must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  // Nor may a checked-out client's: between two queries of a transaction the pool's idle listener is
  // detached, and pg emits the lost connection as an 'error' event, which without a listener ends the
  // process. The pending or next query fails instead, and the pool drops the broken client on release.
  pool.on('connect', (client) => client.on('error', () => {}));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
