import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, NewUser } from '../db/schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export function findUserByEmail(db: Db, email: string) {
  return db
    .selectFrom('users')
    .selectAll()
    .where(sql<string>`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
}

export function insertUser(db: Db, user: NewUser) {
  return db.insertInto('users').values(user).returningAll().executeTakeFirstOrThrow();
}

export function setPassword(db: Db, userId: string, passwordHash: string) {
  return db
    .updateTable('users')
    .set({ password_hash: passwordHash, updated_at: new Date() })
    .where('id', '=', userId)
    .executeTakeFirst();
}

export function insertSession(
  db: Db,
  s: {
    token_hash: string;
    user_id: string;
    created_at: Date;
    last_seen_at: Date;
    expires_at: Date;
    idle_expires_at: Date;
    ip: string;
    user_agent: string | null;
  },
) {
  return db.insertInto('sessions').values(s).returning('id').executeTakeFirstOrThrow();
}

/** The session with its user and court, if the session exists at all (expiry is the caller's call). */
export function findSession(db: Db, tokenHash: string) {
  return db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .leftJoin('courts as c', 'c.id', 'u.court_id')
    .select([
      's.id as session_id',
      's.expires_at',
      's.idle_expires_at',
      's.last_seen_at',
      'u.id',
      'u.email',
      'u.name',
      'u.role',
      'u.disabled',
      'c.id as court_id',
      'c.name as court_name',
      'c.timezone as court_timezone',
      'c.locale as court_locale',
    ])
    .where('s.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export function touchSession(db: Db, sessionId: string, now: Date, idleExpiresAt: Date) {
  return db
    .updateTable('sessions')
    .set({ last_seen_at: now, idle_expires_at: idleExpiresAt })
    .where('id', '=', sessionId)
    .execute();
}

export function deleteSession(db: Db, sessionId: string) {
  return db.deleteFrom('sessions').where('id', '=', sessionId).executeTakeFirst();
}

export function deleteSessionsOfUser(db: Db, userId: string) {
  return db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

export function deleteExpiredSessions(db: Db, now: Date) {
  return db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('idle_expires_at', '<=', now)]))
    .execute();
}

export function recordLoginFailure(db: Db, keys: string[], at: Date) {
  return db
    .insertInto('login_failures')
    .values(keys.map((key) => ({ key, at })))
    .execute();
}

/** Failures per key since `since`, with the oldest (which decides when the window reopens). */
export function countLoginFailures(db: Db, keys: string[], since: Date) {
  return db
    .selectFrom('login_failures')
    .select(['key', sql<number>`count(*)::int`.as('count'), sql<Date>`min(at)`.as('oldest')])
    .where('key', 'in', keys)
    .where('at', '>', since)
    .groupBy('key')
    .execute();
}

export function clearLoginFailures(db: Db, key: string) {
  return db.deleteFrom('login_failures').where('key', '=', key).execute();
}

export function pruneLoginFailures(db: Db, before: Date) {
  return db.deleteFrom('login_failures').where('at', '<=', before).execute();
}
