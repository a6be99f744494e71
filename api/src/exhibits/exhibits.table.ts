import type { ColumnType, Generated } from 'kysely';
import type { Timestamp } from '../platform/db/schema.ts';
import type { ExhibitMediaType } from './file-type.ts';

// Tables of exhibits.

export type { ExhibitSide, ExhibitStatus } from '../domain/hearing/exhibits.ts';
import type { ExhibitSide, ExhibitStatus } from '../domain/hearing/exhibits.ts';

export interface ExhibitTable {
  id: Generated<string>;
  hearing_id: string;
  side: ExhibitSide;
  number: number;
  /** P-1, D-2, C-1. */
  label: string;
  title: string;
  /** The name it was uploaded under (shown, never trusted for its type). */
  file_name: string;
  media_type: ExhibitMediaType;
  size_bytes: ColumnType<string, number, number>;
  sha256: string;
  storage_key: string;
  stamped_key: string;
  stamped_sha256: string;
  stamped_size_bytes: ColumnType<string, number, number>;
  pages: number;
  status: ExhibitStatus;
  submitted_by_user_id: string | null;
  submitted_by_participant_id: string | null;
  submitted_by_name: string;
  marked_at: Timestamp;
  ruled_by: string | null;
  ruled_at: Date | null;
}

export interface ExhibitPresentationTable {
  hearing_id: string;
  exhibit_id: string;
  page: number;
  presented_at: Timestamp;
}

export interface ExhibitTables {
  exhibits: ExhibitTable;
  exhibit_presentations: ExhibitPresentationTable;
}
