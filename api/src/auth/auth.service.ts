import { createHmac, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, StaffRole } from '../db/schema.ts';
import * as audit from '../audit/audit.service.ts';
import { tooManyRequests, DomainError } from '../http/errors.ts';
import * as repo from './auth.repository.ts';
import type { Passwords } from './password.ts';

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  court: { id: string; name: string; timezone: string; locale: string } | null;
  sessionId: string;
}

export interface AuthPolicy {
  absoluteTtlMs: number;
  idleTtlMs: number;
  /** Failures allowed per account within the window; the next attempt is refused before hashing. */
  maxFailuresPerAccount: number;
  maxFailuresPerIp: number;
  failureWindowMs: number;
}

export const DEFAULT_AUTH_POLICY: AuthPolicy = {
  absoluteTtlMs: 12 * 60 * 60 * 1000,
  idleTtlMs: 30 * 60 * 1000,
  maxFailuresPerAccount: 5,
  maxFailuresPerIp: 20,
  failureWindowMs: 15 * 60 * 1000,
};

// Writing last_seen on every request would turn every read into a write; a minute is precise enough.
const TOUCH_INTERVAL_MS = 60 * 1000;

export class AuthService {
  private readonly db: Kysely<Database>;
  private readonly passwords: Passwords;
  private readonly secret: string;
  private readonly policy: AuthPolicy;
  private readonly now: () => Date;

  constructor(opts: {
    db: Kysely<Database>;
    passwords: Passwords;
    sessionSecret: string;
    policy?: Partial<AuthPolicy>;
    now?: () => Date;
  }) {
    this.db = opts.db;
    this.passwords = opts.passwords;
    this.secret = opts.sessionSecret;
    this.policy = { ...DEFAULT_AUTH_POLICY, ...opts.policy };
    this.now = opts.now ?? (() => new Date());
  }

  /** Only this HMAC of the cookie's token is stored; the token itself never is. */
  tokenHash(token: string): string {
    return createHmac('sha256', this.secret).update(token).digest('hex');
  }

  async login(input: { email: string; password: string; ip: string; userAgent: string | null }) {
    const email = input.email.trim().toLowerCase();
    const keys = [`ip:${input.ip}`, `account:${email}`];
    const now = this.now();
    await this.refuseIfLimited(keys, now, email, input.ip);

    const user = await repo.findUserByEmail(this.db, email);
    const valid = user
      ? await this.passwords.verify(user.password_hash, input.password)
      : await this.passwords.verifyDummy(input.password);

    if (!user || !valid || user.disabled) {
      const reason = !user ? 'unknown_email' : !valid ? 'wrong_password' : 'disabled';
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

    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.policy.absoluteTtlMs);
    const idleExpiresAt = new Date(Math.min(now.getTime() + this.policy.idleTtlMs, expiresAt.getTime()));
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
      await repo.clearLoginFailures(trx, `account:${email}`);
      await audit.append(trx, {
        stream: audit.SYSTEM_STREAM,
        actor: { type: 'user', id: user.id },
        action: 'auth.login',
        payload: { sessionId: s.id, ip: input.ip },
      });
      return s;
    });
    const sessionUser = await this.authenticate(token);
    if (!sessionUser) throw new Error(`session ${session.id} vanished right after login`);
    return { token, expiresAt, user: sessionUser };
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
          payload: { email, reason: 'rate_limited', ip, limit: row.key.startsWith('ip:') ? 'ip' : 'account' },
        });
        throw tooManyRequests(retryAfter, `Too many failed sign-ins. Try again in ${retryAfter} seconds.`);
      }
    }
  }

  /** The signed-in user for a cookie token, or undefined when it is unknown, expired or disabled. */
  async authenticate(token: string): Promise<SessionUser | undefined> {
    const row = await repo.findSession(this.db, this.tokenHash(token));
    if (!row) return undefined;
    const now = this.now();
    if (row.expires_at <= now || row.idle_expires_at <= now || row.disabled) {
      await repo.deleteSession(this.db, row.session_id);
      return undefined;
    }
    if (now.getTime() - row.last_seen_at.getTime() > TOUCH_INTERVAL_MS) {
      const idle = new Date(Math.min(now.getTime() + this.policy.idleTtlMs, row.expires_at.getTime()));
      await repo.touchSession(this.db, row.session_id, now, idle);
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
    };
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
  }

  /** Housekeeping: drop expired sessions and failure records that no longer count. */
  async prune(): Promise<void> {
    const now = this.now();
    await repo.deleteExpiredSessions(this.db, now);
    await repo.pruneLoginFailures(this.db, new Date(now.getTime() - this.policy.failureWindowMs));
  }
}
