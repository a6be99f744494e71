import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { inject } from 'vitest';
import { createDb } from '../src/platform/db/connect.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import type { Database } from '../src/platform/db/schema.ts';
import { ServerEvent } from '../src/domain/realtime.ts';
import { Value } from 'typebox/value';

export interface TestDatabase {
  name: string;
  url: string;
  db: Kysely<Database>;
  drop(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Every event the file's tests made the server publish, checked against the realtime protocol: a
 * payload that drifts from what the web is told to expect fails the file that wrote it.
 */
async function eventsOffProtocol(db: Kysely<Database>): Promise<string[]> {
  const rows = await db
    .selectFrom('realtime_events')
    .select(['seq', 'kind', 'payload'])
    .execute()
    .catch(() => []); // not migrated
  return rows
    .filter((r) => !Value.Check(ServerEvent, { kind: r.kind, payload: r.payload }))
    .map((r) => `${r.kind} ${JSON.stringify(r.payload)}`);
}

/**
 * A brand-new database for one test file, migrated unless asked not to. Dropping it checks that every
 * realtime event written is one of the protocol's, unless the file tests the hub's transport itself.
 */
export async function createTestDatabase(opts: { migrate?: boolean; anyEvents?: boolean } = {}): Promise<TestDatabase> {
  const name = `gavel_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`create database ${name}`));
  const url = withDatabase(inject('adminDatabaseUrl'), name);
  const db = createDb(url, 5);
  if (opts.migrate !== false) await migrateToLatest(db);
  return {
    name,
    url,
    db,
    drop: async () => {
      const off = opts.anyEvents ? [] : await eventsOffProtocol(db);
      await db.destroy();
      await admin((c) => c.query(`drop database if exists ${name} with (force)`));
      if (off.length > 0) throw new Error(`events outside the realtime protocol:\n${off.slice(0, 10).join('\n')}`);
    },
  };
}
