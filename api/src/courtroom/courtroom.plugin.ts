import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../platform/config.ts';
import type { Database } from '../platform/db/schema.ts';
import type { RealtimeHub } from '../platform/realtime/realtime.hub.ts';
import type { AuthService } from '../accounts/auth.service.ts';
import type { LiveDeps } from './live-deps.ts';
import type { LobbyService } from './lobby/lobby.service.ts';
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

/** What the live hearing is built from; the registry's changes act on the courtroom through its lobby too. */
export interface CourtroomDeps {
  config: Pick<Config, 'publicOrigin' | 'sessionSecret' | 'secureCookies'>;
  db: Kysely<Database>;
  hub: RealtimeHub;
  now: () => Date;
  /** To close the sockets of staff sessions that end while they are open. */
  auth: AuthService;
  live: LiveDeps;
  lobby: LobbyService;
  realtime?: { heartbeatMs?: number; maxBufferedBytes?: number };
}

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
