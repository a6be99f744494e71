import type { ColumnType, Generated } from 'kysely';
import type { Timestamp } from '../platform/db/schema.ts';

export type TranscriptSource = 'clerk' | 'captions' | 'import' | 'procedural';

/** One line of the record. Its text is the latest; corrections keep every earlier one. */
export interface TranscriptEntryTable {
  id: Generated<string>;
  hearing_id: string;
  seq: number;
  /** The label printed in the record, e.g. 'Court' for procedural notes. */
  speaker: string;
  speaker_participant_id: Generated<string | null>;
  spoken_at: Date;
  text: string;
  source: TranscriptSource;
  /** Null: written by Gavel itself. */
  author_id: string | null;
  created_at: Timestamp;
}

export interface TranscriptCorrectionTable {
  id: Generated<string>;
  entry_id: string;
  previous_text: string;
  text: string;
  reason: string;
  corrected_by: string;
  corrected_at: Timestamp;
}

/** A sealed version: immutable (the database refuses UPDATE and DELETE). */
export interface TranscriptSealTable {
  id: Generated<string>;
  hearing_id: string;
  version: number;
  supersedes_id: string | null;
  /** SHA-256 of the canonical record (entries, hearing header, audit chain head). */
  sha256: string;
  pdf_sha256: string;
  pdf: ColumnType<Buffer, Buffer, never>;
  /** The canonical record that was hashed, as JSON. */
  record: ColumnType<unknown, string, never>;
  audit_seq: number;
  audit_head: string;
  pages: number;
  sealed_by: string;
  sealed_at: Date;
  /** The PDF's first page as a PNG, drawn at sealing; null for seals made before Gavel drew it. */
  first_page_png: ColumnType<Buffer | null, Buffer | null | undefined, never>;
}

export type SignatureKind = 'signature' | 'objection';

export interface TranscriptSignatureTable {
  id: Generated<string>;
  seal_id: string;
  participant_id: string;
  kind: SignatureKind;
  full_name: string | null;
  text: string | null;
  /** The hash of the audit event that records it (bound to the seal's hash in its payload). */
  audit_hash: string;
  created_at: Timestamp;
}

export interface TranscriptTables {
  transcript_entries: TranscriptEntryTable;
  transcript_corrections: TranscriptCorrectionTable;
  transcript_seals: TranscriptSealTable;
  transcript_signatures: TranscriptSignatureTable;
}
