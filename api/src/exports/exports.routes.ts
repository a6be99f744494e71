import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { IdParams } from '../scheduling/hearings.schema.ts';
import { unauthorized } from '../platform/http/errors.ts';
import type { RecordService } from './record.service.ts';
import { DocketExportQuery, ExportQuery, recordErrors } from './record.schema.ts';
import { contentDisposition } from '../platform/http/content-disposition.ts';

/** The clerk's exports: a hearing's whole record as one ZIP, and the court's docket as CSV. */
export const exportRoutes: FastifyPluginAsync<{ record: RecordService }> = async (fastify, { record }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['exports'];

  app.get(
    '/api/hearings/:id/export',
    {
      config: { access: ['judge', 'clerk'] },
      schema: {
        tags,
        summary:
          'The hearing’s record as a ZIP streamed as it is built, with manifest.json and SHA256SUMS (the judge or the clerk of the hearing); audited',
        params: IdParams,
        querystring: ExportQuery,
        response: {
          200: Type.Unsafe<unknown>({ type: 'string', format: 'binary', description: 'The ZIP bundle' }),
          ...recordErrors,
        },
      },
    },
    async (request, reply) => {
      const user = request.user;
      if (!user) throw unauthorized();
      const h = await record.exporter(user, request.params.id);
      // HEAD says whether the bundle may be had; it builds nothing and is not an export (no audit event).
      if (request.method === 'HEAD') {
        return reply.header('content-type', 'application/zip').header('cache-control', 'private, no-store').send();
      }
      const bundle = await record.exportHearing(
        h,
        { type: 'user', id: user.id },
        { recordings: request.query.recordings === '1', via: 'web' },
      );
      bundle.done.catch((err: unknown) => request.log.warn({ err, hearingId: h.id }, 'record export cut short'));
      return reply
        .header('content-type', 'application/zip')
        .header('content-disposition', contentDisposition('attachment', bundle.filename))
        .header('cache-control', 'private, no-store')
        .header('x-gavel-estimated-bytes', String(bundle.estimatedBytes))
        .send(bundle.stream);
    },
  );

  app.get(
    '/api/dockets/export.csv',
    {
      config: { access: ['clerk', 'admin'] },
      schema: {
        tags,
        summary:
          'The court’s docket of hearings in [from, to) as CSV, at most 366 days (clerks and admins of the court)',
        querystring: DocketExportQuery,
        response: {
          200: Type.Unsafe<string>({ type: 'string', description: 'text/csv; UTF-8 with a byte order mark' }),
          ...recordErrors,
        },
      },
    },
    async (request, reply) => {
      if (!request.user) throw unauthorized();
      const csv = await record.docketCsv(request.user, request.query);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', contentDisposition('attachment', csv.filename))
        .header('cache-control', 'private, no-store')
        .send(csv.body);
    },
  );
};
