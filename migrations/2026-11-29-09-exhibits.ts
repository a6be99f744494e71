import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit after it has shipped; add a new migration instead.
export async function up(db: Kysely<any>): Promise<void> {
  // An exhibit put before the court: the original file untouched, and a stamped copy beside it.
  await db.schema
    .createTable('exhibits')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('hearing_id', 'uuid', (c) => c.notNull().references('hearings.id'))
    .addColumn('side', 'text', (c) => c.notNull().check(sql`side in ('plaintiff', 'defendant', 'court')`))
    .addColumn('number', 'integer', (c) => c.notNull().check(sql`number >= 1`))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull().check(sql`length(title) between 1 and 200`))
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) =>
      c.notNull().check(sql`media_type in ('application/pdf', 'image/png', 'image/jpeg')`),
    )
    .addColumn('size_bytes', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull().check(sql`sha256 ~ '^[0-9a-f]{64}$'`))
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('stamped_key', 'text', (c) => c.notNull())
    .addColumn('stamped_sha256', 'text', (c) => c.notNull().check(sql`stamped_sha256 ~ '^[0-9a-f]{64}$'`))
    .addColumn('stamped_size_bytes', 'bigint', (c) => c.notNull())
    .addColumn('pages', 'integer', (c) => c.notNull().check(sql`pages >= 1`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('marked', 'admitted', 'rejected')`))
    // Exactly one submitter: a staff member (the clerk) or a participant (a party or an agent).
    .addColumn('submitted_by_user_id', 'uuid', (c) => c.references('users.id'))
    .addColumn('submitted_by_participant_id', 'uuid', (c) => c.references('participants.id'))
    .addColumn('submitted_by_name', 'text', (c) => c.notNull())
    .addColumn('marked_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('ruled_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('ruled_at', 'timestamptz')
    .addUniqueConstraint('exhibits_hearing_side_number', ['hearing_id', 'side', 'number'])
    .addCheckConstraint(
      'exhibits_one_submitter',
      sql`(submitted_by_user_id is null) <> (submitted_by_participant_id is null)`,
    )
    .execute();

  // What is on screen in the hearing room now: at most one exhibit per hearing, at one page.
  await db.schema
    .createTable('exhibit_presentations')
    .addColumn('hearing_id', 'uuid', (c) => c.primaryKey().references('hearings.id'))
    .addColumn('exhibit_id', 'uuid', (c) => c.notNull().references('exhibits.id'))
    .addColumn('page', 'integer', (c) => c.notNull().check(sql`page >= 1`))
    .addColumn('presented_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('exhibit_presentations').execute();
  await db.schema.dropTable('exhibits').execute();
}
