import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen in time: never edit after it has shipped; add a new migration instead.
//
// A private consultation starts only when the other side accepts: the asking is kept, with how it
// ended (accepted, declined, withdrawn, lapsed, or cancelled by a change in the hearing).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('consultation_requests')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('hearing_id', 'uuid', (c) => c.notNull().references('hearings.id'))
    .addColumn('requested_by', 'uuid', (c) => c.notNull().references('participants.id'))
    // Everyone it would bring together, the requester included.
    .addColumn('participant_ids', sql`uuid[]`, (c) => c.notNull())
    // The hearing's state when asked: a move of the hearing overtakes the asking.
    .addColumn('hearing_state', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) =>
      c.check(sql`outcome in ('accepted', 'declined', 'withdrawn', 'expired', 'cancelled')`),
    )
    .addColumn('ended_at', 'timestamptz')
    .addColumn('ended_by', 'uuid', (c) => c.references('participants.id'))
    .addColumn('reason', 'text')
    .addColumn('consultation_id', 'uuid', (c) => c.references('consultations.id'))
    .addCheckConstraint(
      'consultation_requests_ended',
      sql`(outcome is null) = (ended_at is null) and ((outcome = 'accepted') = (consultation_id is not null))`,
    )
    .execute();
  // One waiting asking per requester.
  await sql`create unique index consultation_requests_pending_idx on consultation_requests (requested_by)
    where outcome is null`.execute(db);
  await db.schema
    .createIndex('consultation_requests_hearing_idx')
    .on('consultation_requests')
    .column('hearing_id')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('consultation_requests').execute();
}
