import { sql, type Insertable, type Kysely, type Transaction, type Updateable } from 'kysely';
import type { Database } from '../db/schema.ts';
import { prepared } from '../db/connect.ts';
import type { ParticipantTable } from '../hearings/scheduling.table.ts';

type Db = Kysely<Database> | Transaction<Database>;

// Never the token or access-code hashes: those stay in the database.
const columns = [
  'id',
  'hearing_id',
  'role',
  'display_name',
  'email',
  'phone',
  'represents_id',
  'interprets_for_id',
  'language',
  'locale',
  'presence',
  'invite_issued_at',
  'invite_expires_at',
  'revoked_at',
  'access_code_hash',
  'message_text',
  'message_sent_at',
  'message_delivered',
  'first_joined_at',
  'last_joined_at',
  'created_at',
] as const;

export type ParticipantRow = NonNullable<Awaited<ReturnType<typeof findParticipant>>>;

export function insertParticipant(db: Db, p: Insertable<ParticipantTable>) {
  return db.insertInto('participants').values(p).returning(columns).executeTakeFirstOrThrow();
}

export function findParticipant(db: Db, hearingId: string, id: string) {
  return db
    .selectFrom('participants')
    .select(columns)
    .where('hearing_id', '=', hearingId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function listParticipants(db: Db, hearingId: string) {
  return db
    .selectFrom('participants')
    .select(columns)
    .where('hearing_id', '=', hearingId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export function updateParticipant(db: Db, id: string, changes: Updateable<ParticipantTable>) {
  return db.updateTable('participants').set(changes).where('id', '=', id).returning(columns).executeTakeFirstOrThrow();
}

export function findByInviteHash(db: Db, tokenHash: string) {
  return db
    .selectFrom('participants')
    .select([...columns, 'invite_token_hash'])
    .where('invite_token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export function deleteSessionsOfParticipant(db: Db, participantId: string) {
  return db.deleteFrom('participant_sessions').where('participant_id', '=', participantId).execute();
}

export function insertSession(
  db: Db,
  s: { token_hash: string; participant_id: string; hearing_id: string; expires_at: Date; ip: string },
) {
  return db.insertInto('participant_sessions').values(s).returning('id').executeTakeFirstOrThrow();
}

/** The session's participant and the state of its hearing (validity is the caller's call). */
export function findSession(db: Db, tokenHash: string) {
  return prepared(
    db
      .selectFrom('participant_sessions as s')
      .innerJoin('participants as p', 'p.id', 's.participant_id')
      .innerJoin('hearings as h', 'h.id', 's.hearing_id')
      .innerJoin('courts as ct', 'ct.id', 'h.court_id')
      .select([
        's.id as session_id',
        's.expires_at',
        's.hearing_id',
        'p.id',
        'p.role',
        'p.display_name',
        'p.presence',
        'p.revoked_at',
        'h.state as hearing_state',
        // The link's expiry as of now: a hearing moved earlier or a shorter grace period ends sessions too.
        'h.scheduled_end',
        'ct.invite_grace_minutes',
      ])
      .where('s.token_hash', '=', tokenHash),
  ).executeTakeFirst();
}

export function deleteSession(db: Db, id: string) {
  return db.deleteFrom('participant_sessions').where('id', '=', id).execute();
}

export function recordAttemptFailure(db: Db, keys: string[], at: Date) {
  return db
    .insertInto('invite_attempts')
    .values(keys.map((key) => ({ key, at })))
    .execute();
}

export function countAttemptFailures(db: Db, keys: string[], since: Date) {
  return db
    .selectFrom('invite_attempts')
    .select(['key', sql<number>`count(*)::int`.as('count'), sql<Date>`min(at)`.as('oldest')])
    .where('key', 'in', keys)
    .where('at', '>', since)
    .groupBy('key')
    .execute();
}

export function clearAttemptFailures(db: Db, key: string) {
  return db.deleteFrom('invite_attempts').where('key', '=', key).execute();
}
