import type { Generated } from 'kysely';
import type { Timestamp } from '../platform/db/schema.ts';

// Tables of scheduling: cases and their hearings.

import type { HearingState } from '../domain/hearing/index.ts';

export type { HearingState };

export interface CaseTable {
  id: Generated<string>;
  court_id: string;
  number: string;
  caption: string;
  case_type: string;
  created_by: string | null;
  created_at: Timestamp;
}

export interface HearingTable {
  id: Generated<string>;
  court_id: string;
  case_id: string;
  courtroom_id: string;
  title: string;
  scheduled_start: Date;
  scheduled_end: Date;
  judge_id: string;
  clerk_id: string | null;
  state: Generated<HearingState>;
  public: Generated<boolean>;
  recording_required: Generated<boolean>;
  notes: Generated<string>;
  livekit_room: string;
  sequence: Generated<number>;
  state_changed_at: Timestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SchedulingTables {
  cases: CaseTable;
  hearings: HearingTable;
}
