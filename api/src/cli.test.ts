import { X509Certificate } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../test/db.ts';
import { passwords, testDataDir } from '../test/app.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await t.db
    .insertInto('courts')
    .values({ name: 'Beijing No. 1 Intermediate Court', timezone: 'Asia/Shanghai', locale: 'zh-CN' })
    .execute();
});
afterAll(async () => {
  await t.drop();
});

const cli = (args: string[], input?: string) =>
  spawnSync(process.execPath, [new URL('./cli.ts', import.meta.url).pathname, ...args], {
    env: {
      ...process.env,
      DATABASE_URL: t.url,
      LOG_LEVEL: 'silent',
      DATA_DIR: testDataDir(),
      SESSION_SECRET: 'cli-test-session-secret-cli-test-session',
    },
    input: input ?? '',
    encoding: 'utf8',
    timeout: 30_000,
  });

describe('npm run cli', () => {
  it('rotate-signing-key makes a new court certificate and keeps the old one published', () => {
    const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;
    const dir = join(testDataDir(), 'court-signing');
    const first = cli(['rotate-signing-key']);
    // No identity yet: the first rotation creates one to retire.
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    const before = fingerprint(readFileSync(join(dir, 'certificate.pem'), 'utf8'));
    const res = cli(['rotate-signing-key']);
    expect(res.status).toBe(0);
    expect(res.stdout).toContain(`retired certificate ${before}`);
    const after = fingerprint(readFileSync(join(dir, 'certificate.pem'), 'utf8'));
    expect(after).not.toBe(before);
    expect(res.stdout).toContain(`new court certificate ${after}`);
    const retired = readdirSync(join(dir, 'retired')).map((f) =>
      fingerprint(readFileSync(join(dir, 'retired', f), 'utf8')),
    );
    expect(retired).toContain(before);
  });

  it('create-user reads the password from stdin and the user can be verified', async () => {
    const res = cli(
      ['create-user', '--email', 'Wang.Fang@court.test', '--name', '王芳', '--role', 'judge'],
      'a long court password\n',
    );
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/^created judge Wang\.Fang@court\.test \(/);
    const user = await t.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', 'Wang.Fang@court.test')
      .executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: '王芳', role: 'judge', disabled: false });
    expect(user.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(await passwords.verify(user.password_hash, 'a long court password')).toBe(true);
  });

  it('create-user refuses duplicates, bad roles and short passwords with exit code 2', () => {
    const dup = cli([
      'create-user',
      '--email',
      'wang.fang@COURT.test',
      '--name',
      'X',
      '--role',
      'clerk',
      '--password',
      'long enough password',
    ]);
    expect(dup.status).toBe(2);
    expect(dup.stderr).toContain('already exists');
    const role = cli([
      'create-user',
      '--email',
      'a@court.test',
      '--name',
      'A',
      '--role',
      'bailiff',
      '--password',
      'long enough password',
    ]);
    expect(role.status).toBe(2);
    expect(role.stderr).toContain('--role must be judge, clerk or admin');
    const short = cli([
      'create-user',
      '--email',
      'b@court.test',
      '--name',
      'B',
      '--role',
      'clerk',
      '--password',
      'short',
    ]);
    expect(short.status).toBe(2);
    expect(short.stderr).toContain('at least 12 characters');
  });

  it('reset-password changes the hash and ends existing sessions', async () => {
    const user = await t.db
      .selectFrom('users')
      .select(['id', 'password_hash'])
      .where('email', '=', 'Wang.Fang@court.test')
      .executeTakeFirstOrThrow();
    await t.db
      .insertInto('sessions')
      .values({
        token_hash: 'h',
        user_id: user.id,
        expires_at: new Date(Date.now() + 1e6),
        idle_expires_at: new Date(Date.now() + 1e6),
      })
      .execute();
    const res = cli(['reset-password', '--email', 'wang.fang@court.test'], 'another long password\n');
    expect(res.status).toBe(0);
    const after = await t.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(await passwords.verify(after.password_hash, 'another long password')).toBe(true);
    expect(await t.db.selectFrom('sessions').select('id').where('user_id', '=', user.id).execute()).toHaveLength(0);
  });

  it('reset-two-factor is the operator’s break-glass: the second factor goes at once, sessions end, audited', async () => {
    const user = await t.db
      .selectFrom('users')
      .select(['id', 'court_id'])
      .where('email', '=', 'Wang.Fang@court.test')
      .executeTakeFirstOrThrow();
    await t.db
      .insertInto('two_factor')
      .values({ user_id: user.id, secret_encrypted: 'sealed', enabled_at: new Date() })
      .execute();
    await t.db
      .insertInto('sessions')
      .values({
        token_hash: 'h2',
        user_id: user.id,
        expires_at: new Date(Date.now() + 1e6),
        idle_expires_at: new Date(Date.now() + 1e6),
      })
      .execute();
    const res = cli(['reset-two-factor', '--email', 'wang.fang@court.test']);
    expect(res.status, res.stderr).toBe(0);
    expect(await t.db.selectFrom('two_factor').select('user_id').where('user_id', '=', user.id).execute()).toEqual([]);
    expect(await t.db.selectFrom('sessions').select('id').where('user_id', '=', user.id).execute()).toHaveLength(0);
    const notice = await t.db
      .selectFrom('account_notices')
      .select('kind')
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(notice.kind).toBe('two_factor_removed');
    const event = await t.db
      .selectFrom('audit_events')
      .select(['action', 'actor_type'])
      .where('action', '=', 'user.two_factor_reset')
      .executeTakeFirstOrThrow();
    expect(event.actor_type).toBe('system');
    expect(cli(['reset-two-factor', '--email', 'nobody@court.test']).status).not.toBe(0);
  });

  it('verify-audit passes an intact chain and names the first broken link of a tampered one', async () => {
    const ok = cli(['verify-audit']);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^ok {6}system: 2 events$/m);

    const second = await t.db
      .selectFrom('audit_events')
      .select('id')
      .where('stream', '=', 'system')
      .where('seq', '=', 2)
      .executeTakeFirstOrThrow();
    await sql`alter table audit_events disable trigger audit_events_append_only`.execute(t.db);
    await sql`update audit_events set action = 'user.nothing_happened' where id = ${second.id}`.execute(t.db);
    await sql`alter table audit_events enable trigger audit_events_append_only`.execute(t.db);

    const broken = cli(['verify-audit', '--stream', 'system']);
    expect(broken.status).toBe(1);
    expect(broken.stdout).toContain(`BROKEN  system: first broken link at seq 2 (event id ${second.id})`);
  });

  // Ten CLI processes, each loading the dictionaries: slow on a busy machine.
  it('create-user and reset-password refuse guessable passwords and the user’s own name, email and court', async () => {
    const create = (password: string) =>
      cli(
        ['create-user', '--email', 'zephyrine.okonkwo@court.test', '--name', 'Zephyrine Okonkwo', '--role', 'clerk'],
        `${password}\n`,
      );
    const guessable = ['gavelgavelgavel', 'courtroom12345'];
    for (const password of [...guessable, 'Zephyrine Okonkwo 2026', 'zephyrine.okonkwo@court.test']) {
      const res = create(password);
      expect(res.status, password).toBe(2);
      expect(res.stderr).toMatch(/^gavel: This password is too easy to guess\. .+/m);
      if (password === 'courtroom12345') expect(res.stderr).toContain('Avoid words that relate to you or this court');
    }
    const created = await t.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'zephyrine.okonkwo@court.test')
      .execute();
    expect(created).toHaveLength(0);

    const hash = async () =>
      (
        await t.db
          .selectFrom('users')
          .select('password_hash')
          .where('email', '=', 'Wang.Fang@court.test')
          .executeTakeFirstOrThrow()
      ).password_hash;
    const before = await hash();
    for (const password of [...guessable, 'Beijing No. 1 Intermediate Court', 'wang.fang@court.test']) {
      const res = cli(['reset-password', '--email', 'wang.fang@court.test', '--password', password]);
      expect(res.status, password).toBe(2);
      expect(res.stderr).toMatch(/^gavel: This password is too easy to guess\. .+/m);
    }
    expect(await hash()).toBe(before);

    const strong = create('lantern orbit saffron quietly');
    expect(strong.stderr).toBe('');
    expect(strong.status).toBe(0);
  }, 120_000);

  it('explains its usage for an unknown command', () => {
    const res = cli(['frobnicate']);
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('unknown command "frobnicate"');
    expect(res.stderr).toContain('usage: npm run cli');
  });
});
