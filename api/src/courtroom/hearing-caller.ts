import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import type { SessionUser } from '../accounts/auth.service.ts';
import type { SessionParticipant } from '../invitations/participant-session.ts';
import type { Actor } from '../audit/audit.service.ts';
import { DomainError, notFound, unauthorized } from '../platform/http/errors.ts';
import {
  classify,
  decide,
  permitted,
  sideOf,
  type Action,
  type CallerClass,
  type CallerFacts,
  type Side,
  type Verdict,
} from '../domain/hearing/index.ts';
import { findHearing, type HearingRow } from '../scheduling/hearings.service.ts';
import { findLiveParticipant, type LiveParticipantRow } from './lobby/lobby.service.ts';
import type { MediaRole } from './media/grants.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** Who a request comes from, as its sessions say: a staff member, a participant of one hearing, or neither. */
export interface Identity {
  user: SessionUser | null;
  participant: Pick<SessionParticipant, 'id' | 'hearingId' | 'live' | 'hearing'> | null;
}

/** The sessions of a request (or anything that carries them), as plain values to hand to a service. */
export const identityOf = ({ user, participant }: Identity): Identity => ({ user, participant });

/** Who calls about a hearing, as the policy sees them, with the rows the services need. */
export interface HearingCaller {
  hearing: HearingRow;
  facts: CallerFacts;
  class: CallerClass;
  /** A staff member (null for a participant). */
  user: SessionUser | null;
  /** A participant of this hearing (null for staff). */
  participant: LiveParticipantRow | null;
  side: Side | null;
}

export type StaffCaller = HearingCaller & { user: SessionUser; participant: null };
export type ParticipantCaller = HearingCaller & { user: null; participant: LiveParticipantRow };

export const isStaffCaller = (c: HearingCaller): c is StaffCaller => c.user !== null;
export const isParticipantCaller = (c: HearingCaller): c is ParticipantCaller => c.participant !== null;

export function staffFacts(user: SessionUser): CallerFacts {
  return { kind: 'staff', userId: user.id, role: user.role, courtId: user.court?.id ?? null };
}

export function hearingFacts(h: HearingRow) {
  return { id: h.id, state: h.state, courtId: h.court_id, judgeId: h.judge_id, clerkId: h.clerk_id };
}

/** A participant's facts from their row; an agent's side is the side of whom they represent. */
export async function participantFacts(
  db: Db,
  p: LiveParticipantRow,
): Promise<{ facts: CallerFacts; side: Side | null }> {
  const represented =
    p.role === 'agent' && p.represents_id ? await findLiveParticipant(db, p.hearing_id, p.represents_id) : undefined;
  const side = sideOf({ role: p.role, representsId: p.represents_id }, () => represented?.role);
  return {
    facts: {
      kind: 'participant',
      participantId: p.id,
      hearingId: p.hearing_id,
      role: p.role,
      presence: p.presence,
      revoked: p.revoked_at !== null,
      side,
    },
    side,
  };
}

/** A staff member's standing towards a hearing they name. */
export async function staffCaller(db: Db, user: SessionUser, hearingId: string): Promise<StaffCaller> {
  const h = await findHearing(db, hearingId);
  if (!h) throw notFound('Hearing');
  const facts = staffFacts(user);
  return { hearing: h, facts, class: classify(facts, hearingFacts(h)), user, participant: null, side: null };
}

/**
 * The caller of a hearing route: the staff session if there is one, else the participant session
 * (which is for one hearing: any other is, to them, not found). What they may do is the policy's call.
 * A route passes its request, which carries both sessions.
 */
export async function resolveHearingCaller(db: Db, who: Identity, hearingId: string): Promise<HearingCaller> {
  if (who.user) return staffCaller(db, who.user, hearingId);
  const me = who.participant;
  if (!me) throw unauthorized('Open your invitation link first.');
  if (me.hearingId !== hearingId) throw notFound('Hearing');
  // The rows read with the session at the start of this request stand for it; otherwise they are read here.
  const [h, p] = await Promise.all([
    me.hearing?.id === hearingId ? me.hearing : findHearing(db, hearingId),
    me.live?.id === me.id && me.live.hearing_id === hearingId ? me.live : findLiveParticipant(db, hearingId, me.id),
  ]);
  if (!h || !p) throw unauthorized('Open your invitation link first.');
  const { facts, side } = await participantFacts(db, p);
  return { hearing: h, facts, class: classify(facts, hearingFacts(h)), user: null, participant: p, side };
}

export function verdict(c: HearingCaller, action: Action): Verdict {
  return decide(action, { caller: c.class, state: c.hearing.state });
}

export const allows = (c: HearingCaller, action: Action): boolean => verdict(c, action).allow;

/** Every action the policy lets this caller take now: what the screens offer, so they never decide it themselves. */
export function mayDo(c: HearingCaller): Action[] {
  return permitted({ caller: c.class, state: c.hearing.state });
}

/** Refuses with the policy's status, code and reason, or returns. */
export function authorize(c: HearingCaller, action: Action): void {
  const v = verdict(c, action);
  if (!v.allow) throw new DomainError(v.status, v.code, v.message);
}

export function authorizeStaff(c: HearingCaller, action: Action): StaffCaller {
  authorize(c, action);
  if (!isStaffCaller(c)) throw new DomainError(403, 'staff_only', 'Only the court may do this.');
  return c;
}

export function authorizeParticipant(c: HearingCaller, action: Action): ParticipantCaller {
  authorize(c, action);
  if (!isParticipantCaller(c))
    throw new DomainError(403, 'participants_only', 'Only participants of the hearing may do this.');
  return c;
}

/** The judge or the clerk of this hearing, or null. */
export function benchOf(c: HearingCaller): 'judge' | 'clerk' | null {
  return c.class.kind === 'staff' && (c.class.relation === 'judge' || c.class.relation === 'clerk')
    ? c.class.relation
    : null;
}

export function actorOf(c: HearingCaller): Actor {
  return c.user ? { type: 'user', id: c.user.id } : { type: 'participant', id: c.participant!.id };
}

export function mediaRoleOf(c: HearingCaller): MediaRole {
  if (c.participant) return c.participant.role;
  const bench = benchOf(c);
  if (!bench) throw new DomainError(403, 'not_bench', 'Only the judge or the clerk of this hearing may do this.');
  return bench;
}

/** A participant of the hearing, named in the path, whose invitation still holds. */
export async function targetParticipant(db: Db, hearingId: string, pid: string): Promise<LiveParticipantRow> {
  const p = await findLiveParticipant(db, hearingId, pid);
  if (!p || p.revoked_at) throw notFound('Participant');
  return p;
}
