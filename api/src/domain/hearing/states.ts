/**
 * A hearing's states and the moves between them. The one place that knows which states are live,
 * ended or reschedulable; the API, the socket and the web ask this module instead of keeping sets.
 */

export const HEARING_STATES = [
  'scheduled',
  'open',
  'in_session',
  'recess',
  'adjourned',
  'cancelled',
  'postponed',
] as const;
export type HearingState = (typeof HEARING_STATES)[number];

/** Moves made in the courtroom, by its judge. */
export type CourtroomMove = 'open' | 'start' | 'recess' | 'resume' | 'adjourn';
/** Moves made by the registry (the clerks and admins who keep the court's schedule). */
export type RegistryMove = 'cancel' | 'postpone';
export type HearingMove = CourtroomMove | RegistryMove;

export interface Move {
  from: readonly HearingState[];
  to: HearingState;
  /** The audit action that records it. */
  audit: string;
}

export const MOVES: Readonly<Record<HearingMove, Move>> = {
  open: { from: ['scheduled'], to: 'open', audit: 'hearing.opened' },
  start: { from: ['open'], to: 'in_session', audit: 'hearing.started' },
  recess: { from: ['in_session'], to: 'recess', audit: 'hearing.recessed' },
  resume: { from: ['recess'], to: 'in_session', audit: 'hearing.resumed' },
  adjourn: { from: ['open', 'in_session', 'recess'], to: 'adjourned', audit: 'hearing.adjourned' },
  // A hearing that cannot go ahead: everyone waiting is sent away; it waits for a new time.
  postpone: { from: ['scheduled', 'open'], to: 'postponed', audit: 'hearing.postponed' },
  cancel: { from: ['scheduled', 'postponed', 'open'], to: 'cancelled', audit: 'hearing.cancelled' },
};

export const COURTROOM_MOVES: readonly CourtroomMove[] = ['open', 'start', 'recess', 'resume', 'adjourn'];

/** The lobby is open and the room may hold people. */
/** The states in which the hearing room is live (its LiveKit room exists, people wait or sit in it). */
export const LIVE_STATES: readonly HearingState[] = ['open', 'in_session', 'recess'];
export const isLive = (s: HearingState): boolean => LIVE_STATES.includes(s);
/** Over for good: nothing live happens again. */
export const isEnded = (s: HearingState): boolean => s === 'adjourned' || s === 'cancelled';
/** Not yet opened: the bench may still be changed by the registry, and times moved. */
export const isBeforeLobby = (s: HearingState): boolean => s === 'scheduled' || s === 'postponed';
/** A new time may be set (a postponed hearing is scheduled again by it). */
export const isReschedulable = (s: HearingState): boolean => isBeforeLobby(s);
/** Takes participants and new links. */
export const takesParticipants = (s: HearingState): boolean => !isEnded(s);

export function canMove(from: HearingState, move: HearingMove): boolean {
  return MOVES[move].from.includes(from);
}

/** The moves possible from a state, in a stable order. */
export function movesFrom(state: HearingState, among: readonly HearingMove[] = COURTROOM_MOVES): HearingMove[] {
  return among.filter((m) => canMove(state, m));
}

/** The state a rescheduled hearing takes: a postponed one is scheduled again. */
export const afterReschedule = (s: HearingState): HearingState => (s === 'postponed' ? 'scheduled' : s);

/** "A hearing that is recess cannot start; from recess it can only resume (to in_session) or adjourn (…)". */
export function describeMoves(state: HearingState, among: readonly HearingMove[] = COURTROOM_MOVES): string {
  const possible = movesFrom(state, among).map((m) => `${m} (to ${MOVES[m].to})`);
  return possible.length ? `can only ${possible.join(' or ')}` : 'cannot move any more';
}

export const isHearingState = (v: unknown): v is HearingState =>
  typeof v === 'string' && (HEARING_STATES as readonly string[]).includes(v);
