import type { ColumnType, Generated } from 'kysely';

/**
 * Who sees an event. Staff watching the hearing see every event except 'members' ones, which go
 * only to the listed participants (a private consultation is none of the bench's business).
 */
export type Audience =
  { to: 'all' } | { to: 'staff' } | { to: 'participants'; ids: string[] } | { to: 'members'; ids: string[] };

export interface RealtimeEventTable {
  id: Generated<string>;
  stream: string;
  seq: number;
  kind: string;
  audience: ColumnType<Audience, string, never>;
  payload: ColumnType<Record<string, unknown>, string, never>;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface RealtimeTables {
  realtime_events: RealtimeEventTable;
}
