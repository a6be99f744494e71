import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { HearingClient, cleanUp, expectCall, startGavel, type GavelServer } from './harness.ts';
import { Pressure, broken, demoHearing, isAlive, outage, postmaster } from './db-load.ts';

// PostgreSQL goes away under load and comes back; Gavel, never restarted, answers 503
// database_unavailable (with Retry-After) meanwhile, never 500 or a dropped connection, and recovers by
// itself: requests succeed again, its LISTEN connection comes back so realtime events flow to a socket
// opened before the outage, and every acknowledged write is in the record.

const run = promisify(execFile);

let server: GavelServer | undefined;
let client: HearingClient | undefined;
let pressure: Pressure | undefined;
afterEach(async () => {
  await pressure?.stop();
  await cleanUp(client, server);
  pressure = undefined;
  client = undefined;
  server = undefined;
});

interface Figures {
  /** Fault → the first failed answer, the last one, and the first success after (ms from the fault). */
  firstFailureMs: number;
  lastFailureMs: number;
  recoveredMs: number;
  failures: number;
  requests: number;
  acked: number;
}

/**
 * Schedules a demo hearing, watches it over a websocket, puts Gavel under load, runs `fault` (which
 * returns once it has done its damage) and checks everything the issue promises. Returns the figures.
 */
async function throughFault(srv: GavelServer, fault: () => Promise<void>): Promise<Figures> {
  const { clerk, hearingId } = await demoHearing(srv);
  client = new HearingClient({ url: () => srv.wsUrl, hearingId, cookie: clerk, origin: srv.origin }).start();
  await client.whenReady();
  const ws = client;
  const load = (pressure = new Pressure(srv, clerk, hearingId).start());

  // Working before: writes acknowledged and pushed to the socket.
  await expect.poll(() => load.acked.length).toBeGreaterThanOrEqual(20);
  await expect.poll(() => ws.entries().length).toBeGreaterThanOrEqual(10);

  const faultAt = Date.now();
  await fault();

  // Down: health says so, and the others fail too (the exact shape is checked below, for every answer).
  const alive = (ok: boolean, waiting: string) =>
    !srv.running ? `Gavel exited:\n${srv.output}` : ok ? 'yes' : waiting;
  await expect
    .poll(
      () =>
        alive(
          load.since(faultAt).some((o) => o.kind === 'health' && o.status === 503),
          'no 503 from /api/health yet',
        ),
      { timeout: 60_000 },
    )
    .toBe('yes');
  // Back, by itself: a request sent after the outage began succeeds.
  await expect
    .poll(() => alive(Number.isFinite(outage(load.outcomes, faultAt)?.recovered), 'not recovered yet'), {
      timeout: 60_000,
    })
    .toBe('yes');
  const seen = outage(load.outcomes, faultAt)!;
  // A little more load after recovery, then stop it.
  const settled = Date.now();
  await expect
    .poll(() => load.since(settled).filter((o) => o.kind === 'write' && o.status === 201).length)
    .toBeGreaterThan(10);
  await load.stop();

  expect(srv.running, srv.output).toBe(true);
  // Every answer, before, during and after: a success or 503 database_unavailable with Retry-After.
  expect(broken(load.outcomes)).toEqual([]);
  const during = load.since(faultAt).filter((o) => o.status === 503);
  expect(during.some((o) => o.kind === 'health')).toBe(true);
  expect(during.some((o) => o.kind !== 'health')).toBe(true);
  // Once back, it stays back: every request sent after the recovery was seen succeeded.
  expect(load.since(settled).filter((o) => o.status < 200 || o.status >= 300)).toEqual([]);
  for (const path of ['/api/health', '/api/auth/me', `/api/hearings/${hearingId}`]) {
    await expectCall(srv, 'GET', path, clerk, undefined, [200]);
  }

  // A write after the outage reaches the socket opened before it: the realtime hub lost its LISTEN
  // connection (it logged so) and opened it again.
  expect(srv.output).toContain('"msg":"realtime hub"');
  const marker = await load.write();
  expect(marker.status).toBe(201);
  const ackedIds = load.acked.map((e) => e.id);
  await expect
    .poll(() => {
      const got = new Set(ws.entries().map((e) => e.id));
      return ackedIds.filter((id) => !got.has(id));
    })
    .toEqual([]);

  // Nothing acknowledged is lost, and the record keeps the order it was acknowledged in.
  const transcript = (await expectCall(srv, 'GET', `/api/hearings/${hearingId}/transcript`, clerk)).body as {
    entries: Array<{ id: string; seq: number }>;
  };
  const recorded = transcript.entries.map((e) => e.id);
  const ackedSet = new Set(ackedIds);
  expect(recorded.filter((id) => ackedSet.has(id))).toEqual(
    [...load.acked].sort((a, b) => a.seq - b.seq).map((e) => e.id),
  );
  expect(ackedIds.every((id) => recorded.includes(id))).toBe(true);

  return {
    firstFailureMs: seen.firstFailure - faultAt,
    lastFailureMs: seen.lastFailure - faultAt,
    recoveredMs: seen.recovered - faultAt,
    failures: seen.failures,
    requests: load.outcomes.length,
    acked: load.acked.length,
  };
}

function say(what: string, f: Figures, extra = ''): void {
  process.stdout.write(
    `faults: ${what}: first 503 ${f.firstFailureMs} ms, last ${f.lastFailureMs} ms, first 2xx ${f.recoveredMs} ms after the fault` +
      ` (${f.failures} failed of ${f.requests} requests, ${f.acked} writes acknowledged)${extra}\n`,
  );
}

// ---------------------------------------------------------------------------------------------
// The machine's PostgreSQL, restarted with pg_ctlcluster.

const clusterSpec = (() => {
  const named = process.env.GAVEL_FAULT_PG_CLUSTER?.trim();
  if (named) return named.split(/\s+/) as [string, string];
  const versions = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql').sort() : [];
  return [versions.at(-1) ?? '15', 'main'] as [string, string];
})();
const [pgVersion, pgCluster] = clusterSpec;

function hasCommand(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** pg_lsclusters' line for the cluster: its port and whether it is online. */
function clusterState(): { port: number; online: boolean } | undefined {
  try {
    const line = execFileSync('pg_lsclusters', ['--no-header'], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .find((c) => c[0] === pgVersion && c[1] === pgCluster);
    return line ? { port: Number(line[2]), online: line[3] === 'online' } : undefined;
  } catch {
    return undefined;
  }
}

const whyNotCluster = (() => {
  if (process.env.GAVEL_EXCLUSIVE_POSTGRES !== '1')
    return 'GAVEL_EXCLUSIVE_POSTGRES=1 is not set (make test sets it for the serial faults run)';
  if (process.getuid?.() !== 0) return 'not root';
  if (!hasCommand('pg_ctlcluster') || !hasCommand('pg_lsclusters')) return 'no pg_ctlcluster';
  if (!clusterState()) return `no cluster "${pgVersion} ${pgCluster}"`;
  return undefined;
})();

const pgCtl = (action: 'restart' | 'start') =>
  run('pg_ctlcluster', ['--skip-systemctl-redirect', pgVersion, pgCluster, action], { timeout: 120_000 });

describe('PostgreSQL restarts under load', () => {
  const clusterCase = whyNotCluster ? it.skip : it;
  clusterCase(
    `the machine's server (pg_ctlcluster ${pgVersion} ${pgCluster} restart): 503 while down, recovery without a Gavel restart` +
      (whyNotCluster ? ` — skipped: ${whyNotCluster}` : ''),
    async () => {
      const { port } = clusterState()!;
      // GAVEL_FAULT_PG_URL, or the test run's DATABASE_URL when it is this cluster, or trust on loopback.
      const runUrl = process.env.DATABASE_URL ? new URL(process.env.DATABASE_URL) : undefined;
      const adminUrl = new URL(
        process.env.GAVEL_FAULT_PG_URL ??
          (runUrl && ['127.0.0.1', 'localhost'].includes(runUrl.hostname) && Number(runUrl.port || 5432) === port
            ? runUrl.toString()
            : undefined) ??
          `postgres://postgres@127.0.0.1:${port}/postgres`,
      );
      const name = `gavel_faults_${randomBytes(6).toString('hex')}`;
      const admin = async (query: string) => {
        const c = new pg.Client({ connectionString: adminUrl.toString() });
        await c.connect();
        try {
          await c.query(query);
        } finally {
          await c.end();
        }
      };
      await admin(`create database ${name}`);
      const databaseUrl = new URL(adminUrl);
      databaseUrl.pathname = `/${name}`;
      try {
        server = await startGavel({ databaseUrl: databaseUrl.toString() });
        let commandMs = 0;
        const figures = await throughFault(server, async () => {
          const began = Date.now();
          await pgCtl('restart');
          commandMs = Date.now() - began;
        });
        say(`pg_ctlcluster ${pgVersion} ${pgCluster} restart`, figures, `; the restart command took ${commandMs} ms`);
      } finally {
        try {
          // Whatever happened, leave the machine's server up.
          if (!clusterState()?.online) await pgCtl('start');
        } finally {
          await cleanUp(server);
          server = undefined;
          await admin(`drop database if exists ${name} with (force)`);
        }
      }
    },
  );

  it('the embedded server (no DATABASE_URL): its postmaster SIGKILLed, Gavel restarts it by itself', async () => {
    server = await startGavel({ databaseUrl: undefined });
    const srv = server;
    const before = postmaster(srv.dataDir);
    expect(isAlive(before.pid)).toBe(true);

    const figures = await throughFault(srv, async () => {
      process.kill(before.pid, 'SIGKILL');
    });

    // A new postmaster, on the same port, said so in the log; the old one is gone.
    const after = postmaster(srv.dataDir);
    expect(after.pid).not.toBe(before.pid);
    expect(after.port).toBe(before.port);
    expect(isAlive(after.pid)).toBe(true);
    expect(isAlive(before.pid)).toBe(false);
    expect(srv.output).toContain(`embedded PostgreSQL (pid ${before.pid}) was killed by SIGKILL; restarting it`);
    const back = /embedded PostgreSQL is back on port \d+ \(pid \d+\) after (\d+) ms/.exec(srv.output);
    expect(back, srv.output).not.toBeNull();
    say('embedded postmaster SIGKILL', figures, `; the supervisor had it back after ${back![1]} ms`);
  });
});
