import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import type { AuditEventRow } from './audit.table.ts';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Serialises appends to one stream for the rest of the caller's transaction, and reads its last event
 * as committed once the lock is held (one round trip: the database function takes the lock, then
 * reads with a fresh snapshot).
 */
export async function lockAndReadHead(db: Transaction<Database>, stream: string) {
  const { rows } = await sql<{ seq: number; hash: string }>`select seq, hash from audit_lock_head(${stream})`.execute(
    db,
  );
  return rows[0];
}

export async function lastEvent(db: Db, stream: string) {
  return db
    .selectFrom('audit_events')
    .select(['seq', 'hash'])
    .where('stream', '=', stream)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function insertEvent(
  db: Db,
  row: Omit<AuditEventRow, 'id' | 'payload'> & { payload: string },
): Promise<string> {
  const { id } = await db.insertInto('audit_events').values(row).returning('id').executeTakeFirstOrThrow();
  return id;
}

export async function eventsOfStream(db: Db, stream: string, afterSeq = 0, limit = 1000) {
  return db
    .selectFrom('audit_events')
    .selectAll()
    .where('stream', '=', stream)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
}

export async function streams(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('audit_events').select('stream').distinct().orderBy('stream').execute();
  return rows.map((r) => r.stream);
}
