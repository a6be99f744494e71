import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DomainError, ErrorBody } from '../http/errors.ts';
import { IdParams } from '../hearings/hearings.schema.ts';
import { EmptyBody } from '../participants/participants.schema.ts';
import type { TranscriptService } from './transcript.service.ts';
import { parseWebVtt } from './webvtt.ts';
import {
  CorrectionBody,
  EntryAnswer,
  EntryParams,
  HashParams,
  ImportAnswer,
  ImportBody,
  ImportQuery,
  NewEntryBody,
  ObjectionBody,
  SealAnswer,
  SealParams,
  SignatureAnswer,
  SignatureBody,
  SignatureList,
  TranscriptView,
  Verification,
  transcriptErrors,
} from './transcript.schema.ts';

const PDF_LIMIT = 50 * 1024 * 1024;
const VTT_LIMIT = 5 * 1024 * 1024;
const verifyLimit = { max: 30, timeWindow: '1 minute' };

/** The record: entries, corrections, import, seal, the sealed PDF, the parties' review, verification. */
export const transcriptRoutes: FastifyPluginAsync<{ transcripts: TranscriptService }> = async (
  fastify,
  { transcripts },
) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['transcripts'];
  app.addContentTypeParser('text/vtt', { parseAs: 'string', bodyLimit: VTT_LIMIT }, (_req, body, done) =>
    done(null, body),
  );
  app.addContentTypeParser(
    ['application/pdf', 'application/octet-stream'],
    { parseAs: 'buffer', bodyLimit: PDF_LIMIT },
    (_req, body, done) => done(null, body),
  );

  app.get(
    '/api/hearings/:id/transcript',
    {
      config: { access: 'participant', orStaff: true },
      schema: {
        tags,
        summary:
          'The record: entries (with correction history for staff), the draft and the sealed versions. Bench of the hearing, clerks and admins of its court, its parties and agents',
        params: IdParams,
        response: { 200: TranscriptView, ...transcriptErrors },
      },
    },
    async (request) => transcripts.transcript(await transcripts.reader(request, request.params.id)),
  );

  app.post(
    '/api/hearings/:id/transcript/entries',
    {
      config: { access: ['judge', 'clerk'] },
      schema: {
        tags,
        summary: 'Add an entry to the record (the judge or clerk of the hearing); pushed as transcript.entry',
        params: IdParams,
        body: NewEntryBody,
        response: { 201: EntryAnswer, ...transcriptErrors },
      },
    },
    async (request, reply) => {
      const b = await transcripts.bench(request, request.params.id);
      return reply.code(201).send(await transcripts.addEntry(b, request.body));
    },
  );

  app.patch(
    '/api/hearings/:id/transcript/entries/:eid',
    {
      config: { access: ['judge', 'clerk'] },
      schema: {
        tags,
        summary: 'Correct an entry with a reason; the earlier text is kept (the judge or clerk of the hearing)',
        params: EntryParams,
        body: CorrectionBody,
        response: { 200: EntryAnswer, ...transcriptErrors },
      },
    },
    async (request) =>
      transcripts.correct(await transcripts.bench(request, request.params.id), request.params.eid, request.body),
  );

  app.post(
    '/api/hearings/:id/transcript/import',
    {
      config: { access: ['judge', 'clerk'] },
      bodyLimit: VTT_LIMIT,
      schema: {
        tags,
        summary:
          'Import caption or speech-to-text segments: JSON [{speaker, start, text}] (start in seconds from `origin`, or an instant) or a text/vtt WebVTT body',
        params: IdParams,
        querystring: ImportQuery,
        body: Type.Union([ImportBody, Type.String({ maxLength: VTT_LIMIT })]),
        response: { 201: ImportAnswer, ...transcriptErrors },
      },
    },
    async (request, reply) => {
      const b = await transcripts.bench(request, request.params.id);
      const body = request.body;
      let segments;
      if (typeof body === 'string') {
        if (!request.headers['content-type']?.startsWith('text/vtt'))
          throw new DomainError(400, 'validation', 'Send segments as a JSON array, or a WebVTT file as text/vtt.');
        segments = parseWebVtt(body);
      } else segments = body;
      return reply.code(201).send(await transcripts.import(b, segments, request.query));
    },
  );

  app.post(
    '/api/hearings/:id/transcript/seal',
    {
      config: { access: ['clerk'] },
      schema: {
        tags,
        summary: 'Seal the record as the next version and render its PDF (the clerk of the hearing, after adjournment)',
        params: IdParams,
        body: EmptyBody,
        response: { 201: SealAnswer, ...transcriptErrors },
      },
    },
    async (request, reply) => {
      const b = await transcripts.bench(request, request.params.id, 'record.seal');
      return reply.code(201).send(await transcripts.seal(b));
    },
  );

  app.get(
    '/api/hearings/:id/transcript/signatures',
    {
      config: { access: 'participant', orStaff: true },
      schema: {
        tags,
        summary: 'Signatures and objections of the parties, per sealed version (as the transcript)',
        params: IdParams,
        response: { 200: SignatureList, ...transcriptErrors },
      },
    },
    async (request) => transcripts.signatures(await transcripts.reader(request, request.params.id)),
  );

  app.get(
    '/api/transcripts/:sealId/pdf',
    {
      config: { access: 'participant', orStaff: true },
      schema: {
        tags,
        summary: 'The sealed PDF (bench of the hearing, clerks and admins of its court, its parties and agents)',
        params: SealParams,
        response: {
          200: Type.Unsafe<unknown>({ type: 'string', format: 'binary', description: 'application/pdf' }),
          ...transcriptErrors,
        },
      },
    },
    async (request, reply) => {
      const { seal } = await transcripts.sealFor(request, request.params.sealId);
      const file = await transcripts.pdf(seal.id);
      return reply
        .header('content-type', 'application/pdf')
        .header(
          'content-disposition',
          `attachment; filename="transcript-v${file.version}-${seal.sha256.slice(0, 12)}.pdf"`,
        )
        .header('cache-control', 'private, no-store')
        .send(file.pdf);
    },
  );

  app.post(
    '/api/transcripts/:sealId/signatures',
    {
      config: { access: 'participant' },
      schema: {
        tags,
        summary: 'Sign that you reviewed this sealed version: typed full name and confirmation (a party or agent)',
        params: SealParams,
        body: SignatureBody,
        response: { 201: SignatureAnswer, ...transcriptErrors },
      },
    },
    async (request, reply) =>
      reply.code(201).send(
        await transcripts.review(request, request.params.sealId, {
          kind: 'signature',
          fullName: request.body.fullName,
        }),
      ),
  );

  app.post(
    '/api/transcripts/:sealId/objections',
    {
      config: { access: 'participant' },
      schema: {
        tags,
        summary: 'Object to this sealed version, with the objection’s text (a party or agent)',
        params: SealParams,
        body: ObjectionBody,
        response: { 201: SignatureAnswer, ...transcriptErrors },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await transcripts.review(request, request.params.sealId, { kind: 'objection', text: request.body.text })),
  );

  app.post(
    '/api/verify',
    {
      config: { access: 'public', checkOrigin: false, rateLimit: verifyLimit },
      bodyLimit: PDF_LIMIT,
      schema: {
        tags,
        summary: 'Is this PDF (the request body, application/pdf) a sealed Gavel transcript? Public, rate limited',
        response: { 200: Verification, ...transcriptErrors },
      },
    },
    async (request) => {
      const body = request.body;
      if (!Buffer.isBuffer(body) || body.length === 0)
        throw new DomainError(415, 'unsupported_media_type', 'Send the PDF itself as application/pdf.');
      return transcripts.verifyPdf(body);
    },
  );

  app.get(
    '/api/verify/:sha256',
    {
      config: { access: 'public', rateLimit: verifyLimit },
      schema: {
        tags,
        summary:
          'Is this SHA-256 (of the PDF, or the seal’s from its QR code) a sealed Gavel transcript? Public, rate limited',
        params: HashParams,
        response: { 200: Verification, 400: ErrorBody, 429: ErrorBody },
      },
    },
    async (request) => transcripts.verify(request.params.sha256),
  );
};
