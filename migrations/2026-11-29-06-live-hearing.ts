import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit after it has shipped; add a new migration instead.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('participants')
    // Parties and agents share their screen only while the judge allows it (the grant table).
    .addColumn('screen_share_allowed', 'boolean', (c) => c.notNull().defaultTo(false))
    // Whether LiveKit last said this participant is connected to the hearing's room (webhooks).
    .addColumn('media_connected', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();

  // Chat is kept in Gavel (not LiveKit data) so it is part of what the court holds.
  await db.schema
    .createTable('chat_messages')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('hearing_id', 'uuid', (c) => c.notNull().references('hearings.id'))
    .addColumn('sender_kind', 'text', (c) => c.notNull().check(sql`sender_kind in ('staff', 'participant')`))
    .addColumn('sender_user_id', 'uuid', (c) => c.references('users.id'))
    .addColumn('sender_participant_id', 'uuid', (c) => c.references('participants.id'))
    .addColumn('sender_name', 'text', (c) => c.notNull())
    .addColumn('sender_role', 'text', (c) => c.notNull())
    .addColumn('recipients', 'text', (c) => c.notNull().check(sql`recipients in ('all', 'bench')`))
    .addColumn('text', 'text', (c) => c.notNull().check(sql`length(text) between 1 and 2000`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      'chat_messages_one_sender',
      sql`(sender_kind = 'staff') = (sender_user_id is not null) and (sender_kind = 'participant') = (sender_participant_id is not null)`,
    )
    .execute();
  await db.schema
    .createIndex('chat_messages_hearing_idx')
    .on('chat_messages')
    .columns(['hearing_id', 'created_at'])
    .execute();

  // A private consultation: a party and their own agent(s) in a LiveKit room of their own.
  await db.schema
    .createTable('consultations')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('hearing_id', 'uuid', (c) => c.notNull().references('hearings.id'))
    // Always consult-<uuid>: recording refuses any room named so.
    .addColumn('room', 'text', (c) =>
      c
        .notNull()
        .unique()
        .check(sql`room like 'consult-%'`),
    )
    .addColumn('opened_by', 'uuid', (c) => c.notNull().references('participants.id'))
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('closed_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('consultations_hearing_idx').on('consultations').column('hearing_id').execute();

  await db.schema
    .createTable('consultation_members')
    .addColumn('consultation_id', 'uuid', (c) => c.notNull().references('consultations.id'))
    .addColumn('participant_id', 'uuid', (c) => c.notNull().references('participants.id'))
    .addColumn('left_at', 'timestamptz')
    .addPrimaryKeyConstraint('consultation_members_pk', ['consultation_id', 'participant_id'])
    .execute();
  await db.schema
    .createIndex('consultation_members_participant_idx')
    .on('consultation_members')
    .column('participant_id')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('consultation_members').execute();
  await db.schema.dropTable('consultations').execute();
  await db.schema.dropTable('chat_messages').execute();
  await db.schema.alterTable('participants').dropColumn('media_connected').dropColumn('screen_share_allowed').execute();
}
