import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startEmbeddedPostgres } from './embedded.ts';
import { createDb } from './connect.ts';
import { migrateToLatest } from './migrate.ts';

describe('embedded PostgreSQL (no DATABASE_URL)', () => {
  it('initialises, starts, migrates, keeps data across a restart and stops', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gavel-embedded-'));
    try {
      const first = await startEmbeddedPostgres(dir);
      expect(first.url).toMatch(/^postgres:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/gavel$/);
      const db = createDb(first.url, 2);
      expect(await migrateToLatest(db)).toContain('2026-11-29-01-foundation');
      await db.insertInto('courts').values({ name: 'Kept', timezone: 'UTC' }).execute();
      const version = await sql<{ v: string }>`select current_setting('server_version') as v`.execute(db);
      expect(Number(version.rows[0]!.v.split('.')[0])).toBeGreaterThanOrEqual(15);
      await db.destroy();
      await first.stop();
      if (process.getuid?.() === 0) expect(statSync(join(dir, 'postgres')).uid).not.toBe(0);

      const second = await startEmbeddedPostgres(dir);
      const db2 = createDb(second.url, 2);
      expect(await migrateToLatest(db2)).toEqual([]);
      expect((await db2.selectFrom('courts').select('name').execute()).map((c) => c.name)).toEqual(['Kept']);
      await db2.destroy();
      await second.stop();
      // Stopped means stopped: the port no longer answers.
      const gone = createDb(second.url, 1);
      await expect(sql`select 1`.execute(gone)).rejects.toThrow();
      await gone.destroy();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
