import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import { EmptyBody } from '../../invitations/participants.schema.ts';
import { IdParams } from '../../scheduling/hearings.schema.ts';
import {
  ConsultationBody,
  ConsultationParams,
  ConsultationRequestParams,
  ConsultationRequestView,
  ConsultationView,
  EndedRequestView,
  LeftConsultationView,
  MediaTokenView,
  liveErrors,
} from '../control.schema.ts';
import { resolveHearingCaller } from '../hearing-caller.ts';
import { answerer, consultant, requester, type ConsultationsService } from './consultations.service.ts';

export const consultationsRoutes: FastifyPluginAsync<{
  db: Kysely<Database>;
  consultations: ConsultationsService;
}> = async (fastify, { db, consultations }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['live hearing'];
  // Staff sessions reach the handler only to be refused (403): the bench never joins a consultation.
  const config = { access: 'participant', orStaff: true } as const;

  app.post(
    '/api/hearings/:id/consultation-requests',
    {
      config,
      schema: {
        tags,
        summary:
          'Ask one’s own party or agent(s) for a private consultation; it opens only when one of them accepts (2 minutes to answer)',
        params: IdParams,
        body: ConsultationBody,
        response: { 201: ConsultationRequestView, ...liveErrors },
      },
    },
    async (request, reply) => {
      const c = requester(await resolveHearingCaller(db, request, request.params.id));
      return reply.code(201).send({ request: await consultations.request(c, request.body.participantIds) });
    },
  );

  app.post(
    '/api/hearings/:id/consultation-requests/:rid/accept',
    {
      config,
      schema: {
        tags,
        summary:
          'Accept being asked: the consultation opens, once (a repeated accept by the same person gets it again, 200)',
        params: ConsultationRequestParams,
        body: EmptyBody,
        response: { 200: ConsultationView, 201: ConsultationView, ...liveErrors },
      },
    },
    async (request, reply) => {
      const caller = await resolveHearingCaller(db, request, request.params.id);
      const { consultation, replayed } = await consultations.acceptFrom(caller, request.params.rid);
      return reply.code(replayed ? 200 : 201).send({ consultation });
    },
  );

  app.post(
    '/api/hearings/:id/consultation-requests/:rid/decline',
    {
      config,
      schema: {
        tags,
        summary: 'Decline being asked; the one who asked is told',
        params: ConsultationRequestParams,
        body: EmptyBody,
        response: { 200: EndedRequestView, ...liveErrors },
      },
    },
    async (request) =>
      consultations.decline(answerer(await resolveHearingCaller(db, request, request.params.id)), request.params.rid),
  );

  app.post(
    '/api/hearings/:id/consultation-requests/:rid/withdraw',
    {
      config,
      schema: {
        tags,
        summary: 'Withdraw one’s own asking; those asked are told',
        params: ConsultationRequestParams,
        body: EmptyBody,
        response: { 200: EndedRequestView, ...liveErrors },
      },
    },
    async (request) =>
      consultations.withdraw(
        consultant(await resolveHearingCaller(db, request, request.params.id)),
        request.params.rid,
      ),
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
