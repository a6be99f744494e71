import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import { statement } from '../platform/db/connect.ts';
import { HEARING_COLUMNS, hearingJoins } from '../scheduling/hearings.service.ts';

type Db = Kysely<Database> | Transaction<Database>;

// A participant's sessions, opened by their invitation link, and the failed attempts (unknown links, wrong
// access codes) counted to limit guessing.

export function insertSession(
  db: Db,
  s: { token_hash: string; participant_id: string; hearing_id: string; expires_at: Date; ip: string },
) {
  return db.insertInto('participant_sessions').values(s).returning('id').executeTakeFirstOrThrow();
}

/**
 * The session, its participant's row as the live hearing reads it, and its hearing's row (every column of
 * `findHearing`): one statement, so a request signed in by this session reads neither row a second time.
 * Whether the session is still valid is the caller's call.
 */
const sessionByHash = statement((db, tokenHash: string) =>
  hearingJoins(db)
    .innerJoin('participant_sessions as s', 's.hearing_id', 'h.id')
    .innerJoin('participants as p', 'p.id', 's.participant_id')
    .select(HEARING_COLUMNS)
    .select([
      's.id as session_id',
      's.expires_at as session_expires_at',
      'p.id as participant_id',
      'p.role as participant_role',
      'p.display_name as participant_display_name',
      'p.presence as participant_presence',
      'p.revoked_at as participant_revoked_at',
      'p.represents_id as participant_represents_id',
      'p.interprets_for_id as participant_interprets_for_id',
      'p.screen_share_allowed as participant_screen_share_allowed',
      'p.media_connected as participant_media_connected',
    ])
    .where('s.token_hash', '=', tokenHash),
);

export async function findSession(db: Db, tokenHash: string) {
  const [row] = await sessionByHash(db, tokenHash);
  return row;
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
