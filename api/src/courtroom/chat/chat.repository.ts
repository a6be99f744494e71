import type { Insertable, Kysely, Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import type { ChatMessageTable } from './chat.table.ts';

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

/** Which of a hearing's messages someone may read, as the hearing policy says. */
export interface ChatReach {
  /** Messages to everyone. */
  all: boolean;
  /** Everyone's messages to the bench. */
  bench: boolean;
  /** One's own messages, whoever they were for. */
  ownParticipantId: string | null;
  ownUserId: string | null;
}

/** The newest `limit` messages within reach, oldest first. */
export async function messagesWithin(db: Db, hearingId: string, reach: ChatReach, limit: number) {
  let q = db.selectFrom('chat_messages').select(columns).where('hearing_id', '=', hearingId);
  if (!(reach.all && reach.bench)) {
    q = q.where((eb) => {
      const ors = [];
      if (reach.all) ors.push(eb('recipients', '=', 'all'));
      if (reach.bench) ors.push(eb('recipients', '=', 'bench'));
      if (reach.ownParticipantId) ors.push(eb('sender_participant_id', '=', reach.ownParticipantId));
      if (reach.ownUserId) ors.push(eb('sender_user_id', '=', reach.ownUserId));
      return ors.length ? eb.or(ors) : eb.val(false);
    });
  }
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.reverse();
}
