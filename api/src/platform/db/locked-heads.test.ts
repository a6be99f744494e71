import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Transaction } from 'kysely';
import type { Database } from './schema.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/db.ts';
import { createCourtFixture, insertHearing } from '../../../test/scheduling.ts';
import * as audit from '../../audit/audit.service.ts';
import { lockAndReadLastSeq } from '../realtime/realtime.repository.ts';
import { insertNumbered, type NewEntry } from '../../record/transcript.repository.ts';

// The three numbered streams take their lock and read their last number in one call. What matters is
// what the second of two writers reads: the number the first committed while it waited, never the
// number from before (which a lock and a read in one plain statement would give, and two writers
// would then take the same number).
let t: TestDatabase;
let hearingId: string;

beforeAll(async () => {
  // The probes below are bare rows, not events of the protocol.
  t = await createTestDatabase({ anyEvents: true });
  const f = await createCourtFixture(t.db, 'LOCK');
  hearingId = await insertHearing(t.db, f, 'Numbered', new Date('2026-12-07T09:00:00Z'));
});
afterAll(async () => t?.drop());

/**
 * Writer A locks, reads and appends, then holds its transaction open; writer B asks for the lock
 * meanwhile. B must still be waiting when A commits, and must then read A's number.
 */
async function secondWriterReads(
  read: (trx: Transaction<Database>) => Promise<number>,
  append: (trx: Transaction<Database>, n: number) => Promise<void>,
) {
  let releaseA!: () => void;
  const aMayCommit = new Promise<void>((r) => (releaseA = r));
  let aAppended!: (n: number) => void;
  const aHasAppended = new Promise<number>((r) => (aAppended = r));
  const a = t.db.transaction().execute(async (trx) => {
    const n = (await read(trx)) + 1;
    await append(trx, n);
    aAppended(n);
    await aMayCommit;
    return n;
  });
  const aNumber = await aHasAppended;
  let bRead: number | undefined;
  const b = t.db.transaction().execute(async (trx) => {
    bRead = await read(trx);
    await append(trx, bRead + 1);
  });
  // B is blocked on A's lock: it has read nothing yet.
  await new Promise((r) => setTimeout(r, 300));
  expect(bRead).toBeUndefined();
  releaseA();
  await a;
  await b;
  expect(bRead).toBe(aNumber);
}

describe('a numbered stream’s lock and last number, in one round trip', () => {
  it('the audit chain: the second writer reads the head the first committed while it waited', async () => {
    await audit.append(t.db, { stream: 'locked', actor: { type: 'system', id: null }, action: 'first' });
    await secondWriterReads(
      async (trx) => (await audit.lockHead(trx, 'locked'))?.seq ?? 0,
      async (trx, n) => {
        await sql`insert into audit_events (stream, seq, occurred_at, actor_type, action, prev_hash, hash)
                  values ('locked', ${n}, now(), 'system', 'probe', 'x', 'y')`.execute(trx);
      },
    );
  });

  it('the realtime events: the second publisher reads the seq the first committed', async () => {
    await secondWriterReads(
      (trx) => lockAndReadLastSeq(trx, 'locked-stream'),
      async (trx, n) => {
        await sql`insert into realtime_events (stream, seq, kind, topic, payload)
                  values ('locked-stream', ${n}, 'probe', '{}'::jsonb, '{}'::jsonb)`.execute(trx);
      },
    );
  });

  const entry = (text: string): NewEntry => ({
    speaker: 'Clerk',
    speaker_participant_id: null,
    spoken_at: new Date(),
    text,
    source: 'clerk',
    author_id: null,
  });

  it('the transcript: the second writer’s INSERT numbers its entry after the first’s', async () => {
    // The lock and the read are inside the INSERT itself: here the read is the insert.
    await secondWriterReads(
      async (trx) => (await insertNumbered(trx, hearingId, [entry('one of two')]))[0]!.seq - 1,
      async () => {},
    );
    const seqs = await t.db
      .selectFrom('transcript_entries')
      .select('seq')
      .where('hearing_id', '=', hearingId)
      .execute();
    expect(seqs.map((r) => r.seq).sort()).toEqual([1, 2]);
  });

  it('the transcript: a large import is numbered on without a gap, in the order given', async () => {
    const rows = Array.from({ length: 8_200 }, (_, i) => entry(`cue ${i + 1}`));
    const inserted = await t.db.transaction().execute((trx) => insertNumbered(trx, hearingId, rows));
    expect(inserted.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 3));
    expect(inserted.map((r) => r.text)).toEqual(rows.map((r) => r.text));
  });

  it('the transcript: entries travel as arrays and come out as given, whatever their text holds', async () => {
    // What an array literal gives meaning to: quotes, backslashes, braces, commas, the word NULL, blanks.
    const texts = [
      'NULL',
      'null',
      'say "no"',
      'C:\\court\\',
      '{a,b}',
      'a, b',
      ' padded ',
      '原告：“不同意”',
      '\t',
      '(1,2)',
    ];
    const when = new Date('2026-12-06T09:30:00.123Z');
    const rows: NewEntry[] = texts.map((text, i) => ({
      ...entry(text),
      speaker: i % 2 ? 'NULL' : '被告, "代理人"',
      spoken_at: new Date(when.getTime() + i),
      source: i % 2 ? 'captions' : 'import',
    }));
    const inserted = await t.db.transaction().execute((trx) => insertNumbered(trx, hearingId, rows));
    const stored = await t.db
      .selectFrom('transcript_entries')
      .select(['seq', 'speaker', 'text', 'spoken_at', 'source', 'author_id', 'speaker_participant_id'])
      .where(
        'id',
        'in',
        inserted.map((r) => r.id),
      )
      .orderBy('seq')
      .execute();
    expect(stored.map((r) => r.text)).toEqual(texts);
    expect(stored.map((r) => r.speaker)).toEqual(rows.map((r) => r.speaker));
    expect(stored.map((r) => r.spoken_at.toISOString())).toEqual(rows.map((r) => r.spoken_at.toISOString()));
    expect(stored.map((r) => r.source)).toEqual(rows.map((r) => r.source));
    expect(stored.every((r) => r.author_id === null && r.speaker_participant_id === null)).toBe(true);
    expect(inserted.map((r) => r.seq)).toEqual(stored.map((r) => r.seq));
  });
});
