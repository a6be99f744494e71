import type { Kysely, Transaction } from 'kysely';
import type { Database, StaffRole } from '../db/schema.ts';
import type { Mailer } from '../mail/mailer.ts';
import * as audit from '../audit/audit.service.ts';
import * as authRepo from '../auth/auth.repository.ts';
import type { SessionUser } from '../auth/auth.service.ts';
import { DomainError, notFound } from '../http/errors.ts';
import type { PasswordLinkPurpose } from './admin.table.ts';
import { issueLink, setPasswordUrl } from '../account/password-link.service.ts';
import * as linkRepo from '../account/password-link.repository.ts';
import * as repo from './staff.repository.ts';
import { deleteTwoFactor } from '../account/account.repository.ts';
import { lockCourt, findCourt } from './court.repository.ts';
import { actorOf, courtOf, courtStream } from './court.service.ts';

type StaffRow = NonNullable<Awaited<ReturnType<typeof repo.findStaff>>>;

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
  constructor(opts: { db: Kysely<Database>; mailer: Mailer; publicOrigin: string; now: () => Date }) {
    this.db = opts.db;
    this.mailer = opts.mailer;
    this.publicOrigin = opts.publicOrigin;
    this.now = opts.now;
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
      if (await authRepo.findUserByEmail(trx, email)) {
        throw new DomainError(409, 'email_taken', 'A staff account with this email address already exists.');
      }
      // No usable password until the invitation link is used.
      const created = await authRepo.insertUser(trx, {
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
        await authRepo.deleteSessionsOfUser(trx, userId);
        await linkRepo.revokeLinksOfUser(trx, userId, this.now());
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
      // An invitation not yet accepted is renewed as an invitation.
      const purpose: PasswordLinkPurpose =
        target.awaiting_password && !(await linkRepo.hasAcceptedInvite(trx, userId)) ? 'invite' : 'reset';
      await repo.updateStaff(trx, userId, { password_hash: '', updated_at: this.now() });
      await authRepo.deleteSessionsOfUser(trx, userId);
      const link = await issueLink(trx, { userId, purpose, createdBy: admin.id, now: this.now() });
      await audit.append(trx, {
        stream: courtStream(courtId),
        actor: actorOf(admin),
        action: 'staff.password_reset_forced',
        payload: { userId, purpose, expiresAt: link.expiresAt.toISOString() },
      });
      return { staff: await this.mustFind(trx, courtId, userId), ...link, purpose };
    });
    return { staff, link: await this.deliver(staff, purpose, token, expiresAt, admin) };
  }

  /** For a lost authenticator and lost recovery codes: the account signs in with its password again. */
  async resetTwoFactor(admin: SessionUser, userId: string) {
    if (userId === admin.id) throw notYourself('reset two-factor sign-in of');
    return this.change(admin, userId, async (trx, _courtId, target) => {
      if (!target.two_factor_enabled) {
        const removed = await deleteTwoFactor(trx, userId);
        return removed.numDeletedRows > 0n
          ? { action: 'staff.two_factor_reset', payload: { enrolled: false } }
          : undefined;
      }
      await deleteTwoFactor(trx, userId);
      await authRepo.deleteSessionsOfUser(trx, userId);
      return { action: 'staff.two_factor_reset', payload: { enrolled: true } };
    });
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
      const text =
        kind === 'invite'
          ? `${staff.name},\n\n${admin.name} invited you to ${courtName} on Gavel. Choose your password here (the link works once, until ${until}):\n\n${url}\n\n${admin.name} 邀请您使用 ${courtName} 的 Gavel 账户。请通过以下链接设置密码（链接仅可使用一次，有效期至 ${until}）：\n\n${url}\n`
          : `${staff.name},\n\nAn administrator of ${courtName} reset your Gavel password. Choose a new one here (the link works once, until ${until}):\n\n${url}\n\n${courtName} 的管理员已重置您的 Gavel 密码。请通过以下链接设置新密码（链接仅可使用一次，有效期至 ${until}）：\n\n${url}\n`;
      try {
        emailed = (
          await this.mailer.send({
            to: staff.email,
            subject:
              kind === 'invite'
                ? `Your Gavel account at ${courtName} / 您的 Gavel 账户`
                : `Reset your Gavel password / 重置 Gavel 密码`,
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
