import { sql, type Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';

/** Takes a webhook id once: false when it was already taken (a replay). Forgets ids after an hour. */
export async function takeWebhookId(db: Kysely<Database>, id: string, createdAt: Date): Promise<boolean> {
  await db
    .deleteFrom('livekit_webhook_events')
    .where('received_at', '<', sql<Date>`now() - interval '1 hour'`)
    .execute();
  const row = await db
    .insertInto('livekit_webhook_events')
    .values({ id, created_at: createdAt })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Gives an id back when acting on its event failed, so LiveKit's retry is not taken for a replay. */
export async function releaseWebhookId(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('livekit_webhook_events').where('id', '=', id).execute();
}
