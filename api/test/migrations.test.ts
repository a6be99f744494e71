import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { NO_MIGRATIONS } from 'kysely/migration';
import { createTestDatabase, type TestDatabase } from './db.ts';
import { createMigrator, migrateToLatest } from '../src/platform/db/migrate.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase({ migrate: false });
});
afterAll(async () => {
  await t.drop();
});

const tables = async () =>
  (
    await sql<{ table_name: string }>`
      select table_name from information_schema.tables
      where table_schema = 'public' and table_name not like 'kysely_%' order by table_name`.execute(t.db)
  ).rows.map((r) => r.table_name);

describe('migrations', () => {
  it('run up from an empty database, then report nothing pending', async () => {
    expect(await tables()).toEqual([]);
    const applied = await migrateToLatest(t.db);
    expect(applied[0]).toBe('2026-11-29-01-foundation');
    expect(await tables()).toEqual([
      'account_notices',
      'audit_events',
      'audit_heads',
      'cases',
      'chat_messages',
      'consultation_members',
      'consultation_requests',
      'consultations',
      'courtrooms',
      'courts',
      'exhibit_presentations',
      'exhibits',
      'hearings',
      'invite_attempts',
      'livekit_webhook_events',
      'login_failures',
      'participant_sessions',
      'participants',
      'password_links',
      'realtime_events',
      'record_hashing',
      'record_log_heads',
      'record_log_leaves',
      'recordings',
      'recovery_codes',
      'sessions',
      'sign_in_steps',
      'storage_chunks',
      'storage_objects',
      'transcript_corrections',
      'transcript_entries',
      'transcript_seals',
      'transcript_signatures',
      'two_factor',
      'two_factor_resets',
      'users',
    ]);
    expect(await migrateToLatest(t.db)).toEqual([]);
  });

  it('have date-prefixed names and apply in name order', async () => {
    const migrations = await createMigrator(t.db).getMigrations();
    for (const m of migrations) expect(m.name).toMatch(/^\d{4}-\d{2}-\d{2}-\d{2}-[a-z0-9-]+$/);
    expect(migrations.map((m) => m.name)).toEqual([...migrations.map((m) => m.name)].sort());
  });

  it('make staff email unique regardless of case', async () => {
    const court = await t.db
      .insertInto('courts')
      .values({ name: 'C', timezone: 'UTC' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const user = { court_id: court.id, name: 'A', role: 'clerk' as const, password_hash: 'x' };
    await t.db
      .insertInto('users')
      .values({ ...user, email: 'Clerk@Court.test' })
      .execute();
    await expect(
      t.db
        .insertInto('users')
        .values({ ...user, email: 'clerk@court.TEST' })
        .execute(),
    ).rejects.toThrow(/users_email_unique/);
    await expect(
      t.db
        .insertInto('users')
        .values({ ...user, email: 'x@y', role: 'bailiff' as 'clerk' })
        .execute(),
    ).rejects.toThrow(/check/);
  });

  it('roll back down to empty', async () => {
    const migrator = createMigrator(t.db);
    const { error } = await migrator.migrateTo(NO_MIGRATIONS);
    expect(error).toBeUndefined();
    expect(await tables()).toEqual([]);
  });
});
