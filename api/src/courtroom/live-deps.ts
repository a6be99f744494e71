import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import type { RealtimeHub } from '../platform/realtime/realtime.hub.ts';
import type { LiveKitRooms } from './media/livekit.service.ts';
import type { LiveKitKeys } from './media/grants.ts';
import { toBench } from './live-events.ts';

/** What the live hearing's services share. */
export interface LiveDeps {
  db: Kysely<Database>;
  hub: RealtimeHub;
  rooms: LiveKitRooms;
  livekit: LiveKitKeys & { url: string };
  log: FastifyBaseLogger;
  now: () => Date;
}

/**
 * Runs a LiveKit call after the change it follows was committed. When the media server cannot be
 * reached the hearing goes on (lobby, state, chat are Gavel's): the bench is told, and false returned.
 */
export async function mediaCall(deps: LiveDeps, hearingId: string, what: string, call: () => Promise<unknown>) {
  try {
    await call();
    return true;
  } catch (err) {
    deps.log.warn({ err, hearingId, what }, 'LiveKit call failed');
    // The bench must hear of it: a notice lost to a passing database hiccup is tried again.
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        await deps.db.transaction().execute((trx) =>
          deps.hub.publish(trx, {
            stream: hearingId,
            ...toBench('media.unavailable', {
              message: `The media server could not be reached (${what}). Lobby, state and chat keep working.`,
              action: what,
            }),
          }),
        );
        break;
      } catch (e) {
        deps.log.error({ err: e, attempt }, 'could not publish media.unavailable');
      }
    }
    return false;
  }
}
