import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../test/db.ts';
import { passwords } from '../test/app.ts';

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
    env: { ...process.env, DATABASE_URL: t.url, LOG_LEVEL: 'silent' },
    input: input ?? '',
    encoding: 'utf8',
    timeout: 30_000,
  });

describe('npm run cli', () => {
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

  it('explains its usage for an unknown command', () => {
    const res = cli(['frobnicate']);
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('unknown command "frobnicate"');
    expect(res.stderr).toContain('usage: npm run cli');
  });
});
