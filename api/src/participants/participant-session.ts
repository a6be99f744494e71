import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { JoinService } from '../join/join.service.ts';
import { isTokenShaped } from './invite-token.ts';

/** A party, agent, witness, interpreter or observer who joined through an invite link. */
export interface SessionParticipant {
  id: string;
  hearingId: string;
  role: string;
  displayName: string;
  sessionId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    participant: SessionParticipant | null;
  }
}

export const PARTICIPANT_COOKIE = 'gavel_participant';

export function setParticipantCookie(reply: FastifyReply, token: string, expires: Date, secure: boolean): void {
  reply.setCookie(PARTICIPANT_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/', expires });
}

export interface ParticipantAuthDeps {
  db: Kysely<Database>;
  sessionSecret: string;
  now?: (() => Date) | undefined;
}

/**
 * Reads the participant session cookie (scoped to one hearing) and returns who it belongs to, or
 * null when there is none or it ended (revoked, removed, hearing adjourned or cancelled, expired).
 */
export async function authenticateParticipant(
  request: FastifyRequest,
  deps: ParticipantAuthDeps,
): Promise<SessionParticipant | null> {
  const token = request.cookies[PARTICIPANT_COOKIE];
  if (!token || !isTokenShaped(token)) return null;
  const join = new JoinService({ db: deps.db, secret: deps.sessionSecret, now: deps.now ?? (() => new Date()) });
  return join.authenticate(token);
}
