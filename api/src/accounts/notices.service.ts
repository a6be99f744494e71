import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import type { SessionUser } from './auth.service.ts';
import { isOpen, selectResets } from './two-factor-reset.ts';
import { cancel } from '../court-admin/staff.service.ts';
import { DomainError, notFound } from '../platform/http/errors.ts';

/** What admins did or asked to do to one's own account, told at sign-in. */
export class NoticeService {
  private readonly db: Kysely<Database>;
  private readonly now: () => Date;
  constructor(db: Kysely<Database>, now: () => Date) {
    this.db = db;
    this.now = now;
  }

  async list(user: SessionUser) {
    const notices = await this.db
      .selectFrom('account_notices')
      .select(['id', 'kind', 'payload', 'created_at'])
      .where('user_id', '=', user.id)
      .where('dismissed_at', 'is', null)
      .orderBy('created_at')
      .execute();
    const pending = await selectResets(this.db)
      .where('r.user_id', '=', user.id)
      .where('r.done_at', 'is', null)
      .where('r.cancelled_at', 'is', null)
      .execute();
    return {
      notices: notices.map((n) => {
        const p = n.payload as { by?: string; at?: string; approvedBy?: string | null; linkShownToAdmin?: boolean };
        return {
          id: n.id,
          kind: n.kind,
          at: p.at ?? n.created_at.toISOString(),
          by: p.by ?? '',
          approvedBy: p.approvedBy ?? null,
          linkShownToAdmin: p.linkShownToAdmin ?? false,
        };
      }),
      pendingResets: pending.map((r) => ({
        id: r.id,
        requestedBy: r.requested_by_name,
        requestedAt: r.requested_at.toISOString(),
        mode: r.mode,
        takesEffectAt: r.takes_effect_at?.toISOString() ?? null,
      })),
    };
  }

  async dismiss(user: SessionUser, noticeId: string) {
    const res = await this.db
      .updateTable('account_notices')
      .set({ dismissed_at: this.now() })
      .where('id', '=', noticeId)
      .where('user_id', '=', user.id)
      .where('dismissed_at', 'is', null)
      .executeTakeFirst();
    if (res.numUpdatedRows === 0n) throw notFound('Notice');
  }

  /** The owner cancels a removal of their own second factor, whoever asked for it. */
  async cancelReset(user: SessionUser, resetId: string) {
    await this.db.transaction().execute(async (trx) => {
      const reset = await selectResets(trx)
        .where('r.id', '=', resetId)
        .where('r.user_id', '=', user.id)
        .forUpdate('r')
        .executeTakeFirst();
      if (!reset) throw notFound('Request');
      if (!isOpen(reset)) {
        throw new DomainError(409, 'reset_not_pending', 'This request was already carried out or cancelled.');
      }
      await cancel(trx, reset, user.id, { type: 'user', id: user.id }, this.now());
    });
  }
}
