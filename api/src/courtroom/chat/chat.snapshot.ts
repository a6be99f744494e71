import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import { chatReach, type Watch } from '../../domain/hearing/index.ts';
import type { Snapshot } from '../../domain/realtime.ts';
import { messagesWithin } from './chat.service.ts';

/** Chat's part of the socket's snapshot: the latest messages the policy lets this watcher read. */
export function chatSnapshot(db: Kysely<Database>, w: Watch): Promise<Snapshot['chat']> {
  return messagesWithin(db, w.hearing.id, chatReach(w), 50);
}
