import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { Database } from '../platform/db/schema.ts';
import { DomainError, ErrorBody } from '../platform/http/errors.ts';
import * as log from './log.service.ts';

const tags = ['record log'];
const rateLimit = { max: 60, timeWindow: '1 minute' };
const Sth = Type.Object({
  treeSize: Type.Integer(),
  rootHash: Type.String(),
  timestamp: Type.String(),
  signed: Type.String({ description: 'The exact text the court signed (canonical JSON)' }),
  signature: Type.String({ description: 'RSA PKCS#1 v1.5 SHA-256 over `signed`, base64' }),
  certificateSha256: Type.String(),
});
const Hex = Type.String({ pattern: '^[0-9a-fA-F]{64}$' });
const emptyLog = () => new DomainError(404, 'empty_log', 'Nothing has been logged yet.');
const noHead = (n: number) => new DomainError(404, 'no_tree_head', `There is no signed tree head of size ${n}.`);

/** The record log, public like a Certificate Transparency log: heads, inclusion and consistency proofs. */
export async function logRoutes(app: FastifyInstance, opts: { db: Kysely<Database> }) {
  const { db } = opts;
  const head = async (size?: number) => {
    const h = size === undefined ? await log.latestHead(db) : await log.headAt(db, size);
    if (!h) throw size === undefined ? emptyLog() : noHead(size);
    return h;
  };

  app.get(
    '/api/log/sth',
    {
      config: { access: 'public', rateLimit },
      schema: { tags, summary: 'The latest signed tree head', response: { 200: Sth, 404: ErrorBody } },
    },
    async () => head(),
  );

  app.get(
    '/api/log/sth/:treeSize',
    {
      config: { access: 'public', rateLimit },
      schema: {
        tags,
        summary: 'The signed tree head of one size (never rewritten)',
        params: Type.Object({ treeSize: Type.String({ pattern: '^[1-9][0-9]{0,12}$' }) }),
        response: { 200: Sth, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (req) => head(Number((req.params as { treeSize: string }).treeSize)),
  );

  app.get(
    '/api/log/inclusion',
    {
      config: { access: 'public', rateLimit },
      schema: {
        tags,
        summary: "Where a file's SHA-256 is in the log, with the audit path to a signed tree head",
        querystring: Type.Object({
          sha256: Hex,
          treeSize: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,12}$' })),
        }),
        response: {
          200: Type.Object({
            leafIndex: Type.Integer(),
            treeSize: Type.Integer(),
            entry: Type.String(),
            kind: Type.String(),
            proof: Type.Array(Type.String()),
            sth: Sth,
          }),
          400: ErrorBody,
          404: ErrorBody,
        },
      },
    },
    async (req) => {
      const q = req.query as { sha256: string; treeSize?: string };
      const sth = await head(q.treeSize === undefined ? undefined : Number(q.treeSize));
      const leaf = (await log.leavesOf(db, q.sha256.toLowerCase())).find((l) => l.index < sth.treeSize);
      if (!leaf) throw new DomainError(404, 'not_logged', 'No file with this SHA-256 is in the record log.');
      return {
        leafIndex: leaf.index,
        treeSize: sth.treeSize,
        entry: leaf.entry,
        kind: leaf.kind,
        proof: await log.inclusion(db, leaf.index, sth.treeSize),
        sth,
      };
    },
  );

  app.get(
    '/api/log/consistency',
    {
      config: { access: 'public', rateLimit },
      schema: {
        tags,
        summary: 'That the tree of `first` leaves is a prefix of the tree of `second` leaves',
        querystring: Type.Object({
          first: Type.String({ pattern: '^[1-9][0-9]{0,12}$' }),
          second: Type.String({ pattern: '^[1-9][0-9]{0,12}$' }),
        }),
        response: {
          200: Type.Object({ first: Sth, second: Sth, proof: Type.Array(Type.String()) }),
          400: ErrorBody,
          404: ErrorBody,
        },
      },
    },
    async (req) => {
      const q = req.query as { first: string; second: string };
      const [m, n] = [Number(q.first), Number(q.second)];
      if (m > n) throw new DomainError(400, 'validation', '`first` must not be larger than `second`.');
      const [first, second] = await Promise.all([head(m), head(n)]);
      return { first, second, proof: await log.consistency(db, m, n) };
    },
  );
}
