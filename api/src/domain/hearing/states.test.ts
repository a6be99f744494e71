import { describe, expect, it } from 'vitest';
import {
  COURTROOM_MOVES,
  HEARING_STATES,
  LIVE_STATES,
  MOVES,
  afterReschedule,
  canMove,
  describeMoves,
  isBeforeLobby,
  isEnded,
  isHearingState,
  isLive,
  isReschedulable,
  movesFrom,
  takesParticipants,
  type HearingMove,
  type HearingState,
} from './states.ts';

const ALL_MOVES = Object.keys(MOVES) as HearingMove[];

describe('the moves between a hearing’s states, as a table', () => {
  // Every (state, move) pair that is allowed, and where it leads; every other pair is refused.
  const ALLOWED: Record<HearingState, Partial<Record<HearingMove, HearingState>>> = {
    scheduled: { open: 'open', postpone: 'postponed', cancel: 'cancelled' },
    open: { start: 'in_session', adjourn: 'adjourned', postpone: 'postponed', cancel: 'cancelled' },
    in_session: { recess: 'recess', adjourn: 'adjourned' },
    recess: { resume: 'in_session', adjourn: 'adjourned' },
    adjourned: {},
    cancelled: {},
    postponed: { cancel: 'cancelled' },
  };

  for (const state of HEARING_STATES) {
    it(`from ${state}: exactly ${Object.keys(ALLOWED[state]).join(', ') || 'no move'}`, () => {
      const possible = ALL_MOVES.filter((m) => canMove(state, m));
      expect(possible.sort()).toEqual(Object.keys(ALLOWED[state]).sort());
      for (const m of possible) expect(MOVES[m].to, `${state} → ${m}`).toBe(ALLOWED[state][m]);
    });
  }

  it('audits every move under its own hearing.* action', () => {
    const audits = ALL_MOVES.map((m) => MOVES[m].audit);
    expect(new Set(audits).size).toBe(ALL_MOVES.length);
    for (const a of audits) expect(a).toMatch(/^hearing\.[a-z]+$/);
  });

  it('never moves out of an ended hearing, nor into scheduled or open from anywhere but their one predecessor', () => {
    for (const state of HEARING_STATES.filter(isEnded)) expect(movesFrom(state, ALL_MOVES)).toEqual([]);
    expect(HEARING_STATES.filter((s) => canMove(s, 'open'))).toEqual(['scheduled']);
    expect(HEARING_STATES.filter((s) => canMove(s, 'start'))).toEqual(['open']);
  });
});

describe('movesFrom and describeMoves', () => {
  it('lists the courtroom’s moves by default, in the courtroom’s order', () => {
    expect(COURTROOM_MOVES).toEqual(['open', 'start', 'recess', 'resume', 'adjourn']);
    expect(movesFrom('open')).toEqual(['start', 'adjourn']);
    expect(movesFrom('in_session')).toEqual(['recess', 'adjourn']);
    expect(movesFrom('scheduled')).toEqual(['open']);
    // The registry's moves are not the judge's: a postponed hearing has none in the courtroom.
    expect(movesFrom('postponed')).toEqual([]);
    expect(movesFrom('postponed', ['cancel', 'postpone'])).toEqual(['cancel']);
  });

  it('says where each possible move leads, or that none is left', () => {
    expect(describeMoves('recess')).toBe('can only resume (to in_session) or adjourn (to adjourned)');
    expect(describeMoves('scheduled')).toBe('can only open (to open)');
    expect(describeMoves('adjourned')).toBe('cannot move any more');
    expect(describeMoves('scheduled', ['cancel', 'postpone'])).toBe(
      'can only cancel (to cancelled) or postpone (to postponed)',
    );
  });
});

describe('what each state allows', () => {
  //                 live   ended  beforeLobby  takesParticipants
  const TABLE: Record<HearingState, [boolean, boolean, boolean, boolean]> = {
    scheduled: [false, false, true, true],
    open: [true, false, false, true],
    in_session: [true, false, false, true],
    recess: [true, false, false, true],
    adjourned: [false, true, false, false],
    cancelled: [false, true, false, false],
    postponed: [false, false, true, true],
  };

  for (const state of HEARING_STATES) {
    it(state, () => {
      expect([isLive(state), isEnded(state), isBeforeLobby(state), takesParticipants(state)]).toEqual(TABLE[state]);
      expect(isReschedulable(state)).toBe(isBeforeLobby(state));
    });
  }

  it('keeps the live states to those a room exists in', () => {
    expect([...LIVE_STATES].sort()).toEqual(HEARING_STATES.filter(isLive).sort());
  });

  it('schedules a postponed hearing again when it gets a new time, and leaves any other state as it was', () => {
    expect(afterReschedule('postponed')).toBe('scheduled');
    for (const state of HEARING_STATES.filter((s) => s !== 'postponed')) expect(afterReschedule(state)).toBe(state);
  });
});

describe('isHearingState', () => {
  it('takes the seven states and nothing else', () => {
    for (const state of HEARING_STATES) expect(isHearingState(state)).toBe(true);
    for (const v of ['', 'Open', 'in session', 'closed', 'started', null, undefined, 1, {}, ['open']])
      expect(isHearingState(v), JSON.stringify(v)).toBe(false);
  });
});
