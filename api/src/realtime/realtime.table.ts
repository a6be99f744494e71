import type { ColumnType, Generated } from 'kysely';

export type Audience = { to: 'all' } | { to: 'staff' } | { to: 'participants'; ids: string[] };

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
