import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Serialises publishing to one stream for the rest of the caller's transaction, and returns its last
 * seq as committed once the lock is held (one round trip: the database function locks, then reads
 * with a fresh snapshot).
 */
export async function lockAndReadLastSeq(trx: Transaction<Database>, stream: string): Promise<number> {
  const { rows } = await sql<{ last: number }>`select realtime_lock_last(${stream}) as last`.execute(trx);
  return rows[0]!.last;
}

export async function lastSeq(db: Db, stream: string): Promise<number> {
  const row = await db
    .selectFrom('realtime_events')
    .select('seq')
    .where('stream', '=', stream)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.seq ?? 0;
}

/** An event to publish: what it is, and its topic and payload as JSON text. */
export interface NewEvent {
  kind: string;
  topic: string;
  payload: string;
}

/**
 * A publish in one statement: the stream's lock and last seq, the events numbered after it, and their
 * NOTIFY, sent when the transaction commits. Only the statement knows the numbers, so the notice is
 * `{"seq":<last>,"first":<first>,` followed by `rest` (the stream, and the events when they fit).
 * Returns the seq of the last event. `locked` is materialized: the lock is taken and the last seq read
 * once, before the insert numbers from it. The events travel as three arrays, so any number of them is
 * three parameters (a multi-row VALUES would need four a row, under PostgreSQL's limit of 65,535).
 */
export async function publishEvents(
  trx: Transaction<Database>,
  stream: string,
  events: NewEvent[],
  createdAt: Date,
  channel: string,
  rest: string,
): Promise<number> {
  const { rows } = await sql<{ last: number }>`
    with locked as materialized (select realtime_lock_last(${stream}) as last),
    inserted as (
      insert into realtime_events (stream, seq, kind, topic, payload, created_at)
      select ${stream}, locked.last + e.n::int, e.kind, e.topic, e.payload, ${createdAt}
      from locked,
        unnest(${events.map((e) => e.kind)}::text[], ${events.map((e) => e.topic)}::jsonb[],
               ${events.map((e) => e.payload)}::jsonb[]) with ordinality as e(kind, topic, payload, n)
    )
    select last + ${events.length}::int as last,
      pg_notify(${channel}, '{"seq":' || (last + ${events.length}::int) || ',"first":' || (last + 1) || ',' || ${rest}::text)
    from locked`.execute(trx);
  return rows[0]!.last;
}

export function eventsAfter(db: Db, stream: string, afterSeq: number, limit: number) {
  return db
    .selectFrom('realtime_events')
    .select(['stream', 'seq', 'kind', 'topic', 'payload', 'created_at'])
    .where('stream', '=', stream)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
}

export async function notify(db: Db, channel: string, payload: string): Promise<void> {
  await sql`select pg_notify(${channel}, ${payload})`.execute(db);
}

/** One open socket, as the heartbeat asks about it: whose session (by token hash) and which hearing. */
export interface SocketKey {
  kind: 'staff' | 'participant';
  tokenHash: string;
  /** The staff member's or the participant's id. */
  subject: string;
  hearingId: string | null;
}

export interface SocketStanding {
  i: number;
  // The hearing watched.
  hearing_state: string | null;
  hearing_court_id: string | null;
  judge_id: string | null;
  clerk_id: string | null;
  // A staff session and its account.
  id: string | null;
  disabled: boolean | null;
  role: string | null;
  court_id: string | null;
  pending_step: 'second_factor' | null;
  expires_at: Date | null;
  created_at: Date | null;
  session_idle_minutes: number | null;
  session_absolute_minutes: number | null;
  // A participant session and its participant.
  participant_id: string | null;
  participant_expires_at: Date | null;
  presence: string | null;
  revoked_at: Date | null;
  participant_role: string | null;
  scheduled_end: Date | null;
  invite_grace_minutes: number | null;
  session_hearing_state: string | null;
}

/**
 * Every socket's session and standing in one query (the heartbeat of a whole instance): rows by `i`,
 * the key's index; a session that no longer exists leaves its columns null.
 */
export async function socketStandings(db: Db, keys: SocketKey[]): Promise<SocketStanding[]> {
  if (keys.length === 0) return [];
  const { rows } = await sql<SocketStanding>`
    select v.i,
      h.state as hearing_state, h.court_id as hearing_court_id, h.judge_id, h.clerk_id,
      u.id, u.disabled, u.role, u.court_id, st.step as pending_step, s.expires_at, s.created_at,
      c.session_idle_minutes, c.session_absolute_minutes,
      p.id as participant_id, ps.expires_at as participant_expires_at, p.presence, p.revoked_at,
      p.role as participant_role, ph.scheduled_end, pc.invite_grace_minutes, ph.state as session_hearing_state
    from unnest(${keys.map((_, i) => i)}::int[], ${keys.map((k) => k.kind)}::text[],
      ${keys.map((k) => k.tokenHash)}::text[], ${keys.map((k) => k.subject)}::uuid[],
      ${keys.map((k) => k.hearingId)}::uuid[]) as v(i, kind, token_hash, subject, hearing_id)
    left join hearings h on h.id = v.hearing_id
    left join sessions s on v.kind = 'staff' and s.token_hash = v.token_hash and s.user_id = v.subject
    left join users u on u.id = s.user_id
    left join courts c on c.id = u.court_id
    left join sign_in_steps st on st.session_id = s.id
    left join participant_sessions ps
      on v.kind = 'participant' and ps.token_hash = v.token_hash and ps.participant_id = v.subject
    left join participants p on p.id = ps.participant_id
    left join hearings ph on ph.id = ps.hearing_id
    left join courts pc on pc.id = ph.court_id`.execute(db);
  return rows;
}
