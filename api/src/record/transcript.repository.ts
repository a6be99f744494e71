import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import type { TranscriptEntryTable } from './transcript.table.ts';
import type { RealtimeHub } from '../platform/realtime/realtime.hub.ts';
import * as audit from '../audit/audit.service.ts';
import { claim } from '../audit/record-contents.ts';

export const COURT_SPEAKER = 'Court';

export interface TranscriptEntryView {
  id: string;
  hearingId: string;
  seq: number;
  speaker: string;
  spokenAt: string;
  text: string;
  source: string;
  authorId: string | null;
}

type Db = Kysely<Database> | Transaction<Database>;

/**
 * A note Gavel itself puts in the record ("Recording interrupted", at its own time): source 'procedural',
 * speaker 'Court', no author. Audited with its content hash and pushed as `transcript.entry` in the
 * same transaction.
 */
export async function appendProceduralEntry(
  trx: Transaction<Database>,
  hub: RealtimeHub,
  input: { hearingId: string; text: string; at: Date },
): Promise<TranscriptEntryView> {
  const row = (
    await insertNumbered(trx, input.hearingId, [
      {
        speaker: COURT_SPEAKER,
        speaker_participant_id: null,
        spoken_at: input.at,
        text: input.text,
        source: 'procedural',
        author_id: null,
      },
    ])
  )[0]!;
  await audit.append(trx, {
    stream: input.hearingId,
    actor: audit.SYSTEM_ACTOR,
    action: 'transcript.noted',
    payload: { entryId: row.id, contents: [claim('entry', row)] },
  });
  const entry: TranscriptEntryView = {
    id: row.id,
    hearingId: row.hearing_id,
    seq: row.seq,
    speaker: row.speaker,
    spokenAt: row.spoken_at.toISOString(),
    text: row.text,
    source: row.source,
    authorId: row.author_id,
  };
  await hub.publish(trx, {
    stream: input.hearingId,
    kind: 'transcript.entry',
    topic: { data: 'record' },
    payload: { entry },
  });
  return entry;
}

/** An entry as written; its number comes from the hearing's numbering as it goes in. */
export interface NewEntry {
  speaker: string;
  speaker_participant_id: string | null;
  spoken_at: Date;
  text: string;
  source: 'clerk' | 'captions' | 'import' | 'procedural';
  author_id: string | null;
}

/**
 * Entries of one hearing, numbered one after another after its last committed entry, in one INSERT
 * however many there are. It takes the hearing's lock and reads its last number through
 * `transcript_lock_last` (the function reads with a snapshot of its own, taken once the lock is held);
 * the lock stays to the end of the caller's transaction. The rows travel as one array a column
 * (`unnest … with ordinality` numbers them in the order given), so the statement has eight parameters
 * and one plan whether it carries one entry or a caption import's 5,000: a VALUES list with a
 * `(select last from locked)` in each row cost PostgreSQL about 300 ms to plan at 5,000 rows.
 * Rows come back in the order given.
 */
export async function insertNumbered(
  trx: Transaction<Database>,
  hearingId: string,
  rows: NewEntry[],
): Promise<Selectable<TranscriptEntryTable>[]> {
  if (rows.length === 0) return [];
  const column = <K extends keyof NewEntry>(key: K) => rows.map((r) => r[key]);
  const { rows: inserted } = await sql<Selectable<TranscriptEntryTable>>`
    with locked as (select transcript_lock_last(${hearingId}) as last)
    insert into transcript_entries
      (hearing_id, seq, speaker, speaker_participant_id, spoken_at, text, source, author_id)
    select ${hearingId}::uuid, locked.last + s.n, s.speaker, s.speaker_participant_id, s.spoken_at, s.text,
           s.source, s.author_id
    from locked,
         unnest(${column('speaker')}::text[], ${column('speaker_participant_id')}::uuid[],
                ${column('spoken_at')}::timestamptz[], ${column('text')}::text[], ${column('source')}::text[],
                ${column('author_id')}::uuid[])
           with ordinality as s(speaker, speaker_participant_id, spoken_at, text, source, author_id, n)
    returning *`.execute(trx);
  return inserted.sort((a, b) => a.seq - b.seq);
}

/**
 * An entry row never changes: its text now is the text of its latest correction, or the text it was
 * written with.
 */
const currentText = sql<string>`coalesce((select c.text from transcript_corrections c where c.entry_id = e.id
  order by c.corrected_at desc, c.id desc limit 1), e.text)`.as('text');

function entryQuery(db: Db) {
  return db
    .selectFrom('transcript_entries as e')
    .leftJoin('users as u', 'u.id', 'e.author_id')
    .select([
      'e.id',
      'e.hearing_id',
      'e.seq',
      'e.speaker',
      'e.speaker_participant_id',
      'e.spoken_at',
      currentText,
      'e.source',
      'e.author_id',
      'u.name as author_name',
      'e.created_at',
      (eb) =>
        eb
          .selectFrom('transcript_corrections as c')
          .select((x) => x.fn.countAll<string>().as('n'))
          .whereRef('c.entry_id', '=', 'e.id')
          .as('corrections'),
    ]);
}

export type EntryRow = Awaited<ReturnType<typeof listEntries>>[number];

export function listEntries(db: Db, hearingId: string) {
  return entryQuery(db).where('e.hearing_id', '=', hearingId).orderBy('e.seq').execute();
}

export function findEntry(db: Db, hearingId: string, id: string) {
  return entryQuery(db).where('e.hearing_id', '=', hearingId).where('e.id', '=', id).executeTakeFirst();
}

/** The entry with its current text, locked so that corrections of it take turns. */
export function lockEntry(trx: Transaction<Database>, hearingId: string, id: string) {
  return trx
    .selectFrom('transcript_entries as e')
    .select(['e.id', currentText, 'e.source'])
    .where('e.hearing_id', '=', hearingId)
    .where('e.id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export function insertCorrection(
  trx: Transaction<Database>,
  c: {
    entry_id: string;
    previous_text: string;
    text: string;
    reason: string;
    corrected_by: string;
    corrected_at: Date;
  },
) {
  return trx.insertInto('transcript_corrections').values(c).returningAll().executeTakeFirstOrThrow();
}

export function correctionsOfHearing(db: Db, hearingId: string) {
  return db
    .selectFrom('transcript_corrections as c')
    .innerJoin('transcript_entries as e', 'e.id', 'c.entry_id')
    .innerJoin('users as u', 'u.id', 'c.corrected_by')
    .select([
      'c.entry_id',
      'c.previous_text',
      'c.text',
      'c.reason',
      'c.corrected_at',
      'u.id as by_id',
      'u.name as by_name',
    ])
    .where('e.hearing_id', '=', hearingId)
    .orderBy('c.corrected_at')
    .orderBy('c.id')
    .execute();
}

/** Seals of a hearing, oldest first, without the PDF bytes. */
export function listSeals(db: Db, hearingId: string) {
  return db
    .selectFrom('transcript_seals as s')
    .innerJoin('users as u', 'u.id', 's.sealed_by')
    .select([
      's.id',
      's.hearing_id',
      's.version',
      's.supersedes_id',
      's.sha256',
      's.pdf_sha256',
      's.pages',
      's.audit_seq',
      's.audit_head',
      's.sealed_at',
      'u.id as sealed_by_id',
      'u.name as sealed_by_name',
      // The PDF's size without reading it (the export estimates its bundle from it).
      sql<number>`octet_length(s.pdf)`.as('pdf_bytes'),
    ])
    .where('s.hearing_id', '=', hearingId)
    .orderBy('s.version')
    .execute();
}

export type SealRow = Awaited<ReturnType<typeof listSeals>>[number];

export function findSealMeta(db: Db, sealId: string) {
  return db
    .selectFrom('transcript_seals')
    .select(['id', 'hearing_id', 'version', 'sha256', 'pdf_sha256'])
    .where('id', '=', sealId)
    .executeTakeFirst();
}

export function findSealPdf(db: Db, sealId: string) {
  return db.selectFrom('transcript_seals').select(['pdf', 'version']).where('id', '=', sealId).executeTakeFirst();
}

export function findSealByPdfHash(db: Db, pdfSha256: string) {
  return db
    .selectFrom('transcript_seals')
    .select(['id', 'hearing_id'])
    .where('pdf_sha256', '=', pdfSha256)
    .executeTakeFirst();
}

export function insertSeal(
  trx: Transaction<Database>,
  s: {
    hearing_id: string;
    version: number;
    supersedes_id: string | null;
    sha256: string;
    pdf_sha256: string;
    pdf: Buffer;
    record: string;
    audit_seq: number;
    audit_head: string;
    pages: number;
    sealed_by: string;
    sealed_at: Date;
    first_page_png?: Buffer | null;
  },
) {
  return trx.insertInto('transcript_seals').values(s).returning('id').executeTakeFirstOrThrow();
}

/** Seals of one hearing are made one at a time. */
export async function lockSeals(trx: Transaction<Database>, hearingId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`gavel:seal:${hearingId}`}))`.execute(trx);
}

export function insertSignature(
  trx: Transaction<Database>,
  s: {
    seal_id: string;
    participant_id: string;
    kind: 'signature' | 'objection';
    full_name: string | null;
    text: string | null;
    audit_hash: string;
    created_at: Date;
  },
) {
  return trx.insertInto('transcript_signatures').values(s).returning('id').executeTakeFirstOrThrow();
}

export function findSignature(db: Db, sealId: string, participantId: string) {
  return db
    .selectFrom('transcript_signatures')
    .select('id')
    .where('seal_id', '=', sealId)
    .where('participant_id', '=', participantId)
    .where('kind', '=', 'signature')
    .executeTakeFirst();
}

export function signaturesOfHearing(db: Db, hearingId: string) {
  return db
    .selectFrom('transcript_signatures as g')
    .innerJoin('transcript_seals as s', 's.id', 'g.seal_id')
    .innerJoin('participants as p', 'p.id', 'g.participant_id')
    .select([
      'g.id',
      'g.seal_id',
      's.version',
      's.sha256',
      'g.kind',
      'g.full_name',
      'g.text',
      'g.audit_hash',
      'g.created_at',
      'p.id as participant_id',
      'p.display_name',
      'p.role',
    ])
    .where('s.hearing_id', '=', hearingId)
    .orderBy('g.created_at')
    .orderBy('g.id')
    .execute();
}

export function signaturesOfSeal(db: Db, sealId: string) {
  return db
    .selectFrom('transcript_signatures as g')
    .innerJoin('participants as p', 'p.id', 'g.participant_id')
    .select(['g.kind', 'g.full_name', 'g.created_at', 'p.display_name', 'p.role'])
    .where('g.seal_id', '=', sealId)
    .orderBy('g.created_at')
    .orderBy('g.id')
    .execute();
}

/** Who appears at the hearing, for the caption page: everyone but the public gallery. */
export function appearances(db: Db, hearingId: string) {
  return db
    .selectFrom('participants as p')
    .leftJoin('participants as r', 'r.id', 'p.represents_id')
    .leftJoin('participants as i', 'i.id', 'p.interprets_for_id')
    .select([
      'p.display_name',
      'p.role',
      'r.display_name as represents',
      'i.display_name as interprets_for',
      'p.language',
    ])
    .where('p.hearing_id', '=', hearingId)
    .where('p.role', '<>', 'observer')
    .where('p.revoked_at', 'is', null)
    .orderBy('p.created_at')
    .execute();
}

/** The exhibits the judge ruled on, in the order of the rulings: what the record says of them. */
export function exhibitRulings(db: Db, hearingId: string) {
  return db
    .selectFrom('exhibits')
    .select(['label', 'title', 'status', 'ruled_at'])
    .where('hearing_id', '=', hearingId)
    .where('status', 'in', ['admitted', 'rejected'])
    .where('ruled_at', 'is not', null)
    .orderBy('ruled_at')
    .orderBy('label')
    .execute();
}

/**
 * The private consultations held: who stepped out and when, never what was said (nothing of it is
 * kept). Members are named in the order they were added.
 */
export async function consultationsHeld(db: Db, hearingId: string) {
  const rows = await db
    .selectFrom('consultations as c')
    .innerJoin('consultation_members as m', 'm.consultation_id', 'c.id')
    .innerJoin('participants as p', 'p.id', 'm.participant_id')
    .select(['c.id', 'c.opened_at', 'c.closed_at', 'p.display_name'])
    .where('c.hearing_id', '=', hearingId)
    .orderBy('c.opened_at')
    .orderBy('c.id')
    .orderBy('p.created_at')
    .execute();
  const held = new Map<string, { openedAt: Date; closedAt: Date | null; names: string[] }>();
  for (const r of rows) {
    const c = held.get(r.id) ?? { openedAt: r.opened_at, closedAt: r.closed_at, names: [] };
    c.names.push(r.display_name);
    held.set(r.id, c);
  }
  return [...held.values()];
}

export function participantName(db: Db, hearingId: string, id: string) {
  return db
    .selectFrom('participants')
    .select(['id', 'display_name'])
    .where('hearing_id', '=', hearingId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The last `limit` entries, oldest first: the socket snapshot's live transcript. */
export async function latestEntries(db: Db, hearingId: string, limit: number) {
  const rows = await entryQuery(db)
    .where('e.hearing_id', '=', hearingId)
    .orderBy('e.seq', 'desc')
    .limit(limit)
    .execute();
  return rows.reverse();
}
