import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit after it has shipped; add a new migration instead.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('cases')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('court_id', 'uuid', (c) => c.notNull().references('courts.id'))
    .addColumn('number', 'text', (c) => c.notNull().check(sql`length(number) between 1 and 100`))
    .addColumn('caption', 'text', (c) => c.notNull().check(sql`length(caption) between 1 and 500`))
    .addColumn('case_type', 'text', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Case numbers are unique per court, whatever their letter case.
  await sql`create unique index cases_court_number_unique on cases (court_id, lower(number))`.execute(db);

  await db.schema
    .createTable('hearings')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    // Denormalised from the case so every docket query can filter by court without a join.
    .addColumn('court_id', 'uuid', (c) => c.notNull().references('courts.id'))
    .addColumn('case_id', 'uuid', (c) => c.notNull().references('cases.id'))
    .addColumn('courtroom_id', 'uuid', (c) => c.notNull().references('courtrooms.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('scheduled_start', 'timestamptz', (c) => c.notNull())
    .addColumn('scheduled_end', 'timestamptz', (c) => c.notNull())
    .addColumn('judge_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('clerk_id', 'uuid', (c) => c.references('users.id'))
    .addColumn('state', 'text', (c) =>
      c
        .notNull()
        .defaultTo('scheduled')
        .check(sql`state in ('scheduled', 'open', 'in_session', 'recess', 'adjourned', 'cancelled', 'postponed')`),
    )
    .addColumn('public', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('recording_required', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('livekit_room', 'text', (c) => c.notNull().unique())
    // RFC 5545 SEQUENCE of the calendar entry: bumped on every change invitees are told about.
    .addColumn('sequence', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('state_changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('hearings_end_after_start', sql`scheduled_end > scheduled_start`)
    .execute();
  // Docket and overlap queries: by court, judge or courtroom, then time. Overlap checks run under a
  // per-court advisory lock (see hearings.service.ts), which also works on embedded PostgreSQL.
  await db.schema
    .createIndex('hearings_court_start_idx')
    .on('hearings')
    .columns(['court_id', 'scheduled_start'])
    .execute();
  await db.schema
    .createIndex('hearings_judge_start_idx')
    .on('hearings')
    .columns(['judge_id', 'scheduled_start'])
    .execute();
  await db.schema
    .createIndex('hearings_courtroom_start_idx')
    .on('hearings')
    .columns(['courtroom_id', 'scheduled_start'])
    .execute();
  await db.schema.createIndex('hearings_case_idx').on('hearings').column('case_id').execute();

  await db.schema
    .createTable('participants')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('hearing_id', 'uuid', (c) => c.notNull().references('hearings.id'))
    .addColumn('role', 'text', (c) =>
      c.notNull().check(sql`role in ('plaintiff', 'defendant', 'agent', 'witness', 'interpreter', 'observer')`),
    )
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('represents_id', 'uuid', (c) => c.references('participants.id'))
    .addColumn('interprets_for_id', 'uuid', (c) => c.references('participants.id'))
    .addColumn('language', 'text')
    .addColumn('presence', 'text', (c) =>
      c
        .notNull()
        .defaultTo('invited')
        .check(sql`presence in ('invited', 'in_lobby', 'admitted', 'in_consultation', 'left', 'removed')`),
    )
    // SHA-256 of the invite token; the token itself is shown once and never stored.
    .addColumn('invite_token_hash', 'text', (c) => c.unique())
    .addColumn('invite_issued_at', 'timestamptz')
    .addColumn('invite_expires_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('access_code_hash', 'text')
    // The last message prepared for this person, with the link left out, for the clerk to pass on.
    .addColumn('message_text', 'text')
    .addColumn('message_sent_at', 'timestamptz')
    .addColumn('message_delivered', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('first_joined_at', 'timestamptz')
    .addColumn('last_joined_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('participants_agent_represents', sql`role <> 'agent' or represents_id is not null`)
    .addCheckConstraint(
      'participants_interpreter_for',
      sql`role <> 'interpreter' or (interprets_for_id is not null and language is not null)`,
    )
    .execute();
  await db.schema.createIndex('participants_hearing_idx').on('participants').column('hearing_id').execute();

  await db.schema
    .createTable('participant_sessions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    // HMAC-SHA-256 of the cookie's token, keyed with SESSION_SECRET.
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('participant_id', 'uuid', (c) => c.notNull().references('participants.id').onDelete('cascade'))
    .addColumn('hearing_id', 'uuid', (c) => c.notNull().references('hearings.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ip', 'text')
    .execute();
  await db.schema
    .createIndex('participant_sessions_participant_idx')
    .on('participant_sessions')
    .column('participant_id')
    .execute();

  // Failed invite attempts by key ('ip:…' or 'token:…'), shared by every API instance.
  await db.schema
    .createTable('invite_attempts')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('invite_attempts_key_at_idx').on('invite_attempts').columns(['key', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('invite_attempts').execute();
  await db.schema.dropTable('participant_sessions').execute();
  await db.schema.dropTable('participants').execute();
  await db.schema.dropTable('hearings').execute();
  await db.schema.dropTable('cases').execute();
}
