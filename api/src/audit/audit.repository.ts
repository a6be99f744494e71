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

type NewEvent = Omit<AuditEventRow, 'id' | 'payload'> & { payload: string };

export async function insertEvent(db: Db, row: NewEvent): Promise<string> {
  const { id } = await db.insertInto('audit_events').values(row).returning('id').executeTakeFirstOrThrow();
  return id;
}

/** The event and its stream's signed head in one statement (the head row is created or moved on). */
export async function insertEventAndHead(
  db: Db,
  row: NewEvent,
  head: { seq: number; hash: string; signed_at: Date; key_id: string; signature: string },
): Promise<string> {
  const { id } = await db
    .with('head', (qb) =>
      qb
        .insertInto('audit_heads')
        .values({ stream: row.stream, ...head })
        .onConflict((oc) => oc.column('stream').doUpdateSet(head)),
    )
    .insertInto('audit_events')
    .values(row)
    .returning('id')
    .executeTakeFirstOrThrow();
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
