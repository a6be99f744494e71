import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit after it has shipped; add a new migration instead.
export async function up(db: Kysely<any>): Promise<void> {
  // What was pushed to clients, per stream (a hearing), numbered so a reconnecting client can ask
  // for what it missed. Not the record: the audit trail is.
  await db.schema
    .createTable('realtime_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('stream', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull().check(sql`seq >= 1`))
    .addColumn('kind', 'text', (c) => c.notNull())
    // {"to":"all"} | {"to":"staff"} | {"to":"participants","ids":[...]} (staff always see everything)
    .addColumn('audience', 'jsonb', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('realtime_events_stream_seq_unique', ['stream', 'seq'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('realtime_events').execute();
}
