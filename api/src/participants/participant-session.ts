import type { FastifyRequest } from 'fastify';

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

/**
 * Reads the participant session cookie (scoped to one hearing) and returns who it belongs to.
 * Filled in by the scheduling feature (issue 3); until then nobody is a participant.
 */
export async function authenticateParticipant(_request: FastifyRequest): Promise<SessionParticipant | null> {
  return null;
}
