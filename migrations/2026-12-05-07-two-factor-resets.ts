import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen in time: never edit after it has shipped; add a new migration instead.
//
// An admin's request to remove a staff member's second factor waits for a second admin's approval or
// for a delay its owner can cancel; notices tell an account's owner, at sign-in, what an admin did to it.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('two_factor_resets')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('court_id', 'uuid', (c) => c.notNull().references('courts.id'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('requested_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull().check(sql`mode in ('approval', 'delay')`))
    .addColumn('takes_effect_at', 'timestamptz')
    .addColumn('approved_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('approved_at', 'timestamptz')
    .addColumn('cancelled_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('cancelled_at', 'timestamptz')
    .addColumn('done_at', 'timestamptz')
    .addCheckConstraint('two_factor_resets_approver', sql`approved_by is null or approved_by <> requested_by`)
    .execute();
  // One open request per account.
  await sql`create unique index two_factor_resets_open_idx on two_factor_resets (user_id)
    where done_at is null and cancelled_at is null`.execute(db);
  await sql`create index two_factor_resets_due_idx on two_factor_resets (takes_effect_at)
    where done_at is null and cancelled_at is null`.execute(db);

  await db.schema
    .createTable('account_notices')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('dismissed_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('account_notices_user_idx').on('account_notices').column('user_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('account_notices').execute();
  await db.schema.dropTable('two_factor_resets').execute();
}
