import type { FastifyPluginAsync } from 'fastify';
import type { FeatureDeps } from '../features.ts';
import { LiveKitRooms } from '../media/livekit.service.ts';
import { MediaService } from '../media/media.service.ts';
import { mediaRoutes } from '../media/media.routes.ts';
import { LobbyService } from '../lobby/lobby.service.ts';
import { lobbyRoutes } from '../lobby/lobby.routes.ts';
import type { LiveDeps } from '../lobby/live-deps.ts';
import { ChatService } from '../chat/chat.service.ts';
import { chatRoutes } from '../chat/chat.routes.ts';
import { ConsultationsService } from '../consultations/consultations.service.ts';
import { consultationsRoutes } from '../consultations/consultations.routes.ts';
import { hearingRealtimeAccess } from '../realtime/realtime.access.ts';
import { registerRealtimeSocket } from '../realtime/realtime.socket.ts';
import { ControlService } from './control.service.ts';
import { controlRoutes } from './control.routes.ts';

/** The live hearing (issue 4): state, lobby, media tokens, consultations, chat and the realtime socket. */
export const liveHearingFeature: FastifyPluginAsync<FeatureDeps> = async (app, deps) => {
  const { config, db, hub, now } = deps;
  const live: LiveDeps = {
    db,
    hub,
    rooms: new LiveKitRooms(config.livekit),
    livekit: { url: config.livekit.url, apiKey: config.livekit.apiKey, apiSecret: config.livekit.apiSecret },
    log: app.log,
    now,
  };
  const lobby = new LobbyService(live);
  const media = new MediaService(live);

  await app.register(controlRoutes, { db, control: new ControlService(live, app.recordings), lobby });
  await app.register(lobbyRoutes, { db, lobby });
  await app.register(mediaRoutes, { db, media, lobby, keys: live.livekit });
  await app.register(chatRoutes, { db, chat: new ChatService(live) });
  await app.register(consultationsRoutes, { db, consultations: new ConsultationsService(live, media) });

  registerRealtimeSocket(app, {
    hub,
    publicOrigin: config.publicOrigin,
    access: hearingRealtimeAccess({
      db,
      sessionSecret: config.sessionSecret,
      now,
      secureCookies: config.secureCookies,
      auth: deps.auth,
    }),
    ...deps.realtime,
  });
};
