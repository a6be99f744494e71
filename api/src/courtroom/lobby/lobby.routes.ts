import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import { EmptyBody } from '../../invitations/participants.schema.ts';
import { IdParams } from '../../scheduling/hearings.schema.ts';
import { PresenceView, liveErrors } from '../control.schema.ts';
import { resolveHearingCaller } from '../hearing-caller.ts';
import type { LobbyService } from './lobby.service.ts';

/** A participant says they are here (into the lobby) or that they leave. */
export const lobbyRoutes: FastifyPluginAsync<{ db: Kysely<Database>; lobby: LobbyService }> = async (
  fastify,
  { db, lobby },
) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['live hearing'];

  app.post(
    '/api/hearings/:id/lobby',
    {
      config: { access: 'participant' },
      schema: {
        tags,
        summary: 'Wait in the lobby (participant); idempotent, and admitted participants stay admitted',
        params: IdParams,
        body: EmptyBody,
        response: { 200: PresenceView, ...liveErrors },
      },
    },
    async (request) => lobby.enterLobby(await resolveHearingCaller(db, request, request.params.id)),
  );

  app.post(
    '/api/hearings/:id/leave',
    {
      config: { access: 'participant' },
      schema: {
        tags,
        summary: 'Leave the hearing (participant)',
        params: IdParams,
        body: EmptyBody,
        response: { 200: PresenceView, ...liveErrors },
      },
    },
    async (request) => lobby.leave(await resolveHearingCaller(db, request, request.params.id)),
  );
};
