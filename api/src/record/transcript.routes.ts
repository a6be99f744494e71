import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DomainError, ErrorBody } from '../platform/http/errors.ts';
import { IdParams } from '../scheduling/hearings.schema.ts';
import { EmptyBody } from '../invitations/participants.schema.ts';
import type { TranscriptService } from './transcript.service.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import { identityOf, resolveHearingCaller } from '../courtroom/hearing-caller.ts';
import { parseWebVtt } from './webvtt.ts';
import { PDF_CSP } from '../platform/http/content-disposition.ts';
import { receiveUpload, tooLarge, type VerifySlots, type VerifyUpload } from './verify-upload.ts';
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

/** What the court's signature and record log say of a PDF (its file, when uploaded) or of its SHA-256. */
type EvidenceOf = (pdfFile: string | null, pdfSha256: string) => Promise<Record<string, unknown>>;

interface TranscriptRouteOptions {
  db: Kysely<Database>;
  transcripts: TranscriptService;
  evidence?: EvidenceOf;
  /** Where uploads to verify are written while they are checked, and how many may run at once. */
  verifyUploads: { dir: string; slots: VerifySlots };
}

/** The record: entries, corrections, import, seal, the sealed PDF, the parties' review, verification. */
export const transcriptRoutes: FastifyPluginAsync<TranscriptRouteOptions> = async (
  fastify,
  { db, transcripts, evidence, verifyUploads },
) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['transcripts'];
  app.addContentTypeParser('text/vtt', { parseAs: 'string', bodyLimit: VTT_LIMIT }, (_req, body, done) =>
    done(null, body),
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
    async (request) =>
      transcripts.transcript(transcripts.reader(await resolveHearingCaller(db, request, request.params.id))),
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
      const b = transcripts.bench(await resolveHearingCaller(db, request, request.params.id));
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
      transcripts.correct(
        transcripts.bench(await resolveHearingCaller(db, request, request.params.id)),
        request.params.eid,
        request.body,
      ),
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
      const b = transcripts.bench(await resolveHearingCaller(db, request, request.params.id));
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
      const b = transcripts.bench(await resolveHearingCaller(db, request, request.params.id), 'record.seal');
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
    async (request) =>
      transcripts.signatures(transcripts.reader(await resolveHearingCaller(db, request, request.params.id))),
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
      const { seal } = await transcripts.sealFor(identityOf(request), request.params.sealId);
      const file = await transcripts.pdf(seal.id);
      return (
        reply
          .header('content-type', 'application/pdf')
          .header(
            'content-disposition',
            `attachment; filename="transcript-v${file.version}-${seal.sha256.slice(0, 12)}.pdf"`,
          )
          .header('cache-control', 'private, no-store')
          // A download; should a browser still open it, it runs nothing from Gavel's origin.
          .header('content-security-policy', PDF_CSP)
          .send(file.pdf)
      );
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
        await transcripts.review(identityOf(request), request.params.sealId, {
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
      reply.code(201).send(
        await transcripts.review(identityOf(request), request.params.sealId, {
          kind: 'objection',
          text: request.body.text,
        }),
      ),
  );

  // In a context of its own: only this route streams application/pdf bodies to disk.
  await app.register(async (child) => {
    const files = new WeakMap<FastifyRequest, string>();
    const releases = new WeakMap<FastifyRequest, () => void>();
    const slots = verifyUploads.slots;
    const PDF_TYPES = ['application/pdf', 'application/octet-stream'];
    // Hashed and written to a temporary file as it arrives; never held whole in memory.
    child.addContentTypeParser(PDF_TYPES, async (request: FastifyRequest, payload: Readable) => {
      const declared = Number(request.headers['content-length']);
      if (declared > PDF_LIMIT) throw tooLarge(PDF_LIMIT);
      return receiveUpload(payload, verifyUploads.dir, PDF_LIMIT, (path) => files.set(request, path));
    });
    const cleanUp = async (request: FastifyRequest) => {
      const path = files.get(request);
      files.delete(request);
      if (path) await rm(path, { force: true });
    };
    child.withTypeProvider<TypeBoxTypeProvider>().post(
      '/api/verify',
      {
        config: { access: 'public', checkOrigin: false, rateLimit: verifyLimit },
        bodyLimit: PDF_LIMIT,
        // A slot before the body is read; given back, and the file removed, however the request ends.
        onRequest: async (request, reply) => {
          const release = slots.take();
          releases.set(request, release);
          reply.raw.once('close', () => {
            release();
            void cleanUp(request);
          });
        },
        onResponse: async (request) => {
          releases.get(request)?.();
          await cleanUp(request);
        },
        schema: {
          tags,
          summary: `Is this PDF (the request body, application/pdf, at most ${PDF_LIMIT / 1024 / 1024} MB) a sealed Gavel transcript? Public, rate limited; at most VERIFY_CONCURRENCY at once per server (else 503 busy with Retry-After)`,
          response: { 200: Verification, ...transcriptErrors, 503: ErrorBody },
        },
      },
      async (request) => {
        const upload = request.body as VerifyUpload | undefined;
        try {
          if (!upload || typeof upload !== 'object' || !('sha256' in upload) || upload.size === 0)
            throw new DomainError(415, 'unsupported_media_type', 'Send the PDF itself as application/pdf.');
          const answer = await transcripts.verify(upload.sha256);
          if (!evidence) return answer;
          return { ...answer, ...(await evidence(upload.path, upload.sha256)) };
        } finally {
          await cleanUp(request);
        }
      },
    );
  });

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
    async (request) => {
      const answer = await transcripts.verify(request.params.sha256);
      if (!evidence || !answer.match) return answer;
      return { ...answer, ...(await evidence(null, answer.pdfSha256)) };
    },
  );

  app.get(
    '/api/verify/:sha256/first-page.png',
    {
      config: { access: 'public', rateLimit: verifyLimit },
      schema: {
        tags,
        summary:
          'The first page of a sealed transcript as drawn when it was sealed (PNG), by the PDF’s or the seal’s SHA-256, to compare a printout with. Public, rate limited; 404 when no seal has the hash or it has no image',
        params: HashParams,
        response: {
          200: Type.Unsafe<unknown>({ type: 'string', format: 'binary', description: 'image/png' }),
          400: ErrorBody,
          404: ErrorBody,
          429: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const png = await transcripts.firstPage(request.params.sha256);
      if (!png) throw new DomainError(404, 'not_found', 'No sealed transcript with this hash has a first-page image.');
      return reply
        .header('content-type', 'image/png')
        .header('content-disposition', 'inline; filename="first-page.png"')
        .header('cache-control', 'private, max-age=3600')
        .send(png);
    },
  );
};
