import type { HearingState } from './states.ts';
import { isEnded } from './states.ts';

export const STAFF_ROLES = ['admin', 'judge', 'clerk'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export const PARTICIPANT_ROLES = ['plaintiff', 'defendant', 'agent', 'witness', 'interpreter', 'observer'] as const;
export type ParticipantRole = (typeof PARTICIPANT_ROLES)[number];

export const PRESENCES = ['invited', 'in_lobby', 'admitted', 'in_consultation', 'left', 'removed'] as const;
export type Presence = (typeof PRESENCES)[number];

/** Which side of the case a participant stands on (parties and their agents only). */
export type Side = 'plaintiff' | 'defendant';

/** What the policy needs to know about a hearing. */
export interface HearingFacts {
  state: HearingState;
  courtId: string;
  judgeId: string;
  clerkId: string | null;
}

/** What is known of whoever asks, before the policy is consulted. */
export type CallerFacts =
  | { kind: 'anonymous' }
  | { kind: 'staff'; userId: string; role: StaffRole; courtId: string | null }
  | {
      kind: 'participant';
      participantId: string;
      /** The hearing the participant's session is for. */
      hearingId: string;
      role: ParticipantRole;
      presence: Presence;
      /** The invitation was withdrawn. */
      revoked: boolean;
      side: Side | null;
    };

/**
 * How a staff member stands to a hearing: its judge, its clerk, another clerk or an admin of its
 * court (the registry), another judge of its court, or staff of another court.
 */
export const STAFF_RELATIONS = ['judge', 'clerk', 'court_clerk', 'court_admin', 'court_judge', 'other_court'] as const;
export type StaffRelation = (typeof STAFF_RELATIONS)[number];

/**
 * Where a participant stands: their presence, or after the hearing (adjourned or cancelled) once they
 * are no longer removed. A witness who is admitted has been called.
 */
export const STANDINGS = [
  'invited',
  'in_lobby',
  'admitted',
  'in_consultation',
  'left',
  'removed',
  'revoked',
  'after_hearing',
] as const;
export type Standing = (typeof STANDINGS)[number];

export type CallerClass =
  | { kind: 'anonymous' }
  | { kind: 'staff'; relation: StaffRelation }
  | { kind: 'participant'; role: ParticipantRole; standing: Standing }
  /** A participant of another hearing: to them this hearing does not exist. */
  | { kind: 'stranger' };

export function staffRelation(
  user: { userId: string; role: StaffRole; courtId: string | null },
  h: Pick<HearingFacts, 'courtId' | 'judgeId' | 'clerkId'>,
): StaffRelation {
  if (!user.courtId || user.courtId !== h.courtId) return 'other_court';
  if (user.role === 'judge') return h.judgeId === user.userId ? 'judge' : 'court_judge';
  if (user.role === 'clerk') return h.clerkId === user.userId ? 'clerk' : 'court_clerk';
  return 'court_admin';
}

export function standingOf(p: { presence: Presence; revoked: boolean }, state: HearingState): Standing {
  if (p.revoked) return 'revoked';
  if (p.presence === 'removed') return 'removed';
  if (isEnded(state)) return 'after_hearing';
  return p.presence;
}

/** The caller's class for one hearing. */
export function classify(c: CallerFacts, h: HearingFacts & { id: string }): CallerClass {
  if (c.kind === 'anonymous') return c;
  if (c.kind === 'staff') return { kind: 'staff', relation: staffRelation(c, h) };
  if (c.hearingId !== h.id) return { kind: 'stranger' };
  return { kind: 'participant', role: c.role, standing: standingOf(c, h.state) };
}

/** Every class there is, for tables, tests and documentation. */
export function allCallerClasses(): CallerClass[] {
  const out: CallerClass[] = [{ kind: 'anonymous' }, { kind: 'stranger' }];
  for (const relation of STAFF_RELATIONS) out.push({ kind: 'staff', relation });
  for (const role of PARTICIPANT_ROLES)
    for (const standing of STANDINGS) out.push({ kind: 'participant', role, standing });
  return out;
}

export function describeClass(c: CallerClass): string {
  if (c.kind !== 'participant') return c.kind === 'staff' ? `staff:${c.relation}` : c.kind;
  return `${c.role}:${c.standing}`;
}

/** The side of a party or of an agent (the side of whom they represent). */
export function sideOf(
  p: { role: ParticipantRole; representsId: string | null },
  representedRole: (id: string) => ParticipantRole | undefined,
): Side | null {
  if (p.role === 'plaintiff' || p.role === 'defendant') return p.role;
  if (p.role === 'agent' && p.representsId) {
    const r = representedRole(p.representsId);
    if (r === 'plaintiff' || r === 'defendant') return r;
  }
  return null;
}

export const isBench = (c: CallerClass): boolean =>
  c.kind === 'staff' && (c.relation === 'judge' || c.relation === 'clerk');
