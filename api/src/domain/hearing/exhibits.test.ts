import { describe, expect, it } from 'vitest';
import { exhibitVisible, type ExhibitSide, type ExhibitStatus } from './exhibits.ts';
import type { CallerClass, Side } from './callers.ts';

const participant = (role: 'plaintiff' | 'defendant' | 'agent' | 'witness' | 'observer'): CallerClass => ({
  kind: 'participant',
  role,
  standing: 'admitted',
});

const SIDES: ExhibitSide[] = ['plaintiff', 'defendant', 'court'];
const STATUSES: ExhibitStatus[] = ['marked', 'admitted', 'rejected'];

describe('exhibitVisible: which exhibits a reader of the hearing’s exhibits sees', () => {
  it('shows the court every exhibit, whoever submitted it and however it was ruled', () => {
    for (const relation of ['judge', 'clerk', 'court_admin'] as const)
      for (const side of SIDES)
        for (const status of STATUSES)
          expect(exhibitVisible({ caller: { kind: 'staff', relation }, side: null }, { side, status })).toBe(true);
  });

  // What a party (or their agent) on `viewer` side sees of an exhibit of `side`, by status.
  //                                     marked admitted rejected
  const PARTY: Record<Side, Record<ExhibitSide, [boolean, boolean, boolean]>> = {
    plaintiff: { plaintiff: [true, true, true], defendant: [false, true, false], court: [true, true, true] },
    defendant: { plaintiff: [false, true, false], defendant: [true, true, true], court: [true, true, true] },
  };
  for (const viewer of ['plaintiff', 'defendant'] as const) {
    it(`shows the ${viewer}’s side its own and the court’s, and the other side’s once admitted`, () => {
      for (const caller of [participant(viewer), participant('agent')])
        for (const side of SIDES) {
          const seen = STATUSES.map((status) => exhibitVisible({ caller, side: viewer }, { side, status }));
          expect(seen, `${caller.kind === 'participant' ? caller.role : ''} sees ${side}`).toEqual(PARTY[viewer][side]);
        }
    });
  }

  it('shows those on no side (witnesses, interpreters, the gallery) admitted exhibits only', () => {
    for (const role of ['witness', 'observer'] as const)
      for (const side of SIDES)
        for (const status of STATUSES)
          expect(exhibitVisible({ caller: participant(role), side: null }, { side, status })).toBe(
            status === 'admitted',
          );
  });

  it('shows nothing to the anonymous or to a stranger, not even an admitted exhibit', () => {
    for (const caller of [{ kind: 'anonymous' }, { kind: 'stranger' }] as const)
      expect(exhibitVisible({ caller, side: 'plaintiff' }, { side: 'plaintiff', status: 'admitted' })).toBe(false);
  });
});
