import { X509Certificate, createHash, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { testApp } from '../../test/app.ts';
import { leafHash, verifyConsistency, verifyInclusion } from '../verify/merkle.ts';
import type { SignedTreeHead } from '../verify/log-types.ts';
import * as log from './log.service.ts';

let t: TestDatabase;
let app: FastifyInstance;
let cert: X509Certificate;
const items = Array.from({ length: 11 }, (_, i) => createHash('sha256').update(`sealed item ${i}`).digest('hex'));

beforeAll(async () => {
  t = await createTestDatabase();
  app = await testApp(t.db);
  cert = new X509Certificate(app.courtIdentity.certificatePem);
});
afterAll(async () => {
  await app.close();
  await t.drop();
});

const get = async <T>(url: string, status = 200) => {
  const res = await app.inject({ method: 'GET', url });
  expect(res.statusCode, res.body).toBe(status);
  return res.json<T>();
};
const checkHead = (sth: SignedTreeHead) => {
  expect(verify('sha256', Buffer.from(sth.signed, 'utf8'), cert.publicKey, Buffer.from(sth.signature, 'base64'))).toBe(
    true,
  );
  expect(JSON.parse(sth.signed)).toMatchObject({
    treeSize: sth.treeSize,
    rootHash: sth.rootHash,
    log: 'http://gavel.test',
  });
  expect(sth.certificateSha256).toBe(app.courtIdentity.fingerprint);
};

describe('the record log', () => {
  it('is empty at first', async () => {
    expect((await get<{ error: { code: string } }>('/api/log/sth', 404)).error.code).toBe('empty_log');
  });

  it('signs a new tree head for every item appended, and proves each item in every later head', async () => {
    const identity = { identity: app.courtIdentity, origin: 'http://gavel.test' };
    for (const [i, sha256] of items.entries()) {
      const r = await t.db.transaction().execute((trx) =>
        log.append(trx, identity, {
          kind: 'transcript.pdf',
          sha256,
          ref: `item:${i}`,
          hearingId: null,
          at: new Date(),
        }),
      );
      expect(r).toEqual({ index: i, treeSize: i + 1 });
    }
    const sth = await get<SignedTreeHead>('/api/log/sth');
    expect(sth.treeSize).toBe(items.length);
    checkHead(sth);
    for (const [i, sha256] of items.entries()) {
      for (const size of [i + 1, items.length]) {
        const p = await get<{ leafIndex: number; entry: string; proof: string[]; sth: SignedTreeHead }>(
          `/api/log/inclusion?sha256=${sha256}&treeSize=${size}`,
        );
        checkHead(p.sth);
        expect(JSON.parse(p.entry)).toMatchObject({ sha256, kind: 'transcript.pdf' });
        const leaf = leafHash(Buffer.from(p.entry, 'utf8'));
        const proof = p.proof.map((h) => Buffer.from(h, 'hex'));
        expect(verifyInclusion(p.leafIndex, size, leaf, proof, Buffer.from(p.sth.rootHash, 'hex'))).toBe(true);
      }
    }
  });

  it('proves every earlier head consistent with the latest', async () => {
    for (let m = 1; m <= items.length; m++) {
      const c = await get<{ first: SignedTreeHead; second: SignedTreeHead; proof: string[] }>(
        `/api/log/consistency?first=${m}&second=${items.length}`,
      );
      const ok = verifyConsistency(
        m,
        items.length,
        c.proof.map((h) => Buffer.from(h, 'hex')),
        Buffer.from(c.first.rootHash, 'hex'),
        Buffer.from(c.second.rootHash, 'hex'),
      );
      expect(ok, `${m}`).toBe(true);
    }
  });

  it('answers clear 4xx for what it does not hold', async () => {
    expect(
      (await get<{ error: { code: string } }>(`/api/log/inclusion?sha256=${'0'.repeat(64)}`, 404)).error.code,
    ).toBe('not_logged');
    expect((await get<{ error: { code: string } }>('/api/log/sth/999', 404)).error.code).toBe('no_tree_head');
    await get('/api/log/inclusion?sha256=xyz', 400);
    await get('/api/log/consistency?first=5&second=2', 400);
    await get('/api/log/sth/0', 400);
  });

  it('refuses to change or remove a leaf or a signed tree head, even by SQL', async () => {
    await expect(t.db.updateTable('record_log_leaves').set({ sha256: 'x' }).execute()).rejects.toThrow(/append-only/);
    await expect(t.db.deleteFrom('record_log_heads').execute()).rejects.toThrow(/append-only/);
    await expect(t.db.updateTable('record_log_heads').set({ root_hash: 'x' }).execute()).rejects.toThrow(/append-only/);
    const { sql } = await import('kysely');
    await expect(sql`truncate record_log_leaves`.execute(t.db)).rejects.toThrow(/append-only/);
    expect((await get<SignedTreeHead>('/api/log/sth')).treeSize).toBe(items.length);
  });
});
