import type { ColumnType, Generated } from 'kysely';

/** A stored file under its key (STORAGE=postgres): its bytes are the chunks of its blob. Never updated. */
export interface StorageObjectTable {
  key: string;
  blob_id: string;
  /** pg gives bigint back as a string. */
  size: ColumnType<string, number, never>;
  chunks: number;
  sha256: string;
  created_at: Generated<Date>;
}

/** Chunk n of a blob, in order from 0. Never updated; deleted only once no object holds the blob. */
export interface StorageChunkTable {
  blob_id: string;
  n: number;
  data: Buffer;
  written_at: Generated<Date>;
}

export interface StorageTables {
  storage_objects: StorageObjectTable;
  storage_chunks: StorageChunkTable;
}
