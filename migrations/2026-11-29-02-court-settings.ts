import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit after it has shipped; add a new migration instead.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('courts')
    // Pre-join rules per language, e.g. {"en": "...", "zh-CN": "..."}.
    .addColumn('rules_text', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('recording_required_default', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('invite_grace_minutes', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(120)
        .check(sql`invite_grace_minutes between 0 and 10080`),
    )
    .addColumn('session_idle_minutes', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(30)
        .check(sql`session_idle_minutes between 5 and 1440`),
    )
    .addColumn('session_absolute_minutes', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(720)
        .check(sql`session_absolute_minutes between 15 and 10080`),
    )
    .addColumn('require_two_factor', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // A retired courtroom keeps its past hearings and takes no new ones.
  await db.schema.alterTable('courtrooms').addColumn('retired_at', 'timestamptz').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('courtrooms').dropColumn('retired_at').execute();
  await db.schema
    .alterTable('courts')
    .dropColumn('rules_text')
    .dropColumn('recording_required_default')
    .dropColumn('invite_grace_minutes')
    .dropColumn('session_idle_minutes')
    .dropColumn('session_absolute_minutes')
    .dropColumn('require_two_factor')
    .dropColumn('updated_at')
    .execute();
}
