import type { Generated } from 'kysely';

export interface MediaTables {
  /** LiveKit webhook ids acted on in the last hour (a replay is refused). */
  livekit_webhook_events: { id: string; created_at: Date; received_at: Generated<Date> };
}
