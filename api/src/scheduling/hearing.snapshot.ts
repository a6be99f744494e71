import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import type { Snapshot } from '../domain/realtime.ts';
import { findHearing } from './hearings.service.ts';

/** The hearing's header, as every watcher's snapshot starts; recordings add their state to it. */
export type HearingHeader = Omit<Snapshot['hearing'], 'recording' | 'recordingStatus' | 'recordingId'>;

/** Scheduling's part of the socket's snapshot: the hearing as scheduled, or undefined when there is none. */
export async function hearingSnapshot(db: Kysely<Database>, hearingId: string): Promise<HearingHeader | undefined> {
  const h = await findHearing(db, hearingId);
  if (!h) return undefined;
  return {
    id: h.id,
    title: h.title,
    state: h.state,
    caseNumber: h.case_number,
    caption: h.case_caption,
    scheduledStart: h.scheduled_start.toISOString(),
    scheduledEnd: h.scheduled_end.toISOString(),
    courtTimezone: h.court_timezone,
  };
}
