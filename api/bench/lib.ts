/**
 * What the benchmarks share: a dedicated database each, the real API (`api/src/server.ts`) and the
 * baselines as separate server processes, latency figures, the machine, and the one result format
 * `run.ts` turns into the table.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { AuthService } from '../src/accounts/auth.service.ts';
import { Passwords } from '../src/accounts/password.ts';
import { createDb } from '../src/platform/db/connect.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/platform/db/embedded.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import type { Database } from '../src/platform/db/schema.ts';
import { SERVER_NODE_FLAGS as DEPLOYED_NODE_FLAGS } from '../test/process.ts';

export const ORIGIN = 'http://gavel.bench';
export const SECRET = 'bench-session-secret-bench-session-secret';
export const LIVEKIT_KEY = 'devkey';
export const LIVEKIT_SECRET = 'bench-livekit-secret-bench-livekit-0001';

const SERVER = fileURLToPath(new URL('../src/server.ts', import.meta.url));
/**
 * The Node flags Gavel's server runs with: the benchmarks start it with them, and run.ts runs each
 * benchmark's own process with them too, since the docket, the PDF and the import time the app's code in
 * that process. BENCH_NODE_FLAGS='' runs them with V8's defaults instead.
 */
export const SERVER_NODE_FLAGS =
  process.env.BENCH_NODE_FLAGS === undefined
    ? [...DEPLOYED_NODE_FLAGS]
    : process.env.BENCH_NODE_FLAGS.split(/\s+/).filter(Boolean);
const BASELINE = fileURLToPath(new URL('./baseline-server.ts', import.meta.url));

export const say = (line: string) => process.stdout.write(`${line}\n`);

/** One line of the table: what was measured, Gavel's figure, the baseline's figure, and their ratio. */
export interface Row {
  measure: string;
  gavel: string;
  baseline: string;
  ratio: string;
}

/** What a benchmark hands to run.ts: rows for the table and blocks printed after it (plans). */
export interface BenchResult {
  rows: Row[];
  notes?: string[];
}

/** Hands the rows to run.ts when it forked this script, else prints them. */
export async function report(result: BenchResult): Promise<void> {
  const send = process.send?.bind(process);
  if (send) return new Promise<void>((resolve) => send({ result }, undefined, {}, () => resolve()));
  say('');
  for (const r of result.rows) say(`${r.measure} | ${r.gavel} | ${r.baseline} | ${r.ratio}`);
  for (const n of result.notes ?? []) say(`\n${n}`);
}

export function envList(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (!raw) return fallback;
  return raw.split(',').map((s) => {
    const n = Number(s.replace(/_/g, ''));
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be positive whole numbers, comma separated`);
    return n;
  });
}
export const envNumber = (name: string, fallback: number) => envList(name, [fallback])[0]!;

// ---- figures -------------------------------------------------------------------------------------

export interface Latency {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

export function latency(samples: number[]): Latency {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
  return { n: s.length, p50: at(50), p99: at(99), max: s.at(-1) ?? NaN };
}

export const ms = (n: number) =>
  Number.isNaN(n) ? '–' : n < 1 ? `${n.toFixed(2)} ms` : n < 10 ? `${n.toFixed(1)} ms` : `${Math.round(n)} ms`;
export const int = (n: number) => Math.round(n).toLocaleString('en-US');
export const times = (n: number) =>
  !Number.isFinite(n) ? '–' : n < 0.1 ? `${n.toFixed(3)}×` : n < 10 ? `${n.toFixed(2)}×` : `${n.toFixed(0)}×`;
export const lat = (l: Latency) => `p50 ${ms(l.p50)} · p99 ${ms(l.p99)}`;

/**
 * Runs `work` for every item with at most `concurrency` in flight; returns the rate and each call's
 * latency (milliseconds).
 */
export async function storm<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>) {
  const samples: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++]!;
        const t0 = performance.now();
        await work(item);
        samples.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: items.length / seconds, seconds, ...latency(samples) };
}

/**
 * A keep-alive HTTP/1.1 client with at most `sockets` connections, for the storms. `fetch` (undici)
 * spent more of this 2-core machine than the API under test did in its own process: a join storm's
 * figures measured the client as much as the server. Node's own http client costs about half as much.
 * A storm's baseline goes through the same client.
 */
export function httpClient(sockets: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  onCleanup(() => agent.destroy());
  return {
    /** POSTs `body` as JSON; resolves with the response's text, or rejects with its status and text. */
    post(url: string, headers: Record<string, string> = {}, body = '{}'): Promise<string> {
      return new Promise((resolve, reject) => {
        const req = request(
          url,
          {
            method: 'POST',
            agent,
            headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (text += chunk));
            res.on('end', () =>
              res.statusCode === 200 ? resolve(text) : reject(new Error(`${url}: ${res.statusCode} ${text}`)),
            );
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    },
  };
}

export async function ok(res: Response, what: string): Promise<Response> {
  if (!res.ok) throw new Error(`${what}: ${res.status} ${await res.text()}`);
  return res;
}

export const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec));

// ---- running a benchmark -------------------------------------------------------------------------

const cleanups: Array<() => unknown> = [];
/** Undone by `main` in reverse order, whether the benchmark finished, failed or was interrupted. */
export const onCleanup = (undo: () => unknown) => void cleanups.push(undo);

async function cleanUp(): Promise<void> {
  for (let undo = cleanups.pop(); undo; undo = cleanups.pop()) {
    try {
      await undo();
    } catch (err) {
      process.stderr.write(`cleanup failed: ${String(err)}\n`);
    }
  }
  await stopEmbedded();
}

/** Runs a benchmark and always removes what it made: its database, its server processes. */
export async function main(work: () => Promise<void>): Promise<void> {
  process.once('SIGINT', () => void cleanUp().then(() => process.exit(130)));
  try {
    await work();
  } catch (err) {
    process.exitCode = 1;
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  } finally {
    await cleanUp();
    if (process.connected) process.disconnect();
    // Whatever a library leaves open (keep-alive sockets, timers) must not keep a finished run alive.
    setTimeout(() => process.exit(), 2000).unref();
  }
}

// ---- the machine ---------------------------------------------------------------------------------

export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

export async function machine(databaseUrl: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  const { rows } = await c.query<{ v: string }>(`select current_setting('server_version') as v`);
  await c.end();
  return [
    `CPU: ${cpus()[0]?.model.trim() ?? 'unknown'}, ${cpus().length} cores; RAM ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `Node ${process.version}; PostgreSQL ${rows[0]!.v} (${process.env.BENCH_EMBEDDED ? 'embedded' : 'DATABASE_URL'})`,
    `load average (1, 5, 15 min): ${loadAverage()}`,
  ];
}

// ---- databases -----------------------------------------------------------------------------------

export interface BenchDatabase {
  url: string;
  db: Kysely<Database>;
}

let embedded: EmbeddedDatabase | undefined;
let embeddedDir: string | undefined;

/** DATABASE_URL, or an embedded PostgreSQL started for this process (run.ts starts one for all). */
export async function adminUrl(): Promise<string> {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  if (!embedded) {
    embeddedDir = mkdtempSync(join(tmpdir(), 'gavel-bench-pg-'));
    embedded = await startEmbeddedPostgres(embeddedDir);
  }
  return embedded.url;
}

export async function stopEmbedded(): Promise<void> {
  await embedded?.stop();
  embedded = undefined;
  if (embeddedDir) rmSync(embeddedDir, { recursive: true, force: true });
}

async function onAdmin<T>(work: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: await adminUrl() });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

/**
 * A CHECKPOINT before a benchmark starts, so that the pages the one before it wrote (a million
 * hearings, a join storm's sessions) are not flushed to disk while this one is being timed. Needs a
 * superuser or pg_checkpoint; without either it says so and the run goes on.
 */
export async function checkpoint(): Promise<void> {
  await onAdmin((c) => c.query('checkpoint')).catch((e: unknown) =>
    say(`  (no CHECKPOINT before this benchmark: ${e instanceof Error ? e.message : String(e)})`),
  );
}

/** A fresh, migrated database of its own (dropped on cleanup), so runs never see each other's rows. */
export async function benchDatabase(label: string, poolSize = 10): Promise<BenchDatabase> {
  const name = `gavel_bench_${label}_${Date.now()}`;
  await onAdmin((c) => c.query(`create database ${name}`));
  const u = new URL(await adminUrl());
  u.pathname = `/${name}`;
  const url = u.toString();
  const db = createDb(url, poolSize);
  const drop = async () => {
    await db.destroy();
    await onAdmin((c) => c.query(`drop database if exists ${name} with (force)`));
  };
  onCleanup(drop);
  await migrateToLatest(db);
  return { url, db };
}

/** A court ("Bench", UTC) with one courtroom, for a benchmark's hearings. */
export async function benchCourt(db: Kysely<Database>): Promise<{ courtId: string; roomId: string }> {
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
  return { courtId: court.id, roomId: room.id };
}

/**
 * A signed-in session for each of `userIds` (staff), stored the way sign-in stores it (an HMAC of the
 * cookie's token): their cookies, in the same order.
 */
export async function staffCookies(db: Kysely<Database>, userIds: string[]): Promise<string[]> {
  const auth = new AuthService({ db, passwords: new Passwords(), sessionSecret: SECRET });
  const cookies: string[] = [];
  for (let i = 0; i < userIds.length; i += 1000) {
    const now = new Date();
    const batch = userIds.slice(i, i + 1000).map((user) => ({ token: randomBytes(32).toString('base64url'), user }));
    await db
      .insertInto('sessions')
      .values(
        batch.map((b) => ({
          token_hash: auth.tokenHash(b.token),
          user_id: b.user,
          created_at: now,
          last_seen_at: now,
          expires_at: new Date(now.getTime() + 12 * 3_600_000),
          idle_expires_at: new Date(now.getTime() + 3 * 3_600_000),
          ip: '127.0.0.1',
          user_agent: 'bench',
        })),
      )
      .execute();
    cookies.push(...batch.map((b) => `gavel_session=${b.token}`));
  }
  return cookies;
}

// ---- server processes ----------------------------------------------------------------------------

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export interface ServerProcess {
  base: string;
  pid: number;
  /** Resident set size now, in MiB (from /proc). */
  rssMb(): number;
  /** Starts a new peak: the kernel's high-water mark is reset (falls back to sampling). */
  resetPeak(): void;
  /** Highest RSS since `resetPeak` (or since start), in MiB. */
  peakRssMb(): number;
  /** Also done on cleanup. */
  stop(): Promise<void>;
}

function procStatusKb(pid: number, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** The server's log lines: the first few of each message are shown, the rest counted (see `stop`). */
function watch(child: ChildProcess, label: string, readyLine: RegExp, logged: Map<string, number>): Promise<void> {
  const show = (line: string) => {
    let key = line;
    try {
      key = String((JSON.parse(line) as { msg?: unknown }).msg ?? line);
    } catch {
      // not a JSON log line
    }
    const n = (logged.get(key) ?? 0) + 1;
    logged.set(key, n);
    if (n <= 3) process.stderr.write(`[${label}] ${line.slice(0, 1000)}\n`);
  };
  return new Promise((resolve, reject) => {
    const recent: string[] = [];
    const onExit = (code: number | null) =>
      reject(new Error(`${label} exited (${code}) before it was ready:\n${recent.join('\n')}`));
    child.once('exit', onExit);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      recent.push(line);
      if (recent.length > 30) recent.shift();
      if (readyLine.test(line)) {
        child.off('exit', onExit);
        resolve();
      } else if (!line.startsWith('gavel:')) show(line);
    });
    createInterface({ input: child.stderr! }).on('line', (line) => {
      recent.push(line);
      show(line);
    });
  });
}

function serverProcess(
  child: ChildProcess,
  label: string,
  base: string,
  logged: Map<string, number>,
  cleanup: () => void,
): ServerProcess {
  const pid = child.pid!;
  let sampledPeak = 0;
  let kernelPeak = false;
  let stopped = false;
  const sampler = setInterval(() => {
    try {
      sampledPeak = Math.max(sampledPeak, procStatusKb(pid, 'VmRSS'));
    } catch {
      // exited
    }
  }, 20);
  sampler.unref();
  const server: ServerProcess = {
    base,
    pid,
    rssMb: () => procStatusKb(pid, 'VmRSS') / 1024,
    resetPeak() {
      sampledPeak = procStatusKb(pid, 'VmRSS');
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, '5');
        kernelPeak = true;
      } catch {
        kernelPeak = false;
      }
    },
    peakRssMb: () => Math.max(sampledPeak, kernelPeak ? procStatusKb(pid, 'VmHWM') : 0) / 1024,
    async stop() {
      clearInterval(sampler);
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(force);
      }
      cleanup();
      for (const [msg, n] of logged)
        if (n > 3) process.stderr.write(`[${label}] …and ${n - 3} more lines of "${msg.slice(0, 200)}"\n`);
    },
  };
  onCleanup(() => server.stop());
  return server;
}

/**
 * The real API as `make run` starts it (`node api/src/server.ts`, TRUST_PROXY unset), on a free
 * loopback port, against `databaseUrl`; its own process, so its RSS is its own.
 */
export async function startGavel(databaseUrl: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'gavel-bench-data-'));
  // BENCH_CPU_PROF=dir: the server writes a V8 CPU profile there when it stops (open it in Chrome's
  // DevTools, or summarise it by function), to find where a figure's time goes before changing code.
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...profile, SERVER], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: ORIGIN,
      SESSION_SECRET: SECRET,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      LIVEKIT_API_KEY: LIVEKIT_KEY,
      LIVEKIT_API_SECRET: LIVEKIT_SECRET,
      TRUST_PROXY: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logged = new Map<string, number>();
  await watch(child, 'gavel', /^gavel: ready in/, logged);
  return serverProcess(child, 'gavel', `http://127.0.0.1:${port}`, logged, () =>
    rmSync(dataDir, { recursive: true, force: true }),
  );
}

/** A baseline server (api/bench/baseline-server.ts): bare Fastify, or a raw `ws` broadcaster. */
export async function startBaseline(kind: 'fastify' | 'ws'): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [BASELINE, kind, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const logged = new Map<string, number>();
  await watch(child, `baseline ${kind}`, /^ready$/, logged);
  return serverProcess(child, `baseline ${kind}`, `http://127.0.0.1:${port}`, logged, () => {});
}
