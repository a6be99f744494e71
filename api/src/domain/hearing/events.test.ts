import { describe, expect, it } from 'vitest';
import type { ParticipantRole, Presence } from './callers.ts';
import { observe, presenceAudience, receives, type PresenceChange, type Watch } from './events.ts';

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
