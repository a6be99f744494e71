import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../../app.ts';
import { CapturingMailer } from '../mail/mailer.ts';
import type { Database } from '../db/schema.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/db.ts';
import { passwords, testConfig } from '../../../test/app.ts';
import {
  connectSocket,
  invite,
  liveCourt,
  liveEnv,
  scheduleHearing,
  setState,
  startStandin,
  wsUrl,
  type SocketClient,
} from '../../../test/live.ts';
import type { LiveKitStandin } from '../../../test/livekit-standin.ts';
import { CLOSE_ACCESS_ENDED } from './realtime.socket.ts';

const HEARTBEAT_MS = 250;
let t: TestDatabase;
let standin: LiveKitStandin;
let app: FastifyInstance;
let counted: Kysely<Database>;
const sent: string[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  const s = await startStandin();
  standin = s.standin;
  counted = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: t.url, max: 5 }) }),
    log: (e) => void sent.push(e.query.sql),
  });
  app = await buildApp({
    config: testConfig(liveEnv(s.apiUrl)),
    db: counted,
    passwords,
    logger: false,
    mailer: new CapturingMailer(),
    realtime: { heartbeatMs: HEARTBEAT_MS },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await app?.close();
  await counted?.destroy();
  await standin?.stop();
  await t?.drop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function subscribed(cookie: string, hearingId: string): Promise<SocketClient & { code?: number }> {
  const c: SocketClient & { code?: number } = await connectSocket(wsUrl(app), cookie);
  c.ws.on('close', (code) => (c.code = code));
  c.ws.send(JSON.stringify({ type: 'subscribe', hearingId }));
  await c.next((m) => m.type === 'snapshot');
  return c;
}

describe('the socket heartbeat', () => {
  it('checks every socket of the instance in one query a tick, and a standing changed behind its back in full', async () => {
    const c = await liveCourt(app, t, 'Heartbeat');
    const hearingId = await scheduleHearing(app, c);
    await setState(app, c, hearingId, 'open');
    const sockets: Array<SocketClient & { code?: number }> = [];
    for (const cookie of [c.cookies.judge, c.cookies.clerk, c.cookies.judge, c.cookies.clerk])
      sockets.push(await subscribed(cookie, hearingId));
    const observers = [];
    for (let i = 0; i < 6; i++) observers.push(await invite(app, c, hearingId, 'observer'));
    for (const o of observers) sockets.push(await subscribed(o.cookie, hearingId));

    // Quiet: ten sockets, several ticks, one query a tick.
    await sleep(HEARTBEAT_MS * 2);
    sent.length = 0;
    const t0 = performance.now();
    await sleep(HEARTBEAT_MS * 8);
    const ticks = (performance.now() - t0) / HEARTBEAT_MS;
    expect(sent.length).toBeGreaterThanOrEqual(1);
    expect(sent.length).toBeLessThanOrEqual(Math.ceil(ticks) + 1);
    expect(sent.every((q) => q.includes('from unnest('))).toBe(true);
    expect(sockets.every((s) => s.code === undefined)).toBe(true);

    // A removal written without an event or a notification (as after a lost one): the heartbeat sees it.
    const removed = observers[0]!;
    await sql`update participants set presence = 'removed' where id = ${removed.id}`.execute(t.db);
    await expect.poll(() => sockets[4]!.code, { timeout: HEARTBEAT_MS * 12 }).toBe(CLOSE_ACCESS_ENDED);
    expect(sockets.filter((s) => s.code !== undefined)).toHaveLength(1);
    for (const s of sockets) s.close();
  });
});
