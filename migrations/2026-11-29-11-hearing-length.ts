import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit after it has shipped; add a new migration instead.
export async function up(db: Kysely<any>): Promise<void> {
  // The service always refused sittings longer than a week; the table now says so too, which lets the
  // docket bound its index scan from below (hearings.repository.ts MAX_HEARING_HOURS).
  await db.schema
    .alterTable('hearings')
    .addCheckConstraint('hearings_at_most_a_week', sql`scheduled_end - scheduled_start <= interval '168 hours'`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('hearings').dropConstraint('hearings_at_most_a_week').execute();
}
