import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';

/**
 * The Node flags the server runs with (`make run`, `npm start`, the Dockerfile): a young generation of
 * 16 MiB a semi-space, for shorter minor collections. Every test, e2e and benchmark process that starts
 * `api/src/server.ts` passes these, so it runs the server as deployed.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=16'];

/** A TCP port free on 127.0.0.1 right now, for a server started in a child process. */
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

/** A figure of /proc/<pid>/status in bytes: the resident set now (VmRSS) or its peak (VmHWM). */
export function memoryOf(pid: number | undefined, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no ${field} for process ${pid}`);
  return Number(m[1]) * 1024;
}

/** Resets the process's peak RSS (VmHWM) to its current RSS, so the next peak is the next step's own. */
export function resetPeakMemory(pid: number | undefined): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/** Gavel's real server (api/src/server.ts) in a child process of its own, on a free port. */
export interface ServerProcess {
  base: string;
  child: ChildProcess;
  /**
   * Stops it (SIGTERM, or SIGKILL when a test must not wait for a graceful end) and resolves with its
   * exit code once it has exited (null when a signal ended it).
   */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<number | null>;
}

/**
 * Starts the server with the test's environment plus `env` (DATABASE_URL, DATA_DIR and what the test
 * configures) and resolves once it says it is ready; rejects with its output if it exits or takes 30 s.
 * Without a DATA_DIR it gets a fresh one, removed when it stops: the server's default (./data, in the
 * checkout) is where `make run` keeps the court's keys, and a key a test sealed there under the test's
 * SESSION_SECRET stopped `make run` from starting.
 */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const ownDataDir = env.DATA_DIR ? undefined : mkdtempSync(join(tmpdir(), 'gavel-server-'));
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, new URL('../src/server.ts', import.meta.url).pathname], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: base,
      LOG_LEVEL: 'warn',
      ...(ownDataDir ? { DATA_DIR: ownDataDir } : {}),
      ...env,
    },
    stdio: 'pipe',
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      if (ownDataDir) rmSync(ownDataDir, { recursive: true, force: true });
      resolve(code);
    }),
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
      if (output.includes('gavel: ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', () => reject(new Error(`server exited:\n${output}`)));
  });
  return {
    base,
    child,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Signs a staff member in through the real sign-in route; the session cookie(s) for later requests. */
export async function signInCookie(base: string, email: string, password: string): Promise<string> {
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { origin: base, 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (login.status !== 200) throw new Error(`sign-in as ${email}: ${login.status} ${await login.text()}`);
  return login.headers
    .getSetCookie()
    .map((v) => v.split(';')[0])
    .join('; ');
}
