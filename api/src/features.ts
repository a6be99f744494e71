import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from './platform/config.ts';
import type { Database } from './platform/db/schema.ts';
import type { Mailer } from './platform/mail/mailer.ts';
import type { AuthService } from './accounts/auth.service.ts';
import { adminFeature } from './court-admin/admin.plugin.ts';
import { schedulingFeature } from './scheduling/scheduling.plugin.ts';
import { courtroomFeature } from './courtroom/courtroom.plugin.ts';
import type { RealtimeHub } from './platform/realtime/realtime.hub.ts';
import type { CourtIdentity } from './record/court-identity.ts';
import { createRecordingService, recordingFeature } from './recordings/recordings.plugin.ts';
import type { RecordingService } from './recordings/recordings.service.ts';
import { transcriptFeature } from './record/transcript.plugin.ts';
import { exhibitsFeature } from './exhibits/exhibits.plugin.ts';
import { recordFeature } from './exports/exports.plugin.ts';
import type { LiveDeps } from './courtroom/live-deps.ts';
import { LobbyService } from './courtroom/lobby/lobby.service.ts';
import { LiveKitRooms } from './courtroom/media/livekit.service.ts';

/** What the app hands the features; each feature's plugin declares the part of it that it uses. */
export interface FeatureDeps {
  config: Config;
  db: Kysely<Database>;
  mailer: Mailer;
  auth: AuthService;
  now: () => Date;
  hub: RealtimeHub;
  courtIdentity: CourtIdentity;
  realtime?: { heartbeatMs?: number; maxBufferedBytes?: number };
}

/** The one place features are plugged into the app. */
export async function registerFeatures(app: FastifyInstance, deps: FeatureDeps): Promise<void> {
  // On the root instance: the live hearing (moves, webhooks) and server.ts's start-up check use it.
  app.decorate('recordings', createRecordingService(deps, app.log));
  const { config } = deps;
  const live: LiveDeps = {
    db: deps.db,
    hub: deps.hub,
    rooms: new LiveKitRooms(config.livekit),
    livekit: { url: config.livekit.url, apiKey: config.livekit.apiKey, apiSecret: config.livekit.apiSecret },
    log: app.log,
    now: deps.now,
  };
  // The live courtroom's features share it; the registry's changes act on the courtroom through its lobby.
  const courtroom = { ...deps, live, lobby: new LobbyService(live) };
  await app.register(adminFeature, courtroom);
  await app.register(schedulingFeature, courtroom);
  await app.register(courtroomFeature, courtroom);
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
