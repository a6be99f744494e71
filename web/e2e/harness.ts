import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createTestDatabase, type TestDatabase } from '../../api/test/db.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export interface Gavel {
  url: string;
  database: TestDatabase;
  /** What the server printed until it was ready: on a first start, the demo court's one-time logins. */
  startupOutput: string;
  /** Creates a staff account through the real CLI, as an administrator would. */
  createUser(role: 'judge' | 'clerk' | 'admin', name: string): { email: string; password: string };
  stop(): Promise<void>;
}

/** Starts the real server (built web app, real PostgreSQL database of its own) as a child process. */
export async function startGavel(): Promise<Gavel> {
  if (!existsSync(join(ROOT, 'web/build/index.html'))) {
    throw new Error('web/build is missing: run `npm run build -w web` (make test does)');
  }
  const database = await createTestDatabase({ migrate: false });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'gavel-e2e-'));
  const env = {
    ...process.env,
    DATABASE_URL: database.url,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: url,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
  };
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'api/src/server.ts')], { env, stdio: 'pipe' });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${output}`)), 30_000);
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
      if (output.includes('gavel: ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });

  let n = 0;
  return {
    url,
    database,
    startupOutput: output,
    createUser(role, name) {
      const email = `${role}${++n}@e2e.court.test`;
      const password = `e2e password ${n} 长期有效`;
      const res = spawnSync(
        process.execPath,
        [join(ROOT, 'api/src/cli.ts'), 'create-user', '--email', email, '--name', name, '--role', role],
        { env, input: `${password}\n`, encoding: 'utf8', timeout: 30_000 },
      );
      if (res.status !== 0) throw new Error(`create-user failed: ${res.stderr}`);
      return { email, password };
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `extraArgs` adds Chromium switches, e.g. fake camera and microphone for the hearing room. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...extraArgs,
    ],
  });
}

/**
 * Runs axe-core (WCAG 2.0–2.2 A/AA rules) on the page as it is now and throws on any serious or
 * critical violation, listing each with its nodes so the failure says what to fix.
 */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length === 0) return;
  const lines = bad.map(
    (v) =>
      `- [${v.impact}] ${v.id}: ${v.help}\n` +
      v.nodes.map((n) => `    ${n.target.join(' ')} — ${n.failureSummary?.replace(/\s+/g, ' ')}`).join('\n'),
  );
  throw new Error(`accessibility violations on "${label}" (${page.url()}):\n${lines.join('\n')}`);
}

/** The demo court's logins, as a first start prints them once (api/src/seed.ts, api/src/server.ts). */
export function demoLogins(gavel: Gavel): Record<'admin' | 'judge' | 'clerk', { email: string; password: string }> {
  const logins: Partial<Record<string, { email: string; password: string }>> = {};
  for (const m of gavel.startupOutput.matchAll(/^gavel: {3}(admin|judge|clerk) +(\S+@\S+) +(\S+)$/gm)) {
    logins[m[1]!] = { email: m[2]!, password: m[3]! };
  }
  const { admin, judge, clerk } = logins;
  if (!admin || !judge || !clerk)
    throw new Error(`no demo logins in the first start's output:\n${gavel.startupOutput}`);
  return { admin, judge, clerk };
}
