import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, StaffRole } from '../platform/db/schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export type StaffStatus = 'active' | 'awaiting_password' | 'disabled';

function staffQuery(db: Db, courtId: string) {
  return db
    .selectFrom('users as u')
    .leftJoin('two_factor as tf', 'tf.user_id', 'u.id')
    .select([
      'u.id',
      'u.email',
      'u.name',
      'u.role',
      'u.disabled',
      'u.created_at',
      sql<boolean>`u.password_hash = ''`.as('awaiting_password'),
      sql<boolean>`tf.enabled_at is not null`.as('two_factor_enabled'),
    ])
    .where('u.court_id', '=', courtId);
}

export function listStaff(
  db: Db,
  courtId: string,
  filters: { role?: StaffRole | undefined; status?: StaffStatus | undefined; q?: string | undefined },
) {
  let q = staffQuery(db, courtId);
  if (filters.role) q = q.where('u.role', '=', filters.role);
  if (filters.status === 'disabled') q = q.where('u.disabled', '=', true);
  if (filters.status === 'active') q = q.where('u.disabled', '=', false).where('u.password_hash', '!=', '');
  if (filters.status === 'awaiting_password') q = q.where('u.disabled', '=', false).where('u.password_hash', '=', '');
  const text = filters.q?.trim();
  if (text) {
    const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb('u.name', 'ilike', pattern), eb('u.email', 'ilike', pattern)]));
  }
  return q.orderBy('u.name').orderBy('u.email').execute();
}

/** Only within the court: staff of another court are as good as absent. */
export function findStaff(db: Db, courtId: string, userId: string) {
  return staffQuery(db, courtId).where('u.id', '=', userId).executeTakeFirst();
}

export function countActiveAdmins(db: Db, courtId: string) {
  return db
    .selectFrom('users')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('court_id', '=', courtId)
    .where('role', '=', 'admin')
    .where('disabled', '=', false)
    .executeTakeFirstOrThrow();
}

/** Admins who could approve a request: able to sign in, and neither the one asking nor the account concerned. */
export function countApprovers(db: Db, courtId: string, except: string[]) {
  return db
    .selectFrom('users')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('court_id', '=', courtId)
    .where('role', '=', 'admin')
    .where('disabled', '=', false)
    .where('password_hash', '<>', '')
    .where('id', 'not in', except)
    .executeTakeFirstOrThrow();
}

export function updateStaff(
  db: Db,
  userId: string,
  changes: { role?: StaffRole; disabled?: boolean; password_hash?: string; updated_at: Date },
) {
  return db.updateTable('users').set(changes).where('id', '=', userId).execute();
}
