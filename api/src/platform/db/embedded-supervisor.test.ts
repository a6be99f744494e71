import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startEmbeddedPostgres } from './embedded.ts';
import { createDb } from './connect.ts';

function postmaster(dir: string): { pid: number; port: number } {
  const lines = readFileSync(join(dir, 'postgres', 'postmaster.pid'), 'utf8').split('\n');
  return { pid: Number(lines[0]), port: Number(lines[3]) };
}

describe('the embedded PostgreSQL is supervised', () => {
  it('comes back on the same port when its postmaster is killed, and gives up loudly when it cannot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gavel-supervised-'));
    const notices: string[] = [];
    let gaveUp: string | undefined;
    const embedded = await startEmbeddedPostgres(dir, () => {}, {
      notice: (line) => notices.push(line),
      giveUp: (reason) => (gaveUp = reason),
      maxAttempts: 3,
    });
    const db = createDb(embedded.url, 2);
    try {
      await sql`create table kept (n int)`.execute(db);
      await sql`insert into kept values (1)`.execute(db);
      const first = postmaster(dir);

      process.kill(first.pid, 'SIGKILL');
      // Back by itself (a backend of the killed server may still answer a query for a moment: wait for the new one).
      await expect
        .poll(() => notices.some((n) => /is back on port/.test(n)), { timeout: 60_000, interval: 100 })
        .toBe(true);
      // The same pool, untouched, reads the committed row.
      const count = () =>
        sql<{ n: number }>`select count(*)::int as n from kept`
          .execute(db)
          .then((r) => r.rows[0]!.n)
          .catch(() => 'down');
      await expect.poll(count, { timeout: 60_000, interval: 100 }).toBe(1);
      const second = postmaster(dir);
      expect(second.pid).not.toBe(first.pid);
      expect(second.port).toBe(first.port);
      expect(notices).toContainEqual(expect.stringContaining(`(pid ${first.pid}) was killed by SIGKILL; restarting`));
      expect(notices).toContainEqual(expect.stringMatching(/is back on port \d+ \(pid \d+\) after \d+ ms/));
      expect(gaveUp).toBeUndefined();

      // Now it cannot start again (its directory unreadable): after maxAttempts it gives up, loudly.
      chmodSync(join(dir, 'postgres'), 0o000);
      process.kill(second.pid, 'SIGKILL');
      await expect.poll(() => gaveUp, { timeout: 60_000 }).toBeDefined();
      expect(gaveUp).toMatch(/could not be restarted after 3 attempts; giving up/);
      expect(notices.filter((n) => /restart attempt \d failed/.test(n))).toHaveLength(2);
    } finally {
      chmodSync(join(dir, 'postgres'), 0o700);
      await db.destroy();
      await embedded.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
