import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../platform/db/schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export function listSessions(db: Db, userId: string, now: Date) {
  return (
    db
      .selectFrom('sessions as s')
      .leftJoin('sign_in_steps as st', 'st.session_id', 's.id')
      .select(['s.id', 's.created_at', 's.last_seen_at', 's.ip', 's.user_agent'])
      .where('s.user_id', '=', userId)
      // Half-finished sign-ins are not sessions anyone can use yet.
      .where('st.session_id', 'is', null)
      .where('s.expires_at', '>', now)
      .where('s.idle_expires_at', '>', now)
      .orderBy('s.last_seen_at', 'desc')
      .execute()
  );
}

export function deleteOwnSession(db: Db, userId: string, sessionId: string) {
  return db.deleteFrom('sessions').where('user_id', '=', userId).where('id', '=', sessionId).executeTakeFirst();
}

export function deleteOtherSessions(db: Db, userId: string, keepSessionId: string) {
  return db.deleteFrom('sessions').where('user_id', '=', userId).where('id', '!=', keepSessionId).execute();
}

export function findCourtRequirement(db: Db, userId: string) {
  return db
    .selectFrom('users as u')
    .leftJoin('courts as c', 'c.id', 'u.court_id')
    .select(['u.role', 'c.require_two_factor'])
    .where('u.id', '=', userId)
    .executeTakeFirstOrThrow();
}

/** Starts (or restarts) enrolment: the secret waits, unused, for its first code. */
export function savePendingSecret(db: Db, userId: string, secretEncrypted: string, at: Date) {
  return db
    .insertInto('two_factor')
    .values({
      user_id: userId,
      secret_encrypted: secretEncrypted,
      enabled_at: null,
      last_used_step: null,
      created_at: at,
    })
    .onConflict((oc) =>
      oc
        .column('user_id')
        .doUpdateSet({ secret_encrypted: secretEncrypted, last_used_step: null, created_at: at })
        // Never replaces an enabled secret.
        .where('two_factor.enabled_at', 'is', null),
    )
    .execute();
}

export function enableTwoFactor(db: Db, userId: string, at: Date, step: number) {
  return db
    .updateTable('two_factor')
    .set({ enabled_at: at, last_used_step: step })
    .where('user_id', '=', userId)
    .where('enabled_at', 'is', null)
    .executeTakeFirst();
}

export async function replaceRecoveryCodes(db: Db, userId: string, hashes: string[], at: Date) {
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  await db
    .insertInto('recovery_codes')
    .values(hashes.map((code_hash) => ({ user_id: userId, code_hash, created_at: at })))
    .execute();
}

export async function deleteTwoFactor(db: Db, userId: string) {
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  return db.deleteFrom('two_factor').where('user_id', '=', userId).executeTakeFirst();
}
