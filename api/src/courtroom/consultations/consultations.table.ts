import type { Generated } from 'kysely';
import type { Timestamp } from '../../platform/db/schema.ts';

// Private consultations: a party with their representative, away from the hearing room.

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

export interface ConsultationRequestTable {
  id: Generated<string>;
  hearing_id: string;
  requested_by: string;
  participant_ids: string[];
  hearing_state: string;
  requested_at: Timestamp;
  expires_at: Timestamp;
  /** Null while it waits for an answer. */
  outcome: 'accepted' | 'declined' | 'withdrawn' | 'expired' | 'cancelled' | null;
  ended_at: Date | null;
  ended_by: string | null;
  reason: string | null;
  consultation_id: string | null;
}

export interface ConsultationTables {
  consultations: ConsultationTable;
  consultation_members: ConsultationMemberTable;
  consultation_requests: ConsultationRequestTable;
}
