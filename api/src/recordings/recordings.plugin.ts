import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../platform/config.ts';
import type { Database } from '../platform/db/schema.ts';
import type { RealtimeHub } from '../platform/realtime/realtime.hub.ts';
import type { RecordLog } from '../record-log/log.service.ts';
import { HearingEgress } from './egress.ts';
import { RecordingService } from './recordings.service.ts';
import { recordingsRoutes } from './recordings.routes.ts';

/** What the recording service is built from. */
export interface RecordingsDeps {
  config: Config;
  db: Kysely<Database>;
  hub: RealtimeHub;
  now: () => Date;
  /** The court's signing identity, for the record's public log. */
  courtIdentity: RecordLog['identity'];
}

/** Built before the live hearing, which starts and stops recordings with the hearing's moves. */
export function createRecordingService(deps: RecordingsDeps, log: RecordingServiceLog): RecordingService {
  return new RecordingService({
    db: deps.db,
    hub: deps.hub,
    egress: new HearingEgress(deps.config.livekit, deps.config.recording),
    recording: deps.config.recording,
    log,
    now: deps.now,
    recordLog: { identity: deps.courtIdentity, origin: deps.config.publicOrigin },
  });
}

type RecordingServiceLog = ConstructorParameters<typeof RecordingService>[0]['log'];

/** Recording hearings: control, list and download. Webhooks arrive through media.routes.ts. */
export const recordingFeature: FastifyPluginAsync<{ db: Kysely<Database>; recordings: RecordingService }> = async (
  app,
  deps,
) => {
  await app.register(recordingsRoutes, { db: deps.db, recordings: deps.recordings });
};
