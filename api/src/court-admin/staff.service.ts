import type { Kysely, Transaction } from 'kysely';
import type { Database, StaffRole } from '../platform/db/schema.ts';
import type { Mailer } from '../platform/mail/mailer.ts';
import * as audit from '../audit/audit.service.ts';
import * as accounts from '../accounts/auth.service.ts';
import type { SessionUser } from '../accounts/auth.service.ts';
import { DomainError, notFound } from '../platform/http/errors.ts';
import type { PasswordLinkPurpose } from './admin.table.ts';
import { hasAcceptedInvite, issueLink, revokeLinksOfUser, setPasswordUrl } from '../accounts/password-link.service.ts';
import * as repo from './staff.repository.ts';
import { deleteTwoFactor } from '../accounts/account.service.ts';
import { lockCourt, findCourt } from './court.repository.ts';
import {
  applyDueResets,
  insertNotice,
  isOpen,
  selectResets,
  takeEffect,
  type ResetRow,
} from '../accounts/two-factor-reset.ts';
import { actorOf, courtOf, courtStream } from './court.service.ts';
import { translate, type Locale, type MessageArgs, type MessageKey } from '../domain/words/index.ts';

type StaffRow = NonNullable<Awaited<ReturnType<typeof repo.findStaff>>>;

/** A mail's subject in English and Chinese: a staff account has no language yet. */
function bilingual<K extends MessageKey>(key: K, ...args: MessageArgs<K>): string {
  return `${translate('en', key, ...args)} / ${translate('zh-CN', key, ...args)}`;
}

export function staffView(u: StaffRow) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    status: (u.disabled ? 'disabled' : u.awaiting_password ? 'awaiting_password' : 'active') as repo.StaffStatus,
    twoFactorEnabled: u.two_factor_enabled,
    createdAt: u.created_at.toISOString(),
  };
}

/** A request to remove a second factor, as admins and the owner see it. */
export function resetView(r: ResetRow) {
  const person = (id: string | null, name: string | null) => (id ? { id, name: name ?? '' } : null);
  return {
    id: r.id,
    user: { id: r.user_id, name: r.user_name, email: r.user_email, role: r.user_role },
    requestedBy: { id: r.requested_by, name: r.requested_by_name },
    requestedAt: r.requested_at.toISOString(),
    mode: r.mode,
    takesEffectAt: r.takes_effect_at?.toISOString() ?? null,
    status: (r.done_at ? 'done' : r.cancelled_at ? 'cancelled' : 'pending') as 'pending' | 'done' | 'cancelled',
    approvedBy: person(r.approved_by, r.approved_by_name),
    cancelledBy: person(r.cancelled_by, r.cancelled_by_name),
  };
}

const resetPending = () =>
  new DomainError(
    409,
    'two_factor_reset_pending',
    'A removal of this account’s two-factor sign-in is pending: approve or cancel it first.',
  );
const resetNotPending = () =>
  new DomainError(409, 'reset_not_pending', 'This request was already carried out or cancelled.');

const lastAdmin = () =>
  new DomainError(409, 'last_admin', 'This is the court’s last active administrator: appoint another one first.');
const notYourself = (what: string) =>
  new DomainError(409, 'own_account', `You cannot ${what} your own account here; use your account page.`);

/** Staff accounts of the admin's own court: invited, disabled and re-enabled, given roles, reset. */
export class StaffService {
  private readonly db: Kysely<Database>;
  private readonly mailer: Mailer;
  private readonly publicOrigin: string;
  private readonly now: () => Date;
  private readonly resetDelayMs: number;
  constructor(opts: {
    db: Kysely<Database>;
    mailer: Mailer;
    publicOrigin: string;
    now: () => Date;
    resetDelayHours: number;
  }) {
    this.db = opts.db;
    this.mailer = opts.mailer;
    this.publicOrigin = opts.publicOrigin;
    this.now = opts.now;
    this.resetDelayMs = opts.resetDelayHours * 60 * 60 * 1000;
  }

  async list(user: SessionUser, filters: { role?: StaffRole; status?: repo.StaffStatus; q?: string }) {
    return (await repo.listStaff(this.db, courtOf(user), filters)).map(staffView);
  }

  async invite(admin: SessionUser, input: { email: string; name: string; role: StaffRole }) {
    const courtId = courtOf(admin);
    const email = input.email.trim();
    const name = input.name.trim().replace(/\s+/g, ' ');
    if (!name) throw new DomainError(400, 'validation', 'body/name must not be blank');
    const { staff, token, expiresAt } = await this.db.transaction().execute(async (trx) => {
      if (await accounts.findUserByEmail(trx, email)) {
        throw new DomainError(409, 'email_taken', 'A staff account with this email address already exists.');
      }
      // No usable password until the invitation link is used.
      const created = await accounts.insertUser(trx, {
        court_id: courtId,
        email,
        name,
        role: input.role,
        password_hash: '',
      });
      const link = await issueLink(trx, {
        userId: created.id,
        purpose: 'invite',
        createdBy: admin.id,
        now: this.now(),
      });
      await audit.append(trx, {
        stream: courtStream(courtId),
        actor: actorOf(admin),
        action: 'staff.invited',
        payload: { userId: created.id, email, role: input.role, expiresAt: link.expiresAt.toISOString() },
      });
      return { staff: await this.mustFind(trx, courtId, created.id), ...link };
    });
    return { staff, link: await this.deliver(staff, 'invite', token, expiresAt, admin) };
  }

  async changeRole(admin: SessionUser, userId: string, role: StaffRole) {
    return this.change(admin, userId, async (trx, courtId, target) => {
      if (target.role === role) return undefined;
      if (target.role === 'admin' && !target.disabled) await this.refuseLastAdmin(trx, courtId);
      await repo.updateStaff(trx, userId, { role, updated_at: this.now() });
      return { action: 'staff.role_changed', payload: { from: target.role, to: role } };
    });
  }

  async setDisabled(admin: SessionUser, userId: string, disabled: boolean) {
    if (disabled && userId === admin.id) throw notYourself('disable');
    return this.change(admin, userId, async (trx, courtId, target) => {
      if (target.disabled === disabled) return undefined;
      if (disabled && target.role === 'admin') await this.refuseLastAdmin(trx, courtId);
      await repo.updateStaff(trx, userId, { disabled, updated_at: this.now() });
      if (disabled) {
        // At once: the next request of any of their sessions is refused.
        await accounts.deleteSessionsOfUser(trx, userId);
        await revokeLinksOfUser(trx, userId, this.now());
      }
      return { action: disabled ? 'staff.disabled' : 'staff.enabled', payload: {} };
    });
  }

  /** The password stops working, sessions end, and a reset link goes out (or is shown to copy). */
  async forcePasswordReset(admin: SessionUser, userId: string) {
    if (userId === admin.id) throw notYourself('reset the password of');
    const courtId = courtOf(admin);
    const { staff, token, expiresAt, purpose } = await this.db.transaction().execute(async (trx) => {
      await lockCourt(trx, courtId);
      const target = await repo.findStaff(trx, courtId, userId);
      if (!target) throw notFound('Staff member');
      if (target.disabled) {
        throw new DomainError(409, 'account_disabled', 'Enable the account before resetting its password.');
      }
      // The owner must stay able to sign in and cancel a removal of their second factor.
      if (await this.openReset(trx, userId)) throw resetPending();
      // An invitation not yet accepted is renewed as an invitation.
      const purpose: PasswordLinkPurpose =
        target.awaiting_password && !(await hasAcceptedInvite(trx, userId)) ? 'invite' : 'reset';
      await repo.updateStaff(trx, userId, { password_hash: '', updated_at: this.now() });
      await accounts.deleteSessionsOfUser(trx, userId);
      const link = await issueLink(trx, { userId, purpose, createdBy: admin.id, now: this.now() });
      const shownToAdmin = purpose === 'invite' || !this.mailer.configured;
      await audit.append(trx, {
        stream: courtStream(courtId),
        actor: actorOf(admin),
        action: 'staff.password_reset_forced',
        payload: { userId, purpose, expiresAt: link.expiresAt.toISOString(), linkShownToAdmin: shownToAdmin },
      });
      if (purpose === 'reset') {
        await insertNotice(trx, {
          userId,
          kind: 'password_reset',
          payload: { by: admin.name, at: this.now().toISOString(), linkShownToAdmin: shownToAdmin },
          at: this.now(),
        });
      }
      return { staff: await this.mustFind(trx, courtId, userId), ...link, purpose };
    });
    const link = await this.deliver(staff, purpose, token, expiresAt, admin);
    // With mail, a reset link reaches only the account's own address: an admin who saw it could use it.
    return { staff, link: purpose === 'reset' && this.mailer.configured ? { ...link, url: null } : link };
  }

  /**
   * For a lost authenticator and lost recovery codes. A second factor still being set up goes at once;
   * an enrolled one only with a second admin's approval, or, where no other admin could approve,
   * after a delay its owner is told about and can cancel.
   */
  async resetTwoFactor(admin: SessionUser, userId: string) {
    if (userId === admin.id) throw notYourself('reset two-factor sign-in of');
    const courtId = courtOf(admin);
    const now = this.now();
    const result = await this.db.transaction().execute(async (trx) => {
      await lockCourt(trx, courtId);
      const target = await repo.findStaff(trx, courtId, userId);
      if (!target) throw notFound('Staff member');
      if (!target.two_factor_enabled) {
        const removed = await deleteTwoFactor(trx, userId);
        if (removed.numDeletedRows > 0n) {
          await audit.append(trx, {
            stream: courtStream(courtId),
            actor: actorOf(admin),
            action: 'staff.two_factor_reset',
            payload: { userId, email: target.email, enrolled: false },
          });
        }
        return { staff: await this.mustFind(trx, courtId, userId), reset: null };
      }
      if (await this.openReset(trx, userId)) throw resetPending();
      const { n } = await repo.countApprovers(trx, courtId, [admin.id, userId]);
      const mode = n > 0 ? 'approval' : 'delay';
      if (mode === 'delay' && target.awaiting_password) {
        throw new DomainError(
          409,
          'awaiting_password',
          'This account has no password until its set-password link is used, so its owner could not sign in to cancel a delayed removal.',
        );
      }
      const takesEffectAt = mode === 'delay' ? new Date(now.getTime() + this.resetDelayMs) : null;
      const { id } = await trx
        .insertInto('two_factor_resets')
        .values({
          court_id: courtId,
          user_id: userId,
          requested_by: admin.id,
          requested_at: now,
          mode,
          takes_effect_at: takesEffectAt,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await audit.append(trx, {
        stream: courtStream(courtId),
        actor: actorOf(admin),
        action: 'staff.two_factor_reset_requested',
        payload: {
          userId,
          email: target.email,
          resetId: id,
          mode,
          takesEffectAt: takesEffectAt?.toISOString() ?? null,
        },
      });
      const reset = await selectResets(trx).where('r.id', '=', id).executeTakeFirstOrThrow();
      return { staff: await this.mustFind(trx, courtId, userId), reset };
    });
    if (result.reset) await this.tellOwner(result.reset, admin);
    return { staff: result.staff, reset: result.reset ? resetView(result.reset) : null };
  }

  /** Open requests of the admin's court; delayed ones whose time has come take effect first. */
  async listResets(admin: SessionUser) {
    const courtId = courtOf(admin);
    await applyDueResets(this.db, this.now(), { courtId });
    const rows = await selectResets(this.db)
      .where('r.court_id', '=', courtId)
      .where('r.done_at', 'is', null)
      .where('r.cancelled_at', 'is', null)
      .orderBy('r.requested_at')
      .execute();
    return rows.map(resetView);
  }

  /** A second admin approves: never the one who asked, nor the account's owner. It takes effect at once. */
  async approveReset(admin: SessionUser, resetId: string) {
    return this.closeReset(admin, resetId, async (trx, reset, now) => {
      if (reset.requested_by === admin.id) {
        throw new DomainError(409, 'own_request', 'Another administrator has to approve your own request.');
      }
      if (reset.user_id === admin.id) throw notYourself('approve a removal of two-factor sign-in of');
      await trx
        .updateTable('two_factor_resets')
        .set({ approved_by: admin.id, approved_at: now })
        .where('id', '=', reset.id)
        .execute();
      await audit.append(trx, {
        stream: courtStream(reset.court_id),
        actor: actorOf(admin),
        action: 'staff.two_factor_reset_approved',
        payload: { userId: reset.user_id, email: reset.user_email, resetId: reset.id },
      });
      await takeEffect(
        trx,
        { ...reset, approved_by: admin.id, approved_by_name: admin.name, approved_at: now },
        now,
        'approval',
      );
    });
  }

  /** Any admin of the court may withdraw a request, the one who made it included. */
  async cancelReset(admin: SessionUser, resetId: string) {
    return this.closeReset(admin, resetId, (trx, reset, now) => cancel(trx, reset, admin.id, actorOf(admin), now));
  }

  private async closeReset(
    admin: SessionUser,
    resetId: string,
    act: (trx: Transaction<Database>, reset: ResetRow, now: Date) => Promise<void>,
  ) {
    const courtId = courtOf(admin);
    await applyDueResets(this.db, this.now(), { courtId });
    return this.db.transaction().execute(async (trx) => {
      await lockCourt(trx, courtId);
      const reset = await selectResets(trx)
        .where('r.id', '=', resetId)
        .where('r.court_id', '=', courtId)
        .executeTakeFirst();
      if (!reset) throw notFound('Request');
      if (!isOpen(reset)) throw resetNotPending();
      await act(trx, reset, this.now());
      return resetView(await selectResets(trx).where('r.id', '=', resetId).executeTakeFirstOrThrow());
    });
  }

  private async openReset(trx: Transaction<Database>, userId: string) {
    return trx
      .selectFrom('two_factor_resets')
      .select('id')
      .where('user_id', '=', userId)
      .where('done_at', 'is', null)
      .where('cancelled_at', 'is', null)
      .executeTakeFirst();
  }

  /** Mails the account's owner about a pending removal, when mail is configured; sign-in tells them too. */
  private async tellOwner(reset: ResetRow, admin: SessionUser) {
    if (!this.mailer.configured) return;
    const court = admin.court ? await findCourt(this.db, admin.court.id) : undefined;
    const courtName = court?.name ?? 'Gavel';
    const when = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
    const takesEffectAt = reset.mode === 'delay' && reset.takes_effect_at ? when(reset.takes_effect_at) : null;
    const body = (locale: Locale) =>
      translate(locale, 'staffMail.twoFactorRemoval.body', {
        admin: admin.name,
        court: courtName,
        requestedAt: when(reset.requested_at),
        takesEffectAt,
        accountUrl: `${this.publicOrigin}/account`,
      });
    const text = `${reset.user_name},\n\n${body('en')}\n\n${body('zh-CN')}\n`;
    try {
      await this.mailer.send({
        to: reset.user_email,
        subject: bilingual('staffMail.twoFactorRemoval.subject'),
        text,
      });
    } catch {
      // The owner still sees it at sign-in.
    }
  }

  /** One change to one account of the admin's court, with its audit event; a no-op records nothing. */
  private async change(
    admin: SessionUser,
    userId: string,
    apply: (
      trx: Transaction<Database>,
      courtId: string,
      target: StaffRow,
    ) => Promise<{ action: string; payload: Record<string, unknown> } | undefined>,
  ) {
    const courtId = courtOf(admin);
    return this.db.transaction().execute(async (trx) => {
      // Serializes changes to the court's staff, so two admins cannot demote each other at once.
      await lockCourt(trx, courtId);
      const target = await repo.findStaff(trx, courtId, userId);
      if (!target) throw notFound('Staff member');
      const event = await apply(trx, courtId, target);
      if (event) {
        await audit.append(trx, {
          stream: courtStream(courtId),
          actor: actorOf(admin),
          action: event.action,
          payload: { userId, email: target.email, ...event.payload },
        });
      }
      return this.mustFind(trx, courtId, userId);
    });
  }

  private async refuseLastAdmin(trx: Transaction<Database>, courtId: string) {
    const { n } = await repo.countActiveAdmins(trx, courtId);
    if (n <= 1) throw lastAdmin();
  }

  private async mustFind(trx: Transaction<Database>, courtId: string, userId: string) {
    const row = await repo.findStaff(trx, courtId, userId);
    if (!row) throw notFound('Staff member');
    return staffView(row);
  }

  /**
   * Emails the link when SMTP is configured. Either way the admin gets it once, to copy: the
   * message is in English and Chinese, since the account has no language yet.
   */
  private async deliver(
    staff: { email: string; name: string },
    kind: 'invite' | 'reset',
    token: string,
    expiresAt: Date,
    admin: SessionUser,
  ) {
    const url = setPasswordUrl(this.publicOrigin, token);
    let emailed = false;
    if (this.mailer.configured) {
      const court = admin.court ? await findCourt(this.db, admin.court.id) : undefined;
      const courtName = court?.name ?? 'Gavel';
      const until = expiresAt.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
      const body = (locale: Locale) =>
        kind === 'invite'
          ? translate(locale, 'staffMail.invite.body', { admin: admin.name, court: courtName, until })
          : translate(locale, 'staffMail.reset.body', { court: courtName, until });
      const text = `${staff.name},\n\n${body('en')}\n\n${url}\n\n${body('zh-CN')}\n\n${url}\n`;
      try {
        emailed = (
          await this.mailer.send({
            to: staff.email,
            subject:
              kind === 'invite'
                ? bilingual('staffMail.invite.subject', { court: courtName })
                : bilingual('staffMail.reset.subject'),
            text,
          })
        ).delivered;
      } catch {
        // The account and the link exist; the admin copies the link instead.
        emailed = false;
      }
    }
    return { url, expiresAt: expiresAt.toISOString(), emailed };
  }
}

/** Closes an open request without effect. */
export async function cancel(
  trx: Transaction<Database>,
  reset: ResetRow,
  by: string,
  actor: audit.Actor,
  now: Date,
): Promise<void> {
  await trx
    .updateTable('two_factor_resets')
    .set({ cancelled_by: by, cancelled_at: now })
    .where('id', '=', reset.id)
    .execute();
  await audit.append(trx, {
    stream: courtStream(reset.court_id),
    actor,
    action: 'staff.two_factor_reset_cancelled',
    payload: { userId: reset.user_id, email: reset.user_email, resetId: reset.id },
  });
}
