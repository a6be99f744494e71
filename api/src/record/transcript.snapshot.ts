import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import type { Action } from '../domain/hearing/index.ts';
import type { Snapshot } from '../domain/realtime.ts';
import { recentEntries } from './transcript.service.ts';

/** The record's part of the socket's snapshot: the latest entries, only for a watcher the policy lets read the record. */
export async function transcriptSnapshot(
  db: Kysely<Database>,
  hearingId: string,
  may: ReadonlySet<Action>,
): Promise<Snapshot['transcript']> {
  return may.has('record.read') ? await recentEntries(db, hearingId, 50) : [];
}
