import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen in time: never edit after it has shipped; add a new migration instead.
//
// LiveKit webhook ids already acted on: a replayed event (a captured request sent again) is refused.
// Events older than five minutes are refused anyway, so an hour of ids is plenty.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('livekit_webhook_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('livekit_webhook_events_received_idx')
    .on('livekit_webhook_events')
    .column('received_at')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('livekit_webhook_events').execute();
}
