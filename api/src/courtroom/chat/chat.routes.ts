import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import { IdParams } from '../../scheduling/hearings.schema.ts';
import { ChatBody, MessageCreated, MessageList, liveErrors } from '../control.schema.ts';
import { resolveHearingCaller } from '../hearing-caller.ts';
import type { ChatService } from './chat.service.ts';

export const chatRoutes: FastifyPluginAsync<{ db: Kysely<Database>; chat: ChatService }> = async (
  fastify,
  { db, chat },
) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['live hearing'];
  const config = { access: 'participant', orStaff: true } as const;

  app.post(
    '/api/hearings/:id/chat',
    {
      config: { ...config, rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'Write in the hearing’s chat, to everyone or privately to the bench (bench and present participants)',
        params: IdParams,
        body: ChatBody,
        response: { 201: MessageCreated, ...liveErrors },
      },
    },
    async (request, reply) => {
      const message = await chat.post(await resolveHearingCaller(db, request, request.params.id), request.body);
      return reply.code(201).send({ message });
    },
  );

  app.get(
    '/api/hearings/:id/chat',
    {
      config,
      schema: {
        tags,
        summary: 'The chat messages the caller may see, oldest first',
        params: IdParams,
        response: { 200: MessageList, ...liveErrors },
      },
    },
    async (request) => ({ messages: await chat.list(await resolveHearingCaller(db, request, request.params.id)) }),
  );
};
