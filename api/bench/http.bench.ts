/**
 * Request throughput of Gavel's routes against a bare Fastify route measured in the same run.
 * Prints ratios, not verdicts: `npm run bench` (uses DATABASE_URL, else an embedded PostgreSQL).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { parseConfig } from '../src/config.ts';
import { createDb } from '../src/db/connect.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { Passwords } from '../src/auth/password.ts';
import * as authRepo from '../src/auth/auth.repository.ts';

const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 10;

async function measure(
  url: string,
  opts: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string } = {},
) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, ...opts });
  if (result.non2xx > 0) throw new Error(`${url}: ${result.non2xx} non-2xx responses`);
  return { rps: result.requests.average, p99: result.latency.p99 };
}

let embedded: EmbeddedDatabase | undefined;
const dir = mkdtempSync(join(tmpdir(), 'gavel-bench-'));
let adminUrl = process.env.DATABASE_URL;
if (!adminUrl) {
  embedded = await startEmbeddedPostgres(dir);
  adminUrl = embedded.url;
}
const name = `gavel_bench_${Date.now()}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`create database ${name}`);
const url = new URL(adminUrl);
url.pathname = `/${name}`;
const db = createDb(url.toString(), 10);
await migrateToLatest(db);

const passwords = new Passwords();
const court = await db
  .insertInto('courts')
  .values({ name: 'Bench', timezone: 'UTC' })
  .returning('id')
  .executeTakeFirstOrThrow();
await authRepo.insertUser(db, {
  court_id: court.id,
  email: 'bench@court.test',
  name: 'Bench',
  role: 'judge',
  password_hash: await passwords.hash('bench password long'),
});

const bare = Fastify();
bare.get('/bare', async () => ({ status: 'ok' }));
await bare.listen({ port: 0, host: '127.0.0.1' });
const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}`;

const config = {
  ...parseConfig({ LOG_LEVEL: 'silent', PUBLIC_URL: 'http://bench.test' }),
  sessionSecret: 'x'.repeat(40),
};
const app = await buildApp({ config, db, passwords, logger: false, authPolicy: { maxFailuresPerIp: 1e9 } });
await app.listen({ port: 0, host: '127.0.0.1' });
const appUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
const login = await fetch(`${appUrl}/api/auth/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', origin: 'http://bench.test' },
  body: JSON.stringify({ email: 'bench@court.test', password: 'bench password long' }),
});
const cookie = login.headers.get('set-cookie')!.split(';')[0]!;

console.log(`${DURATION} s each, ${CONNECTIONS} connections, Node ${process.version}`);
const baseline = await measure(`${bareUrl}/bare`);
const rows: Array<[string, { rps: number; p99: number }]> = [
  ['bare Fastify GET (baseline)', baseline],
  ['GET /api/health (database round trip)', await measure(`${appUrl}/api/health`)],
  ['GET /api/auth/me (session lookup)', await measure(`${appUrl}/api/auth/me`, { headers: { cookie } })],
];
for (const [label, r] of rows) {
  console.log(
    `${label.padEnd(42)} ${r.rps.toFixed(0).padStart(7)} req/s  p99 ${String(r.p99).padStart(4)} ms  ratio ${(r.rps / baseline.rps).toFixed(3)}`,
  );
}

// Sign-in cost is argon2id by design (and login is rate limited per address), so time it directly.
const hash = await passwords.hash('bench password long');
const started = performance.now();
const verifies = 20;
for (let i = 0; i < verifies; i++) await passwords.verify(hash, 'bench password long');
console.log(
  `argon2id verify (m=19456 KiB, t=2, p=1)          ${((performance.now() - started) / verifies).toFixed(1)} ms each`,
);

await app.close();
await bare.close();
await db.destroy();
await admin.query(`drop database ${name} with (force)`);
await admin.end();
await embedded?.stop();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
