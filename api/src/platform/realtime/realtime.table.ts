import type { ColumnType, Generated } from 'kysely';
import type { Topic } from '../../domain/hearing/index.ts';

export type { Topic };

export interface RealtimeEventTable {
  id: Generated<string>;
  stream: string;
  seq: number;
  kind: string;
  /** What kind of data the event carries; the hearing policy decides at delivery who may have it. */
  topic: ColumnType<Topic, string, never>;
  payload: ColumnType<Record<string, unknown>, string, never>;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface RealtimeTables {
  realtime_events: RealtimeEventTable;
}
