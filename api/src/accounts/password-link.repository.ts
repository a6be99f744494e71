import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import type { PasswordLinkPurpose } from '../court-admin/admin.table.ts';

type Db = Kysely<Database> | Transaction<Database>;

export function insertLink(
  db: Db,
  link: {
    user_id: string;
    token_hash: string;
    purpose: PasswordLinkPurpose;
    created_by: string | null;
    created_at: Date;
    expires_at: Date;
  },
) {
  return db.insertInto('password_links').values(link).returning(['id', 'expires_at']).executeTakeFirstOrThrow();
}

/** A newer link, a disabled account or a used link: older unused links stop working. */
export function revokeLinksOfUser(db: Db, userId: string, at: Date) {
  return db
    .updateTable('password_links')
    .set({ used_at: at })
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .execute();
}

/** The link with its account; `lock` holds the row until the transaction ends, so a link is used once. */
export function findLink(db: Db, tokenHash: string, lock = false) {
  let q = db
    .selectFrom('password_links as l')
    .innerJoin('users as u', 'u.id', 'l.user_id')
    .leftJoin('courts as c', 'c.id', 'u.court_id')
    .select([
      'l.id',
      'l.user_id',
      'l.purpose',
      'l.expires_at',
      'l.used_at',
      'u.email',
      'u.name',
      'u.court_id',
      'u.disabled',
      'c.name as court_name',
    ])
    .where('l.token_hash', '=', tokenHash);
  if (lock) q = q.forUpdate('l');
  return q.executeTakeFirst();
}

export function markUsed(db: Db, linkId: string, at: Date) {
  return db.updateTable('password_links').set({ used_at: at }).where('id', '=', linkId).execute();
}

/** Whether the account ever accepted an invitation (a reset then issues a reset link, not a new invitation). */
export async function hasAcceptedInvite(db: Db, userId: string) {
  const row = await db
    .selectFrom('password_links')
    .select('id')
    .where('user_id', '=', userId)
    .where('purpose', '=', 'invite')
    .where('used_at', 'is not', null)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
