import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Topic } from './realtime.table.ts';

type Db = Kysely<Database> | Transaction<Database>;

export async function lockStream(trx: Transaction<Database>, stream: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${'realtime:' + stream}, 0))`.execute(trx);
}

export async function lastSeq(db: Db, stream: string): Promise<number> {
  const row = await db
    .selectFrom('realtime_events')
    .select('seq')
    .where('stream', '=', stream)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.seq ?? 0;
}

type NewEvent = { stream: string; seq: number; kind: string; topic: Topic; payload: Record<string, unknown> };

export async function insertEvents(db: Db, events: NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db
    .insertInto('realtime_events')
    .values(events.map((e) => ({ ...e, topic: JSON.stringify(e.topic), payload: JSON.stringify(e.payload) })))
    .execute();
}

export function eventsAfter(db: Db, stream: string, afterSeq: number, limit: number) {
  return db
    .selectFrom('realtime_events')
    .select(['stream', 'seq', 'kind', 'topic', 'payload', 'created_at'])
    .where('stream', '=', stream)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
}

export async function notify(db: Db, channel: string, payload: string): Promise<void> {
  await sql`select pg_notify(${channel}, ${payload})`.execute(db);
}
