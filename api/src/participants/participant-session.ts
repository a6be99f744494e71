import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { JoinService } from '../join/join.service.ts';
import { isTokenShaped, participantSessionHash } from './invite-token.ts';
import * as repo from './participants.repository.ts';
import { inviteExpiry } from './participants.service.ts';

/** A party, agent, witness, interpreter or observer who joined through an invite link. */
export interface SessionParticipant {
  id: string;
  hearingId: string;
  role: string;
  displayName: string;
  sessionId: string;
  /**
   * Set only for routes that asked to know why a session no longer gives access (the live
   * hearing's routes answer 403 `removed` or `hearing_ended` instead of a bare 401).
   */
  ended?: 'removed' | 'hearing_ended';
}

declare module 'fastify' {
  interface FastifyRequest {
    participant: SessionParticipant | null;
  }
}

export const PARTICIPANT_COOKIE = 'gavel_participant';

/**
 * Under https the cookie is `__Host-` prefixed, like the staff session's: browsers then accept it only
 * Secure, host-only and for Path=/, so no sibling subdomain or plain-http page can plant one.
 */
export const participantCookieName = (secure: boolean) =>
  secure ? `__Host-${PARTICIPANT_COOKIE}` : PARTICIPANT_COOKIE;

export function setParticipantCookie(reply: FastifyReply, token: string, expires: Date, secure: boolean): void {
  reply.setCookie(participantCookieName(secure), token, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    expires,
  });
}

export interface ParticipantAuthDeps {
  db: Kysely<Database>;
  sessionSecret: string;
  now?: (() => Date) | undefined;
  /** Whether PUBLIC_URL is https (the cookie is then `__Host-` prefixed). */
  secureCookies?: boolean | undefined;
}

/**
 * Reads the participant session cookie (scoped to one hearing) and returns who it belongs to, or
 * null when there is none or it ended (revoked, removed, hearing adjourned or cancelled, expired).
 */
export async function authenticateParticipant(
  request: FastifyRequest,
  deps: ParticipantAuthDeps,
  opts: { keepEnded?: boolean } = {},
): Promise<SessionParticipant | null> {
  const token = request.cookies[participantCookieName(deps.secureCookies ?? false)];
  if (!token || !isTokenShaped(token)) return null;
  if (opts.keepEnded) {
    // Removal and the hearing's end stop media, not the answer saying so; expiry and revocation end it all.
    const row = await repo.findSession(deps.db, participantSessionHash(deps.sessionSecret, token));
    const now = (deps.now ?? (() => new Date()))();
    if (row && row.expires_at > now && inviteExpiry(row) > now && row.revoked_at === null) {
      const ended =
        row.presence === 'removed'
          ? ('removed' as const)
          : row.hearing_state === 'adjourned' || row.hearing_state === 'cancelled'
            ? ('hearing_ended' as const)
            : undefined;
      return {
        id: row.id,
        hearingId: row.hearing_id,
        role: row.role,
        displayName: row.display_name,
        sessionId: row.session_id,
        ...(ended ? { ended } : {}),
      };
    }
  }
  const join = new JoinService({ db: deps.db, secret: deps.sessionSecret, now: deps.now ?? (() => new Date()) });
  return join.authenticate(token);
}
