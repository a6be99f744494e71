import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorBody } from '../platform/http/errors.ts';
import { IdParams } from '../scheduling/hearings.schema.ts';
import { requireCourt } from '../scheduling/hearings.service.ts';
import { AddParticipantBody, EmptyBody, InviteIssued, ParticipantParams } from './participants.schema.ts';
import type { ParticipantsService } from './participants.service.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

export const participantsRoutes: FastifyPluginAsync<{ participants: ParticipantsService }> = async (
  fastify,
  { participants },
) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/api/hearings/:id/participants',
    {
      config: { access: ['clerk', 'admin'] },
      schema: {
        tags: ['participants'],
        summary: 'Invite a participant; the link (and access code) are shown in this answer only',
        params: IdParams,
        body: AddParticipantBody,
        response: { 201: InviteIssued, ...errors },
      },
    },
    async (request, reply) => {
      const issued = await participants.add(requireCourt(request.user), request.params.id, request.body);
      return reply.code(201).send(issued);
    },
  );

  app.post(
    '/api/hearings/:id/participants/:pid/invite',
    {
      config: { access: ['clerk', 'admin'] },
      schema: {
        tags: ['participants'],
        summary: 'Issue a new link (and code); the old ones stop working at once',
        params: ParticipantParams,
        body: EmptyBody,
        response: { 200: InviteIssued, ...errors },
      },
    },
    async (request) => participants.reissue(requireCourt(request.user), request.params.id, request.params.pid),
  );

  app.delete(
    '/api/hearings/:id/participants/:pid',
    {
      config: { access: ['clerk', 'admin'] },
      schema: {
        tags: ['participants'],
        summary: 'Revoke a participant’s invitation and end their sessions',
        params: ParticipantParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await participants.revoke(requireCourt(request.user), request.params.id, request.params.pid);
      return reply.code(204).send(null);
    },
  );
};
