import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { Database } from '../platform/db/schema.ts';
import * as recordLog from '../record-log/log.service.ts';
import { checkPdfSignatureFile } from '../verify/pdf-signature.ts';
import { leafHash, verifyInclusion } from '../verify/merkle.ts';
import type { CourtIdentity } from './court-identity.ts';

/** What the court's own signature and log say about an uploaded PDF, beside the database's answer. */
export const Evidence = {
  courtSignature: Type.Optional(
    Type.Object({
      valid: Type.Boolean(),
      wholeDocument: Type.Boolean(),
      /** Signed with this court's current or a retired certificate. */
      byThisCourt: Type.Boolean(),
      certificateSha256: Type.Union([Type.String(), Type.Null()]),
      subject: Type.Union([Type.String(), Type.Null()]),
      problem: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  log: Type.Optional(
    Type.Union([
      Type.Object({
        leafIndex: Type.Integer(),
        treeSize: Type.Integer(),
        rootHash: Type.String(),
        timestamp: Type.String(),
        /** The audit path was recomputed here and leads to the signed root. */
        verified: Type.Boolean(),
      }),
      Type.Null(),
    ]),
  ),
};

export async function pdfEvidence(
  db: Kysely<Database>,
  identity: CourtIdentity,
  /** The uploaded PDF's file, when there is one: its signature is checked there, in bounded memory. */
  pdfFile: string | null,
  sha256: string,
) {
  const court = new Set([identity.fingerprint, ...identity.previous.map((p) => p.fingerprint)]);
  let courtSignature;
  if (pdfFile) {
    const c = await checkPdfSignatureFile(pdfFile);
    const fp = c.certificate ? createHash('sha256').update(c.certificate.raw).digest('hex') : null;
    courtSignature = {
      valid: c.ok,
      wholeDocument: c.wholeDocument,
      byThisCourt: fp !== null && court.has(fp),
      certificateSha256: fp,
      subject: c.certificate ? c.certificate.subject.replace(/\n/g, ', ') : null,
      problem: c.problem ?? null,
    };
  }
  const sth = await recordLog.latestHead(db);
  const leaf = sth ? (await recordLog.leavesOf(db, sha256)).find((l) => l.index < sth.treeSize) : undefined;
  let log = null;
  if (sth && leaf) {
    const proof = await recordLog.inclusion(db, leaf.index, sth.treeSize);
    log = {
      leafIndex: leaf.index,
      treeSize: sth.treeSize,
      rootHash: sth.rootHash,
      timestamp: sth.timestamp,
      verified: verifyInclusion(
        leaf.index,
        sth.treeSize,
        leafHash(Buffer.from(leaf.entry, 'utf8')),
        proof.map((h) => Buffer.from(h, 'hex')),
        Buffer.from(sth.rootHash, 'hex'),
      ),
    };
  }
  return { ...(courtSignature ? { courtSignature } : {}), log };
}
