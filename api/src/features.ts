import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from './config.ts';
import type { Database } from './db/schema.ts';
import type { Mailer } from './mail/mailer.ts';
import type { AuthService } from './auth/auth.service.ts';
import { adminFeature } from './admin/admin.plugin.ts';
import { schedulingFeature } from './hearings/scheduling.plugin.ts';
import { liveHearingFeature } from './hearings/live.plugin.ts';
import type { RealtimeHub } from './realtime/realtime.hub.ts';
import { createRecordingService, recordingFeature } from './recordings/recordings.plugin.ts';
import type { RecordingService } from './recordings/recordings.service.ts';
import { transcriptFeature } from './transcripts/transcript.plugin.ts';
import { exhibitsFeature } from './exhibits/exhibits.plugin.ts';
import { recordFeature } from './exports/exports.plugin.ts';

/** What every feature's routes may depend on. */
export interface FeatureDeps {
  config: Config;
  db: Kysely<Database>;
  mailer: Mailer;
  auth: AuthService;
  now: () => Date;
  hub: RealtimeHub;
  realtime?: { heartbeatMs?: number; maxBufferedBytes?: number };
}

/** The one place features are plugged into the app. */
export async function registerFeatures(app: FastifyInstance, deps: FeatureDeps): Promise<void> {
  // On the root instance: the live hearing (moves, webhooks) and server.ts's start-up check use it.
  app.decorate('recordings', createRecordingService(deps, app.log));
  await app.register(adminFeature, deps);
  await app.register(schedulingFeature, deps);
  await app.register(liveHearingFeature, deps);
  await app.register(recordingFeature, { ...deps, recordings: app.recordings });
  await app.register(transcriptFeature, deps);
  await app.register(exhibitsFeature, deps);
  await app.register(recordFeature, deps);
}

declare module 'fastify' {
  interface FastifyInstance {
    recordings: RecordingService;
  }
}
