import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../../test/db.ts';
import { isDatabaseUnavailable } from '../http/errors.ts';
import { createDb, prepared, statement } from './connect.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase({ migrate: false });
});
afterAll(async () => {
  await t.drop();
});

describe('the pool survives the database dropping its connections', () => {
  it('fails a transaction whose connection is terminated between two queries, without crashing the process', async () => {
    // pg emits a lost connection of a checked-out, idle client as an 'error' event: with no listener
    // that is an uncaught exception, which ends the whole API (and fails this test file).
    const db = createDb(t.url, 2);
    try {
      const failure = await db
        .transaction()
        .execute(async (trx) => {
          const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
          const pid = rows[0]!.pid;
          await sql`select pg_terminate_backend(${pid})`.execute(t.db);
          // The server's FATAL 57P01 arrives while no query runs on this client.
          await expect
            .poll(
              async () =>
                (
                  await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where pid = ${pid}`.execute(
                    t.db,
                  )
                ).rows[0]!.n,
            )
            .toBe(0);
          await sql`select 1`.execute(trx);
        })
        .then(
          () => undefined,
          (err: unknown) => err,
        );
      expect(failure).toBeInstanceOf(Error);
      expect(isDatabaseUnavailable(failure)).toBe(true);
      // The broken client was dropped, not handed out again.
      for (let i = 0; i < 4; i++) {
        expect((await sql<{ one: number }>`select 1 as one`.execute(db)).rows).toEqual([{ one: 1 }]);
      }
    } finally {
      await db.destroy();
    }
  });

  it('builds a marked query once per call, not once to mark it and again to run it', async () => {
    const db = createDb(t.url, 1);
    let built = 0;
    const counting = db.withPlugin({
      transformQuery: (args) => (built++, args.node),
      transformResult: async (args) => args.result,
    });
    try {
      const row = await prepared(counting.selectNoFrom(sql<number>`${2}::int + 1`.as('n'))).executeTakeFirstOrThrow();
      expect(row.n).toBe(3);
      expect(built).toBe(1);
    } finally {
      await db.destroy();
    }
  });
});

describe('named prepared statements', () => {
  it("sends a marked query by name, prepared once per connection, with each call's own values; others stay unnamed", async () => {
    const db = createDb(t.url, 2);
    try {
      await db.transaction().execute(async (trx) => {
        // One connection for the whole transaction: what it has prepared is what pg_prepared_statements lists.
        const marked = (n: number) => prepared(trx.selectNoFrom(sql<number>`${n}::int + 1`.as('n')));
        const answers = [];
        // More runs than PostgreSQL's five custom plans: the generic plan must answer the same.
        for (let i = 0; i < 8; i++) answers.push((await marked(i).executeTakeFirstOrThrow()).n);
        expect(answers).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
        await trx.selectNoFrom(sql<number>`${41}::int + 1`.as('unmarked')).execute();

        const { rows } = await sql<{ name: string; statement: string }>`
          select name, statement from pg_prepared_statements order by name`.execute(trx);
        expect(rows).toEqual([
          { name: expect.stringMatching(/^gavel_[0-9a-f]{24}$/), statement: marked(0).compile().sql },
        ]);
      });
    } finally {
      await db.destroy();
    }
  });
});

describe('statements of fixed shape', () => {
  it('builds the query once, then binds each call’s arguments into its compilation and runs it by name', async () => {
    const db = createDb(t.url, 1);
    let built = 0;
    const add = statement((q, a: string, b: string) => {
      built++;
      // A constant among the parameters stays where it is; the arguments go where they were used.
      return q.selectNoFrom([
        sql<string>`${a}::text || ${'-'}::text || ${b}::text`.as('joined'),
        sql<string>`${b}::text`.as('b'),
      ]);
    });
    try {
      const answers = [];
      // More runs than PostgreSQL's five custom plans: the generic plan must answer the same.
      for (let i = 0; i < 8; i++) answers.push((await add(db, `a${i}`, `b${i}`))[0]);
      expect(answers).toEqual(Array.from({ length: 8 }, (_, i) => ({ joined: `a${i}-b${i}`, b: `b${i}` })));
      expect(built).toBe(1);
      // In a transaction too, on its connection, and prepared by name there.
      await db.transaction().execute(async (trx) => {
        expect(await add(trx, 'x', 'y')).toEqual([{ joined: 'x-y', b: 'y' }]);
        const { rows } = await sql<{ name: string }>`select name from pg_prepared_statements`.execute(trx);
        expect(rows).toEqual([{ name: expect.stringMatching(/^gavel_[0-9a-f]{24}$/) }]);
      });
      expect(built).toBe(1);
    } finally {
      await db.destroy();
    }
  });

  it('refuses, on its first call, an argument that is not a parameter of the query, or is written into another', async () => {
    const db = createDb(t.url, 1);
    const unused = statement((q, _a: string) => q.selectNoFrom(sql<number>`1`.as('one')));
    const inlined = statement((q, a: string) => q.selectNoFrom(sql<number>`1`.as(a)));
    try {
      await expect(unused(db, 'x')).rejects.toThrow(/argument 0 is not a parameter/);
      await expect(inlined(db, 'x')).rejects.toThrow(/argument 0 is not a parameter/);
      // Written into another parameter, it would keep the first call's stand-in for every later call.
      const inJson = statement((q, a: string) =>
        q.selectNoFrom([
          sql<string>`${a}::text`.as('plain'),
          sql<unknown>`${JSON.stringify({ who: a })}::json`.as('doc'),
        ]),
      );
      const inPattern = statement((q, a: string) =>
        q.selectNoFrom([sql<string>`${a}::text`.as('plain'), sql<boolean>`'x' like ${`%${a}%`}`.as('like')]),
      );
      await expect(inJson(db, 'alice')).rejects.toThrow(/argument 0 is not a parameter/);
      await expect(inPattern(db, 'alice')).rejects.toThrow(/argument 0 is not a parameter/);
    } finally {
      await db.destroy();
    }
  });
});
