import { describe, expect, it } from 'vitest';
import { applyEvent, emptyState } from '../hearing/live-state.ts';
import type { LiveEvent } from '../hearing/types.ts';

const event = (seq: number, kind: string, payload: Record<string, unknown>) =>
  ({ type: 'event', seq, kind, payload, at: '2027-01-15T01:30:00.000Z' }) as unknown as LiveEvent;

describe('exhibit events on the hearing socket', () => {
  it('hand each exhibit event to the panel, in order, and nothing else', () => {
    const state = emptyState();
    expect(applyEvent(state, event(1, 'exhibit.marked', { exhibit: { id: 'e1' } }))).toEqual({ kind: 'none' });
    expect(state.exhibitEvent).toEqual({ n: 1, kind: 'exhibit.marked', payload: { exhibit: { id: 'e1' } } });
    applyEvent(state, event(2, 'exhibit.presented', { exhibitId: 'e1', page: 2 }));
    expect(state.exhibitEvent).toEqual({ n: 2, kind: 'exhibit.presented', payload: { exhibitId: 'e1', page: 2 } });
    // The same page presented twice is still a new event (the panel reloads the frame there).
    applyEvent(state, event(3, 'exhibit.presented', { exhibitId: 'e1', page: 2 }));
    expect(state.exhibitEvent?.n).toBe(3);
    applyEvent(state, event(4, 'exhibit.presentation_ended', {}));
    expect(state.exhibitEvent).toMatchObject({ n: 4, kind: 'exhibit.presentation_ended' });
    applyEvent(state, event(5, 'exhibit.unknown_kind', {}));
    expect(state.exhibitEvent?.n).toBe(4);
  });
});
