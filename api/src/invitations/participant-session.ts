import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely, Selectable } from 'kysely';
import type { ParticipantTable } from './participants.table.ts';
import type { Database } from '../platform/db/schema.ts';
import type { HearingRow } from '../scheduling/hearings.service.ts';
import { JoinService } from './join.service.ts';
import { isTokenShaped } from './invite-token.ts';

/** A party, agent, witness, interpreter or observer who joined through an invite link. */
export interface SessionParticipant {
  id: string;
  hearingId: string;
  role: string;
  displayName: string;
  sessionId: string;
  /**
   * Their row as read with the session, at the start of this request: the request's own snapshot of
   * it, never kept beyond the request (a socket or a later request reads the session again).
   */
  live?: ParticipantAtSignIn;
  /** Their hearing's row, read in the same statement as `live` and kept no longer. */
  hearing?: HearingRow;
}

/** The participant's columns the live hearing decides on (presence, revocation, whom they represent…). */
export type ParticipantAtSignIn = Pick<
  Selectable<ParticipantTable>,
  | 'id'
  | 'hearing_id'
  | 'role'
  | 'display_name'
  | 'represents_id'
  | 'interprets_for_id'
  | 'presence'
  | 'revoked_at'
  | 'screen_share_allowed'
  | 'media_connected'
>;

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
 * Reads the participant session cookie (scoped to one hearing) and returns who it belongs to, or null
 * when there is none or it ended (expired, invitation withdrawn or replaced, hearing cancelled). A removal
 * or the hearing's end does not end it: what the person may still do is the hearing policy's to say.
 */
export async function authenticateParticipant(
  request: FastifyRequest,
  deps: ParticipantAuthDeps,
): Promise<SessionParticipant | null> {
  const token = request.cookies[participantCookieName(deps.secureCookies ?? false)];
  if (!token || !isTokenShaped(token)) return null;
  const join = new JoinService({ db: deps.db, secret: deps.sessionSecret, now: deps.now ?? (() => new Date()) });
  return join.authenticate(token);
}
