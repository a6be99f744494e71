import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import { prepared } from '../platform/db/connect.ts';

type Db = Kysely<Database> | Transaction<Database>;

// A participant's sessions, opened by their invitation link, and the failed attempts (unknown links, wrong
// access codes) counted to limit guessing.

export function insertSession(
  db: Db,
  s: { token_hash: string; participant_id: string; hearing_id: string; expires_at: Date; ip: string },
) {
  return db.insertInto('participant_sessions').values(s).returning('id').executeTakeFirstOrThrow();
}

/** The session's participant and the state of its hearing (validity is the caller's call). */
export function findSession(db: Db, tokenHash: string) {
  return prepared(
    db
      .selectFrom('participant_sessions as s')
      .innerJoin('participants as p', 'p.id', 's.participant_id')
      .innerJoin('hearings as h', 'h.id', 's.hearing_id')
      .innerJoin('courts as ct', 'ct.id', 'h.court_id')
      .select([
        's.id as session_id',
        's.expires_at',
        's.hearing_id',
        'p.id',
        'p.role',
        'p.display_name',
        'p.presence',
        'p.revoked_at',
        // The rest of the participant's row as the live hearing reads it: a request signed in by this
        // session needs no second read of the same row.
        'p.represents_id',
        'p.interprets_for_id',
        'p.screen_share_allowed',
        'p.media_connected',
        'h.state as hearing_state',
        // The link's expiry as of now: a hearing moved earlier or a shorter grace period ends sessions too.
        'h.scheduled_end',
        'ct.invite_grace_minutes',
      ])
      .where('s.token_hash', '=', tokenHash),
  ).executeTakeFirst();
}

export function deleteSession(db: Db, id: string) {
  return db.deleteFrom('participant_sessions').where('id', '=', id).execute();
}

export function recordAttemptFailure(db: Db, keys: string[], at: Date) {
  return db
    .insertInto('invite_attempts')
    .values(keys.map((key) => ({ key, at })))
    .execute();
}

export function countAttemptFailures(db: Db, keys: string[], since: Date) {
  return db
    .selectFrom('invite_attempts')
    .select(['key', sql<number>`count(*)::int`.as('count'), sql<Date>`min(at)`.as('oldest')])
    .where('key', 'in', keys)
    .where('at', '>', since)
    .groupBy('key')
    .execute();
}

export function clearAttemptFailures(db: Db, key: string) {
  return db.deleteFrom('invite_attempts').where('key', '=', key).execute();
}
