import type { ColumnType, Generated } from 'kysely';
import type { Timestamp } from '../platform/db/schema.ts';

export type RecordingStatus = 'starting' | 'active' | 'ending' | 'complete' | 'failed' | 'aborted';
export type RecordingOutput = 'file' | 's3';

/** pg returns bigint as a string; Gavel's files stay far below 2^53 bytes and ms. */
type BigIntColumn = ColumnType<string | null, number | null | undefined, number | null>;

export interface RecordingTable {
  id: Generated<string>;
  hearing_id: string;
  egress_id: string;
  room: string;
  status: RecordingStatus;
  started_by: string | null;
  output: RecordingOutput;
  started_at: Timestamp;
  ended_at: Date | null;
  file_location: string | null;
  /** Set once, when the finished file is hashed into the record log. */
  file_sha256: string | null;
  size_bytes: BigIntColumn;
  duration_ms: BigIntColumn;
  error: string | null;
  interrupted_at: Date | null;
  updated_at: Timestamp;
}

export interface RecordingTables {
  recordings: RecordingTable;
}
