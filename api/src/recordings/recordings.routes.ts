import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { Database } from '../platform/db/schema.ts';
import { ErrorBody } from '../platform/http/errors.ts';
import { IdParams } from '../scheduling/hearings.schema.ts';
import { EmptyBody } from '../invitations/participants.schema.ts';
import { resolveHearingCaller } from '../courtroom/hearing-caller.ts';
import { parseRange } from './range.ts';
import type { RecordingService } from './recordings.service.ts';
import { RecordingList, RecordingParams, RecordingView, StartBody, recordingErrors } from './recordings.schema.ts';
import { contentDisposition } from '../platform/http/content-disposition.ts';

/** The official recording: the bench starts and stops it; the court's staff list and download it. */
export const recordingsRoutes: FastifyPluginAsync<{ db: Kysely<Database>; recordings: RecordingService }> = async (
  fastify,
  { db, recordings },
) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['recordings'];

  app.post(
    '/api/hearings/:id/recordings/start',
    {
      config: { access: ['judge', 'clerk'] },
      schema: {
        tags,
        summary: 'Start recording the hearing room while it is in session (its judge or clerk); never a consultation',
        params: IdParams,
        body: StartBody,
        response: { 201: RecordingView, ...recordingErrors },
      },
    },
    async (request, reply) => {
      const c = await resolveHearingCaller(db, request, request.params.id);
      return reply.code(201).send(await recordings.start(c, request.body.room));
    },
  );

  app.post(
    '/api/hearings/:id/recordings/stop',
    {
      config: { access: ['judge', 'clerk'] },
      schema: {
        tags,
        summary: 'Stop the running recording while the hearing is in session (its judge or clerk)',
        params: IdParams,
        body: EmptyBody,
        response: { 200: RecordingView, ...recordingErrors },
      },
    },
    async (request) => recordings.stop(await resolveHearingCaller(db, request, request.params.id)),
  );

  app.get(
    '/api/hearings/:id/recordings',
    {
      config: { access: ['judge', 'clerk', 'admin'] },
      schema: {
        tags,
        summary: 'The hearing’s recordings (its judge; clerks and admins of its court)',
        params: IdParams,
        response: { 200: RecordingList, ...recordingErrors },
      },
    },
    async (request) => recordings.list(await resolveHearingCaller(db, request, request.params.id)),
  );

  app.get(
    '/api/hearings/:id/recordings/:rid/download',
    {
      config: { access: ['judge', 'clerk', 'admin'] },
      schema: {
        tags,
        summary:
          'Download a recording (its judge; clerks and admins of its court): streamed with Range support, or a 5-minute S3 link',
        params: RecordingParams,
        response: {
          200: Type.Unsafe<unknown>({ type: 'string', format: 'binary', description: 'The MP4 file' }),
          206: Type.Unsafe<unknown>({ type: 'string', format: 'binary', description: 'The requested byte range' }),
          302: Type.Null({ description: 'Redirect to a presigned S3 URL valid for 5 minutes' }),
          416: ErrorBody,
          ...recordingErrors,
        },
      },
    },
    async (request, reply) => {
      const c = await resolveHearingCaller(db, request, request.params.id);
      const file = await recordings.download(c, request.params.rid);
      reply.header('cache-control', 'private, no-store');
      if (file.kind === 'url') return reply.redirect(file.url, 302);
      reply.header('accept-ranges', 'bytes');
      const range = parseRange(request.headers.range, file.size);
      if (range === 'unsatisfiable') {
        return reply
          .code(416)
          .header('content-range', `bytes */${file.size}`)
          .send({ error: { code: 'range_not_satisfiable', message: `The file has ${file.size} bytes.` } });
      }
      reply
        .header('content-type', 'video/mp4')
        .header('content-disposition', contentDisposition('attachment', file.name))
        .header('last-modified', file.mtime.toUTCString());
      if (range === 'whole') {
        // Streamed: a recording of hours is never read into memory.
        return reply.code(200).header('content-length', file.size).send(recordings.openFile(file.path));
      }
      return reply
        .code(206)
        .header('content-range', `bytes ${range.start}-${range.end}/${file.size}`)
        .header('content-length', range.end - range.start + 1)
        .send(recordings.openFile(file.path, range));
    },
  );
};
