import type { Generated } from 'kysely';
import type { Timestamp } from '../db/schema.ts';

// Tables of the live hearing (issue 4): chat and private consultations.

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

export interface ConsultationTable {
  id: Generated<string>;
  hearing_id: string;
  room: string;
  opened_by: string;
  opened_at: Timestamp;
  closed_at: Date | null;
}

export interface ConsultationMemberTable {
  consultation_id: string;
  participant_id: string;
  left_at: Date | null;
}

export interface LiveTables {
  chat_messages: ChatMessageTable;
  consultations: ConsultationTable;
  consultation_members: ConsultationMemberTable;
}
