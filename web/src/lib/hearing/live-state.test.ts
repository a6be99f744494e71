import { describe, expect, it } from 'vitest';
import { nextActions } from './client.ts';
import { socketUrl } from './hearing-socket.svelte.ts';
import { applyEvent, fromSnapshot, inHearing, waiting, type LiveState } from './live-state.ts';
import { RECONNECT_CAP_MS, reconnectDelay } from './reconnect.ts';
import type { LiveEvent, Snapshot } from './types.ts';

const ME = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';

function snapshot(over: Partial<Snapshot> = {}): Snapshot {
  return {
    hearing: {
      id: 'h',
      title: 'First hearing',
      state: 'open',
      caseNumber: '(2027) 1',
      caption: 'A v. B',
      scheduledStart: '2027-01-15T01:30:00.000Z',
      scheduledEnd: '2027-01-15T02:30:00.000Z',
      courtTimezone: 'Asia/Shanghai',
      recording: false,
      recordingStatus: null,
      recordingId: null,
    },
    participants: [
      {
        id: OTHER,
        role: 'defendant',
        displayName: 'Acme',
        presence: 'admitted',
        screenShareAllowed: false,
        representsId: null,
        connected: true,
      },
    ],
    you: { kind: 'participant', id: ME, role: 'plaintiff', presence: 'in_lobby', screenShareAllowed: false },
    chat: [],
    ...over,
  };
}

let seq = 0;
// Loose on purpose: handlers must survive payloads that lack what the protocol promises.
const event = (kind: string, payload: Record<string, unknown>): LiveEvent =>
  ({
    type: 'event',
    hearingId: 'h',
    seq: ++seq,
    kind,
    payload,
    at: new Date(0).toISOString(),
  }) as LiveEvent;

describe('the live state of a hearing', () => {
  it('starts from the snapshot, with media presence for staff', () => {
    const s = fromSnapshot(snapshot());
    expect(s.hearing?.state).toBe('open');
    expect(s.mediaConnected).toEqual({ [OTHER]: true });
    expect(inHearing(s).map((p) => p.id)).toEqual([OTHER]);
  });

  it("keeps the record's latest entries from the snapshot, so captions survive a reconnect or an admission", () => {
    const line = (n: number, text: string) => ({
      id: `00000000-0000-4000-8000-00000000000${n}`,
      seq: n,
      speaker: 'Witness',
      spokenAt: '2027-01-15T01:4' + n + ':00.000Z',
      text,
      source: 'clerk',
    });
    // Out of order and with one the client cannot read: the state holds the readable ones by seq.
    const s = fromSnapshot(snapshot({ transcript: [line(3, 'third'), { id: 'no text' }, line(1, 'first')] }));
    expect(s.transcript.map((e) => e.text)).toEqual(['first', 'third']);
    // An entry pushed after the snapshot joins them; a correction replaces its entry.
    applyEvent(s, event('transcript.entry', { entry: line(4, 'fourth') }));
    applyEvent(s, event('transcript.corrected', { entry: { ...line(3, 'third, corrected'), corrected: true } }));
    expect(s.transcript.map((e) => e.text)).toEqual(['first', 'third, corrected', 'fourth']);
    // A snapshot without the record (someone the policy does not let read it) holds none.
    expect(fromSnapshot(snapshot()).transcript).toEqual([]);
  });

  it('tells the participant concerned that they were admitted, returned and removed', () => {
    const s: LiveState = fromSnapshot(snapshot());
    expect(applyEvent(s, event('participant.admitted', { participantId: ME }))).toEqual({ kind: 'admitted' });
    expect(s.you?.presence).toBe('admitted');
    expect(applyEvent(s, event('participant.returned_to_lobby', { participantId: ME }))).toEqual({ kind: 'returned' });
    expect(s.you?.presence).toBe('in_lobby');
    expect(applyEvent(s, event('participant.muted', { participantId: ME, trackSid: 'TR_1' }))).toEqual({
      kind: 'muted',
    });
    expect(applyEvent(s, event('participant.removed', { participantId: ME }))).toEqual({ kind: 'removed' });
    expect(s.you?.presence).toBe('removed');
  });

  it('does not take another participant’s admission as one’s own', () => {
    const s = fromSnapshot(snapshot());
    expect(applyEvent(s, event('participant.admitted', { participantId: OTHER }))).toEqual({ kind: 'none' });
    expect(s.you?.presence).toBe('in_lobby');
  });

  it('takes an admit-all’s moves in one event: everyone listed once, the viewer’s own admission announced', () => {
    const THIRD = '33333333-3333-4333-8333-333333333333';
    const move = (participantId: string, role: string, displayName: string) => ({
      participantId,
      presence: 'admitted',
      role,
      displayName,
      representsId: null,
    });
    const s = fromSnapshot(snapshot());
    const moves = event('participant.presence_many', {
      changes: [move(THIRD, 'agent', 'Counsel'), move(ME, 'plaintiff', 'Me'), move(OTHER, 'defendant', 'Acme')],
    });
    expect(applyEvent(s, moves)).toEqual({ kind: 'admitted' });
    expect(s.you?.presence).toBe('admitted');
    expect(
      inHearing(s)
        .map((p) => p.id)
        .sort(),
    ).toEqual([ME, OTHER, THIRD].sort());
    // Someone else's moves only: nothing to announce; a malformed batch changes nothing.
    const other = fromSnapshot(snapshot());
    expect(applyEvent(other, event('participant.presence_many', { changes: [move(THIRD, 'witness', 'W')] }))).toEqual({
      kind: 'none',
    });
    expect(other.you?.presence).toBe('in_lobby');
    expect(applyEvent(other, event('participant.presence_many', { changes: 'all' }))).toEqual({ kind: 'none' });
    expect(applyEvent(other, event('participant.presence_many', { changes: [null, 7] }))).toEqual({ kind: 'none' });
    expect(other.participants.map((p) => p.id).sort()).toEqual([OTHER, THIRD].sort());
  });

  it('keeps the bench’s lobby list from presence events, adding newcomers', () => {
    const s = fromSnapshot(snapshot({ you: { kind: 'staff', id: 'u', role: 'judge', bench: 'judge' } }));
    applyEvent(
      s,
      event('participant.presence', { participantId: ME, presence: 'in_lobby', role: 'witness', displayName: 'W' }),
    );
    expect(waiting(s).map((p) => [p.id, p.role, p.displayName])).toEqual([[ME, 'witness', 'W']]);
    applyEvent(s, event('participant.presence', { participantId: ME, presence: 'admitted' }));
    expect(waiting(s)).toEqual([]);
    expect(inHearing(s).map((p) => p.id)).toEqual([OTHER, ME]);
    applyEvent(s, event('media.presence', { participantId: ME, connected: false }));
    expect(s.mediaConnected[ME]).toBe(false);
  });

  it('follows the hearing state, screen sharing and chat (each message once)', () => {
    const s = fromSnapshot(snapshot());
    expect(applyEvent(s, event('hearing.state', { state: 'adjourned' }))).toEqual({
      kind: 'state',
      state: 'adjourned',
    });
    expect(s.hearing?.state).toBe('adjourned');
    expect(applyEvent(s, event('participant.screen_share', { participantId: ME, allowed: true }))).toEqual({
      kind: 'screenShare',
      allowed: true,
    });
    expect(s.you?.screenShareAllowed).toBe(true);
    const message = {
      id: 'm1',
      at: '2027-01-15T01:31:00.000Z',
      from: { kind: 'participant', id: OTHER, name: 'Acme', role: 'defendant' },
      to: 'all',
      text: '你好',
    };
    expect(applyEvent(s, event('chat.message', { message })).kind).toBe('chat');
    expect(applyEvent(s, event('chat.message', { message })).kind).toBe('none');
    expect(s.chat).toHaveLength(1);
  });

  it('ignores unknown events and malformed payloads', () => {
    const s = fromSnapshot(snapshot());
    const before = JSON.stringify(s);
    expect(applyEvent(s, event('something.new', { x: 1 }))).toEqual({ kind: 'none' });
    expect(applyEvent(s, event('participant.admitted', {}))).toEqual({ kind: 'none' });
    expect(applyEvent(s, event('participant.screen_share', { participantId: ME, allowed: 'yes' }))).toEqual({
      kind: 'none',
    });
    expect(JSON.stringify(s)).toBe(before);
  });
});

describe('the judge’s state buttons and the socket helpers', () => {
  it('offers exactly the moves the server allows', () => {
    expect(nextActions('scheduled')).toEqual(['open']);
    expect(nextActions('open')).toEqual(['start', 'adjourn']);
    expect(nextActions('in_session')).toEqual(['recess', 'adjourn']);
    expect(nextActions('recess')).toEqual(['resume', 'adjourn']);
    expect(nextActions('adjourned')).toEqual([]);
    expect(nextActions('cancelled')).toEqual([]);
  });

  it('connects to the same origin', () => {
    expect(socketUrl({ protocol: 'https:', host: 'court.example' })).toBe('wss://court.example/api/ws');
    expect(socketUrl({ protocol: 'http:', host: '127.0.0.1:3000' })).toBe('ws://127.0.0.1:3000/api/ws');
  });

  it('backs off from 0.5 s doubling to 3 s, the upper half of each wait random', () => {
    const low = (a: number) => reconnectDelay(a, () => 0);
    const high = (a: number) => reconnectDelay(a, () => 0.999_999);
    expect([0, 1, 2, 3, 4, 10, 1000].map(low)).toEqual([250, 500, 1000, 1500, 1500, 1500, 1500]);
    expect([0, 1, 2, 3, 4, 10, 1000].map(high)).toEqual([500, 1000, 2000, 3000, 3000, 3000, 3000]);
    // Never near the 10 s in which clients must be back after the server is: whatever the attempt.
    for (let attempt = 0; attempt < 200; attempt++) {
      const d = reconnectDelay(attempt);
      expect(d).toBeGreaterThanOrEqual(250);
      expect(d).toBeLessThanOrEqual(RECONNECT_CAP_MS);
    }
    expect(RECONNECT_CAP_MS).toBeLessThanOrEqual(3000);
  });
});
