import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import * as audit from './audit.service.ts';
import { canonicalJson } from './audit.hash.ts';
import { HEAD_KEY_FILE, loadHeadKey, useHeadKey } from './head.ts';
import { testDataDir } from '../../test/app.ts';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  useHeadKey(loadHeadKey(testDataDir()));
});
afterAll(async () => {
  await t.drop();
});

const judge = { type: 'user' as const, id: '00000000-0000-4000-8000-000000000001' };

describe('audit trail', () => {
  it('appends a numbered, linked chain per stream that verifies', async () => {
    const a1 = await audit.append(t.db, {
      stream: 'hearing-a',
      actor: judge,
      action: 'hearing.opened',
      payload: { b: 2, a: 1 },
    });
    const a2 = await audit.append(t.db, {
      stream: 'hearing-a',
      actor: judge,
      action: 'hearing.started',
      payload: { 中文: '开庭', n: [1, { z: null }] },
    });
    const b1 = await audit.append(t.db, { stream: 'hearing-b', actor: audit.SYSTEM_ACTOR, action: 'x' });
    expect([a1.seq, a2.seq, b1.seq]).toEqual([1, 2, 1]);
    const rows = await t.db
      .selectFrom('audit_events')
      .selectAll()
      .where('stream', '=', 'hearing-a')
      .orderBy('seq')
      .execute();
    expect(rows[1]!.prev_hash).toBe(rows[0]!.hash);
    expect(rows[0]!.prev_hash).toBe('0'.repeat(64));
    expect(await audit.verifyStream(t.db, 'hearing-a')).toMatchObject({
      stream: 'hearing-a',
      events: 2,
      ok: true,
      head: { seq: 2 },
    });
    expect((await audit.verifyAll(t.db)).every((r) => r.ok)).toBe(true);
  });

  it('keeps the chain whole under concurrent appends to one stream', async () => {
    await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        audit.append(t.db, { stream: 'busy', actor: judge, action: 'tick', payload: { i } }),
      ),
    );
    const seqs = (
      await t.db.selectFrom('audit_events').select('seq').where('stream', '=', 'busy').orderBy('seq').execute()
    ).map((r) => r.seq);
    expect(seqs).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect((await audit.verifyStream(t.db, 'busy')).ok).toBe(true);
  });

  it('commits or rolls back with the caller’s transaction', async () => {
    await expect(
      t.db.transaction().execute(async (trx) => {
        await audit.append(trx, { stream: 'rollback', actor: judge, action: 'never' });
        throw new Error('the action failed');
      }),
    ).rejects.toThrow('the action failed');
    expect(await t.db.selectFrom('audit_events').select('id').where('stream', '=', 'rollback').execute()).toHaveLength(
      0,
    );
  });

  it('is refused UPDATE, DELETE and TRUNCATE by the database', async () => {
    await expect(sql`update audit_events set action = 'forged'`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_events`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_events`.execute(t.db)).rejects.toThrow(/append-only/);
    expect((await audit.verifyStream(t.db, 'hearing-a')).events).toBe(2);
  });

  it('names the first broken link when a superuser changes a row with the trigger disabled', async () => {
    for (let i = 0; i < 5; i++)
      await audit.append(t.db, { stream: 'tamper', actor: judge, action: 'entry', payload: { i } });
    const third = await t.db
      .selectFrom('audit_events')
      .select('id')
      .where('stream', '=', 'tamper')
      .where('seq', '=', 3)
      .executeTakeFirstOrThrow();
    await sql`alter table audit_events disable trigger audit_events_append_only`.execute(t.db);
    await sql`update audit_events set payload = '{"i": 99}'::jsonb where id = ${third.id}`.execute(t.db);
    await sql`alter table audit_events enable trigger audit_events_append_only`.execute(t.db);
    const result = await audit.verifyStream(t.db, 'tamper');
    expect(result.ok).toBe(false);
    expect(result.firstBreak).toMatchObject({ seq: 3, id: third.id });
    expect(result.firstBreak!.reason).toMatch(/altered/);
  });

  it('detects a deleted event in the middle of a stream', async () => {
    for (let i = 0; i < 4; i++)
      await audit.append(t.db, { stream: 'gap', actor: judge, action: 'entry', payload: { i } });
    await sql`alter table audit_events disable trigger audit_events_append_only`.execute(t.db);
    await sql`delete from audit_events where stream = 'gap' and seq = 2`.execute(t.db);
    await sql`alter table audit_events enable trigger audit_events_append_only`.execute(t.db);
    const result = await audit.verifyStream(t.db, 'gap');
    expect(result.firstBreak).toMatchObject({ seq: 3 });
    expect(result.firstBreak!.reason).toMatch(/missing/);
  });

  it('signs each stream’s head with the key in DATA_DIR; cutting the tail, or the head with it, is detected', async () => {
    expect(existsSync(join(testDataDir(), HEAD_KEY_FILE))).toBe(true);
    expect(statSync(join(testDataDir(), HEAD_KEY_FILE)).mode & 0o077).toBe(0);
    for (let i = 0; i < 4; i++)
      await audit.append(t.db, { stream: 'tail', actor: judge, action: 'entry', payload: { i } });
    const intact = await audit.verifyStream(t.db, 'tail');
    expect(intact).toMatchObject({ ok: true, events: 4, head: { seq: 4 } });
    const guardsOff = async (statement: ReturnType<typeof sql>) =>
      t.db.transaction().execute(async (trx) => {
        await sql`set local session_replication_role = replica`.execute(trx);
        await statement.execute(trx);
      });

    // The last two events removed: the chain that is left is whole, but shorter than its signed head.
    await guardsOff(sql`delete from audit_events where stream = 'tail' and seq > 2`);
    const cut = await audit.verifyStream(t.db, 'tail');
    expect(cut.ok).toBe(false);
    expect(cut.firstBreak).toMatchObject({ seq: 3 });
    expect(cut.firstBreak!.reason).toMatch(/signed head is at seq 4 but the chain ends at seq 2/);

    // A head rewritten to match the shorter chain does not carry Gavel's signature.
    const second = await t.db
      .selectFrom('audit_events')
      .select('hash')
      .where('stream', '=', 'tail')
      .where('seq', '=', 2)
      .executeTakeFirstOrThrow();
    await guardsOff(sql`update audit_heads set seq = 2, hash = ${second.hash} where stream = 'tail'`);
    expect((await audit.verifyStream(t.db, 'tail')).firstBreak!.reason).toMatch(/signature does not hold/);

    // And a stream whose head is gone altogether is named too.
    await guardsOff(sql`delete from audit_heads where stream = 'tail'`);
    expect((await audit.verifyStream(t.db, 'tail')).firstBreak!.reason).toMatch(/no signed head/);
  });

  it('hashes canonical JSON, independent of key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 2], c: 'x' } })).toBe('{"a":{"c":"x","d":[1,2]},"b":1}');
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
  });
});
