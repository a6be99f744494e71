import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import { canonicalJson } from './audit.hash.ts';
import * as repo from './audit.repository.ts';

/**
 * The rows of a hearing's record that an audit event vouches for. The event that writes (or rules on,
 * or revokes) a row carries `contents: [{kind, id, contentSha256}]`: the SHA-256 of the row's content
 * as written, so a row changed later with the database's own guards off no longer matches its event.
 */
export type RecordKind = 'entry' | 'correction' | 'chat' | 'exhibit' | 'participant' | 'signature' | 'seal';

export interface ContentClaim {
  kind: RecordKind;
  id: string;
  contentSha256: string;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const sha = (content: unknown) => createHash('sha256').update(canonicalJson(content)).digest('hex');

/** The fields each kind's hash covers: what the record prints or what decides who saw what. */
const CONTENT = {
  entry: (e: {
    id: string;
    hearing_id: string;
    seq: number;
    speaker: string;
    speaker_participant_id: string | null;
    spoken_at: Date;
    text: string;
    source: string;
    author_id: string | null;
  }) => ({
    id: e.id,
    hearingId: e.hearing_id,
    seq: e.seq,
    speaker: e.speaker,
    speakerParticipantId: e.speaker_participant_id,
    spokenAt: iso(e.spoken_at),
    text: e.text,
    source: e.source,
    authorId: e.author_id,
  }),
  correction: (c: {
    id: string;
    entry_id: string;
    previous_text: string;
    text: string;
    reason: string;
    corrected_by: string;
    corrected_at: Date;
  }) => ({
    id: c.id,
    entryId: c.entry_id,
    previousText: c.previous_text,
    text: c.text,
    reason: c.reason,
    correctedBy: c.corrected_by,
    correctedAt: iso(c.corrected_at),
  }),
  chat: (m: {
    id: string;
    hearing_id: string;
    sender_kind: string;
    sender_user_id: string | null;
    sender_participant_id: string | null;
    sender_name: string;
    sender_role: string;
    recipients: string;
    text: string;
    created_at: Date;
  }) => ({
    id: m.id,
    hearingId: m.hearing_id,
    senderKind: m.sender_kind,
    senderUserId: m.sender_user_id,
    senderParticipantId: m.sender_participant_id,
    senderName: m.sender_name,
    senderRole: m.sender_role,
    recipients: m.recipients,
    text: m.text,
    createdAt: iso(m.created_at),
  }),
  exhibit: (x: {
    id: string;
    hearing_id: string;
    side: string;
    number: number;
    label: string;
    title: string;
    file_name: string;
    media_type: string;
    size_bytes: string | number;
    sha256: string;
    stamped_sha256: string;
    pages: number;
    status: string;
    submitted_by_user_id: string | null;
    submitted_by_participant_id: string | null;
    submitted_by_name: string;
    marked_at: Date;
    ruled_by: string | null;
    ruled_at: Date | null;
  }) => ({
    id: x.id,
    hearingId: x.hearing_id,
    side: x.side,
    number: x.number,
    label: x.label,
    title: x.title,
    fileName: x.file_name,
    mediaType: x.media_type,
    sizeBytes: String(x.size_bytes),
    sha256: x.sha256,
    stampedSha256: x.stamped_sha256,
    pages: x.pages,
    status: x.status,
    submittedByUserId: x.submitted_by_user_id,
    submittedByParticipantId: x.submitted_by_participant_id,
    submittedByName: x.submitted_by_name,
    markedAt: iso(x.marked_at),
    ruledBy: x.ruled_by,
    ruledAt: iso(x.ruled_at),
  }),
  participant: (p: {
    id: string;
    hearing_id: string;
    role: string;
    display_name: string;
    represents_id: string | null;
    interprets_for_id: string | null;
    revoked_at: Date | null;
  }) => ({
    id: p.id,
    hearingId: p.hearing_id,
    role: p.role,
    displayName: p.display_name,
    representsId: p.represents_id,
    interpretsForId: p.interprets_for_id,
    revokedAt: iso(p.revoked_at),
  }),
  signature: (g: {
    id: string;
    seal_id: string;
    participant_id: string;
    kind: string;
    full_name: string | null;
    text: string | null;
    created_at: Date;
  }) => ({
    id: g.id,
    sealId: g.seal_id,
    participantId: g.participant_id,
    kind: g.kind,
    fullName: g.full_name,
    text: g.text,
    createdAt: iso(g.created_at),
  }),
  seal: (s: {
    id: string;
    hearing_id: string;
    version: number;
    supersedes_id: string | null;
    sha256: string;
    pdf_sha256: string;
    pages: number;
    sealed_by: string;
    sealed_at: Date;
  }) => ({
    id: s.id,
    hearingId: s.hearing_id,
    version: s.version,
    supersedesId: s.supersedes_id,
    sha256: s.sha256,
    pdfSha256: s.pdf_sha256,
    pages: s.pages,
    sealedBy: s.sealed_by,
    sealedAt: iso(s.sealed_at),
  }),
} satisfies Record<RecordKind, (row: never) => unknown>;

type RowOf<K extends RecordKind> = Parameters<(typeof CONTENT)[K]>[0];

/** The claim an audit event makes about a row it writes. */
export function claim<K extends RecordKind>(kind: K, row: RowOf<K>): ContentClaim {
  return { kind, id: row.id, contentSha256: sha((CONTENT[kind] as (r: RowOf<K>) => unknown)(row)) };
}

export interface RecordDifference {
  kind: RecordKind;
  id: string;
  /** The audit event whose claim the row no longer matches (null: no event vouches for the row). */
  seq: number | null;
  reason: string;
}

/** Every row of the hearing's record as stored now, with the time it was written. */
async function rowsOfHearing(db: Kysely<Database>, hearingId: string) {
  const [entries, corrections, chat, exhibits, participants, signatures, seals] = await Promise.all([
    db.selectFrom('transcript_entries').selectAll().where('hearing_id', '=', hearingId).execute(),
    db
      .selectFrom('transcript_corrections as c')
      .innerJoin('transcript_entries as e', 'e.id', 'c.entry_id')
      .selectAll('c')
      .where('e.hearing_id', '=', hearingId)
      .execute(),
    db.selectFrom('chat_messages').selectAll().where('hearing_id', '=', hearingId).execute(),
    db.selectFrom('exhibits').selectAll().where('hearing_id', '=', hearingId).execute(),
    db.selectFrom('participants').selectAll().where('hearing_id', '=', hearingId).execute(),
    db
      .selectFrom('transcript_signatures as g')
      .innerJoin('transcript_seals as s', 's.id', 'g.seal_id')
      .selectAll('g')
      .where('s.hearing_id', '=', hearingId)
      .execute(),
    db
      .selectFrom('transcript_seals')
      .select([
        'id',
        'hearing_id',
        'version',
        'supersedes_id',
        'sha256',
        'pages',
        'sealed_by',
        'sealed_at',
        // The PDF's hash recomputed from its bytes, not the stored column.
        sql<string>`encode(sha256(pdf), 'hex')`.as('pdf_sha256'),
      ])
      .where('hearing_id', '=', hearingId)
      .execute(),
  ]);
  const out: Array<{ claim: ContentClaim; at: Date }> = [];
  for (const r of entries) out.push({ claim: claim('entry', r), at: r.created_at });
  for (const r of corrections) out.push({ claim: claim('correction', r), at: r.corrected_at });
  for (const r of chat) out.push({ claim: claim('chat', r), at: r.created_at });
  for (const r of exhibits) out.push({ claim: claim('exhibit', r), at: r.marked_at });
  for (const r of participants) out.push({ claim: claim('participant', r), at: r.created_at });
  for (const r of signatures) out.push({ claim: claim('signature', r), at: r.created_at });
  for (const r of seals) out.push({ claim: claim('seal', r), at: r.sealed_at });
  return out;
}

/**
 * Recomputes the content of every row of a hearing's record and compares it with the latest claim an
 * audit event made about it; names the first that differs (in the order of the events), then any row
 * written since content hashes began that no event vouches for.
 */
export async function verifyRecordContents(
  db: Kysely<Database>,
  stream: string,
): Promise<RecordDifference | undefined> {
  const claims = new Map<string, { seq: number; contentSha256: string }>();
  let afterSeq = 0;
  for (;;) {
    const page = await repo.eventsOfStream(db, stream, afterSeq, 1000);
    if (page.length === 0) break;
    for (const e of page) {
      const contents = (e.payload as { contents?: ContentClaim[] } | null)?.contents;
      if (Array.isArray(contents))
        for (const c of contents) claims.set(`${c.kind}:${c.id}`, { seq: e.seq, contentSha256: c.contentSha256 });
      afterSeq = e.seq;
    }
  }
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(stream)) return undefined;
  const since = await db.selectFrom('record_hashing').select('since').executeTakeFirst();
  const rows = await rowsOfHearing(db, stream);
  const found = new Set<string>();
  const differences: RecordDifference[] = [];
  for (const { claim: c, at } of rows) {
    const key = `${c.kind}:${c.id}`;
    found.add(key);
    const recorded = claims.get(key);
    if (recorded) {
      if (recorded.contentSha256 !== c.contentSha256)
        differences.push({
          kind: c.kind,
          id: c.id,
          seq: recorded.seq,
          reason: `the ${c.kind} ${c.id} differs from what audit event ${recorded.seq} recorded (it was altered)`,
        });
    } else if (since && at >= since.since) {
      differences.push({
        kind: c.kind,
        id: c.id,
        seq: null,
        reason: `the ${c.kind} ${c.id} is recorded by no audit event (it was added outside Gavel)`,
      });
    }
  }
  for (const [key, recorded] of claims) {
    if (found.has(key)) continue;
    const [kind, id] = key.split(':') as [RecordKind, string];
    differences.push({
      kind,
      id,
      seq: recorded.seq,
      reason: `the ${kind} ${id} that audit event ${recorded.seq} recorded is missing (it was deleted)`,
    });
  }
  differences.sort((a, b) => (a.seq ?? Infinity) - (b.seq ?? Infinity));
  return differences[0];
}
