import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { AdminTables } from '../admin/admin.table.ts';
import type { SchedulingTables } from '../hearings/scheduling.table.ts';
import type { RealtimeTables } from '../realtime/realtime.table.ts';
import type { LiveTables } from '../hearings/control.table.ts';
import type { RecordingTables } from '../recordings/recordings.table.ts';
import type { TranscriptTables } from '../transcripts/transcript.table.ts';
import type { ExhibitTables } from '../exhibits/exhibits.table.ts';
import type { RecordLogTables } from '../log/log.table.ts';
import type { StorageTables } from '../storage/storage.table.ts';

export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type { StaffRole } from '../domain/hearing/index.ts';
import type { StaffRole } from '../domain/hearing/index.ts';

export interface CourtTable {
  id: Generated<string>;
  name: string;
  timezone: string;
  locale: Generated<string>;
  created_at: Timestamp;
  /** Pre-join rules per locale, e.g. { en: '…', 'zh-CN': '…' }. */
  rules_text: ColumnType<Record<string, string>, string | undefined, string>;
  recording_required_default: Generated<boolean>;
  invite_grace_minutes: Generated<number>;
  session_idle_minutes: Generated<number>;
  session_absolute_minutes: Generated<number>;
  require_two_factor: Generated<boolean>;
  /** How the public reaches the court: shown on dead links and after a hearing. */
  contact_phone: string | null;
  contact_email: string | null;
  contact_note: string | null;
  updated_at: Timestamp;
}

export interface CourtroomTable {
  id: Generated<string>;
  court_id: string;
  name: string;
  created_at: Timestamp;
  retired_at: Date | null;
}

export interface UserTable {
  id: Generated<string>;
  court_id: string | null;
  email: string;
  name: string;
  role: StaffRole;
  password_hash: string;
  disabled: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SessionTable {
  id: Generated<string>;
  token_hash: string;
  user_id: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Date;
  idle_expires_at: Date;
  ip: string | null;
  user_agent: string | null;
}

export interface LoginFailureTable {
  id: Generated<string>;
  key: string;
  at: Date;
}

export type ActorType = 'user' | 'participant' | 'system' | 'anonymous';

export interface AuditEventTable {
  id: Generated<string>;
  stream: string;
  seq: number;
  occurred_at: Date;
  actor_type: ActorType;
  actor_id: string | null;
  action: string;
  payload: ColumnType<unknown, string, never>;
  prev_hash: string;
  hash: string;
}

/**
 * Every table. Features keep their own table interfaces beside their code (Kysely's example-app
 * style) and are joined here.
 */
export interface Database
  extends
    AdminTables,
    SchedulingTables,
    RealtimeTables,
    LiveTables,
    RecordingTables,
    TranscriptTables,
    ExhibitTables,
    RecordLogTables,
    StorageTables {
  courts: CourtTable;
  courtrooms: CourtroomTable;
  users: UserTable;
  sessions: SessionTable;
  login_failures: LoginFailureTable;
  audit_events: AuditEventTable;
  /** One row: when audit events began to carry content hashes of the rows they write. */
  record_hashing: { since: Date; heads_since: Date };
  /** Each audit stream's latest event, signed with DATA_DIR/audit-head-key.pem. */
  /** LiveKit webhook ids acted on in the last hour (a replay is refused). */
  livekit_webhook_events: { id: string; created_at: Date; received_at: Generated<Date> };
  audit_heads: { stream: string; seq: number; hash: string; signed_at: Date; key_id: string; signature: string };
}

export type User = Selectable<UserTable>;
export type NewUser = Insertable<UserTable>;
export type Court = Selectable<CourtTable>;
export type AuditEventRow = Selectable<AuditEventTable>;
