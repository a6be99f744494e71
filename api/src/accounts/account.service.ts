import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import * as audit from '../audit/audit.service.ts';
import {
  TWO_FACTOR_ROLES,
  countUnusedRecoveryCodes,
  findTwoFactor,
  setPassword,
  type AuthService,
  type SessionUser,
} from './auth.service.ts';
import { assertPasswordAllowed, type Passwords } from './password.ts';
import {
  hashRecoveryCode,
  matchTotp,
  newRecoveryCodes,
  newTotpSecret,
  otpauthUri,
  qrCodeDataUrl,
} from './two-factor.ts';
import { DomainError, notFound } from '../platform/http/errors.ts';
import { courtStream } from '../court-admin/court.service.ts';
import * as repo from './account.repository.ts';

/** An admin removes a second factor still being set up; an enrolled one goes only through a two-factor reset. */
export { deleteTwoFactor } from './account.repository.ts';

const actor = (user: SessionUser): audit.Actor => ({ type: 'user', id: user.id });

/** What a staff member does to their own account: password, sessions, two-factor sign-in. */
export class AccountService {
  private readonly db: Kysely<Database>;
  private readonly auth: AuthService;
  private readonly passwords: Passwords;
  private readonly now: () => Date;
  constructor(opts: { db: Kysely<Database>; auth: AuthService; passwords: Passwords; now: () => Date }) {
    this.db = opts.db;
    this.auth = opts.auth;
    this.passwords = opts.passwords;
    this.now = opts.now;
  }

  async twoFactorStatus(user: SessionUser) {
    const [row, court, left] = await Promise.all([
      findTwoFactor(this.db, user.id),
      repo.findCourtRequirement(this.db, user.id),
      countUnusedRecoveryCodes(this.db, user.id),
    ]);
    return {
      enabled: Boolean(row?.enabled_at),
      required: Boolean(court.require_two_factor) && TWO_FACTOR_ROLES.includes(court.role),
      recoveryCodesLeft: row?.enabled_at ? left : 0,
    };
  }

  /** Needs the current password; every other session of the account ends. */
  async changePassword(user: SessionUser, input: { currentPassword: string; newPassword: string; ip: string }) {
    assertPasswordAllowed(input.newPassword, { courtName: user.court?.name, name: user.name, email: user.email });
    if (input.newPassword === input.currentPassword) {
      throw new DomainError(
        400,
        'weak_password',
        'The new password must differ from the current one.',
        {},
        { reason: 'same_as_current', suggestions: [] },
      );
    }
    await this.auth.confirmPassword(user, input.currentPassword, input.ip);
    const hash = await this.passwords.hash(input.newPassword);
    await this.db.transaction().execute(async (trx) => {
      await setPassword(trx, user.id, hash);
      const ended = await repo.deleteOtherSessions(trx, user.id, user.sessionId);
      await audit.append(trx, {
        stream: courtStream(user.court?.id),
        actor: actor(user),
        action: 'account.password_changed',
        payload: { userId: user.id, otherSessionsEnded: ended.reduce((n, r) => n + Number(r.numDeletedRows), 0) },
      });
    });
  }

  async sessions(user: SessionUser) {
    const rows = await repo.listSessions(this.db, user.id, this.now());
    return rows.map((s) => ({
      id: s.id,
      createdAt: s.created_at.toISOString(),
      lastSeenAt: s.last_seen_at.toISOString(),
      ip: s.ip,
      userAgent: s.user_agent,
      current: s.id === user.sessionId,
    }));
  }

  /** Only one's own sessions: another account's session id is as good as unknown. */
  async endSession(user: SessionUser, sessionId: string) {
    await this.db.transaction().execute(async (trx) => {
      const res = await repo.deleteOwnSession(trx, user.id, sessionId);
      if (res.numDeletedRows === 0n) throw notFound('Session');
      await audit.append(trx, {
        stream: courtStream(user.court?.id),
        actor: actor(user),
        action: 'account.session_ended',
        payload: { userId: user.id, sessionId, current: sessionId === user.sessionId },
      });
    });
  }

  /** A new secret awaiting confirmation; shown once as a QR code and as text. */
  async startEnrolment(user: SessionUser) {
    const existing = await findTwoFactor(this.db, user.id);
    if (existing?.enabled_at) {
      throw new DomainError(409, 'two_factor_enabled', 'Two-factor sign-in is already on for this account.');
    }
    const secret = newTotpSecret();
    await repo.savePendingSecret(this.db, user.id, this.auth.secrets.seal(secret, user.id), this.now());
    const uri = otpauthUri(secret, user.email);
    return { secret, otpauthUri: uri, qrCode: await qrCodeDataUrl(uri) };
  }

  /** The first right code turns two-factor sign-in on and yields ten recovery codes, shown once. */
  async confirmEnrolment(user: SessionUser, code: string) {
    const codes = newRecoveryCodes();
    await this.db.transaction().execute(async (trx) => {
      const row = await findTwoFactor(trx, user.id);
      if (row?.enabled_at) {
        throw new DomainError(409, 'two_factor_enabled', 'Two-factor sign-in is already on for this account.');
      }
      if (!row) throw new DomainError(409, 'no_enrolment', 'Start setting up two-factor sign-in first.');
      const secret = this.auth.secrets.open(row.secret_encrypted, user.id);
      const step = secret === undefined ? null : matchTotp(secret, code.replace(/\s/g, ''), this.now());
      if (step === null) throw new DomainError(400, 'invalid_code', 'The code is not correct.');
      await repo.enableTwoFactor(trx, user.id, this.now(), step);
      await repo.replaceRecoveryCodes(trx, user.id, codes.map(hashRecoveryCode), this.now());
      await audit.append(trx, {
        stream: courtStream(user.court?.id),
        actor: actor(user),
        action: 'account.two_factor_enabled',
        payload: { userId: user.id, sessionId: user.sessionId },
      });
    });
    return codes;
  }

  async regenerateRecoveryCodes(user: SessionUser, password: string, ip: string) {
    await this.auth.confirmPassword(user, password, ip);
    const codes = newRecoveryCodes();
    await this.db.transaction().execute(async (trx) => {
      const row = await findTwoFactor(trx, user.id);
      if (!row?.enabled_at) throw new DomainError(409, 'two_factor_off', 'Two-factor sign-in is not on.');
      await repo.replaceRecoveryCodes(trx, user.id, codes.map(hashRecoveryCode), this.now());
      await audit.append(trx, {
        stream: courtStream(user.court?.id),
        actor: actor(user),
        action: 'account.recovery_codes_replaced',
        payload: { userId: user.id },
      });
    });
    return codes;
  }

  /** Refused when the court requires two-factor sign-in for the account's role. */
  async disableTwoFactor(user: SessionUser, password: string, ip: string) {
    const status = await this.twoFactorStatus(user);
    if (status.required) {
      throw new DomainError(409, 'two_factor_required', 'Your court requires two-factor sign-in for your role.');
    }
    if (!status.enabled) throw new DomainError(409, 'two_factor_off', 'Two-factor sign-in is not on.');
    await this.auth.confirmPassword(user, password, ip);
    await this.db.transaction().execute(async (trx) => {
      await repo.deleteTwoFactor(trx, user.id);
      await audit.append(trx, {
        stream: courtStream(user.court?.id),
        actor: actor(user),
        action: 'account.two_factor_disabled',
        payload: { userId: user.id },
      });
    });
  }
}
