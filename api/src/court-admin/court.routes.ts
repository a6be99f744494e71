import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ErrorBody } from '../platform/http/errors.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import {
  CourtResponse,
  CourtroomBody,
  CourtroomList,
  CourtroomParams,
  CourtroomResponse,
  UpdateCourtBody,
} from './court.schema.ts';
import { CourtService, courtOf, signedIn as me } from './court.service.ts';
import { CourtroomService } from './courtroom.service.ts';
import { EmptyBody } from './staff.schema.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const ADMIN = ['admin'] as const;

/** The admin's own court: its settings and its courtrooms. */
export const courtRoutes: FastifyPluginAsync<{ db: Kysely<Database>; now: () => Date }> = async (fastify, deps) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const courts = new CourtService(deps.db, deps.now);
  const courtrooms = new CourtroomService(deps.db, deps.now);

  app.get(
    '/api/admin/court',
    {
      config: { access: ADMIN },
      schema: { tags: ['admin'], summary: 'The settings of your court', response: { 200: CourtResponse, ...errors } },
    },
    async (request) => ({ court: await courts.get(courtOf(request.user)) }),
  );

  app.post(
    '/api/admin/court',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'Change some settings of your court',
        description:
          'Name, time zone, default language, pre-join rules per language, recording required by default, invite grace period, session idle and absolute timeouts (which apply to signed-in sessions at once), whether judges and admins must use two-factor sign-in, and how the public reaches the court (telephone, e-mail, a note; shown on invite links that no longer work and after a hearing).',
        body: UpdateCourtBody,
        response: { 200: CourtResponse, ...errors },
      },
    },
    async (request) => ({ court: await courts.update(me(request.user), request.body) }),
  );

  app.get(
    '/api/admin/courtrooms',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'Courtrooms of your court, active first, retired ones too',
        response: { 200: CourtroomList, ...errors },
      },
    },
    async (request) => ({ courtrooms: await courtrooms.list(me(request.user)) }),
  );

  app.post(
    '/api/admin/courtrooms',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'Create a courtroom',
        body: CourtroomBody,
        response: { 201: CourtroomResponse, ...errors },
      },
    },
    async (request, reply) =>
      reply.code(201).send({ courtroom: await courtrooms.create(me(request.user), request.body.name) }),
  );

  app.post(
    '/api/admin/courtrooms/:courtroomId/rename',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'Rename a courtroom',
        params: CourtroomParams,
        body: CourtroomBody,
        response: { 200: CourtroomResponse, ...errors },
      },
    },
    async (request) => ({
      courtroom: await courtrooms.rename(me(request.user), request.params.courtroomId, request.body.name),
    }),
  );

  app.post(
    '/api/admin/courtrooms/:courtroomId/retire',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'Retire a courtroom: it keeps its past hearings and takes no new ones',
        params: CourtroomParams,
        body: EmptyBody,
        response: { 200: CourtroomResponse, ...errors },
      },
    },
    async (request) => ({
      courtroom: await courtrooms.setRetired(me(request.user), request.params.courtroomId, true),
    }),
  );

  app.post(
    '/api/admin/courtrooms/:courtroomId/reinstate',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'Bring a retired courtroom back into use',
        params: CourtroomParams,
        body: EmptyBody,
        response: { 200: CourtroomResponse, ...errors },
      },
    },
    async (request) => ({
      courtroom: await courtrooms.setRetired(me(request.user), request.params.courtroomId, false),
    }),
  );
};
