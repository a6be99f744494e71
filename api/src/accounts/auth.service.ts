import { createHmac, randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database, StaffRole } from '../platform/db/schema.ts';
import * as audit from '../audit/audit.service.ts';
import { tooManyRequests, DomainError } from '../platform/http/errors.ts';
import type { PendingStep } from '../platform/http/access.ts';
import * as repo from './auth.repository.ts';
import type { HashLane, Passwords } from './password.ts';
import type { Device } from './device.ts';
import type { SessionCache, SessionRow } from './session-cache.ts';
import { applyDueResets } from './two-factor-reset.ts';
import { SecretBox, hashRecoveryCode, matchTotp, normalizeRecoveryCode } from './two-factor.ts';

/**
 * What other features may read and write of staff accounts, inside their own transactions: an admin
 * creates an account; an account's password is set and its sessions ended (account, admin); its
 * second factor is read (account).
 */
export {
  countUnusedRecoveryCodes,
  deleteSessionsOfUser,
  findTwoFactor,
  findUserByEmail,
  insertUser,
  setPassword,
} from './auth.repository.ts';

export type { PendingStep };

/** Roles a court's "require two-factor sign-in" setting applies to. */
export const TWO_FACTOR_ROLES: readonly StaffRole[] = ['judge', 'admin'];

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  court: { id: string; name: string; timezone: string; locale: string } | null;
  sessionId: string;
  pendingStep: PendingStep | null;
}

export interface AuthPolicy {
  /** Session lifetimes for an account without a court; a court's own settings win. */
  absoluteTtlMs: number;
  idleTtlMs: number;
  /** Failures allowed per account within the window; the next attempt is refused before hashing. */
  maxFailuresPerAccount: number;
  maxFailuresPerIp: number;
  failureWindowMs: number;
  /** Wrong second-factor codes allowed per account within failureWindowMs. */
  maxSecondFactorFailures: number;
  /** How long a password-checked session may wait for its code. */
  secondFactorTtlMs: number;
}

export const DEFAULT_AUTH_POLICY: AuthPolicy = {
  absoluteTtlMs: 12 * 60 * 60 * 1000,
  idleTtlMs: 30 * 60 * 1000,
  maxFailuresPerAccount: 5,
  maxFailuresPerIp: 20,
  failureWindowMs: 15 * 60 * 1000,
  maxSecondFactorFailures: 5,
  secondFactorTtlMs: 10 * 60 * 1000,
};

const minutes = (m: number) => m * 60 * 1000;

export const mustEnrol = (role: StaffRole, courtRequires: boolean | null, enabledAt: Date | null) =>
  Boolean(courtRequires) && TWO_FACTOR_ROLES.includes(role) && !enabledAt;

// Writing last_seen on every request would turn every read into a write; a minute is precise enough.
const TOUCH_INTERVAL_MS = 60 * 1000;

export class AuthService {
  private readonly db: Kysely<Database>;
  /** Shared, so every argon2 computation goes through the one limiter. */
  readonly passwords: Passwords;
  private readonly secret: string;
  private readonly policy: AuthPolicy;
  private readonly now: () => Date;
  readonly secrets: SecretBox;
  private readonly cache: SessionCache | undefined;

  constructor(opts: {
    db: Kysely<Database>;
    passwords: Passwords;
    sessionSecret: string;
    policy?: Partial<AuthPolicy>;
    now?: () => Date;
    /** Sessions held in memory while the database's session notifications are heard. */
    cache?: SessionCache;
  }) {
    this.db = opts.db;
    this.cache = opts.cache;
    this.passwords = opts.passwords;
    this.secret = opts.sessionSecret;
    this.policy = { ...DEFAULT_AUTH_POLICY, ...opts.policy };
    this.now = opts.now ?? (() => new Date());
    this.secrets = new SecretBox(opts.sessionSecret);
  }

  /** A court's own session lifetimes, or the policy's for an account without one. */
  private lifetimes(
    court: { session_idle_minutes: number | null; session_absolute_minutes: number | null } | undefined,
  ) {
    return {
      idleMs: court?.session_idle_minutes ? minutes(court.session_idle_minutes) : this.policy.idleTtlMs,
      absoluteMs: court?.session_absolute_minutes ? minutes(court.session_absolute_minutes) : this.policy.absoluteTtlMs,
    };
  }

  /** Only this HMAC of the cookie's token is stored; the token itself never is. */
  tokenHash(token: string): string {
    return createHmac('sha256', this.secret).update(token).digest('hex');
  }

  /**
   * A new session id is made at every sign-in; whatever the browser held is never adopted. When that
   * cookie (`replacesToken`) is an earlier session of the same account it is ended here, so the old id
   * stops working once this sign-in succeeds. Another account's session (say an attacker's, planted in
   * the browser) stays that account's: it is never upgraded to this one.
   */
  async login(input: {
    email: string;
    password: string;
    ip: string;
    userAgent: string | null;
    replacesToken?: string | undefined;
    /** The browser's device cookie (accounts/device.ts), if it has a valid one. */
    device?: Device | undefined;
  }) {
    const email = input.email.trim().toLowerCase();
    // A browser known for this account answers for its own failures, not the account's (device cookies).
    const device = input.device?.email === email ? input.device : undefined;
    const accountKey = device ? `device:${device.id}` : `account:${email}`;
    const keys = [`ip:${input.ip}`, accountKey];
    const now = this.now();
    const counts = await this.refuseIfLimited(keys, now, email, input.ip);

    const user = await repo.findUserByEmail(this.db, email);
    // Hashing is shared: a known browser, or an account nobody has been failing at, waits in a queue of
    // its own, apart from unknown accounts and accounts under attack (accounts/password.ts).
    const lane: HashLane =
      user && (device || !counts.some((c) => c.key === accountKey && c.count > 0)) ? 'known' : 'other';
    // An invited account, or one whose reset was forced, has no password until its link is used.
    const valid =
      user && user.password_hash
        ? await this.passwords.verify(user.password_hash, input.password, lane)
        : await this.passwords.verifyDummy(input.password, lane);

    if (!user || !valid || user.disabled) {
      const reason = !user
        ? 'unknown_email'
        : !user.password_hash
          ? 'no_password_set'
          : !valid
            ? 'wrong_password'
            : 'disabled';
      await this.db.transaction().execute(async (trx) => {
        await repo.recordLoginFailure(trx, keys, now);
        await audit.append(trx, {
          stream: audit.SYSTEM_STREAM,
          actor: user ? { type: 'user', id: user.id } : { type: 'anonymous', id: null },
          action: 'auth.login_failed',
          payload: { email, reason, ip: input.ip },
        });
      });
      // One message for every cause: the response must not reveal which emails have accounts.
      throw new DomainError(401, 'invalid_credentials', 'Email or password is incorrect.');
    }

    // A delayed removal of the second factor whose time has come applies before the code is asked for.
    await applyDueResets(this.db, now, { userId: user.id });
    const context = await repo.findSignInContext(this.db, user.id);
    const { idleMs, absoluteMs } = this.lifetimes(context);
    const owesCode = Boolean(context?.two_factor_enabled_at);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + absoluteMs);
    // A session waiting for its code lives only minutes; the code step gives it its full idle time.
    const idleExpiresAt = new Date(
      Math.min(now.getTime() + (owesCode ? this.policy.secondFactorTtlMs : idleMs), expiresAt.getTime()),
    );
    const session = await this.db.transaction().execute(async (trx) => {
      const s = await repo.insertSession(trx, {
        token_hash: this.tokenHash(token),
        user_id: user.id,
        created_at: now,
        last_seen_at: now,
        expires_at: expiresAt,
        idle_expires_at: idleExpiresAt,
        ip: input.ip,
        user_agent: input.userAgent?.slice(0, 500) ?? null,
      });
      if (owesCode) await repo.insertSignInStep(trx, s.id, idleExpiresAt);
      const replaced = input.replacesToken
        ? await repo.deleteSessionByTokenHash(trx, this.tokenHash(input.replacesToken), user.id)
        : undefined;
      // Signing in from a known browser does not lift the account's lockout for everyone else.
      await repo.clearLoginFailures(trx, accountKey);
      await audit.append(trx, {
        stream: audit.SYSTEM_STREAM,
        actor: { type: 'user', id: user.id },
        action: owesCode ? 'auth.password_accepted' : 'auth.login',
        payload: { sessionId: s.id, ip: input.ip, ...(replaced ? { replacedSessionId: replaced } : {}) },
      });
      return { ...s, replaced };
    });
    if (session.replaced) this.cache?.dropSession(session.replaced);
    const sessionUser = await this.authenticate(token);
    if (!sessionUser) throw new Error(`session ${session.id} vanished right after login`);
    return { token, expiresAt, user: sessionUser };
  }

  /**
   * The second step of sign-in: a TOTP code (this, the previous or the next 30 seconds, never one
   * used before) or an unused recovery code. Wrong codes are counted per account, apart from
   * password failures. Once accepted the session gets a new token: the password-only one, which
   * someone may have planted or seen, stops working (session fixation).
   */
  async completeSecondFactor(
    user: SessionUser,
    input: { code: string; ip: string },
  ): Promise<{ user: SessionUser; token: string; expiresAt: Date }> {
    if (user.pendingStep !== 'second_factor') {
      throw new DomainError(409, 'no_second_factor_pending', 'This session does not owe a second-factor code.');
    }
    const now = this.now();
    const key = `second_factor:${user.id}`;
    const since = new Date(now.getTime() - this.policy.failureWindowMs);
    const [count] = await repo.countLoginFailures(this.db, [key], since);
    if (count && count.count >= this.policy.maxSecondFactorFailures) {
      const reopens = new Date(count.oldest).getTime() + this.policy.failureWindowMs;
      const retryAfter = Math.max(1, Math.ceil((reopens - now.getTime()) / 1000));
      await audit.append(this.db, {
        stream: audit.SYSTEM_STREAM,
        actor: { type: 'user', id: user.id },
        action: 'auth.second_factor_failed',
        payload: { reason: 'rate_limited', ip: input.ip, sessionId: user.sessionId },
      });
      throw tooManyRequests(retryAfter, `Too many wrong codes. Try again in ${retryAfter} seconds.`);
    }

    const token = randomBytes(32).toString('base64url');
    const accepted = await this.db.transaction().execute(async (trx) => {
      const method = await this.checkSecondFactor(trx, user.id, input.code, now);
      if (!method) {
        await repo.recordLoginFailure(trx, [key], now);
        await audit.append(trx, {
          stream: audit.SYSTEM_STREAM,
          actor: { type: 'user', id: user.id },
          action: 'auth.second_factor_failed',
          payload: { reason: 'wrong_code', ip: input.ip, sessionId: user.sessionId },
        });
        return false;
      }
      const context = await repo.findSignInContext(trx, user.id);
      const { idleMs } = this.lifetimes(context);
      await repo.deleteSignInStep(trx, user.sessionId);
      await repo.setSessionIdleExpiry(trx, user.sessionId, now, new Date(now.getTime() + idleMs));
      const { expires_at } = await repo.setSessionTokenHash(trx, user.sessionId, this.tokenHash(token));
      await repo.clearLoginFailures(trx, key);
      await audit.append(trx, {
        stream: audit.SYSTEM_STREAM,
        actor: { type: 'user', id: user.id },
        action: 'auth.login',
        payload: { sessionId: user.sessionId, ip: input.ip, secondFactor: method },
      });
      return { expiresAt: expires_at };
    });
    if (accepted) this.cache?.dropSession(user.sessionId);
    // Outside the transaction: a wrong code must still be counted.
    if (!accepted) throw new DomainError(401, 'invalid_code', 'The code is not correct.');
    // An enabled second factor means nothing is left to enrol in.
    return { user: { ...user, pendingStep: null }, token, expiresAt: accepted.expiresAt };
  }

  /**
   * The owner's own code, outside sign-in (a set-password link of an account with two-factor sign-in):
   * counted against the same per-account limit as the sign-in step. Whether the account owes one is
   * answered by `hasSecondFactor`.
   */
  async verifyOwnSecondFactor(userId: string, code: string | undefined, ip: string): Promise<void> {
    if (!code) {
      throw new DomainError(400, 'code_required', 'Enter a code from your authenticator app, or a recovery code.');
    }
    const now = this.now();
    const key = `second_factor:${userId}`;
    const [count] = await repo.countLoginFailures(
      this.db,
      [key],
      new Date(now.getTime() - this.policy.failureWindowMs),
    );
    if (count && count.count >= this.policy.maxSecondFactorFailures) {
      const reopens = new Date(count.oldest).getTime() + this.policy.failureWindowMs;
      const retryAfter = Math.max(1, Math.ceil((reopens - now.getTime()) / 1000));
      throw tooManyRequests(retryAfter, `Too many wrong codes. Try again in ${retryAfter} seconds.`);
    }
    const ok = await this.db.transaction().execute(async (trx) => {
      const method = await this.checkSecondFactor(trx, userId, code, now);
      if (!method) {
        await repo.recordLoginFailure(trx, [key], now);
        await audit.append(trx, {
          stream: audit.SYSTEM_STREAM,
          actor: { type: 'user', id: userId },
          action: 'auth.second_factor_failed',
          payload: { reason: 'wrong_code', ip, during: 'set_password' },
        });
      }
      return method !== undefined;
    });
    if (!ok) throw new DomainError(400, 'invalid_code', 'The code is not correct.');
  }

  async hasSecondFactor(userId: string): Promise<boolean> {
    return Boolean((await repo.findTwoFactor(this.db, userId))?.enabled_at);
  }

  /** Which kind of code was accepted, or undefined. A TOTP secret that cannot be opened accepts nothing. */
  async checkSecondFactor(
    trx: Transaction<Database>,
    userId: string,
    code: string,
    now: Date,
  ): Promise<'totp' | 'recovery_code' | undefined> {
    const row = await repo.findTwoFactor(trx, userId);
    if (!row?.enabled_at) return undefined;
    const trimmed = code.replace(/\s/g, '');
    if (/^\d{6}$/.test(trimmed)) {
      const secret = this.secrets.open(row.secret_encrypted, userId);
      const step = secret === undefined ? null : matchTotp(secret, trimmed, now);
      return step !== null && (await repo.acceptTotpStep(trx, userId, step)) ? 'totp' : undefined;
    }
    const recovery = normalizeRecoveryCode(code);
    if (!recovery) return undefined;
    return (await repo.useRecoveryCode(trx, userId, hashRecoveryCode(recovery), now)) ? 'recovery_code' : undefined;
  }

  /**
   * For changes to one's own account that need the current password: a wrong one counts as a
   * failed sign-in of the account, so this cannot be used to guess passwords faster.
   */
  async confirmPassword(user: SessionUser, password: string, ip: string): Promise<void> {
    const email = user.email.toLowerCase();
    const keys = [`ip:${ip}`, `account:${email}`];
    await this.refuseIfLimited(keys, this.now(), email, ip);
    const row = await repo.findUserByEmail(this.db, email);
    const valid = row?.password_hash ? await this.passwords.verify(row.password_hash, password) : false;
    if (!valid) {
      await this.db.transaction().execute(async (trx) => {
        await repo.recordLoginFailure(trx, keys, this.now());
        await audit.append(trx, {
          stream: audit.SYSTEM_STREAM,
          actor: { type: 'user', id: user.id },
          action: 'auth.password_confirmation_failed',
          payload: { ip },
        });
      });
      throw new DomainError(400, 'wrong_password', 'The current password is not correct.');
    }
  }

  private async refuseIfLimited(keys: string[], now: Date, email: string, ip: string) {
    const since = new Date(now.getTime() - this.policy.failureWindowMs);
    const counts = await repo.countLoginFailures(this.db, keys, since);
    for (const row of counts) {
      const max = row.key.startsWith('ip:') ? this.policy.maxFailuresPerIp : this.policy.maxFailuresPerAccount;
      if (row.count >= max) {
        const reopens = new Date(row.oldest).getTime() + this.policy.failureWindowMs;
        const retryAfter = Math.max(1, Math.ceil((reopens - now.getTime()) / 1000));
        await audit.append(this.db, {
          stream: audit.SYSTEM_STREAM,
          actor: { type: 'anonymous', id: null },
          action: 'auth.login_failed',
          payload: { email, reason: 'rate_limited', ip, limit: row.key.split(':')[0] },
        });
        throw tooManyRequests(retryAfter, `Too many failed sign-ins. Try again in ${retryAfter} seconds.`);
      }
    }
    return counts;
  }

  /** Whether a session row no longer stands at `now` (the court's current settings apply at once). */
  private expired(row: SessionRow, now: Date): boolean {
    const { idleMs, absoluteMs } = this.lifetimes(row.court_id ? row : undefined);
    return (
      row.expires_at <= now ||
      row.idle_expires_at <= now ||
      row.created_at.getTime() + absoluteMs <= now.getTime() ||
      row.last_seen_at.getTime() + idleMs <= now.getTime() ||
      (row.pending_expires_at !== null && row.pending_expires_at <= now)
    );
  }

  /**
   * The session, account and court behind a token hash: from the cache when it holds them, else one
   * query. A cached row that looks expired is read again: another instance may have touched it since.
   */
  private async sessionRow(tokenHash: string, now: Date): Promise<{ row: SessionRow; cached: boolean } | undefined> {
    const cached = this.cache?.get(tokenHash, Date.now());
    if (cached && !this.expired(cached, now)) return { row: cached, cached: true };
    const mark = this.cache?.mark() ?? 0;
    const row = await repo.findSession(this.db, tokenHash);
    if (!row) return undefined;
    if (!row.disabled && !this.expired(row, now)) this.cache?.set(tokenHash, row, mark, Date.now());
    return { row, cached: false };
  }

  /**
   * The session's user for a cookie token, or undefined when it is unknown, expired or disabled.
   * A session that still owes a sign-in step comes back with `pendingStep` set.
   */
  async authenticate(token: string): Promise<SessionUser | undefined> {
    const hash = this.tokenHash(token);
    const now = this.now();
    const found = await this.sessionRow(hash, now);
    if (!found) return undefined;
    let { row } = found;
    if (!found.cached && (row.disabled || this.expired(row, now))) {
      await repo.deleteSession(this.db, row.session_id);
      this.cache?.delete(hash);
      return undefined;
    }
    if (!row.pending_step && now.getTime() - row.last_seen_at.getTime() > TOUCH_INTERVAL_MS) {
      const { idleMs } = this.lifetimes(row.court_id ? row : undefined);
      const idle = new Date(Math.min(now.getTime() + idleMs, row.expires_at.getTime()));
      await repo.touchSession(this.db, row.session_id, now, idle);
      row = { ...row, last_seen_at: now, idle_expires_at: idle };
      this.cache?.update(hash, row);
    }
    return {
      id: row.id,
      email: row.email,
      name: row.name,
      role: row.role,
      court: row.court_id
        ? {
            id: row.court_id,
            name: row.court_name ?? '',
            timezone: row.court_timezone ?? 'UTC',
            locale: row.court_locale ?? 'en',
          }
        : null,
      sessionId: row.session_id,
      pendingStep: row.pending_step
        ? 'second_factor'
        : mustEnrol(row.role, row.require_two_factor, row.two_factor_enabled_at)
          ? 'enrol'
          : null,
    };
  }

  /**
   * Whether a session that was valid when a websocket opened still stands: not ended (sign-out,
   * ended from the account page, a disabled account, a password change or reset) and within its
   * absolute lifetime. Touches and deletes nothing, so an open socket neither extends nor ends it.
   */
  async stillSignedIn(token: string, userId: string): Promise<boolean> {
    // Always from the database: this runs when an access change is announced, which may reach this
    // instance before the session notification that empties the cache.
    return this.sessionStands(await repo.findSession(this.db, this.tokenHash(token)), userId);
  }

  /** `stillSignedIn` for a row the caller read itself (the socket heartbeat reads every socket's at once). */
  sessionStands(
    row:
      | Pick<
          SessionRow,
          | 'id'
          | 'disabled'
          | 'pending_step'
          | 'expires_at'
          | 'created_at'
          | 'court_id'
          | 'session_idle_minutes'
          | 'session_absolute_minutes'
        >
      | undefined,
    userId: string,
  ): boolean {
    if (!row || row.id !== userId || row.disabled || row.pending_step) return false;
    const now = this.now();
    const { absoluteMs } = this.lifetimes(row.court_id ? row : undefined);
    return row.expires_at > now && row.created_at.getTime() + absoluteMs > now.getTime();
  }

  async logout(user: SessionUser, ip: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await repo.deleteSession(trx, user.sessionId);
      await audit.append(trx, {
        stream: audit.SYSTEM_STREAM,
        actor: { type: 'user', id: user.id },
        action: 'auth.logout',
        payload: { sessionId: user.sessionId, ip },
      });
    });
    // Here too, not only on the notification: this browser's next request may come before it does.
    this.cache?.dropSession(user.sessionId);
  }

  /** Housekeeping: drop expired sessions and failure records that no longer count. */
  async prune(): Promise<void> {
    const now = this.now();
    await applyDueResets(this.db, now);
    await repo.deleteExpiredSessions(this.db, now);
    await repo.pruneLoginFailures(this.db, new Date(now.getTime() - this.policy.failureWindowMs));
  }
}
