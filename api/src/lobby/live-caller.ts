import type { FastifyRequest } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { SessionUser } from '../auth/auth.service.ts';
import type { Actor } from '../audit/audit.service.ts';
import { DomainError, forbidden, notFound, unauthorized } from '../http/errors.ts';
import * as hearingsRepo from '../hearings/hearings.repository.ts';
import type { HearingRow } from '../hearings/hearings.repository.ts';
import * as participantsRepo from '../participants/participants.repository.ts';
import type { SessionParticipant } from '../participants/participant-session.ts';
import type { MediaRole } from '../media/grants.ts';
import { findLiveParticipant, type LiveParticipantRow } from './lobby.repository.ts';

type Db = Kysely<Database> | Transaction<Database>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** With access 'participant': a staff session may call it too (the handler decides what staff may do). */
    orStaff?: boolean;
    /** With access 'participant': keep a removed participant's or ended hearing's session, to say why it is refused. */
    participantEnded?: boolean;
  }
}

/** Who calls a live-hearing route, about which hearing. */
export type LiveCaller =
  | { kind: 'staff'; user: SessionUser; hearing: HearingRow; bench: 'judge' | 'clerk' }
  | {
      kind: 'participant';
      participant: LiveParticipantRow;
      hearing: HearingRow;
      ended: SessionParticipant['ended'];
    };

export const LIVE_STATES = new Set(['open', 'in_session', 'recess']);
export const ENDED_STATES = new Set(['adjourned', 'cancelled']);

export function actorOfCaller(c: LiveCaller): Actor {
  return c.kind === 'staff' ? { type: 'user', id: c.user.id } : { type: 'participant', id: c.participant.id };
}

export function mediaRoleOf(c: LiveCaller): MediaRole {
  return c.kind === 'staff' ? c.bench : c.participant.role;
}

/**
 * The bench of a hearing is its judge and its clerk. Any other staff member, of this court or
 * another, is told the hearing does not exist (404), as in scheduling.
 */
export function benchRole(user: SessionUser, h: HearingRow): 'judge' | 'clerk' | null {
  if (!user.court || user.court.id !== h.court_id) return null;
  if (user.role === 'judge' && h.judge_id === user.id) return 'judge';
  if (user.role === 'clerk' && h.clerk_id === user.id) return 'clerk';
  return null;
}

export async function resolveCaller(db: Db, request: FastifyRequest, hearingId: string): Promise<LiveCaller> {
  const user = request.user;
  if (user) {
    const h = await hearingsRepo.findHearing(db, hearingId);
    const bench = h ? benchRole(user, h) : null;
    if (!h || !bench) throw notFound('Hearing');
    return { kind: 'staff', user, hearing: h, bench };
  }
  const me = request.participant;
  if (!me) throw unauthorized('Open your invitation link first.');
  // A participant session is scoped to one hearing.
  if (me.hearingId !== hearingId) throw forbidden('Your invitation is for another hearing.');
  const [h, p] = await Promise.all([
    hearingsRepo.findHearing(db, hearingId),
    findLiveParticipant(db, hearingId, me.id),
  ]);
  if (!h || !p) throw unauthorized('Open your invitation link first.');
  return { kind: 'participant', participant: p, hearing: h, ended: me.ended };
}

/** Only the judge of the hearing. */
export function requireJudge(c: LiveCaller): Extract<LiveCaller, { kind: 'staff' }> {
  if (c.kind !== 'staff') throw forbidden('Only the judge may do this.');
  if (c.bench !== 'judge') throw forbidden('Only the judge of this hearing may do this.');
  return c;
}

/** The judge or the clerk of the hearing. */
export function requireBench(c: LiveCaller): Extract<LiveCaller, { kind: 'staff' }> {
  if (c.kind !== 'staff') throw forbidden('Only the bench may do this.');
  return c;
}

export function requireParticipant(c: LiveCaller): Extract<LiveCaller, { kind: 'participant' }> {
  if (c.kind !== 'participant') throw forbidden('Only participants of the hearing may do this.');
  return c;
}

/** A participant of the hearing, who must not be removed; `pid` must belong to it. */
export async function targetParticipant(db: Db, hearingId: string, pid: string): Promise<LiveParticipantRow> {
  const p = await findLiveParticipant(db, hearingId, pid);
  if (!p || p.revoked_at) throw notFound('Participant');
  return p;
}

export const hearingEnded = () => new DomainError(410, 'hearing_ended', 'The hearing has ended.');

export { participantsRepo };
