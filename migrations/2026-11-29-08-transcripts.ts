import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit after it has shipped; add a new migration instead.
export async function up(db: Kysely<any>): Promise<void> {
  // The speaker as a participant of the hearing, when the label names one.
  await db.schema
    .alterTable('transcript_entries')
    .addColumn('speaker_participant_id', 'uuid', (c) => c.references('participants.id'))
    .execute();

  // A correction keeps the earlier text, who changed it, when and why.
  await db.schema
    .createTable('transcript_corrections')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('entry_id', 'uuid', (c) => c.notNull().references('transcript_entries.id'))
    .addColumn('previous_text', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull().check(sql`length(reason) between 1 and 2000`))
    .addColumn('corrected_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('corrected_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('transcript_corrections_entry_idx')
    .on('transcript_corrections')
    .column('entry_id')
    .execute();

  // A sealed version: the canonical record it hashed, and the PDF rendered from it.
  await db.schema
    .createTable('transcript_seals')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('hearing_id', 'uuid', (c) => c.notNull().references('hearings.id'))
    .addColumn('version', 'integer', (c) => c.notNull().check(sql`version >= 1`))
    .addColumn('supersedes_id', 'uuid', (c) => c.references('transcript_seals.id'))
    .addColumn('sha256', 'text', (c) =>
      c
        .notNull()
        .unique()
        .check(sql`sha256 ~ '^[0-9a-f]{64}$'`),
    )
    .addColumn('pdf_sha256', 'text', (c) =>
      c
        .notNull()
        .unique()
        .check(sql`pdf_sha256 ~ '^[0-9a-f]{64}$'`),
    )
    .addColumn('pdf', 'bytea', (c) => c.notNull())
    .addColumn('record', 'jsonb', (c) => c.notNull())
    .addColumn('audit_seq', 'integer', (c) => c.notNull())
    .addColumn('audit_head', 'text', (c) => c.notNull())
    .addColumn('pages', 'integer', (c) => c.notNull())
    .addColumn('sealed_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('sealed_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('transcript_seals_hearing_version', ['hearing_id', 'version'])
    .execute();

  // Review by the parties: a signature (typed full name) or an objection, bound to one seal.
  await db.schema
    .createTable('transcript_signatures')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('seal_id', 'uuid', (c) => c.notNull().references('transcript_seals.id'))
    .addColumn('participant_id', 'uuid', (c) => c.notNull().references('participants.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('signature', 'objection')`))
    .addColumn('full_name', 'text')
    .addColumn('text', 'text')
    .addColumn('audit_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      'transcript_signatures_shape',
      sql`(kind = 'signature' and full_name is not null and text is null) or (kind = 'objection' and text is not null and full_name is null)`,
    )
    .execute();
  await sql`create unique index transcript_signatures_once on transcript_signatures (seal_id, participant_id) where kind = 'signature'`.execute(
    db,
  );

  // Nothing in the record is deleted; a sealed version, a correction or a signature never changes.
  await sql`
    create function transcript_refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception 'the record is append-only: % on % refused', tg_op, tg_table_name;
    end $$`.execute(db);
  for (const [table, ops] of [
    ['transcript_entries', 'delete'],
    ['transcript_corrections', 'update or delete'],
    ['transcript_seals', 'update or delete'],
    ['transcript_signatures', 'update or delete'],
  ] as const) {
    await sql
      .raw(
        `create trigger ${table}_append_only before ${ops} on ${table} for each row execute function transcript_refuse_change()`,
      )
      .execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger transcript_entries_append_only on transcript_entries`.execute(db);
  await db.schema.dropTable('transcript_signatures').execute();
  await db.schema.dropTable('transcript_seals').execute();
  await db.schema.dropTable('transcript_corrections').execute();
  await sql`drop function transcript_refuse_change()`.execute(db);
  await db.schema.alterTable('transcript_entries').dropColumn('speaker_participant_id').execute();
}
