import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../db/schema.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/db.ts';
import { testApp } from '../../../test/app.ts';
import { HealthProbe } from './health.ts';

let t: TestDatabase;
let db: Kysely<Database>;
let queries = 0;

beforeAll(async () => {
  t = await createTestDatabase();
  db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: t.url, max: 5 }) }),
    log: () => void queries++,
  });
});
afterAll(async () => {
  await db.destroy();
  await t.drop();
});

describe('GET /api/health', () => {
  it('shares one database probe among concurrent and following requests for a second', async () => {
    const app = await testApp(db);
    try {
      queries = 0;
      const answers = await Promise.all(Array.from({ length: 50 }, () => app.inject({ url: '/api/health' })));
      expect(answers.every((r) => r.statusCode === 200 && r.json().status === 'ok')).toBe(true);
      for (let i = 0; i < 20; i++) expect((await app.inject({ url: '/api/health' })).statusCode).toBe(200);
      expect(queries).toBe(1);
      await new Promise((r) => setTimeout(r, 1100));
      expect((await app.inject({ url: '/api/health' })).statusCode).toBe(200);
      expect(queries).toBe(2);
    } finally {
      await app.close();
    }
  });

  it('never answers from a probe made before another request found the database gone, nor keeps a failure', async () => {
    const probe = new HealthProbe(db, 60_000);
    queries = 0;
    expect(await probe.check()).toBe(true);
    expect(await probe.check()).toBe(true);
    expect(queries).toBe(1);
    // A request elsewhere hit a dead connection: the next check asks the database again.
    probe.sawOutage();
    expect(await probe.check()).toBe(true);
    expect(queries).toBe(2);

    // While the database is gone, every check asks again (one at a time), so health is back when it is.
    let attempts = 0;
    const pool = new pg.Pool({
      connectionString: 'postgres://postgres@127.0.0.1:1/none',
      connectionTimeoutMillis: 2000,
    });
    const connect = pool.connect.bind(pool);
    pool.connect = (() => {
      attempts++;
      return connect();
    }) as typeof pool.connect;
    const gone = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    try {
      const down = new HealthProbe(gone, 60_000);
      expect(await down.check()).toBe(false);
      expect(await down.check()).toBe(false);
      expect(attempts).toBe(2);
    } finally {
      await gone.destroy();
    }
  });
});
