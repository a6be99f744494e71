import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../platform/db/schema.ts';

// SQL of the hearing's record as the clerk reads and exports it: the audit trail, participants,
// chat, recordings, sealed transcripts and their signatures.

type Db = Kysely<Database> | Transaction<Database>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AuditFilter {
  afterSeq: number;
  limit: number;
  /** Exact action, or every action under a prefix ending in '.' (e.g. 'hearing.'). */
  action?: string | undefined;
  actorId?: string | undefined;
  actorType?: string | undefined;
  /** Only events up to this seq (a consistent snapshot for the export). */
  untilSeq?: number | undefined;
}

export function auditPage(db: Db, stream: string, f: AuditFilter) {
  let q = db
    .selectFrom('audit_events')
    .selectAll()
    .where('stream', '=', stream)
    .where('seq', '>', f.afterSeq)
    .orderBy('seq')
    .limit(f.limit);
  if (f.action) {
    q = f.action.endsWith('.')
      ? q.where('action', 'like', `${f.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)
      : q.where('action', '=', f.action);
  }
  if (f.actorId) q = q.where('actor_id', '=', f.actorId);
  if (f.actorType) q = q.where('actor_type', '=', f.actorType as never);
  if (f.untilSeq !== undefined) q = q.where('seq', '<=', f.untilSeq);
  return q.execute();
}

/** Display names of the staff and participants among audit actors (ids that are not uuids are skipped). */
export async function actorNames(db: Db, ids: Iterable<string>): Promise<Map<string, { name: string; role: string }>> {
  const uuids = [...new Set(ids)].filter((id) => UUID.test(id));
  const names = new Map<string, { name: string; role: string }>();
  if (uuids.length === 0) return names;
  const [users, participants] = await Promise.all([
    db.selectFrom('users').select(['id', 'name', 'role']).where('id', 'in', uuids).execute(),
    db.selectFrom('participants').select(['id', 'display_name', 'role']).where('id', 'in', uuids).execute(),
  ]);
  for (const u of users) names.set(u.id, { name: u.name, role: u.role });
  for (const p of participants) names.set(p.id, { name: p.display_name, role: p.role });
  return names;
}

export function distinctActions(db: Db, stream: string) {
  return db
    .selectFrom('audit_events')
    .select('action')
    .distinct()
    .where('stream', '=', stream)
    .orderBy('action')
    .execute();
}

export function participantsOf(db: Db, hearingId: string) {
  return db
    .selectFrom('participants')
    .select([
      'id',
      'role',
      'display_name',
      'represents_id',
      'interprets_for_id',
      'language',
      'presence',
      'invite_issued_at',
      'revoked_at',
      'first_joined_at',
      'last_joined_at',
      'created_at',
    ])
    .where('hearing_id', '=', hearingId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/**
 * Chat in pages, after the message with id `afterId` in (created_at, id) order, so a long hearing is
 * never read whole. The cursor is compared in the database: a JS Date would drop its microseconds.
 */
export function chatPage(db: Db, hearingId: string, afterId: string | null, limit: number) {
  let q = db
    .selectFrom('chat_messages')
    .select([
      'id',
      'created_at',
      'sender_kind',
      'sender_user_id',
      'sender_participant_id',
      'sender_name',
      'sender_role',
      'recipients',
      'text',
    ])
    .where('hearing_id', '=', hearingId);
  if (afterId) {
    q = q.where(
      sql<boolean>`(created_at, id) > (select m.created_at, m.id from chat_messages m where m.id = ${afterId})`,
    );
  }
  return q.orderBy('created_at').orderBy('id').limit(limit).execute();
}

export function recordingsOf(db: Db, hearingId: string) {
  return db
    .selectFrom('recordings')
    .select([
      'id',
      'status',
      'output',
      'started_at',
      'ended_at',
      'file_location',
      'size_bytes',
      'duration_ms',
      'error',
      'file_sha256',
    ])
    .where('hearing_id', '=', hearingId)
    .orderBy('started_at')
    .execute();
}

export async function sealRecord(db: Db, sealId: string): Promise<unknown> {
  const row = await db.selectFrom('transcript_seals').select('record').where('id', '=', sealId).executeTakeFirst();
  return row?.record;
}
