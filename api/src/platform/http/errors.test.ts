import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../test/db.ts';
import { testApp } from '../../../test/app.ts';
import { createDb } from '../db/connect.ts';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from './errors.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

const failureOf = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: unknown) => err,
  );

describe('database-connection failures are told apart from query faults', () => {
  it('recognises a refused connection and a terminated backend', async () => {
    const nowhere = createDb('postgres://postgres@127.0.0.1:1/none', 1);
    try {
      expect(isDatabaseUnavailable(await failureOf(sql`select 1`.execute(nowhere)))).toBe(true);
    } finally {
      await nowhere.destroy();
    }

    const victim = new pg.Client({ connectionString: t.url });
    victim.on('error', () => {});
    await victim.connect();
    try {
      const { rows } = await victim.query<{ pid: number }>('select pg_backend_pid() as pid');
      // Terminated mid-query: the server answers 57P01 admin_shutdown, as in a fast shutdown.
      const during = failureOf(victim.query('select pg_sleep(30)'));
      await expect
        .poll(
          async () =>
            (
              await sql<{
                n: number;
              }>`select count(*)::int as n from pg_stat_activity where pid = ${rows[0]!.pid} and state = 'active'`.execute(
                t.db,
              )
            ).rows[0]!.n,
        )
        .toBe(1);
      await sql`select pg_terminate_backend(${rows[0]!.pid})`.execute(t.db);
      const err = await during;
      expect((err as { code?: string }).code).toBe('57P01');
      expect(isDatabaseUnavailable(err)).toBe(true);
      // And the dead client afterwards.
      expect(isDatabaseUnavailable(await failureOf(victim.query('select 1')))).toBe(true);
    } finally {
      await victim.end().catch(() => {});
    }
  });

  it('does not take a query fault, a constraint or a failed fetch for an unavailable database', async () => {
    expect(isDatabaseUnavailable(await failureOf(sql`selec 1`.execute(t.db)))).toBe(false);
    expect(isDatabaseUnavailable(await failureOf(sql`select 1/0`.execute(t.db)))).toBe(false);
    await t.db.insertInto('courts').values({ name: 'Unique', timezone: 'UTC' }).execute();
    const duplicate = await failureOf(
      sql`insert into courts (id, name, timezone) select id, name, timezone from courts limit 1`.execute(t.db),
    );
    expect((duplicate as { code?: string }).code).toBe('23505');
    expect(isDatabaseUnavailable(duplicate)).toBe(false);
    // LiveKit or SMTP refusing is not the database.
    expect(isDatabaseUnavailable(await failureOf(fetch('http://127.0.0.1:1/')))).toBe(false);
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
    expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false);
  });
});

describe('a route whose database does not answer', () => {
  it('answers 503 database_unavailable with Retry-After, whichever query failed, never 500', async () => {
    const nowhere = createDb('postgres://postgres@127.0.0.1:1/none', 1);
    const app = await testApp(nowhere);
    try {
      // /api/health's own query; the session lookup before a staff route; a public route's query.
      for (const req of [
        { url: '/api/health' },
        { url: '/api/auth/me', headers: { cookie: `gavel_session=${'a'.repeat(43)}` } },
        { url: '/api/join/some-token' },
      ]) {
        const res = await app.inject(req);
        expect(res.statusCode, req.url).toBe(503);
        expect(res.headers['retry-after'], req.url).toBe(String(DATABASE_RETRY_AFTER_SECONDS));
        expect(res.json().error.code, req.url).toBe('database_unavailable');
      }
    } finally {
      await app.close();
      await nowhere.destroy();
    }
  });
});
