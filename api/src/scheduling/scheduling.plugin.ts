import type { FastifyPluginAsync } from 'fastify';
import type { CourtroomDeps } from '../features.ts';
import { casesRoutes } from './cases.routes.ts';
import { JoinService } from '../invitations/join.service.ts';
import { joinRoutes } from '../invitations/join.routes.ts';
import { ParticipantsService } from '../invitations/participants.service.ts';
import { participantsRoutes } from '../invitations/participants.routes.ts';
import { HearingsService } from './hearings.service.ts';
import { hearingsRoutes } from './hearings.routes.ts';

/** Cases, hearings, the docket, participants and invite links: registers its routes. */
export const schedulingFeature: FastifyPluginAsync<CourtroomDeps> = async (app, deps) => {
  const { config, db, mailer, now, lobby } = deps;
  const hearings = new HearingsService(db, lobby);
  const participants = new ParticipantsService({
    db,
    hearings,
    courtroom: lobby,
    mailer,
    publicOrigin: config.publicOrigin,
    secret: config.sessionSecret,
    now,
    log: app.log,
  });
  const join = new JoinService({ db, secret: config.sessionSecret, now });

  await app.register(casesRoutes, { hearings });
  await app.register(hearingsRoutes, { hearings, participants, publicOrigin: config.publicOrigin, now });
  await app.register(participantsRoutes, { participants });
  await app.register(joinRoutes, { join, secureCookies: config.secureCookies, publicOrigin: config.publicOrigin, now });
};
