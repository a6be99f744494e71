import { createHash, randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import type { PasswordLinkPurpose } from '../court-admin/admin.table.ts';
import * as audit from '../audit/audit.service.ts';
import { DomainError } from '../platform/http/errors.ts';
import * as accounts from './auth.service.ts';
import { assertPasswordAllowed, type Passwords } from './password.ts';
import type { AuthService } from './auth.service.ts';
import { courtStream } from '../court-admin/court.service.ts';
import * as repo from './password-link.repository.ts';

/** Other features end an account's links (disabling it) and ask whether it ever accepted its invitation. */
export { hasAcceptedInvite, revokeLinksOfUser } from './password-link.repository.ts';

/** How long a link works: a week to accept an invitation, a day for a forced reset. */
export const LINK_TTL_MS: Record<PasswordLinkPurpose, number> = {
  invite: 7 * 24 * 60 * 60 * 1000,
  reset: 24 * 60 * 60 * 1000,
};

// 256 random bits: a plain SHA-256 is enough to store it, and it is what the link carries.
export const linkTokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** The web page that takes the token; it is in the fragment, so it never reaches a server log or a Referer. */
export const setPasswordUrl = (publicOrigin: string, token: string) => `${publicOrigin}/login#set-password=${token}`;

export const linkInvalid = () =>
  new DomainError(404, 'link_invalid', 'This link is not valid. Ask your court administrator for a new one.');
const linkExpired = () =>
  new DomainError(410, 'link_expired', 'This link has expired. Ask your court administrator for a new one.');
const linkUsed = () =>
  new DomainError(410, 'link_used', 'This link has already been used or was replaced by a newer one.');

/** Issues a new link for the account, in the caller's transaction, and retires its older ones. */
export async function issueLink(
  trx: Transaction<Database>,
  input: { userId: string; purpose: PasswordLinkPurpose; createdBy: string | null; now: Date },
): Promise<{ token: string; expiresAt: Date }> {
  await repo.revokeLinksOfUser(trx, input.userId, input.now);
  const token = randomBytes(32).toString('base64url');
  const link = await repo.insertLink(trx, {
    user_id: input.userId,
    token_hash: linkTokenHash(token),
    purpose: input.purpose,
    created_by: input.createdBy,
    created_at: input.now,
    expires_at: new Date(input.now.getTime() + LINK_TTL_MS[input.purpose]),
  });
  return { token, expiresAt: link.expires_at };
}

type LinkRow = NonNullable<Awaited<ReturnType<typeof repo.findLink>>>;

function usable(link: LinkRow | undefined, now: Date): LinkRow {
  if (!link || link.disabled) throw linkInvalid();
  if (link.used_at) throw linkUsed();
  if (link.expires_at <= now) throw linkExpired();
  return link;
}

export class PasswordLinkService {
  private readonly db: Kysely<Database>;
  private readonly passwords: Passwords;
  private readonly now: () => Date;
  private readonly auth: AuthService;
  constructor(db: Kysely<Database>, passwords: Passwords, now: () => Date, auth: AuthService) {
    this.db = db;
    this.passwords = passwords;
    this.now = now;
    this.auth = auth;
  }

  /**
   * A reset link of an account with two-factor sign-in also needs the owner's code: without it, an
   * admin who saw the link could set a password and then have the second factor removed.
   */
  private async codeRequired(link: LinkRow) {
    return link.purpose === 'reset' && (await this.auth.hasSecondFactor(link.user_id));
  }

  /** Whose link it is, so the page can greet them; refuses expired, used and unknown links. */
  async inspect(token: string) {
    const link = usable(await repo.findLink(this.db, linkTokenHash(token)), this.now());
    return {
      email: link.email,
      name: link.name,
      courtName: link.court_name,
      purpose: link.purpose,
      expiresAt: link.expires_at.toISOString(),
      codeRequired: await this.codeRequired(link),
    };
  }

  /** Sets the password once; every session of the account ends and the link stops working. */
  async setPassword(token: string, password: string, ip: string, code?: string): Promise<void> {
    const tokenHash = linkTokenHash(token);
    const found = usable(await repo.findLink(this.db, tokenHash), this.now());
    assertPasswordAllowed(password, { courtName: found.court_name, name: found.name, email: found.email });
    if (await this.codeRequired(found)) await this.auth.verifyOwnSecondFactor(found.user_id, code, ip);
    const hash = await this.passwords.hash(password);
    await this.db.transaction().execute(async (trx) => {
      // Checked again under the row lock: two requests with one link cannot both succeed.
      const now = this.now();
      const link = usable(await repo.findLink(trx, tokenHash, true), now);
      await repo.markUsed(trx, link.id, now);
      await repo.revokeLinksOfUser(trx, link.user_id, now);
      await accounts.setPassword(trx, link.user_id, hash);
      await accounts.deleteSessionsOfUser(trx, link.user_id);
      await audit.append(trx, {
        stream: courtStream(link.court_id),
        actor: { type: 'user', id: link.user_id },
        action: 'account.password_set',
        payload: { userId: link.user_id, linkId: link.id, purpose: link.purpose, ip },
      });
    });
  }
}
