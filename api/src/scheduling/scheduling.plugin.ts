import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../platform/config.ts';
import type { Database } from '../platform/db/schema.ts';
import type { Mailer } from '../platform/mail/mailer.ts';
import { casesRoutes } from './cases.routes.ts';
import { JoinService } from '../invitations/join.service.ts';
import { joinRoutes } from '../invitations/join.routes.ts';
import { ParticipantsService, type InvitationEffects } from '../invitations/participants.service.ts';
import { participantsRoutes } from '../invitations/participants.routes.ts';
import { HearingsService, type CourtroomEffects } from './hearings.service.ts';
import { hearingsRoutes } from './hearings.routes.ts';

/** What scheduling is built from. */
export interface SchedulingDeps {
  config: Pick<Config, 'publicOrigin' | 'sessionSecret' | 'secureCookies'>;
  db: Kysely<Database>;
  mailer: Mailer;
  now: () => Date;
  /** The live hearing, which acts when the registry changes a hearing's bench or ends an invitation. */
  lobby: CourtroomEffects & InvitationEffects;
}

/** Cases, hearings, the docket, participants and invite links: registers its routes. */
export const schedulingFeature: FastifyPluginAsync<SchedulingDeps> = async (app, deps) => {
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
