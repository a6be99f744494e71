import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit after it has shipped; add a new migration instead.
//
// The latest event of each audit stream, signed with a key Gavel keeps outside the database
// (DATA_DIR/audit-head-key.pem): removing the tail of a chain no longer leaves a valid chain behind.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_heads')
    .addColumn('stream', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('signed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .execute();
  // Streams whose last event came before this have no head to check.
  await sql`alter table record_hashing add column heads_since timestamptz not null default now()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table record_hashing drop column heads_since`.execute(db);
  await db.schema.dropTable('audit_heads').execute();
}
