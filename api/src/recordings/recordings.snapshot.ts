import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import type { Snapshot } from '../domain/realtime.ts';
import { recordingStatus } from './recordings.service.ts';

/**
 * The recordings' part of the socket's snapshot: Gavel's own recording state (from Egress webhooks), as
 * `recording.status` events update it. Every watcher of the hearing sees it.
 */
export async function recordingSnapshot(
  db: Kysely<Database>,
  hearingId: string,
): Promise<Pick<Snapshot['hearing'], 'recording' | 'recordingStatus' | 'recordingId'>> {
  const recording = await recordingStatus(db, hearingId);
  return { recording: recording.recording, recordingStatus: recording.status, recordingId: recording.recordingId };
}
