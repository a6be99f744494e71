import type { CallerClass, Side } from './callers.ts';

export type ExhibitSide = Side | 'court';
export type ExhibitStatus = 'marked' | 'admitted' | 'rejected';

/**
 * Whether someone who may read the hearing's exhibits sees this one. The court sees all. An admitted
 * exhibit is everyone's; until then it is its side's, and the court's own are shown to both parties.
 * Witnesses, interpreters and the gallery see admitted exhibits only.
 */
export function exhibitVisible(
  viewer: { caller: CallerClass; side: Side | null },
  e: { side: ExhibitSide; status: string },
): boolean {
  if (viewer.caller.kind === 'staff') return true;
  if (viewer.caller.kind !== 'participant') return false;
  if (e.status === 'admitted') return true;
  if (!viewer.side) return false;
  return e.side === 'court' || e.side === viewer.side;
}
