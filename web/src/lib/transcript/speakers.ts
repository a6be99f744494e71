import type { ParticipantRole } from '../scheduling/client.ts';

/** The label Gavel prints for the bench and for its own procedural notes (as the API does). */
export const COURT_SPEAKER = 'Court';

export interface SpeakerChoice {
  /** 'court', a participant id, or 'other' for a free label. */
  key: string;
  label: string;
  participantId: string | null;
  role: ParticipantRole | 'court' | null;
  /** Alt + this digit picks it (1–9), or null when there are more speakers than digits. */
  shortcut: number | null;
}

/** Whoever may speak on the record: the Court first, then the people of the hearing (no observers). */
export function speakerChoices(
  participants: { id: string; displayName: string; role: ParticipantRole; presence?: string }[],
): SpeakerChoice[] {
  const people = participants.filter((p) => p.role !== 'observer' && p.presence !== 'removed');
  const choices: Omit<SpeakerChoice, 'shortcut'>[] = [
    { key: 'court', label: COURT_SPEAKER, participantId: null, role: 'court' },
    ...people.map((p) => ({ key: p.id, label: p.displayName, participantId: p.id, role: p.role })),
  ];
  return choices.map((c, i) => ({ ...c, shortcut: i < 9 ? i + 1 : null }));
}

/**
 * The speaker shortcut in a key press: Alt+1…9 picks a speaker (index from 0), Alt+0 the free label.
 * Read from `code`, since Alt+digit types other characters on some layouts (macOS).
 */
export function speakerShortcut(e: {
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  code: string;
}): number | 'other' | null {
  if (!e.altKey || e.ctrlKey || e.metaKey) return null;
  const m = /^(?:Digit|Numpad)([0-9])$/.exec(e.code);
  if (!m) return null;
  const n = Number(m[1]);
  return n === 0 ? 'other' : n - 1;
}
