import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import multipart from '@fastify/multipart';
import { Type } from 'typebox';
import { DomainError, ErrorBody } from '../platform/http/errors.ts';
import { IdParams } from '../scheduling/hearings.schema.ts';
import { EmptyBody } from '../invitations/participants.schema.ts';
import type { ExhibitService } from './exhibits.service.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import { resolveHearingCaller } from '../courtroom/hearing-caller.ts';
import { PDF_CSP, contentDisposition } from '../platform/http/content-disposition.ts';
import {
  ExhibitAnswer,
  ExhibitList,
  ExhibitParams,
  FileQuery,
  PresentBody,
  PresentationAnswer,
  RulingBody,
  exhibitErrors,
} from './exhibits.schema.ts';

/**
 * Exhibits: parties, agents and the hearing's clerk submit them; the judge rules; the judge or the
 * submitter presents one in the hearing room. Participants see only what the rules let them.
 */
export const exhibitsRoutes: FastifyPluginAsync<{
  db: Kysely<Database>;
  exhibits: ExhibitService;
  maxBytes: number;
}> = async (fastify, { db, exhibits, maxBytes }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['exhibits'];
  // Only in this plugin: other routes keep refusing multipart bodies.
  await app.register(multipart, {
    limits: { fileSize: maxBytes, files: 1, fields: 4, fieldSize: 1000, parts: 5, headerPairs: 50 },
    // Busboy stops at the limit and marks the stream truncated; storage then refuses to keep it.
    throwFileSizeLimit: false,
  });
  // Both participant and staff sessions; the service decides what each may do.
  const config = { access: 'participant', orStaff: true } as const;

  app.get(
    '/api/hearings/:id/exhibits',
    {
      config,
      schema: {
        tags,
        summary:
          'The hearing’s exhibits the caller may see: staff (its judge; clerks and admins of its court) all; a party or agent the court’s, their side’s and admitted ones; others admitted ones',
        params: IdParams,
        response: { 200: ExhibitList, ...exhibitErrors },
      },
    },
    async (request) => exhibits.list(exhibits.viewer(await resolveHearingCaller(db, request, request.params.id))),
  );

  app.post(
    '/api/hearings/:id/exhibits',
    {
      config,
      bodyLimit: maxBytes + 64 * 1024,
      schema: {
        tags,
        summary:
          'Submit an exhibit (a party or agent: on their side; the hearing’s clerk: the court’s, or `side` plaintiff/defendant) as multipart/form-data: `title`, optional `side`, then `file` (PDF, PNG or JPEG)',
        consumes: ['multipart/form-data'],
        params: IdParams,
        response: {
          201: ExhibitAnswer,
          413: ErrorBody,
          415: ErrorBody,
          422: ErrorBody,
          503: ErrorBody,
          ...exhibitErrors,
        },
      },
    },
    async (request, reply) => {
      const v = exhibits.viewer(await resolveHearingCaller(db, request, request.params.id));
      if (!request.isMultipart()) {
        throw new DomainError(415, 'unsupported_media_type', 'Send the exhibit as multipart/form-data.');
      }
      const part = await request.file().catch(malformed);
      if (!part) throw new DomainError(400, 'validation', 'Attach the exhibit file as the `file` field.');
      if (part.fieldname !== 'file') {
        part.file.resume();
        throw new DomainError(400, 'validation', 'Attach the exhibit file as the `file` field.');
      }
      const field = (name: string) => {
        const f = part.fields[name];
        return f && !Array.isArray(f) && f.type === 'field' ? String(f.value) : undefined;
      };
      const exhibit = await exhibits
        .submit(v, { file: part.file, fileName: part.filename, fields: { title: field('title'), side: field('side') } })
        .catch(malformed);
      return reply.code(201).send({ exhibit });
    },
  );

  app.get(
    '/api/hearings/:id/exhibits/:eid/file',
    {
      config,
      schema: {
        tags,
        summary:
          'The stamped copy (default, shown inline, without active content) or the original file (as a download) of an exhibit the caller may see',
        params: ExhibitParams,
        querystring: FileQuery,
        response: {
          200: Type.Unsafe<unknown>({ type: 'string', format: 'binary', description: 'PDF, PNG or JPEG' }),
          ...exhibitErrors,
        },
      },
    },
    async (request, reply) => {
      const v = exhibits.viewer(await resolveHearingCaller(db, request, request.params.id));
      const e = await exhibits.visible(v, request.params.eid);
      const copy = request.query.copy ?? 'stamped';
      const file = exhibits.openFile(e, copy);
      return (
        reply
          .header('content-type', file.mediaType)
          .header('content-length', file.size)
          // The original is the party's file as it came, active content and all: only ever a download.
          // The stamped copy, cleaned of it, is shown in the hearing room's own frame.
          .header(
            'content-disposition',
            contentDisposition(copy === 'original' ? 'attachment' : 'inline', file.fileName),
          )
          .header('cache-control', 'private, no-store')
          .header('x-content-type-options', 'nosniff')
          // sandbox: a document opened here runs no script and has no origin (Chromium's own PDF viewer
          // still shows it: docs/security.md); frame-ancestors: framed by Gavel's pages only.
          .header('content-security-policy', PDF_CSP)
          .header('x-frame-options', 'SAMEORIGIN')
          .send(file.stream)
      );
    },
  );

  app.post(
    '/api/hearings/:id/exhibits/:eid/ruling',
    {
      config,
      schema: {
        tags,
        summary: 'Admit or reject a marked exhibit (the hearing’s judge); the stamped copy shows the ruling',
        params: ExhibitParams,
        body: RulingBody,
        response: { 200: ExhibitAnswer, ...exhibitErrors },
      },
    },
    async (request) => {
      const v = exhibits.viewer(await resolveHearingCaller(db, request, request.params.id));
      return { exhibit: await exhibits.rule(v, request.params.eid, request.body.ruling) };
    },
  );

  app.post(
    '/api/hearings/:id/exhibits/:eid/present',
    {
      config,
      schema: {
        tags,
        summary:
          'Show an exhibit at a page to everyone allowed to see it (the hearing’s judge, or the admitted party or agent who submitted it); pushes `exhibit.presented`',
        params: ExhibitParams,
        body: PresentBody,
        response: { 200: PresentationAnswer, ...exhibitErrors },
      },
    },
    async (request) => {
      const v = exhibits.viewer(await resolveHearingCaller(db, request, request.params.id));
      return exhibits.present(v, request.params.eid, request.body.page);
    },
  );

  app.post(
    '/api/hearings/:id/exhibits/presentation/end',
    {
      config,
      schema: {
        tags,
        summary: 'Stop presenting (the hearing’s judge, or the submitter of the exhibit on screen)',
        params: IdParams,
        body: EmptyBody,
        response: { 200: PresentationAnswer, ...exhibitErrors },
      },
    },
    async (request) =>
      exhibits.endPresentation(exhibits.viewer(await resolveHearingCaller(db, request, request.params.id))),
  );
};

/** A body that is not well-formed multipart is the caller's mistake (400), not a failure of ours. */
function malformed(err: unknown): never {
  if (err instanceof DomainError) throw err;
  const status = (err as { statusCode?: number }).statusCode;
  if (status && status >= 400 && status < 500) throw err;
  if (
    /multipart|boundary|unexpected end|malformed|terminated early|premature close/i.test((err as Error).message ?? '')
  ) {
    throw new DomainError(400, 'malformed_multipart', 'The upload is not well-formed multipart/form-data.');
  }
  throw err;
}
