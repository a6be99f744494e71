import type { FastifyPluginAsync } from 'fastify';
import type { FeatureDeps } from '../features.ts';
import { HearingEgress } from './egress.ts';
import { RecordingService } from './recordings.service.ts';
import { recordingsRoutes } from './recordings.routes.ts';

/** Built before the live hearing, which starts and stops recordings with the hearing's moves. */
export function createRecordingService(deps: FeatureDeps, log: RecordingServiceLog): RecordingService {
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
export const recordingFeature: FastifyPluginAsync<FeatureDeps & { recordings: RecordingService }> = async (
  app,
  deps,
) => {
  await app.register(recordingsRoutes, { db: deps.db, recordings: deps.recordings });
};
