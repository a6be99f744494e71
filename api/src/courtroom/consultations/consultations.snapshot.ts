import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import type { Action } from '../../domain/hearing/index.ts';
import type { Snapshot } from '../../domain/realtime.ts';
import { consultationsSeenBy } from './consultations.service.ts';

type ParticipantYou = Extract<Snapshot['you'], { kind: 'participant' }>;

/**
 * The consultations' part of the socket's snapshot: a participant's own consultation and the askings
 * that name them (so one reconnecting from another window or device finds their consultation again),
 * and the consultations being held, for a watcher the policy lets see them.
 */
export async function consultationsSnapshot(
  db: Kysely<Database>,
  hearingId: string,
  watcher: { participantId: string | null; may: ReadonlySet<Action>; now: Date },
): Promise<{
  you: Pick<ParticipantYou, 'consultation' | 'consultationRequests'>;
  held: Pick<Snapshot, 'consultationsHeld'>;
}> {
  const seesHeld = watcher.may.has('consultation.see_held');
  const c = await consultationsSeenBy(db, hearingId, {
    participantId: watcher.participantId,
    seesHeld,
    now: watcher.now,
  });
  return {
    you: { consultation: c.consultation, consultationRequests: c.requests },
    held: seesHeld ? { consultationsHeld: c.held } : {},
  };
}
