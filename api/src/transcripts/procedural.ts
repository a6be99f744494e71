import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { RealtimeHub } from '../realtime/realtime.hub.ts';
import { appendProceduralEntry } from './transcript.repository.ts';

/** "10:42" in the court's time, as procedural notes print it. */
export function courtClock(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    at,
  );
}

/** Gavel's own note in the record ("[10:42] Hearing adjourned"), in the caller's transaction. */
export function noteInRecord(
  trx: Transaction<Database>,
  hub: RealtimeHub,
  hearing: { id: string; court_timezone: string },
  at: Date,
  note: string,
) {
  return appendProceduralEntry(trx, hub, {
    hearingId: hearing.id,
    text: `[${courtClock(at, hearing.court_timezone)}] ${note}`,
    at,
  });
}

export const STATE_NOTES = {
  open: 'Lobby opened',
  start: 'Hearing in session',
  recess: 'Hearing in recess',
  resume: 'Hearing resumed',
  adjourn: 'Hearing adjourned',
} as const;

/**
 * How the record names a participant. The public gallery is never named: the record reaches the parties
 * (live, in the sealed PDF, in the export), and who watches is not theirs to know.
 */
export const participantLabel = (p: { display_name: string; role: string }) =>
  p.role === 'observer' ? 'An observer' : `${p.display_name} (${p.role})`;

/** "Admitted: A (plaintiff), B (agent); 2 observers", split as `listNotes` does. */
export function admittedNotes(people: Array<{ display_name: string; role: string }>): string[] {
  const named = people.filter((p) => p.role !== 'observer').map(participantLabel);
  const observers = people.length - named.length;
  const gallery = observers === 0 ? [] : [observers === 1 ? '1 observer' : `${observers} observers`];
  return listNotes('Admitted: ', [...named, ...gallery]);
}

/** An entry's text is at most 20,000 characters (transcript_entries_text_check); the "[10:42] " prefix fits in the rest. */
const NOTE_MAX = 19_900;

/**
 * "Admitted: A (plaintiff), B (observer), …" as one note, or as several when the list is longer than
 * one entry of the record may be (a large lobby admitted at once): every name stays in the record.
 */
export function listNotes(lead: string, items: string[], max = NOTE_MAX): string[] {
  const notes: string[] = [];
  let note = '';
  for (const item of items) {
    const longer = note ? `${note}, ${item}` : `${lead}${item}`;
    if (note && longer.length > max) {
      notes.push(note);
      note = `${lead}${item}`;
    } else note = longer;
  }
  if (note) notes.push(note);
  return notes;
}
