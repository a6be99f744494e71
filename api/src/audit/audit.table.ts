// The audit trail: a hash chain per stream, and each stream's signed head.
import type { ColumnType, Generated, Selectable } from 'kysely';

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

export type AuditEventRow = Selectable<AuditEventTable>;

export interface AuditTables {
  audit_events: AuditEventTable;
  /** One row: when audit events began to carry content hashes of the rows they write. */
  record_hashing: { since: Date; heads_since: Date };
  /** Each audit stream's latest event, signed with DATA_DIR/audit-head-key.pem. */
  audit_heads: { stream: string; seq: number; hash: string; signed_at: Date; key_id: string; signature: string };
}
