import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../app.ts';
import type { Database } from '../platform/db/schema.ts';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { ORIGIN, createStaff, passwords, signIn, testConfig } from '../../test/app.ts';
import { SessionCache, type SessionNews, type SessionRow } from './session-cache.ts';

/** A database handle of its own that counts the queries sent through it. */
function countingDb(url: string) {
  const counter = { queries: 0, sql: [] as string[] };
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 3 }) }),
    log: (e) => {
      counter.queries++;
      counter.sql.push(e.query.sql);
    },
  });
  return { db, counter };
}

let t: TestDatabase;
const handles: Kysely<Database>[] = [];
const apps: FastifyInstance[] = [];
let clock = Date.now();

async function instance() {
  const { db, counter } = countingDb(t.url);
  handles.push(db);
  const app = await buildApp({
    config: testConfig(),
    db,
    passwords,
    logger: false,
    databaseUrl: t.url,
    now: () => new Date(clock),
  });
  apps.push(app);
  return { app, counter };
}

const me = (app: FastifyInstance, cookie: string) =>
  app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie, origin: ORIGIN } });

/** Polls until `check` passes; returns how long that took (ms), or throws after `limitMs`. */
async function within(limitMs: number, check: () => Promise<boolean>): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    if (await check()) return performance.now() - t0;
    if (performance.now() - t0 > limitMs) throw new Error(`not within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

beforeAll(async () => {
  t = await createTestDatabase();
});

afterAll(async () => {
  for (const app of apps) await app.close();
  for (const db of handles) await db.destroy();
  await t.drop();
});

describe('the session on every request', () => {
  it('costs no query once cached, and writes the idle expiry at most once a minute', async () => {
    const a = await instance();
    const judge = await createStaff(t.db, 'judge');
    const cookie = await signIn(a.app, judge.email, judge.password);
    expect((await me(a.app, cookie)).statusCode).toBe(200);

    a.counter.queries = 0;
    for (let i = 0; i < 20; i++) expect((await me(a.app, cookie)).statusCode).toBe(200);
    expect(a.counter.queries).toBe(0);

    clock += 61_000;
    expect((await me(a.app, cookie)).statusCode).toBe(200);
    expect((await me(a.app, cookie)).statusCode).toBe(200);
    expect(a.counter.sql.slice(-a.counter.queries)).toEqual([expect.stringMatching(/^update "sessions"/)]);
  });

  it('reads session, account and court in one query when not cached', async () => {
    const { db, counter } = countingDb(t.url);
    handles.push(db);
    // No LISTEN connection: nothing may be cached, every request reads.
    const app = await buildApp({ config: testConfig(), db, passwords, logger: false, now: () => new Date(clock) });
    apps.push(app);
    const judge = await createStaff(t.db, 'judge');
    const cookie = await signIn(app, judge.email, judge.password);
    counter.queries = 0;
    expect((await me(app, cookie)).statusCode).toBe(200);
    expect((await me(app, cookie)).statusCode).toBe(200);
    expect(counter.queries).toBe(2);
  });

  it('a sign-out on one instance ends the session on another within a second', async () => {
    const a = await instance();
    const b = await instance();
    const judge = await createStaff(t.db, 'judge');
    const cookie = await signIn(a.app, judge.email, judge.password);
    expect((await me(b.app, cookie)).statusCode).toBe(200);
    b.counter.queries = 0;
    expect((await me(b.app, cookie)).statusCode).toBe(200);
    expect(b.counter.queries).toBe(0); // B holds it now

    const out = await a.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie, origin: ORIGIN } });
    expect(out.statusCode).toBe(204);
    // The instance that signed out refuses at once; the other within a second.
    expect((await me(a.app, cookie)).statusCode).toBe(401);
    const took = await within(1000, async () => (await me(b.app, cookie)).statusCode === 401);
    expect(took).toBeLessThan(1000);
  });

  it('an account disabled in psql, a new role, a court requiring two-factor: every instance within a second', async () => {
    const a = await instance();
    const b = await instance();
    const judge = await createStaff(t.db, 'judge');
    const cookie = await signIn(a.app, judge.email, judge.password);
    const cookie2 = await signIn(a.app, judge.email, judge.password);
    for (const app of [a.app, b.app]) expect((await me(app, cookie)).statusCode).toBe(200);

    await sql`update users set role = 'clerk' where id = ${judge.id}`.execute(t.db);
    for (const app of [a.app, b.app])
      await within(1000, async () => JSON.parse((await me(app, cookie)).body).user?.role === 'clerk');
    await sql`update users set role = 'judge' where id = ${judge.id}`.execute(t.db);

    const court = await t.db
      .selectFrom('users')
      .select('court_id')
      .where('id', '=', judge.id)
      .executeTakeFirstOrThrow();
    for (const app of [a.app, b.app])
      await within(1000, async () => JSON.parse((await me(app, cookie)).body).user?.role === 'judge');
    await sql`update courts set require_two_factor = true where id = ${court.court_id}`.execute(t.db);
    for (const app of [a.app, b.app])
      await within(1000, async () => {
        const res = await me(app, cookie);
        return res.statusCode === 401 && JSON.parse(res.body).error.code === 'two_factor_enrolment_required';
      });
    await sql`update courts set require_two_factor = false where id = ${court.court_id}`.execute(t.db);
    for (const app of [a.app, b.app]) await within(1000, async () => (await me(app, cookie2)).statusCode === 200);

    await sql`update users set disabled = true where id = ${judge.id}`.execute(t.db);
    for (const app of [a.app, b.app]) await within(1000, async () => (await me(app, cookie2)).statusCode === 401);
  });
});

describe('SessionCache', () => {
  function news(listening = true) {
    const listeners = { listening: [] as ((l: boolean) => void)[], change: [] as ((s: object) => void)[] };
    const n: SessionNews & { listening: boolean; set(l: boolean): void; change(s: object): void } = {
      listening,
      onListening: (l) => (listeners.listening.push(l), () => {}),
      onSessionChange: (l) => (listeners.change.push(l as (s: object) => void), () => {}),
      set(l) {
        this.listening = l;
        for (const f of listeners.listening) f(l);
      },
      change(s) {
        for (const f of listeners.change) f(s);
      },
    };
    return n;
  }
  const row = (id: string, court: string) => ({ id, session_id: `s-${id}`, court_id: court }) as unknown as SessionRow;

  it('holds nothing while notifications are not heard, and forgets everything when the connection drops', () => {
    const n = news(false);
    const cache = new SessionCache(n);
    cache.set('h1', row('u1', 'c1'), cache.mark(), 0);
    expect(cache.get('h1', 0)).toBeUndefined();
    n.set(true);
    cache.set('h1', row('u1', 'c1'), cache.mark(), 0);
    expect(cache.get('h1', 0)).toBeDefined();
    n.set(false);
    expect(cache.size).toBe(0);
    n.set(true);
    expect(cache.get('h1', 0)).toBeUndefined();
  });

  it('drops by account or court, expires by age, and never stores a read that an invalidation overtook', () => {
    const n = news();
    const cache = new SessionCache(n, { ttlMs: 1000 });
    cache.set('h1', row('u1', 'c1'), cache.mark(), 0);
    cache.set('h2', row('u2', 'c2'), cache.mark(), 0);
    n.change({ userId: 'u1' });
    expect(cache.get('h1', 0)).toBeUndefined();
    expect(cache.get('h2', 0)).toBeDefined();
    n.change({ courtId: 'c2' });
    expect(cache.get('h2', 0)).toBeUndefined();

    cache.set('h3', row('u3', 'c3'), cache.mark(), 0);
    expect(cache.get('h3', 1001)).toBeUndefined();

    const mark = cache.mark();
    n.change({ userId: 'someone else' });
    cache.set('h4', row('u4', 'c4'), mark, 0);
    expect(cache.get('h4', 0)).toBeUndefined();
  });
});
