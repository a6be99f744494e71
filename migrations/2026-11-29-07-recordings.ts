import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit after it has shipped; add a new migration instead.
export async function up(db: Kysely<any>): Promise<void> {
  // The official recording of a hearing: one row per LiveKit Egress, its state kept from webhooks.
  await db.schema
    .createTable('recordings')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('hearing_id', 'uuid', (c) => c.notNull().references('hearings.id'))
    .addColumn('egress_id', 'text', (c) => c.notNull().unique())
    .addColumn('room', 'text', (c) => c.notNull().check(sql`room not like 'consult-%'`))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('starting', 'active', 'ending', 'complete', 'failed', 'aborted')`),
    )
    // Null: Gavel started it (the hearing requires recording, or it was adopted after a restart).
    .addColumn('started_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('output', 'text', (c) => c.notNull().check(sql`output in ('file', 's3')`))
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('ended_at', 'timestamptz')
    // file: the path on the egress host; s3: the object key in S3_BUCKET.
    .addColumn('file_location', 'text')
    .addColumn('size_bytes', 'bigint')
    .addColumn('duration_ms', 'bigint')
    .addColumn('error', 'text')
    // Set when the bench was alerted that it stopped while the hearing was in session.
    .addColumn('interrupted_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('recordings_hearing_idx')
    .on('recordings')
    .columns(['hearing_id', 'started_at'])
    .execute();

  // The transcript (the record builds on it); for now Gavel's own procedural notes.
  await db.schema
    .createTable('transcript_entries')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('hearing_id', 'uuid', (c) => c.notNull().references('hearings.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('speaker', 'text', (c) => c.notNull())
    .addColumn('spoken_at', 'timestamptz', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull().check(sql`length(text) between 1 and 20000`))
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('clerk', 'captions', 'import', 'procedural')`))
    // Null: written by Gavel itself.
    .addColumn('author_id', 'uuid', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('transcript_entries_hearing_seq', ['hearing_id', 'seq'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('transcript_entries').execute();
  await db.schema.dropTable('recordings').execute();
}
