import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Kysely } from 'kysely';
import { buildApp } from '../src/app.ts';
import { parseConfig, type Config } from '../src/platform/config.ts';
import type { AuthPolicy } from '../src/accounts/auth.service.ts';
import { Passwords } from '../src/accounts/password.ts';
import * as authRepo from '../src/accounts/auth.repository.ts';
import { judgePassword } from '../src/domain/password.ts';
import type { Database, StaffRole } from '../src/platform/db/schema.ts';

export const ORIGIN = 'http://gavel.test';

/** One DATA_DIR per test process (the court's signing key is created there once), removed at exit. */
let dataDir: string | undefined;
export function testDataDir(): string {
  if (!dataDir) {
    const dir = mkdtempSync(join(tmpdir(), 'gavel-test-data-'));
    dataDir = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return dataDir;
}

export function testConfig(env: NodeJS.ProcessEnv = {}): Config {
  return {
    ...parseConfig({ PUBLIC_URL: ORIGIN, LOG_LEVEL: 'silent', DATA_DIR: testDataDir(), ...env }),
    sessionSecret: 'test-session-secret-test-session-secret',
  };
}

export const passwords = new Passwords();

export async function testApp(
  db: Kysely<Database>,
  opts: { config?: Config; authPolicy?: Partial<AuthPolicy>; now?: () => Date } = {},
): Promise<FastifyInstance> {
  return buildApp({
    config: opts.config ?? testConfig(),
    db,
    passwords,
    logger: false,
    ...(opts.authPolicy ? { authPolicy: opts.authPolicy } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  });
}

export async function createStaff(
  db: Kysely<Database>,
  role: StaffRole,
  opts: { email?: string; password?: string; disabled?: boolean; courtId?: string } = {},
) {
  const court = opts.courtId
    ? { id: opts.courtId }
    : ((await db.selectFrom('courts').select('id').orderBy('created_at').executeTakeFirst()) ??
      (await createCourt(db, 'Test Court')));
  const password = opts.password ?? 'correct horse battery';
  const email = opts.email ?? `${role}-${Math.random().toString(36).slice(2, 8)}@court.test`;
  // Fixture accounts hold passwords an operator could set: the rule of every door applies.
  const verdict = judgePassword(password, { name: `Test ${role}`, email });
  if (!verdict.ok) throw new Error(`fixture password "${password}" breaks the password rule: ${verdict.problem}`);
  const user = await authRepo.insertUser(db, {
    email,
    name: `Test ${role}`,
    role,
    court_id: court.id,
    password_hash: await passwords.hash(password),
    disabled: opts.disabled ?? false,
  });
  return { ...user, password };
}

export async function createCourt(
  db: Kysely<Database>,
  name: string,
  opts: { timezone?: string; locale?: string } = {},
): Promise<{ id: string; name: string }> {
  return db
    .insertInto('courts')
    .values({ name, timezone: opts.timezone ?? 'Asia/Shanghai', locale: opts.locale ?? 'zh-CN' })
    .returning(['id', 'name'])
    .executeTakeFirstOrThrow();
}

export function sessionCookie(res: LightMyRequestResponse): string {
  const c = res.cookies.find((x) => x.name.endsWith('gavel_session'));
  if (!c) throw new Error(`no session cookie in response ${res.statusCode}: ${res.body}`);
  return `${c.name}=${c.value}`;
}

export async function signIn(app: FastifyInstance, email: string, password: string): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    headers: { origin: ORIGIN },
    payload: { email, password },
  });
  if (res.statusCode !== 200) throw new Error(`sign-in failed ${res.statusCode}: ${res.body}`);
  return sessionCookie(res);
}
