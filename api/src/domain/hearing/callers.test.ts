import { describe, expect, it } from 'vitest';
import {
  PARTICIPANT_ROLES,
  PRESENCES,
  STAFF_RELATIONS,
  STANDINGS,
  allCallerClasses,
  classify,
  describeClass,
  isBench,
  sideOf,
  staffRelation,
  standingOf,
  type CallerFacts,
  type ParticipantRole,
} from './callers.ts';
import { HEARING_STATES, isEnded } from './states.ts';

const hearing = { id: 'h1', state: 'in_session' as const, courtId: 'court', judgeId: 'j1', clerkId: 'k1' };

describe('staffRelation: how a staff member stands to a hearing', () => {
  const TABLE: Array<[string, { userId: string; role: 'admin' | 'judge' | 'clerk'; courtId: string | null }, string]> =
    [
      ['its judge', { userId: 'j1', role: 'judge', courtId: 'court' }, 'judge'],
      ['another judge of the court', { userId: 'j2', role: 'judge', courtId: 'court' }, 'court_judge'],
      ['its clerk', { userId: 'k1', role: 'clerk', courtId: 'court' }, 'clerk'],
      ['another clerk of the court', { userId: 'k2', role: 'clerk', courtId: 'court' }, 'court_clerk'],
      ['an admin of the court', { userId: 'a1', role: 'admin', courtId: 'court' }, 'court_admin'],
      ['its judge’s id in another court', { userId: 'j1', role: 'judge', courtId: 'elsewhere' }, 'other_court'],
      ['an admin of another court', { userId: 'a2', role: 'admin', courtId: 'elsewhere' }, 'other_court'],
      ['staff of no court', { userId: 'a3', role: 'admin', courtId: null }, 'other_court'],
    ];
  for (const [who, user, relation] of TABLE) {
    it(`${who}: ${relation}`, () => expect(staffRelation(user, hearing)).toBe(relation));
  }

  it('makes no clerk the hearing’s clerk when it has none', () => {
    expect(staffRelation({ userId: 'k1', role: 'clerk', courtId: 'court' }, { ...hearing, clerkId: null })).toBe(
      'court_clerk',
    );
  });

  it('takes the role, not the id, to tell a judge from a clerk', () => {
    // A clerk whose id happens to be the judge's is not the hearing's judge.
    expect(staffRelation({ userId: 'j1', role: 'clerk', courtId: 'court' }, hearing)).toBe('court_clerk');
    expect(staffRelation({ userId: 'k1', role: 'judge', courtId: 'court' }, hearing)).toBe('court_judge');
  });
});

describe('standingOf: where a participant stands', () => {
  it('is the presence while the hearing has not ended', () => {
    for (const state of HEARING_STATES.filter((s) => !isEnded(s)))
      for (const presence of PRESENCES) expect(standingOf({ presence, revoked: false }, state)).toBe(presence);
  });

  it('is after_hearing once it has ended, unless removed', () => {
    for (const state of HEARING_STATES.filter(isEnded))
      for (const presence of PRESENCES)
        expect(standingOf({ presence, revoked: false }, state)).toBe(
          presence === 'removed' ? 'removed' : 'after_hearing',
        );
  });

  it('is revoked for a withdrawn invitation, whatever else holds', () => {
    for (const state of HEARING_STATES)
      for (const presence of PRESENCES) expect(standingOf({ presence, revoked: true }, state)).toBe('revoked');
  });
});

describe('classify', () => {
  const participant = (over: Partial<Extract<CallerFacts, { kind: 'participant' }>> = {}): CallerFacts => ({
    kind: 'participant',
    participantId: 'p1',
    hearingId: 'h1',
    role: 'witness',
    presence: 'in_lobby',
    revoked: false,
    side: null,
    ...over,
  });

  it('keeps the anonymous anonymous', () => {
    expect(classify({ kind: 'anonymous' }, hearing)).toEqual({ kind: 'anonymous' });
  });

  it('gives staff their relation to the hearing', () => {
    expect(classify({ kind: 'staff', userId: 'j1', role: 'judge', courtId: 'court' }, hearing)).toEqual({
      kind: 'staff',
      relation: 'judge',
    });
  });

  it('makes a participant of another hearing a stranger, whatever their role or presence', () => {
    expect(classify(participant({ hearingId: 'h2', role: 'plaintiff', presence: 'admitted' }), hearing)).toEqual({
      kind: 'stranger',
    });
  });

  it('gives a participant of this hearing their role and standing', () => {
    expect(classify(participant(), hearing)).toEqual({ kind: 'participant', role: 'witness', standing: 'in_lobby' });
    expect(classify(participant({ revoked: true }), hearing)).toEqual({
      kind: 'participant',
      role: 'witness',
      standing: 'revoked',
    });
    expect(classify(participant({ presence: 'admitted' }), { ...hearing, state: 'adjourned' })).toEqual({
      kind: 'participant',
      role: 'witness',
      standing: 'after_hearing',
    });
  });
});

describe('sideOf', () => {
  const roles: Record<string, ParticipantRole> = { p: 'plaintiff', d: 'defendant', w: 'witness' };
  const represented = (id: string) => roles[id];

  it('puts a party on their own side', () => {
    expect(sideOf({ role: 'plaintiff', representsId: null }, represented)).toBe('plaintiff');
    expect(sideOf({ role: 'defendant', representsId: null }, represented)).toBe('defendant');
  });

  it('puts an agent on the side of the party they represent', () => {
    expect(sideOf({ role: 'agent', representsId: 'p' }, represented)).toBe('plaintiff');
    expect(sideOf({ role: 'agent', representsId: 'd' }, represented)).toBe('defendant');
  });

  it('puts on no side an agent of nobody, of a non-party or of someone unknown, and everyone else', () => {
    expect(sideOf({ role: 'agent', representsId: null }, represented)).toBeNull();
    expect(sideOf({ role: 'agent', representsId: 'w' }, represented)).toBeNull();
    expect(sideOf({ role: 'agent', representsId: 'gone' }, represented)).toBeNull();
    for (const role of ['witness', 'interpreter', 'observer'] as const)
      expect(sideOf({ role, representsId: 'p' }, represented)).toBeNull();
  });
});

describe('the caller classes', () => {
  it('lists every class once: anonymous, stranger, each staff relation and each role in each standing', () => {
    const all = allCallerClasses();
    expect(all).toHaveLength(2 + STAFF_RELATIONS.length + PARTICIPANT_ROLES.length * STANDINGS.length);
    const names = all.map(describeClass);
    expect(new Set(names).size).toBe(all.length);
    expect(names).toEqual(expect.arrayContaining(['anonymous', 'stranger', 'staff:court_admin', 'agent:revoked']));
  });

  it('counts only the hearing’s own judge and clerk as its bench', () => {
    expect(allCallerClasses().filter(isBench).map(describeClass)).toEqual(['staff:judge', 'staff:clerk']);
  });
});
