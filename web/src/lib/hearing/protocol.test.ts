import { describe, expect, it } from 'vitest';
import { EVENT_KINDS } from '@gavel/api/domain/realtime';
import { applyEvent, emptyState, HANDLED_KINDS } from './live-state.ts';
import type { LiveEvent } from './types.ts';

const event = (kind: string, payload: Record<string, unknown> = {}) =>
  ({ type: 'event', hearingId: 'h', seq: 1, kind, payload, at: new Date(0).toISOString() }) as LiveEvent;

describe('the realtime protocol on the web', () => {
  it('has a handler for every event the server can send, and none for any other', () => {
    expect([...HANDLED_KINDS].sort()).toEqual([...EVENT_KINDS].sort());
  });

  it('changes nothing for a kind the protocol does not have', () => {
    const state = emptyState();
    for (const kind of ['recording.started', 'recording.stopped', 'recording.state', 'toString', '__proto__']) {
      expect(applyEvent(state, event(kind, { recording: true }))).toEqual({ kind: 'none' });
    }
    expect(state).toEqual(emptyState());
  });

  it('tells the record’s screens when a version is sealed or reviewed', () => {
    const state = emptyState();
    applyEvent(state, event('transcript.sealed', { seal: { id: 's1', version: 1 } }));
    expect(state.recordEvent).toEqual({ n: 1, kind: 'transcript.sealed' });
    applyEvent(state, event('transcript.reviewed', { signature: { id: 'g1' } }));
    expect(state.recordEvent).toEqual({ n: 2, kind: 'transcript.reviewed' });
  });

  it('keeps the askings that name the viewer until they end, and the consultations the bench is told are held', () => {
    const state = emptyState();
    const request = {
      id: 'r1',
      requesterId: 'p1',
      participantIds: ['p1', 'a1'],
      requestedAt: new Date(0).toISOString(),
      expiresAt: new Date(120_000).toISOString(),
    };
    expect(applyEvent(state, event('consultation.requested', { request }))).toEqual({
      kind: 'consultationRequested',
      request,
    });
    expect(state.consultationRequests).toEqual([request]);
    applyEvent(state, event('consultation.request_ended', { request, outcome: 'declined', by: 'a1', reason: null }));
    expect(state.consultationRequests).toEqual([]);
    expect(state.requestEnded).toEqual({ n: 1, request, outcome: 'declined', by: 'a1' });

    const held = { id: 'c1', partyId: 'p1', partyName: 'Zhang San', since: new Date(0).toISOString() };
    applyEvent(state, event('consultation.held', { held }));
    expect(state.consultationsHeld).toEqual([held]);
    applyEvent(state, event('consultation.held_ended', { id: 'c1' }));
    expect(state.consultationsHeld).toEqual([]);
  });
});
