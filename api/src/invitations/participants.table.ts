import type { Generated } from 'kysely';
import type { Timestamp } from '../platform/db/schema.ts';
import type { ParticipantRole, Presence } from '../domain/hearing/index.ts';

// Tables of invitations: who is invited to a hearing, their links' sessions and the attempts at their access codes.

export interface ParticipantTable {
  id: Generated<string>;
  hearing_id: string;
  role: ParticipantRole;
  display_name: string;
  email: string | null;
  phone: string | null;
  represents_id: string | null;
  interprets_for_id: string | null;
  language: string | null;
  /** The language they read: their invitation, .ics and pre-join rules. */
  locale: Generated<string>;
  presence: Generated<Presence>;
  invite_token_hash: string | null;
  invite_issued_at: Date | null;
  invite_expires_at: Date | null;
  revoked_at: Date | null;
  access_code_hash: string | null;
  message_text: string | null;
  message_sent_at: Date | null;
  message_delivered: Generated<boolean>;
  first_joined_at: Date | null;
  last_joined_at: Date | null;
  created_at: Timestamp;
  /** Added by the live hearing (lobby, admission, media). */
  screen_share_allowed: Generated<boolean>;
  media_connected: Generated<boolean>;
}

export interface ParticipantSessionTable {
  id: Generated<string>;
  token_hash: string;
  participant_id: string;
  hearing_id: string;
  created_at: Timestamp;
  expires_at: Date;
  ip: string | null;
}

export interface InviteAttemptTable {
  id: Generated<string>;
  key: string;
  at: Date;
}

export interface InvitationTables {
  participants: ParticipantTable;
  participant_sessions: ParticipantSessionTable;
  invite_attempts: InviteAttemptTable;
}
