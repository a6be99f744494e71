import type { Insertable, Kysely, Transaction, Updateable } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import type { ParticipantTable } from './participants.table.ts';

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

/** When the participant's current invitation link was issued: null before the first. */
export async function inviteIssuedAt(db: Db, participantId: string): Promise<Date | null> {
  const row = await db
    .selectFrom('participants')
    .select('invite_issued_at')
    .where('id', '=', participantId)
    .executeTakeFirst();
  return row?.invite_issued_at ?? null;
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
