import type { FastifyPluginAsync } from 'fastify';
import type { CourtroomDeps } from '../features.ts';
import { MediaService } from './media/media.service.ts';
import { mediaRoutes } from './media/media.routes.ts';
import { lobbyRoutes } from './lobby/lobby.routes.ts';
import { ChatService } from './chat/chat.service.ts';
import { chatRoutes } from './chat/chat.routes.ts';
import { ConsultationsService } from './consultations/consultations.service.ts';
import { consultationsRoutes } from './consultations/consultations.routes.ts';
import { hearingRealtimeAccess } from './courtroom.access.ts';
import { registerRealtimeSocket } from '../platform/realtime/realtime.socket.ts';
import { ControlService } from './control.service.ts';
import { controlRoutes } from './control.routes.ts';

/** The live hearing: state, lobby, media tokens, consultations, chat and the realtime socket. */
export const courtroomFeature: FastifyPluginAsync<CourtroomDeps> = async (app, deps) => {
  const { config, db, hub, now, live, lobby } = deps;
  const media = new MediaService(live);

  await app.register(controlRoutes, { db, control: new ControlService(live, app.recordings), lobby });
  await app.register(lobbyRoutes, { db, lobby });
  await app.register(mediaRoutes, { db, media, lobby, keys: live.livekit });
  await app.register(chatRoutes, { db, chat: new ChatService(live) });
  await app.register(consultationsRoutes, { db, consultations: new ConsultationsService(live, media) });

  // Whoever loses their access leaves the media room too, not only the socket.
  const stop = hub.onAccessChange((subject) => {
    if ('userId' in subject)
      lobby.staffAccessChanged(subject.userId).catch((err: unknown) => app.log.warn({ err }, 'media clean-up failed'));
  });
  app.addHook('onClose', async () => stop());

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
