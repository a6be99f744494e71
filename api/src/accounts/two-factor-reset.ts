import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import type { AccountNoticeKind } from '../court-admin/admin.table.ts';
import * as audit from '../audit/audit.service.ts';
import { deleteSessionsOfUser } from './auth.repository.ts';

type Db = Kysely<Database> | Transaction<Database>;

const courtStream = (courtId: string) => `court:${courtId}`;

/** Requests to remove a second factor, with the names of the people involved. */
export function selectResets(db: Db) {
  return db
    .selectFrom('two_factor_resets as r')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .innerJoin('users as rq', 'rq.id', 'r.requested_by')
    .leftJoin('users as ap', 'ap.id', 'r.approved_by')
    .leftJoin('users as cn', 'cn.id', 'r.cancelled_by')
    .select([
      'r.id',
      'r.court_id',
      'r.user_id',
      'u.name as user_name',
      'u.email as user_email',
      'u.role as user_role',
      'r.requested_by',
      'rq.name as requested_by_name',
      'r.requested_at',
      'r.mode',
      'r.takes_effect_at',
      'r.approved_by',
      'ap.name as approved_by_name',
      'r.approved_at',
      'r.cancelled_by',
      'cn.name as cancelled_by_name',
      'r.cancelled_at',
      'r.done_at',
    ]);
}

export type ResetRow = NonNullable<Awaited<ReturnType<ReturnType<typeof selectResets>['executeTakeFirst']>>>;

export const isOpen = (r: Pick<ResetRow, 'done_at' | 'cancelled_at'>) => !r.done_at && !r.cancelled_at;

export function insertNotice(
  db: Db,
  notice: { userId: string; kind: AccountNoticeKind; payload: Record<string, unknown>; at: Date },
) {
  return db
    .insertInto('account_notices')
    .values({
      user_id: notice.userId,
      kind: notice.kind,
      payload: JSON.stringify(notice.payload),
      created_at: notice.at,
    })
    .execute();
}

/**
 * The second factor goes, every session of the account ends (the socket closes with them), the
 * request is closed, the court's audit records it and the owner is told at their next sign-in.
 */
export async function takeEffect(trx: Transaction<Database>, reset: ResetRow, now: Date, via: 'approval' | 'delay') {
  await trx.deleteFrom('recovery_codes').where('user_id', '=', reset.user_id).execute();
  await trx.deleteFrom('two_factor').where('user_id', '=', reset.user_id).execute();
  await deleteSessionsOfUser(trx, reset.user_id);
  await trx.updateTable('two_factor_resets').set({ done_at: now }).where('id', '=', reset.id).execute();
  await audit.append(trx, {
    stream: courtStream(reset.court_id),
    actor: via === 'approval' && reset.approved_by ? { type: 'user', id: reset.approved_by } : audit.SYSTEM_ACTOR,
    action: 'staff.two_factor_reset_took_effect',
    payload: { userId: reset.user_id, email: reset.user_email, resetId: reset.id, via },
  });
  await insertNotice(trx, {
    userId: reset.user_id,
    kind: 'two_factor_removed',
    payload: {
      by: reset.requested_by_name,
      approvedBy: via === 'approval' ? reset.approved_by_name : null,
      requestedAt: reset.requested_at.toISOString(),
    },
    at: now,
  });
}

/**
 * Delayed requests whose time has come take effect: of one account (at its sign-in), of one court
 * (when its admins list them), or all (housekeeping). Each under its row lock, so once.
 */
export async function applyDueResets(
  db: Kysely<Database>,
  now: Date,
  scope: { userId?: string; courtId?: string } = {},
) {
  let q = db
    .selectFrom('two_factor_resets')
    .select('id')
    .where('mode', '=', 'delay')
    .where('done_at', 'is', null)
    .where('cancelled_at', 'is', null)
    .where('takes_effect_at', '<=', now);
  if (scope.userId) q = q.where('user_id', '=', scope.userId);
  if (scope.courtId) q = q.where('court_id', '=', scope.courtId);
  const due = await q.execute();
  for (const { id } of due) {
    await db.transaction().execute(async (trx) => {
      const locked = await trx
        .selectFrom('two_factor_resets')
        .select('id')
        .where('id', '=', id)
        .where('done_at', 'is', null)
        .where('cancelled_at', 'is', null)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!locked) return;
      const row = await selectResets(trx).where('r.id', '=', id).executeTakeFirstOrThrow();
      await takeEffect(trx, row, now, 'delay');
    });
  }
  return due.length;
}
