import { describe, expect, it } from 'vitest';
import type { ParticipantRole, Presence } from './callers.ts';
import {
  chatReach,
  observe,
  presenceAudience,
  receives,
  type PresenceChange,
  type Topic,
  type Watch,
} from './events.ts';

const hearing = { id: 'h', state: 'in_session' as const, courtId: 'c', judgeId: 'j', clerkId: 'k' };
const participant = (participantId: string, role: ParticipantRole, presence: Presence): Watch => ({
  caller: { kind: 'participant', participantId, hearingId: 'h', role, presence, revoked: false, side: null },
  hearing,
});
const judge: Watch = { caller: { kind: 'staff', userId: 'j', role: 'judge', courtId: 'c' }, hearing };
const admitted = (participantId: string, role: ParticipantRole): PresenceChange => ({
  participantId,
  role,
  from: 'in_lobby',
  to: 'admitted',
});

describe('a batch of presence moves, as the policy cuts it', () => {
  const moves = [admitted('g1', 'observer'), admitted('g2', 'observer'), admitted('p1', 'plaintiff')];
  const topic = { data: 'presences' as const, changes: moves };
  const seen = (w: Watch) => {
    const a = presenceAudience(observe(w, topic).watch);
    return moves.filter((c) => a.self === c.participantId || a.sees(c)).map((c) => c.participantId);
  };

  it('tells the gallery of its own admission and the room’s, never of anyone else in the gallery', () => {
    expect(seen(participant('g1', 'observer', 'in_lobby'))).toEqual(['g1', 'p1']);
    expect(seen(participant('g2', 'observer', 'in_lobby'))).toEqual(['g2', 'p1']);
    expect(seen(participant('p1', 'plaintiff', 'in_lobby'))).toEqual(['p1']);
    expect(seen(judge)).toEqual(['g1', 'g2', 'p1']);
    // A witness still waiting sees nothing of the room.
    expect(seen(participant('w1', 'witness', 'in_lobby'))).toEqual([]);
    expect(receives(participant('w1', 'witness', 'in_lobby'), topic)).toBe(false);
  });

  it('judges the batch from where it leaves the watcher, and gives the same key to the same class', () => {
    const g1 = observe(participant('g1', 'observer', 'in_lobby'), topic).watch;
    const g2 = observe(participant('g2', 'observer', 'in_lobby'), topic).watch;
    expect(g1.caller).toMatchObject({ presence: 'admitted' });
    expect(presenceAudience(g1).key).toBe(presenceAudience(g2).key);
    expect(presenceAudience(g1).key).not.toBe(presenceAudience(judge).key);
    expect(presenceAudience(participant('w1', 'witness', 'in_lobby')).key).not.toBe(presenceAudience(g1).key);
  });
});

describe('who is sent what, topic by topic', () => {
  const admin: Watch = { caller: { kind: 'staff', userId: 'a', role: 'admin', courtId: 'c' }, hearing };
  const elsewhere: Watch = { caller: { kind: 'staff', userId: 'x', role: 'judge', courtId: 'other' }, hearing };
  const stranger: Watch = {
    caller: {
      kind: 'participant',
      participantId: 's1',
      hearingId: 'other',
      role: 'plaintiff',
      presence: 'admitted',
      revoked: false,
      side: null,
    },
    hearing,
  };
  const WATCHERS: Record<string, Watch> = {
    judge,
    admin,
    plaintiff: participant('p1', 'plaintiff', 'admitted'),
    witness: participant('w1', 'witness', 'in_lobby'),
    stranger,
    elsewhere,
  };
  const chat = (to: 'all' | 'bench', sender: { participant?: string; user?: string }): Topic => ({
    data: 'chat',
    to,
    senderParticipantId: sender.participant ?? null,
    senderUserId: sender.user ?? null,
  });
  //                                                            judge  admin  plntf  witns  strgr  elsewh
  const TABLE: Array<[string, Topic, boolean[]]> = [
    ['the hearing’s facts', { data: 'hearing' }, [true, true, true, true, false, false]],
    ['recording news', { data: 'recording' }, [true, true, true, true, false, false]],
    ['the record', { data: 'record' }, [true, true, true, false, false, false]],
    ['chat to everyone', chat('all', { user: 'j' }), [true, false, true, false, false, false]],
    [
      'someone else’s message to the bench',
      chat('bench', { participant: 'w1' }),
      [true, false, false, true, false, false],
    ],
    ['one’s own message to the bench', chat('bench', { participant: 'p1' }), [true, false, true, false, false, false]],
    ['the bench’s notices', { data: 'bench' }, [true, false, false, false, false, false]],
    ['the room', { data: 'room' }, [true, true, true, false, false, false]],
    ['that a consultation is held', { data: 'consultation_held' }, [true, false, false, false, false, false]],
    [
      'a consultation of the plaintiff',
      { data: 'consultation', memberIds: ['p1', 'a1'] },
      [false, false, true, false, false, false],
    ],
    ['news for the witness', { data: 'personal', participantId: 'w1' }, [true, true, false, true, false, false]],
    [
      'a witness’s arrival in the lobby',
      { data: 'presence', ...moved('w1', 'witness', 'invited', 'in_lobby') },
      [true, true, false, true, false, false],
    ],
    [
      'the plaintiff’s own marked exhibit',
      { data: 'exhibit', side: 'plaintiff', status: 'marked' },
      [true, true, false, false, false, false],
    ],
    [
      'an admitted exhibit',
      { data: 'exhibit', side: 'defendant', status: 'admitted' },
      [true, true, true, false, false, false],
    ],
    [
      'an exhibit on the screen',
      { data: 'exhibit', side: 'court', status: 'admitted', onScreen: true },
      [true, true, true, false, false, false],
    ],
  ];

  for (const [what, topic, expected] of TABLE) {
    it(what, () => {
      const got = Object.values(WATCHERS).map((w) => receives(w, topic));
      expect(Object.fromEntries(Object.keys(WATCHERS).map((k, i) => [k, got[i]]))).toEqual(
        Object.fromEntries(Object.keys(WATCHERS).map((k, i) => [k, expected[i]])),
      );
    });
  }

  it('tells an exhibit’s news to those who may not see it only when asked for them', () => {
    const plaintiff = { ...WATCHERS.plaintiff!, caller: { ...WATCHERS.plaintiff!.caller, side: 'plaintiff' } } as Watch;
    const theirs: Topic = { data: 'exhibit', side: 'defendant', status: 'marked' };
    expect(receives(plaintiff, theirs)).toBe(false);
    expect(receives(plaintiff, { ...theirs, to: 'not_seeing' })).toBe(true);
    expect(receives(plaintiff, { ...theirs, side: 'plaintiff' })).toBe(true);
    expect(receives(plaintiff, { ...theirs, side: 'plaintiff', to: 'not_seeing' })).toBe(false);
  });
});

function moved(participantId: string, role: ParticipantRole, from: Presence, to: Presence): PresenceChange {
  return { participantId, role, from, to };
}

describe('chatReach', () => {
  it('gives each watcher the same reach the socket gives message by message', () => {
    expect(chatReach(judge)).toEqual({ all: true, bench: true, ownParticipantId: null, ownUserId: 'j' });
    expect(chatReach(participant('p1', 'plaintiff', 'admitted'))).toEqual({
      all: true,
      bench: false,
      ownParticipantId: 'p1',
      ownUserId: null,
    });
    expect(chatReach(participant('w1', 'witness', 'in_lobby'))).toEqual({
      all: false,
      bench: false,
      ownParticipantId: 'w1',
      ownUserId: null,
    });
    const admin: Watch = { caller: { kind: 'staff', userId: 'a', role: 'admin', courtId: 'c' }, hearing };
    expect(chatReach(admin)).toEqual({ all: false, bench: false, ownParticipantId: null, ownUserId: null });
  });
});

describe('observe: the facts an event carries, applied to the watcher', () => {
  it('leaves the watch as it is for an event that carries no facts', () => {
    const w = participant('p1', 'plaintiff', 'admitted');
    expect(observe(w, { data: 'record' })).toEqual({ watch: w });
  });

  it('takes a new state, bench or clerk from the hearing’s facts, and ignores a state it does not know', () => {
    const recessed = observe(judge, { data: 'hearing', state: 'recess', clerkId: null });
    expect(recessed.watch.hearing).toEqual({ ...hearing, state: 'recess', clerkId: null });
    expect(recessed.end).toBeUndefined();
    const bogus = observe(judge, { data: 'hearing', state: 'closed' as never });
    expect(bogus.watch.hearing.state).toBe('in_session');
  });

  it('ends the watch of a judge taken off the hearing', () => {
    const r = observe(judge, { data: 'hearing', judgeId: 'j2' });
    expect(r.watch.hearing.judgeId).toBe('j2');
    expect(r.end).toMatchObject({ sessionEnded: false });
    expect(r.end?.code).toEqual(expect.any(String));
  });

  it('follows the watcher’s own presence, not anyone else’s', () => {
    const w = participant('p1', 'plaintiff', 'in_lobby');
    const mine = observe(w, { data: 'presence', ...moved('p1', 'plaintiff', 'in_lobby', 'admitted') });
    expect(mine.watch.caller).toMatchObject({ presence: 'admitted' });
    const theirs = observe(w, { data: 'presence', ...moved('p2', 'plaintiff', 'in_lobby', 'admitted') });
    expect(theirs.watch).toBe(w);
  });

  it('ends a removed participant’s watch, and a withdrawn invitation’s, but keeps the session', () => {
    const w = participant('p1', 'plaintiff', 'admitted');
    expect(observe(w, { data: 'presence', ...moved('p1', 'plaintiff', 'admitted', 'removed') }).end).toMatchObject({
      code: 'removed',
      sessionEnded: false,
    });
    const revoked = observe(w, { data: 'personal', participantId: 'p1', ends: 'revoked' });
    expect(revoked.watch.caller).toMatchObject({ revoked: true });
    expect(revoked.end).toMatchObject({ code: 'invite_revoked', sessionEnded: false });
    expect(observe(w, { data: 'personal', participantId: 'p2', ends: 'revoked' })).toEqual({ watch: w });
  });

  it('ends the session of a participant whose link was replaced', () => {
    const w = participant('p1', 'plaintiff', 'admitted');
    expect(observe(w, { data: 'personal', participantId: 'p1', ends: 'reinvited' }).end).toEqual({
      code: 'invite_reissued',
      message: expect.any(String),
      sessionEnded: true,
    });
  });
});
