import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { RecordLogHeadTable } from './log.table.ts';
import type { Database } from '../platform/db/schema.ts';
import { canonicalJson } from '../audit/audit.hash.ts';
import { signDetached, type CourtIdentity } from '../record/court-identity.ts';
import { consistencyProof, inclusionProof, leafHash, rootOf } from '../verify/merkle.ts';
import type { SignedTreeHead } from '../verify/log-types.ts';

export type LogKind =
  'transcript.pdf' | 'exhibit.original' | 'exhibit.stamped' | 'recording.file' | 'export.manifest' | 'audit.head';

/** Any number, as long as every appender takes the same one: appends are one at a time. */
const APPEND_LOCK = 7_420_181;

export interface RecordLog {
  identity: CourtIdentity;
  origin: string;
}

type Db = Kysely<Database> | Transaction<Database>;

async function leafHashes(db: Db, size?: number): Promise<Buffer[]> {
  let q = db.selectFrom('record_log_leaves').select('leaf_hash').orderBy('idx');
  if (size !== undefined) q = q.where('idx', '<', size as never);
  return (await q.execute()).map((r) => Buffer.from(r.leaf_hash, 'hex'));
}

function headView(r: Selectable<RecordLogHeadTable>): SignedTreeHead {
  return {
    treeSize: Number(r.tree_size),
    rootHash: r.root_hash,
    timestamp: r.signed_at.toISOString(),
    signed: r.signed,
    signature: r.signature,
    certificateSha256: r.certificate_sha256,
  };
}

/**
 * Appends one sealed item to the log and signs the new tree head, in the caller's transaction: the
 * item and its leaf commit together or not at all. Rows are never changed (triggers refuse it).
 */
export async function append(
  trx: Transaction<Database>,
  log: RecordLog,
  item: { kind: LogKind; sha256: string; ref: string; hearingId: string | null; at: Date },
): Promise<{ index: number; treeSize: number }> {
  await sql`select pg_advisory_xact_lock(${APPEND_LOCK})`.execute(trx);
  const leaves = await leafHashes(trx);
  const index = leaves.length;
  const entry = canonicalJson({
    format: 'gavel-record-log-leaf/1',
    kind: item.kind,
    sha256: item.sha256,
    ref: item.ref,
    at: item.at.toISOString(),
  });
  const hash = leafHash(Buffer.from(entry, 'utf8'));
  await trx
    .insertInto('record_log_leaves')
    .values({
      idx: index,
      kind: item.kind,
      sha256: item.sha256,
      entry,
      leaf_hash: hash.toString('hex'),
      hearing_id: item.hearingId,
    })
    .execute();
  const treeSize = index + 1;
  const root = rootOf([...leaves, hash]).toString('hex');
  const signed = canonicalJson({
    format: 'gavel-record-log-sth/1',
    log: log.origin,
    treeSize,
    rootHash: root,
    timestamp: item.at.toISOString(),
  });
  await trx
    .insertInto('record_log_heads')
    .values({
      tree_size: treeSize,
      root_hash: root,
      signed,
      signature: signDetached(log.identity, Buffer.from(signed, 'utf8')).toString('base64'),
      certificate_sha256: log.identity.fingerprint,
      signed_at: item.at,
    })
    .execute();
  return { index, treeSize };
}

export async function latestHead(db: Db): Promise<SignedTreeHead | null> {
  const r = await db
    .selectFrom('record_log_heads')
    .selectAll()
    .orderBy('tree_size', 'desc')
    .limit(1)
    .executeTakeFirst();
  return r ? headView(r) : null;
}

export async function headAt(db: Db, treeSize: number): Promise<SignedTreeHead | null> {
  const r = await db
    .selectFrom('record_log_heads')
    .selectAll()
    .where('tree_size', '=', treeSize as never)
    .executeTakeFirst();
  return r ? headView(r) : null;
}

/** The leaves logged for a file's SHA-256 (the same file may be logged more than once). */
export async function leavesOf(db: Db, sha256: string) {
  const rows = await db
    .selectFrom('record_log_leaves')
    .select(['idx', 'entry', 'leaf_hash', 'kind'])
    .where('sha256', '=', sha256)
    .orderBy('idx')
    .execute();
  return rows.map((r) => ({ index: Number(r.idx), entry: r.entry, leafHash: r.leaf_hash, kind: r.kind }));
}

/** The audit path of leaf `index` in the tree of `treeSize` leaves. */
export async function inclusion(db: Db, index: number, treeSize: number): Promise<string[]> {
  const leaves = await leafHashes(db, treeSize);
  return inclusionProof(index, leaves).map((h) => h.toString('hex'));
}

export async function consistency(db: Db, first: number, second: number): Promise<string[]> {
  const leaves = await leafHashes(db, second);
  return consistencyProof(first, leaves).map((h) => h.toString('hex'));
}
