import type { ColumnType, Generated } from 'kysely';

export interface RecordLogLeafTable {
  /** pg gives bigint back as a string. */
  idx: ColumnType<string, number, never>;
  kind: string;
  sha256: string;
  entry: string;
  leaf_hash: string;
  hearing_id: string | null;
  appended_at: Generated<Date>;
}

export interface RecordLogHeadTable {
  tree_size: ColumnType<string, number, never>;
  root_hash: string;
  signed: string;
  signature: string;
  certificate_sha256: string;
  signed_at: Date;
}

export interface RecordLogTables {
  record_log_leaves: RecordLogLeafTable;
  record_log_heads: RecordLogHeadTable;
}
