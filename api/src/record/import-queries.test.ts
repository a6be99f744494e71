import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../platform/db/schema.ts';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { call } from '../../test/scheduling.ts';
import { expectOk, liveApp, liveCourt, scheduleHearing, setState, startStandin } from '../../test/live.ts';
import type { LiveKitStandin } from '../../test/livekit-standin.ts';

let t: TestDatabase;
let counted: Kysely<Database>;
let app: FastifyInstance;
let standin: LiveKitStandin;
const sent: string[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  counted = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: t.url, max: 5 }) }),
    log: (e) => void sent.push(e.query.sql),
  });
  const s = await startStandin();
  standin = s.standin;
  app = await liveApp({ ...t, db: counted }, s.apiUrl);
});
afterAll(async () => {
  await app.close();
  await counted.destroy();
  await standin.stop();
  await t.drop();
});

describe('a caption import', () => {
  it('writes 5,000 cues in at most ten queries, with one audit event and every entry pushed', async () => {
    const c = await liveCourt(app, { ...t, db: counted }, 'Import');
    const pushedBefore = async () =>
      Number(
        (
          await t.db
            .selectFrom('realtime_events')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('kind', '=', 'transcript.entry')
            .executeTakeFirstOrThrow()
        ).n,
      );
    const id = await scheduleHearing(app, c);
    await setState(app, c, id, 'open');
    await setState(app, c, id, 'start');
    const cues = Array.from({ length: 5000 }, (_, i) => ({
      speaker: i % 2 ? '被告' : 'Counsel Chen',
      start: i * 2.5,
      text: i % 2 ? `我方不同意第${i}项。` : `Line ${i} of the opening statement.`,
    }));
    const before = await pushedBefore();
    sent.length = 0;
    const res = await expectOk(
      call(app, 'POST', `/api/hearings/${id}/transcript/import?source=captions`, {
        cookie: c.cookies.clerk,
        payload: cues,
      }),
      201,
    );
    // The import's transaction, from its first statement (the entries' INSERT, which takes the hearing's
    // transcript lock through transcript_lock_last) to the NOTIFY; the session, the hearing and the bench
    // are read before it.
    const from = sent.findIndex((q) => q.includes('transcript_lock_last('));
    expect(from, sent.join('\n')).toBeGreaterThan(0);
    // BEGIN and COMMIT are not counted.
    const importing = sent.slice(from).filter((q) => !/^(begin|commit)$/i.test(q.trim()));
    expect(res.json().imported).toBe(5000);
    const seqs = res.json().entries.map((e: { seq: number }) => e.seq) as number[];
    expect(seqs).toEqual(cues.map((_, i) => seqs[0]! + i));
    expect(importing.length, importing.join('\n')).toBeLessThanOrEqual(10);
    const events = await t.db
      .selectFrom('audit_events')
      .select(['action', 'payload'])
      .where('stream', '=', id)
      .where('action', '=', 'transcript.imported')
      .execute();
    expect(events).toHaveLength(1);
    expect((events[0]!.payload as { count: number }).count).toBe(5000);
    expect((await pushedBefore()) - before).toBe(5000);
  });
});
