import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import type { NewUser } from './auth.table.ts';

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
    .leftJoin('sign_in_steps as st', 'st.session_id', 's.id')
    .leftJoin('two_factor as tf', 'tf.user_id', 'u.id')
    .select([
      's.id as session_id',
      's.created_at',
      's.expires_at',
      's.idle_expires_at',
      's.last_seen_at',
      'st.step as pending_step',
      'st.expires_at as pending_expires_at',
      'tf.enabled_at as two_factor_enabled_at',
      'u.id',
      'u.email',
      'u.name',
      'u.role',
      'u.disabled',
      'c.id as court_id',
      'c.name as court_name',
      'c.timezone as court_timezone',
      'c.locale as court_locale',
      'c.session_idle_minutes',
      'c.session_absolute_minutes',
      'c.require_two_factor',
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

/** Ends the account's session behind a token hash, if there is one; its id, for the audit trail. */
export async function deleteSessionByTokenHash(db: Db, tokenHash: string, userId: string): Promise<string | undefined> {
  const row = await db
    .deleteFrom('sessions')
    .where('token_hash', '=', tokenHash)
    .where('user_id', '=', userId)
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

/** Gives a session a new token (its hash); the old token stops working. */
export function setSessionTokenHash(db: Db, sessionId: string, tokenHash: string) {
  return db
    .updateTable('sessions')
    .set({ token_hash: tokenHash })
    .where('id', '=', sessionId)
    .returning('expires_at')
    .executeTakeFirstOrThrow();
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

/** What sign-in needs to know about the account's court and second factor. */
export function findSignInContext(db: Db, userId: string) {
  return db
    .selectFrom('users as u')
    .leftJoin('courts as c', 'c.id', 'u.court_id')
    .leftJoin('two_factor as tf', 'tf.user_id', 'u.id')
    .select([
      'c.session_idle_minutes',
      'c.session_absolute_minutes',
      'c.require_two_factor',
      'tf.enabled_at as two_factor_enabled_at',
    ])
    .where('u.id', '=', userId)
    .executeTakeFirst();
}

export function insertSignInStep(db: Db, sessionId: string, expiresAt: Date) {
  return db
    .insertInto('sign_in_steps')
    .values({ session_id: sessionId, step: 'second_factor', expires_at: expiresAt })
    .execute();
}

export function deleteSignInStep(db: Db, sessionId: string) {
  return db.deleteFrom('sign_in_steps').where('session_id', '=', sessionId).executeTakeFirst();
}

export function setSessionIdleExpiry(db: Db, sessionId: string, now: Date, idleExpiresAt: Date) {
  return db
    .updateTable('sessions')
    .set({ last_seen_at: now, idle_expires_at: idleExpiresAt })
    .where('id', '=', sessionId)
    .execute();
}

export function findTwoFactor(db: Db, userId: string) {
  return db.selectFrom('two_factor').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

/** Records the accepted step only if it is newer than the last one, so two requests cannot both use a code. */
export async function acceptTotpStep(db: Db, userId: string, step: number): Promise<boolean> {
  const res = await db
    .updateTable('two_factor')
    .set({ last_used_step: step })
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', String(step))]))
    .executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

/** Marks a recovery code used; false when it is unknown or was used before. */
export async function useRecoveryCode(db: Db, userId: string, codeHash: string, at: Date): Promise<boolean> {
  const res = await db
    .updateTable('recovery_codes')
    .set({ used_at: at })
    .where('user_id', '=', userId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

export async function countUnusedRecoveryCodes(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom('recovery_codes')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return row.n;
}
