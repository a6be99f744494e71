import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { IdParams } from '../scheduling/hearings.schema.ts';
import { unauthorized } from '../platform/http/errors.ts';
import type { RecordService } from '../exports/record.service.ts';
import { AuditQuery, AuditTrail, AuditVerification, recordErrors } from '../exports/record.schema.ts';

/** A hearing's audit trail for its bench: read with filters, and its hash chain recomputed. */
export const auditRoutes: FastifyPluginAsync<{ record: RecordService }> = async (fastify, { record }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['audit'];

  app.get(
    '/api/hearings/:id/audit',
    {
      config: { access: ['judge', 'clerk'] },
      schema: {
        tags,
        summary:
          'The hearing’s audit trail in order, filtered by action and actor, a page at a time (its judge and clerk)',
        params: IdParams,
        querystring: AuditQuery,
        response: { 200: AuditTrail, ...recordErrors },
      },
    },
    async (request) => {
      if (!request.user) throw unauthorized();
      const h = await record.bench(request.user, request.params.id);
      return record.auditTrail(h, request.query);
    },
  );

  app.get(
    '/api/hearings/:id/audit/verify',
    {
      config: { access: ['judge', 'clerk'] },
      schema: {
        tags,
        summary: 'Recompute the hearing’s audit hash chain: ok, or the first broken seq (its judge and clerk)',
        params: IdParams,
        response: { 200: AuditVerification, ...recordErrors },
      },
    },
    async (request) => {
      if (!request.user) throw unauthorized();
      return record.verify(await record.bench(request.user, request.params.id));
    },
  );
};
