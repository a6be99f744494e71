import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit after it has shipped; add a new migration instead.
export async function up(db: Kysely<any>): Promise<void> {
  // The record log: a Merkle tree (RFC 9162) of everything sealed, and the tree heads signed over it.
  await db.schema
    .createTable('record_log_leaves')
    .addColumn('idx', 'bigint', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    // The exact bytes hashed into the leaf (canonical JSON): anyone holding them recomputes the leaf hash.
    .addColumn('entry', 'text', (c) => c.notNull())
    .addColumn('leaf_hash', 'text', (c) => c.notNull())
    .addColumn('hearing_id', 'uuid')
    .addColumn('appended_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('record_log_leaves_sha256').on('record_log_leaves').column('sha256').execute();
  await db.schema
    .createTable('record_log_heads')
    .addColumn('tree_size', 'bigint', (c) => c.primaryKey())
    .addColumn('root_hash', 'text', (c) => c.notNull())
    .addColumn('signed', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .addColumn('certificate_sha256', 'text', (c) => c.notNull())
    .addColumn('signed_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`
    create function record_log_refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception 'the record log is append-only: % on % refused', tg_op, tg_table_name;
    end $$`.execute(db);
  for (const table of ['record_log_leaves', 'record_log_heads']) {
    await sql
      .raw(
        `create trigger ${table}_append_only before update or delete on ${table} for each row execute function record_log_refuse_change()`,
      )
      .execute(db);
    await sql
      .raw(
        `create trigger ${table}_no_truncate before truncate on ${table} for each statement execute function record_log_refuse_change()`,
      )
      .execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('record_log_heads').execute();
  await db.schema.dropTable('record_log_leaves').execute();
  await sql`drop function record_log_refuse_change()`.execute(db);
}
