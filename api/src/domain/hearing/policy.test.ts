import { describe, expect, it } from 'vitest';
import {
  ACTIONS,
  HEARING_STATES,
  PARTICIPANT_ROLES,
  STANDINGS,
  allCallerClasses,
  decide,
  describeClass,
  isEnded,
  isLive,
  permitted,
  policyTable,
  type Action,
  type CallerClass,
  type HearingState,
  type ParticipantRole,
  type Standing,
} from './index.ts';

const PARTIES = ['plaintiff', 'defendant', 'agent'] as const;
const ALL = PARTICIPANT_ROLES;
const SPEAKERS = ['plaintiff', 'defendant', 'agent', 'witness', 'interpreter'] as const;

/**
 * The expected table, written out: for each action, which classes are allowed. Staff relations by
 * name; participants as `standing: roles`. Every class not listed must be refused.
 */
type Expected = { staff: string[]; participants?: Partial<Record<Standing, readonly ParticipantRole[]>> };

const IN_SESSION: Record<Action, Expected> = {
  'hearing.read': {
    staff: ['judge', 'clerk', 'court_clerk', 'court_admin'],
    participants: {
      invited: ALL,
      in_lobby: ALL,
      admitted: ALL,
      in_consultation: ALL,
      left: ALL,
      removed: ALL,
      after_hearing: ALL,
    },
  },
  'hearing.watch': {
    staff: ['judge', 'clerk', 'court_clerk', 'court_admin'],
    participants: { invited: ALL, in_lobby: ALL, admitted: ALL, in_consultation: ALL, left: ALL, after_hearing: ALL },
  },
  'hearing.edit': { staff: ['clerk', 'court_clerk', 'court_admin'] },
  'hearing.reassign_bench': { staff: ['court_admin'] },
  'participants.manage': { staff: ['clerk', 'court_clerk', 'court_admin'] },
  'hearing.move': { staff: ['judge'] },
  'lobby.admit': { staff: ['judge', 'clerk'] },
  'participant.moderate': { staff: ['judge'] },
  'lobby.enter': {
    staff: [],
    participants: { invited: ALL, in_lobby: ALL, admitted: ALL, in_consultation: ALL, left: ALL },
  },
  'lobby.leave': {
    staff: [],
    participants: { invited: ALL, in_lobby: ALL, admitted: ALL, in_consultation: ALL, left: ALL, after_hearing: ALL },
  },
  'media.join': { staff: ['judge', 'clerk'], participants: { admitted: ALL } },
  'chat.read_all': {
    staff: ['judge', 'clerk'],
    participants: { admitted: ALL, in_consultation: ALL, after_hearing: PARTIES },
  },
  'chat.read_bench': { staff: ['judge', 'clerk'] },
  'chat.read_own': {
    staff: ['judge', 'clerk'],
    participants: { invited: ALL, in_lobby: ALL, admitted: ALL, in_consultation: ALL, left: ALL, after_hearing: ALL },
  },
  'chat.post_all': { staff: ['judge', 'clerk'], participants: { admitted: SPEAKERS, in_consultation: SPEAKERS } },
  'chat.post_bench': {
    staff: ['judge', 'clerk'],
    participants: { in_lobby: SPEAKERS, admitted: SPEAKERS, in_consultation: SPEAKERS },
  },
  'consultation.take_part': { staff: [], participants: { admitted: PARTIES, in_consultation: PARTIES } },
  'consultation.request': { staff: [], participants: { admitted: PARTIES } },
  'consultation.answer': { staff: [], participants: { admitted: PARTIES } },
  'consultation.see_held': { staff: ['judge', 'clerk'] },
  'recording.control': { staff: ['judge', 'clerk'] },
  'recordings.read': { staff: ['judge', 'clerk', 'court_clerk', 'court_admin'] },
  'record.read': {
    staff: ['judge', 'clerk', 'court_clerk', 'court_admin'],
    participants: { admitted: PARTIES, in_consultation: PARTIES, after_hearing: PARTIES },
  },
  'record.keep': { staff: ['judge', 'clerk'] },
  'record.seal': { staff: ['clerk'] },
  'record.review': { staff: [], participants: { admitted: PARTIES, in_consultation: PARTIES, after_hearing: PARTIES } },
  'exhibits.read': {
    staff: ['judge', 'clerk', 'court_clerk', 'court_admin'],
    participants: {
      invited: PARTIES,
      in_lobby: PARTIES,
      admitted: ALL,
      in_consultation: ALL,
      left: PARTIES,
      after_hearing: PARTIES,
    },
  },
  'exhibits.submit': {
    staff: ['clerk'],
    participants: { invited: PARTIES, in_lobby: PARTIES, admitted: PARTIES, in_consultation: PARTIES, left: PARTIES },
  },
  'exhibits.rule': { staff: ['judge'] },
  'exhibits.present': { staff: ['judge'], participants: { admitted: PARTIES } },
  'audit.read': { staff: ['judge', 'clerk'] },
  'record.export': { staff: ['judge', 'clerk'] },
  'lobby.see': { staff: ['judge', 'clerk', 'court_clerk', 'court_admin'] },
  'gallery.see': { staff: ['judge', 'clerk', 'court_clerk', 'court_admin'] },
  'room.see': {
    staff: ['judge', 'clerk', 'court_clerk', 'court_admin'],
    participants: { admitted: ALL, in_consultation: ALL },
  },
  'bench.notices': { staff: ['judge', 'clerk'] },
};

function allowed(action: Action, state: HearingState): string[] {
  return allCallerClasses()
    .filter((caller) => decide(action, { caller, state }).allow)
    .map(describeClass)
    .sort();
}

function expand(e: Expected): string[] {
  const out = e.staff.map((r) => `staff:${r}`);
  for (const [standing, roles] of Object.entries(e.participants ?? {})) {
    for (const role of roles) out.push(`${role}:${standing}`);
  }
  return out.sort();
}

describe('the hearing policy, as a table', () => {
  it('covers every action', () => {
    expect(Object.keys(IN_SESSION).sort()).toEqual([...ACTIONS].sort());
  });

  for (const action of ACTIONS) {
    it(`${action}: exactly the expected classes are allowed while the hearing is in session`, () => {
      expect(allowed(action, 'in_session')).toEqual(expand(IN_SESSION[action]));
    });
  }

  it('answers every class, every action and every state with a status and a reason code when it refuses', () => {
    for (const state of HEARING_STATES)
      for (const caller of allCallerClasses())
        for (const action of ACTIONS) {
          const v = decide(action, { caller, state });
          if (!v.allow) {
            expect([401, 403, 404, 409]).toContain(v.status);
            expect(v.code).toMatch(/^[a-z_]+$/);
            expect(v.message.length).toBeGreaterThan(10);
          }
        }
  });
});

const every = (f: (caller: CallerClass, action: Action, state: HearingState) => void) => {
  for (const state of HEARING_STATES)
    for (const caller of allCallerClasses()) for (const a of ACTIONS) f(caller, a, state);
};

describe('what the policy promises, whatever the table grows into', () => {
  it('tells nobody without a session anything (401), and nobody of another hearing or another court, or another judge, that it exists (404)', () => {
    every((caller, action, state) => {
      const v = decide(action, { caller, state });
      if (caller.kind === 'anonymous') expect(v).toMatchObject({ allow: false, status: 401 });
      if (caller.kind === 'stranger') expect(v).toMatchObject({ allow: false, status: 404 });
      if (caller.kind === 'staff' && (caller.relation === 'court_judge' || caller.relation === 'other_court'))
        expect(v).toMatchObject({ allow: false, status: 404 });
    });
  });

  it('gives a removed participant nothing but the hearing’s name, and a withdrawn invitation nothing', () => {
    every((caller, action, state) => {
      if (caller.kind !== 'participant') return;
      const v = decide(action, { caller, state });
      if (caller.standing === 'revoked') expect(v).toMatchObject({ allow: false, code: 'invite_revoked' });
      if (caller.standing === 'removed' && action !== 'hearing.read')
        expect(v).toMatchObject({ allow: false, code: 'removed' });
    });
  });

  it('shows the testimony (record, chat to everyone, the room) to no participant outside the room while the hearing is live', () => {
    const outside: Standing[] = ['invited', 'in_lobby', 'left'];
    for (const state of HEARING_STATES.filter(isLive))
      for (const role of PARTICIPANT_ROLES)
        for (const standing of outside)
          for (const action of ['record.read', 'chat.read_all', 'room.see', 'media.join', 'record.review'] as const)
            expect(decide(action, { caller: { kind: 'participant', role, standing }, state }).allow).toBe(false);
  });

  it('keeps the record from witnesses, interpreters and the gallery on every door', () => {
    for (const role of ['witness', 'interpreter', 'observer'] as const)
      for (const standing of STANDINGS)
        for (const state of HEARING_STATES)
          for (const action of ['record.read', 'record.review'] as const)
            expect(decide(action, { caller: { kind: 'participant', role, standing }, state }).allow).toBe(false);
  });

  it('lets only the hearing’s judge and clerk read private messages to the bench, the bench’s notices, and export', () => {
    every((caller, action, state) => {
      if (!['chat.read_bench', 'bench.notices', 'audit.read', 'record.export'].includes(action)) return;
      const bench = caller.kind === 'staff' && (caller.relation === 'judge' || caller.relation === 'clerk');
      expect(decide(action, { caller, state }).allow).toBe(bench);
    });
  });

  it('never lists the lobby or the public gallery to a participant', () => {
    every((caller, action, state) => {
      if (caller.kind !== 'participant' || (action !== 'lobby.see' && action !== 'gallery.see')) return;
      expect(decide(action, { caller, state }).allow).toBe(false);
    });
  });

  it('refuses a participant’s live actions after the hearing with 409, and keeps their reading', () => {
    for (const role of PARTIES) {
      const caller = { kind: 'participant', role, standing: 'after_hearing' } as const;
      for (const action of [
        'lobby.enter',
        'media.join',
        'chat.post_all',
        'chat.post_bench',
        'exhibits.submit',
      ] as const)
        expect(decide(action, { caller, state: 'adjourned' })).toMatchObject({ allow: false, status: 409 });
      for (const action of ['record.read', 'record.review', 'exhibits.read', 'hearing.watch'] as const)
        expect(decide(action, { caller, state: 'adjourned' }).allow).toBe(true);
    }
  });

  it('lets the registry change the bench before the lobby opens, and only an admin after', () => {
    for (const state of HEARING_STATES) {
      const before = state === 'scheduled' || state === 'postponed';
      for (const relation of ['clerk', 'court_clerk'] as const)
        expect(decide('hearing.reassign_bench', { caller: { kind: 'staff', relation }, state }).allow).toBe(before);
      expect(
        decide('hearing.reassign_bench', { caller: { kind: 'staff', relation: 'court_admin' }, state }).allow,
      ).toBe(true);
      expect(decide('hearing.reassign_bench', { caller: { kind: 'staff', relation: 'judge' }, state }).allow).toBe(
        false,
      );
    }
  });

  it('gives no media, chat or admission once the hearing has ended, to anyone', () => {
    for (const state of HEARING_STATES.filter(isEnded))
      for (const caller of allCallerClasses())
        for (const action of ['media.join', 'chat.post_all', 'chat.post_bench', 'lobby.admit', 'lobby.enter'] as const)
          expect(decide(action, { caller, state }).allow).toBe(false);
  });

  it('lists what a caller may do, in the table’s order', () => {
    expect(permitted({ caller: { kind: 'staff', relation: 'clerk' }, state: 'in_session' })).toContain('record.seal');
    expect(
      permitted({ caller: { kind: 'participant', role: 'witness', standing: 'in_lobby' }, state: 'in_session' }),
    ).toEqual(['hearing.read', 'hearing.watch', 'lobby.enter', 'lobby.leave', 'chat.read_own', 'chat.post_bench']);
  });
});

describe('the hearing policy across the hearing’s states, as a table', () => {
  const ALL_STATES = [...HEARING_STATES];
  const NONE: HearingState[] = [];
  const LIVE = HEARING_STATES.filter(isLive);
  const ENDED = HEARING_STATES.filter(isEnded);
  const NOT_ENDED = HEARING_STATES.filter((s) => !isEnded(s));
  const BEFORE_LOBBY: HearingState[] = ['scheduled', 'postponed'];
  const LIVE_OR_ENDED = [...LIVE, ...ENDED];

  /**
   * In which states the hearing's judge, its clerk, and its plaintiff may act. The plaintiff stands where the state
   * puts them: invited before the lobby opens, admitted while it is live, after the hearing once it has ended.
   */
  const BY_STATE: Record<Action, { judge: HearingState[]; clerk: HearingState[]; plaintiff: HearingState[] }> = {
    'hearing.read': { judge: ALL_STATES, clerk: ALL_STATES, plaintiff: ALL_STATES },
    'hearing.watch': { judge: ALL_STATES, clerk: ALL_STATES, plaintiff: ALL_STATES },
    'hearing.edit': { judge: NONE, clerk: ALL_STATES, plaintiff: NONE },
    'hearing.reassign_bench': { judge: NONE, clerk: BEFORE_LOBBY, plaintiff: NONE },
    'participants.manage': { judge: NONE, clerk: ALL_STATES, plaintiff: NONE },
    'hearing.move': { judge: ALL_STATES, clerk: NONE, plaintiff: NONE },
    'lobby.admit': { judge: LIVE, clerk: LIVE, plaintiff: NONE },
    'participant.moderate': { judge: ALL_STATES, clerk: NONE, plaintiff: NONE },
    'lobby.enter': { judge: NONE, clerk: NONE, plaintiff: LIVE },
    'lobby.leave': { judge: NONE, clerk: NONE, plaintiff: ALL_STATES },
    'media.join': { judge: LIVE, clerk: LIVE, plaintiff: LIVE },
    'chat.read_all': { judge: ALL_STATES, clerk: ALL_STATES, plaintiff: LIVE_OR_ENDED },
    'chat.read_bench': { judge: ALL_STATES, clerk: ALL_STATES, plaintiff: NONE },
    'chat.read_own': { judge: ALL_STATES, clerk: ALL_STATES, plaintiff: ALL_STATES },
    'chat.post_all': { judge: NOT_ENDED, clerk: NOT_ENDED, plaintiff: LIVE },
    'chat.post_bench': { judge: NOT_ENDED, clerk: NOT_ENDED, plaintiff: LIVE },
    'consultation.take_part': { judge: NONE, clerk: NONE, plaintiff: LIVE },
    'consultation.request': { judge: NONE, clerk: NONE, plaintiff: LIVE },
    'consultation.answer': { judge: NONE, clerk: NONE, plaintiff: LIVE },
    'consultation.see_held': { judge: ALL_STATES, clerk: ALL_STATES, plaintiff: NONE },
    'recording.control': { judge: ALL_STATES, clerk: ALL_STATES, plaintiff: NONE },
    'recordings.read': { judge: ALL_STATES, clerk: ALL_STATES, plaintiff: NONE },
    'record.read': { judge: ALL_STATES, clerk: ALL_STATES, plaintiff: LIVE_OR_ENDED },
    'record.keep': { judge: ALL_STATES, clerk: ALL_STATES, plaintiff: NONE },
    'record.seal': { judge: NONE, clerk: ALL_STATES, plaintiff: NONE },
    'record.review': { judge: NONE, clerk: NONE, plaintiff: LIVE_OR_ENDED },
    'exhibits.read': { judge: ALL_STATES, clerk: ALL_STATES, plaintiff: ALL_STATES },
    'exhibits.submit': { judge: NONE, clerk: NOT_ENDED, plaintiff: NOT_ENDED },
    'exhibits.rule': { judge: ALL_STATES, clerk: NONE, plaintiff: NONE },
    'exhibits.present': { judge: LIVE, clerk: NONE, plaintiff: LIVE },
    'audit.read': { judge: ALL_STATES, clerk: ALL_STATES, plaintiff: NONE },
    'record.export': { judge: ALL_STATES, clerk: ALL_STATES, plaintiff: NONE },
    'lobby.see': { judge: ALL_STATES, clerk: ALL_STATES, plaintiff: NONE },
    'gallery.see': { judge: ALL_STATES, clerk: ALL_STATES, plaintiff: NONE },
    'room.see': { judge: ALL_STATES, clerk: ALL_STATES, plaintiff: LIVE },
    'bench.notices': { judge: ALL_STATES, clerk: ALL_STATES, plaintiff: NONE },
  };

  const plaintiffIn = (state: HearingState): CallerClass => ({
    kind: 'participant',
    role: 'plaintiff',
    standing: isEnded(state) ? 'after_hearing' : isLive(state) ? 'admitted' : 'invited',
  });
  const CALLERS: Record<'judge' | 'clerk' | 'plaintiff', (state: HearingState) => CallerClass> = {
    judge: () => ({ kind: 'staff', relation: 'judge' }),
    clerk: () => ({ kind: 'staff', relation: 'clerk' }),
    plaintiff: plaintiffIn,
  };

  it('covers every action', () => {
    expect(Object.keys(BY_STATE).sort()).toEqual([...ACTIONS].sort());
  });

  for (const action of ACTIONS) {
    it(`${action}: allowed in exactly the expected states`, () => {
      for (const [who, callerIn] of Object.entries(CALLERS)) {
        const states = HEARING_STATES.filter((state) => decide(action, { caller: callerIn(state), state }).allow);
        expect(states, who).toEqual(
          HEARING_STATES.filter((s) => BY_STATE[action][who as keyof typeof CALLERS].includes(s)),
        );
      }
    });
  }

  it('refuses a live action after the hearing with 409, and one before the lobby opens with a reason of its own', () => {
    for (const state of ENDED) {
      expect(decide('chat.post_all', { caller: { kind: 'staff', relation: 'judge' }, state })).toMatchObject({
        status: 409,
        code: 'hearing_ended',
      });
      expect(decide('lobby.enter', { caller: plaintiffIn(state), state })).toMatchObject({ status: 409 });
    }
    expect(decide('lobby.enter', { caller: plaintiffIn('scheduled'), state: 'scheduled' })).toMatchObject({
      status: 409,
      code: 'lobby_not_open',
    });
    expect(decide('lobby.admit', { caller: { kind: 'staff', relation: 'clerk' }, state: 'scheduled' })).toMatchObject({
      status: 409,
      code: 'hearing_not_live',
    });
    expect(
      decide('hearing.reassign_bench', { caller: { kind: 'staff', relation: 'clerk' }, state: 'open' }),
    ).toMatchObject({ status: 403, code: 'bench_change_admin_only' });
  });

  it('gives the same answers in its policyTable as decide, state by state', () => {
    for (const state of HEARING_STATES)
      for (const { caller, verdicts } of policyTable(state))
        for (const action of ACTIONS) expect(verdicts[action]).toEqual(decide(action, { caller, state }));
  });
});
