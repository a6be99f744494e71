import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { EmptyBody } from '../participants/participants.schema.ts';
import { IdParams } from '../hearings/hearings.schema.ts';
import {
  ConsultationBody,
  ConsultationParams,
  ConsultationView,
  LeftConsultationView,
  MediaTokenView,
  liveErrors,
} from '../hearings/control.schema.ts';
import { resolveHearingCaller } from '../hearings/hearing-caller.ts';
import { consultant, type ConsultationsService } from './consultations.service.ts';

export const consultationsRoutes: FastifyPluginAsync<{
  db: Kysely<Database>;
  consultations: ConsultationsService;
}> = async (fastify, { db, consultations }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['live hearing'];
  // Staff sessions reach the handler only to be refused (403): the bench never joins a consultation.
  const config = { access: 'participant', orStaff: true } as const;

  app.post(
    '/api/hearings/:id/consultations',
    {
      config,
      schema: {
        tags,
        summary: 'Open a private consultation between a party and their own agent(s) (one of them)',
        params: IdParams,
        body: ConsultationBody,
        response: { 201: ConsultationView, ...liveErrors },
      },
    },
    async (request, reply) => {
      const c = consultant(await resolveHearingCaller(db, request, request.params.id));
      const consultation = await consultations.open(c, request.body.participantIds);
      return reply.code(201).send({ consultation });
    },
  );

  app.post(
    '/api/hearings/:id/consultations/:cid/media-token',
    {
      config,
      schema: {
        tags,
        summary: 'A LiveKit token for the consultation’s own room (its members only)',
        params: ConsultationParams,
        body: EmptyBody,
        response: { 200: MediaTokenView, ...liveErrors },
      },
    },
    async (request) =>
      consultations.token(consultant(await resolveHearingCaller(db, request, request.params.id)), request.params.cid),
  );

  app.post(
    '/api/hearings/:id/consultations/:cid/leave',
    {
      config,
      schema: {
        tags,
        summary: 'Leave the consultation and return to the hearing, with a fresh hearing token',
        params: ConsultationParams,
        body: EmptyBody,
        response: { 200: LeftConsultationView, ...liveErrors },
      },
    },
    async (request) =>
      consultations.leave(consultant(await resolveHearingCaller(db, request, request.params.id)), request.params.cid),
  );
};
