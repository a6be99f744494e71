import type { Kysely } from 'kysely';

// Frozen in time: never edit after it has shipped; add a new migration instead.
export async function up(db: Kysely<any>): Promise<void> {
  // An event no longer names who receives it: it says what kind of data it carries (its topic), and the
  // hearing policy decides, per watcher and at delivery, who may have it. Older rows keep their
  // {"to": …} audiences; the socket treats anything without a "data" field as the bench's only.
  await db.schema.alterTable('realtime_events').renameColumn('audience', 'topic').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('realtime_events').renameColumn('topic', 'audience').execute();
}
