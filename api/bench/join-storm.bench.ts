/**
 * A join storm: 1,000 invited participants wait in the lobby with a socket open each, the judge
 * admits them all at once, and each fetches a media token. Prints figures beside a bare Fastify
 * route measured in the same run (`make bench`; DATABASE_URL, else an embedded PostgreSQL).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import pg from 'pg';
import WebSocket from 'ws';
import { buildApp } from '../src/app.ts';
import { parseConfig } from '../src/config.ts';
import { createDb } from '../src/db/connect.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { Passwords } from '../src/auth/password.ts';
import * as authRepo from '../src/auth/auth.repository.ts';
import { newToken, participantSessionHash } from '../src/participants/invite-token.ts';
import { LiveKitStandin } from '../test/livekit-standin.ts';

const PARTICIPANTS = Number(process.env.BENCH_PARTICIPANTS ?? 1000);
const CONCURRENCY = 50;
const ORIGIN = 'http://gavel.bench';
const SECRET = 'bench-session-secret-bench-session-secret';

const say = (line: string) => process.stdout.write(`${line}\n`);
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const ms = (n: number) => `${n.toFixed(1)} ms`;

/** Runs `work` for every item with at most CONCURRENCY in flight; returns each call's latency. */
async function storm<T>(items: T[], work: (item: T) => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) {
        const item = items[next++]!;
        const t0 = performance.now();
        await work(item);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: items.length / seconds, p50: pct(latencies, 50), p99: pct(latencies, 99) };
}

async function ok(res: Response, what: string) {
  if (!res.ok) throw new Error(`${what}: ${res.status} ${await res.text()}`);
  return res;
}

let embedded: EmbeddedDatabase | undefined;
const dir = mkdtempSync(join(tmpdir(), 'gavel-bench-'));
let adminUrl = process.env.DATABASE_URL;
if (!adminUrl) {
  embedded = await startEmbeddedPostgres(dir);
  adminUrl = embedded.url;
}
const dbName = `gavel_bench_${Date.now()}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`create database ${dbName}`);
const dbUrl = new URL(adminUrl);
dbUrl.pathname = `/${dbName}`;
const db = createDb(dbUrl.toString(), 20);
await migrateToLatest(db);

const standin = new LiveKitStandin('devkey', 'bench-livekit-secret-bench-livekit-0001');
const standinUrl = await standin.start();

const passwords = new Passwords();
const court = await db
  .insertInto('courts')
  .values({ name: 'Bench', timezone: 'UTC' })
  .returning('id')
  .executeTakeFirstOrThrow();
const room = await db
  .insertInto('courtrooms')
  .values({ court_id: court.id, name: 'Room 1' })
  .returning('id')
  .executeTakeFirstOrThrow();
const judge = await authRepo.insertUser(db, {
  court_id: court.id,
  email: 'judge@bench.test',
  name: 'Judge',
  role: 'judge',
  password_hash: await passwords.hash('bench password long'),
});
const kase = await db
  .insertInto('cases')
  .values({ court_id: court.id, number: 'B-1', caption: 'Storm v. Lobby', case_type: 'civil' })
  .returning('id')
  .executeTakeFirstOrThrow();
const start = new Date(Date.now() + 3_600_000);
const hearing = await db
  .insertInto('hearings')
  .values({
    court_id: court.id,
    case_id: kase.id,
    courtroom_id: room.id,
    title: 'Join storm',
    scheduled_start: start,
    scheduled_end: new Date(start.getTime() + 3_600_000),
    judge_id: judge.id,
    clerk_id: null,
    livekit_room: `hearing-bench-${Date.now()}`,
  })
  .returning('id')
  .executeTakeFirstOrThrow();

// Invited and their links opened: a participant row and a participant session each.
const people: Array<{ id: string; cookie: string }> = [];
for (let i = 0; i < PARTICIPANTS; i += 500) {
  const rows = await db
    .insertInto('participants')
    .values(
      Array.from({ length: Math.min(500, PARTICIPANTS - i) }, (_, k) => ({
        hearing_id: hearing.id,
        role: (k % 10 === 0 ? 'observer' : k % 2 ? 'plaintiff' : 'defendant') as 'observer' | 'plaintiff' | 'defendant',
        display_name: `Participant ${i + k}`,
      })),
    )
    .returning('id')
    .execute();
  const sessions = rows.map((r) => ({ id: r.id, token: newToken() }));
  await db
    .insertInto('participant_sessions')
    .values(
      sessions.map((s) => ({
        token_hash: participantSessionHash(SECRET, s.token),
        participant_id: s.id,
        hearing_id: hearing.id,
        expires_at: new Date(Date.now() + 86_400_000),
      })),
    )
    .execute();
  for (const s of sessions) people.push({ id: s.id, cookie: `gavel_participant=${s.token}` });
}

const config = {
  ...parseConfig({
    PUBLIC_URL: ORIGIN,
    LOG_LEVEL: 'silent',
    LIVEKIT_API_URL: standinUrl,
    LIVEKIT_API_KEY: 'devkey',
    LIVEKIT_API_SECRET: 'bench-livekit-secret-bench-livekit-0001',
  }),
  sessionSecret: SECRET,
};
const app = await buildApp({ config, db, passwords, logger: false, databaseUrl: dbUrl.toString() });
await app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

const bare = Fastify();
bare.post('/bare', async () => ({ ok: true }));
await bare.listen({ port: 0, host: '127.0.0.1' });
const bareBase = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}`;

const login = await ok(
  await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { origin: ORIGIN, 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'judge@bench.test', password: 'bench password long' }),
  }),
  'sign-in',
);
const judgeCookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
const post = (url: string, cookie: string) =>
  fetch(`${base}${url}`, {
    method: 'POST',
    headers: { origin: ORIGIN, cookie, 'content-type': 'application/json' },
    body: '{}',
  });
await ok(
  await fetch(`${base}/api/hearings/${hearing.id}/state`, {
    method: 'POST',
    headers: { origin: ORIGIN, cookie: judgeCookie, 'content-type': 'application/json' },
    body: JSON.stringify({ action: 'open' }),
  }),
  'open',
);

say(`gavel join storm: ${PARTICIPANTS} participants, ${CONCURRENCY} requests in flight, one process (API + clients)`);

// Every participant's socket, subscribed to the hearing.
const admittedAt = new Map<string, number>();
let lastMessageAt = 0;
const sockets = await Promise.all(
  people.map(
    (p) =>
      new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(`${base.replace('http', 'ws')}/api/ws`, {
          headers: { origin: ORIGIN, cookie: p.cookie },
        });
        ws.on('message', (raw) => {
          lastMessageAt = performance.now();
          const text = String(raw);
          if (text.startsWith('{"type":"snapshot"')) return resolve(ws);
          // Cheap test before parsing: each client sees ~1,000 presence events after its own admission.
          if (!text.includes('"participant.admitted"')) return;
          const m = JSON.parse(text) as { payload: { participantId: string } };
          if (m.payload.participantId === p.id) admittedAt.set(p.id, performance.now());
        });
        ws.once('open', () => ws.send(JSON.stringify({ type: 'subscribe', hearingId: hearing.id })));
        ws.once('error', reject);
      }),
  ),
);

const lobby = await storm(people, async (p) => {
  await ok(await post(`/api/hearings/${hearing.id}/lobby`, p.cookie), 'lobby');
});

const admitStart = performance.now();
const admitRes = await ok(await post(`/api/hearings/${hearing.id}/admit-all`, judgeCookie), 'admit-all');
const admitDone = performance.now();
const admitted = ((await admitRes.json()) as { admitted: string[] }).admitted.length;
const deadline = Date.now() + 60_000;
while (admittedAt.size < PARTICIPANTS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
const delivery = [...admittedAt.values()].map((t) => t - admitStart).sort((a, b) => a - b);
// The presence events that follow fan out to every socket (~1,000 × 1,000 frames): let them drain
// so the token figures measure the route, not the fan-out.
while (performance.now() - lastMessageAt < 300) await new Promise((r) => setTimeout(r, 50));
const fanOut = lastMessageAt - admitStart - 0;

const tokens = await storm(people, async (p) => {
  const res = await ok(await post(`/api/hearings/${hearing.id}/media-token`, p.cookie), 'media-token');
  await res.json();
});
const baseline = await storm(people, async () => {
  const res = await ok(
    await fetch(`${bareBase}/bare`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
    'bare',
  );
  await res.json();
});

say('');
say(`lobby joins         ${lobby.perSecond.toFixed(0).padStart(6)} /s   p50 ${ms(lobby.p50)}   p99 ${ms(lobby.p99)}`);
say(
  `admit-all           ${admitted} admitted in one request: ${ms(admitDone - admitStart)} (commit + 2 events per person)`,
);
say(
  `admission delivered to ${delivery.length}/${PARTICIPANTS} sockets: p50 ${ms(pct(delivery, 50))}   p99 ${ms(pct(delivery, 99))}   last ${ms(delivery.at(-1) ?? NaN)} (from the admit-all request)`,
);
say(`all presence events of the admit-all delivered to every socket after ${ms(fanOut)}`);
say(
  `media-token         ${tokens.perSecond.toFixed(0).padStart(6)} /s   p50 ${ms(tokens.p50)}   p99 ${ms(tokens.p99)}`,
);
say(
  `bare Fastify route  ${baseline.perSecond.toFixed(0).padStart(6)} /s   p50 ${ms(baseline.p50)}   p99 ${ms(baseline.p99)}`,
);
say(
  `media-token / bare: throughput ${(tokens.perSecond / baseline.perSecond).toFixed(3)}×, p50 ${(tokens.p50 / baseline.p50).toFixed(1)}×, p99 ${(tokens.p99 / baseline.p99).toFixed(1)}×`,
);

for (const ws of sockets) ws.terminate();
await app.close();
await bare.close();
await standin.stop();
await db.destroy();
await admin.query(`drop database ${dbName} with (force)`);
await admin.end();
await embedded?.stop();
rmSync(dir, { recursive: true, force: true });
