import type { Insertable, Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { ChatMessageTable } from '../hearings/control.table.ts';

type Db = Kysely<Database> | Transaction<Database>;

const columns = [
  'id',
  'hearing_id',
  'sender_kind',
  'sender_user_id',
  'sender_participant_id',
  'sender_name',
  'sender_role',
  'recipients',
  'text',
  'created_at',
] as const;

export type ChatMessageRow = Awaited<ReturnType<typeof insertMessage>>;

export function insertMessage(db: Db, m: Insertable<ChatMessageTable>) {
  return db.insertInto('chat_messages').values(m).returning(columns).executeTakeFirstOrThrow();
}

/**
 * The newest `limit` messages the viewer may see, oldest first. A participant sees messages to
 * everyone and their own to the bench; the bench sees all.
 */
export async function visibleMessages(db: Db, hearingId: string, participantId: string | null, limit: number) {
  let q = db.selectFrom('chat_messages').select(columns).where('hearing_id', '=', hearingId);
  if (participantId) {
    q = q.where((eb) => eb.or([eb('recipients', '=', 'all'), eb('sender_participant_id', '=', participantId)]));
  }
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.reverse();
}
