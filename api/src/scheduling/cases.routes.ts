import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorBody } from '../platform/http/errors.ts';
import { Case, CaseSearchQuery, CreateCaseBody } from './hearings.schema.ts';
import { requireCourt, type HearingsService } from './hearings.service.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

export const casesRoutes: FastifyPluginAsync<{ hearings: HearingsService }> = async (fastify, { hearings }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/api/cases',
    {
      config: { access: ['clerk', 'admin'] },
      schema: {
        tags: ['cases'],
        summary: 'Open a case in the caller’s court',
        body: CreateCaseBody,
        response: { 201: Type.Object({ case: Case }), ...errors },
      },
    },
    async (request, reply) => {
      const c = await hearings.createCase(requireCourt(request.user), request.body);
      return reply.code(201).send({ case: c });
    },
  );

  app.get(
    '/api/cases',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['cases'],
        summary: 'Find cases of the caller’s court by number or caption',
        querystring: CaseSearchQuery,
        response: { 200: Type.Object({ cases: Type.Array(Case) }), ...errors },
      },
    },
    async (request) => ({ cases: await hearings.searchCases(requireCourt(request.user), request.query.q ?? '') }),
  );
};
