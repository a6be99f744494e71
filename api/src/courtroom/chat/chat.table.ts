import type { Generated } from 'kysely';
import type { Timestamp } from '../../platform/db/schema.ts';

// The live hearing's chat.

export interface ChatMessageTable {
  id: Generated<string>;
  hearing_id: string;
  sender_kind: 'staff' | 'participant';
  sender_user_id: string | null;
  sender_participant_id: string | null;
  sender_name: string;
  sender_role: string;
  /** 'bench': only the sender and the bench see it. */
  recipients: 'all' | 'bench';
  text: string;
  created_at: Timestamp;
}

export interface ChatTables {
  chat_messages: ChatMessageTable;
}
