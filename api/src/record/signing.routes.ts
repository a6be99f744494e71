import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ErrorBody } from '../platform/http/errors.ts';
import { colonFingerprint, publishedPem, type CourtIdentity } from './court-identity.ts';

const CertificateView = Type.Object({
  pem: Type.String(),
  fingerprint: Type.String({ description: 'SHA-256 of the DER certificate, hex' }),
  fingerprintColons: Type.String(),
  subject: Type.String(),
  notBefore: Type.String({ format: 'date-time' }),
  notAfter: Type.String({ format: 'date-time' }),
});

function view(c: Omit<CourtIdentity['previous'][number], never>) {
  return { ...c, fingerprintColons: colonFingerprint(c.fingerprint) };
}

/** The court's signing certificate, published for anyone who checks a signed record. */
export async function signingRoutes(app: FastifyInstance, opts: { identity: CourtIdentity }) {
  const id = opts.identity;
  const pem = { 'content-type': 'application/x-pem-file', 'cache-control': 'public, max-age=300' };
  // Outside /api: a well-known place any tool can fetch without knowing Gavel's API.
  app.get(
    '/.well-known/gavel/court.pem',
    { config: { access: 'public' }, schema: { hide: true } },
    async (_req, reply) => reply.headers(pem).send(id.certificatePem),
  );
  app.get(
    '/.well-known/gavel/court-certificates.pem',
    { config: { access: 'public' }, schema: { hide: true } },
    async (_req, reply) => reply.headers(pem).send(publishedPem(id)),
  );
  app.get(
    '/api/court-certificate',
    {
      config: { access: 'public' },
      schema: {
        tags: ['record'],
        summary: "The court's record-signing certificate and those it replaced",
        response: {
          200: Type.Object({
            source: Type.Union([Type.Literal('generated'), Type.Literal('pkcs12')]),
            current: CertificateView,
            previous: Type.Array(CertificateView),
          }),
          500: ErrorBody,
        },
      },
    },
    async () => ({
      source: id.source,
      current: view({
        pem: id.certificatePem,
        fingerprint: id.fingerprint,
        subject: id.subject,
        notBefore: id.notBefore,
        notAfter: id.notAfter,
      }),
      previous: id.previous.map(view),
    }),
  );
}
