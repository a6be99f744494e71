import type { Kysely } from 'kysely';

// Frozen in time: never edit after it has shipped; add a new migration instead.
//
// The first page of a sealed PDF as a PNG, drawn when it is sealed, for the public verification page.
// Seals made before this have none (the seal's row is append-only, so it is not filled in later).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('transcript_seals').addColumn('first_page_png', 'bytea').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('transcript_seals').dropColumn('first_page_png').execute();
}
