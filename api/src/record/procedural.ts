import type { Transaction } from 'kysely';
import { localeOf, roleWord, wordsFor, type Locale } from '../domain/words/index.ts';
import type { Database } from '../platform/db/schema.ts';
import type { RealtimeHub } from '../platform/realtime/realtime.hub.ts';
import { appendProceduralEntry } from './transcript.repository.ts';

type Person = { display_name: string; role: string };

/** Every note Gavel writes into the record, in one language of the court; the words are the catalog's. */
export interface Notes {
  state: { open: string; start: string; recess: string; resume: string; adjourn: string };
  /** A role by its word in the catalog (`role.word.<role>`), as the screens, invitations and PDF name it. */
  role: (role: string) => string;
  observers: (n: number) => string;
  anObserver: string;
  /** "Chen (representative)": a named participant and their role. */
  person: (name: string, role: string) => string;
  separator: string;
  admittedLead: string;
  admitted: (label: string) => string;
  witnessCalled: (name: string) => string;
  witnessReleased: (name: string) => string;
  returnedToLobby: (label: string) => string;
  recordingResumed: string;
  recordingInterrupted: string;
  recordingNotStarted: string;
}

function notesIn(locale: Locale): Notes {
  const w = wordsFor(locale);
  return {
    state: {
      open: w['note.state.open'],
      start: w['note.state.start'],
      recess: w['note.state.recess'],
      resume: w['note.state.resume'],
      adjourn: w['note.state.adjourn'],
    },
    role: (role) => roleWord(locale, role),
    observers: (count) => w['note.observers']({ count }),
    anObserver: w['note.anObserver'],
    person: (name, role) => w['note.person']({ name, role }),
    separator: w['note.listSeparator'],
    admittedLead: w['note.admittedLead'],
    admitted: (person) => w['note.admitted']({ person }),
    witnessCalled: (name) => w['note.witnessCalled']({ name }),
    witnessReleased: (name) => w['note.witnessReleased']({ name }),
    returnedToLobby: (person) => w['note.returnedToLobby']({ person }),
    recordingResumed: w['note.recordingResumed'],
    recordingInterrupted: w['note.recordingInterrupted'],
    recordingNotStarted: w['note.recordingNotStarted'],
  };
}

/** The court's language: Gavel writes its notes in the record in it, as the clerk would. */
const NOTES: Record<Locale, Notes> = { en: notesIn('en'), 'zh-CN': notesIn('zh-CN') };

/** The notes in the court's language (English for any language Gavel does not write notes in). */
export const notesFor = (locale: string | null | undefined): Notes => NOTES[localeOf(locale)];

/**
 * Gavel's own note in the record ("Hearing adjourned"), in the court's language, in the caller's transaction.
 * Its time is the entry's own (spoken_at), which every reader prints in its time column: the text carries no
 * clock of its own, so no screen or page shows the time twice.
 */
export function noteInRecord(
  trx: Transaction<Database>,
  hub: RealtimeHub,
  hearing: { id: string; court_locale: string },
  at: Date,
  note: string | ((n: Notes) => string),
) {
  const text = typeof note === 'string' ? note : note(notesFor(hearing.court_locale));
  return appendProceduralEntry(trx, hub, {
    hearingId: hearing.id,
    text,
    at,
  });
}

/**
 * How the record names a participant. The public gallery is never named: the record reaches the parties
 * (live, in the sealed PDF, in the export), and who watches is not theirs to know.
 */
export const participantLabel = (p: Person, n: Notes = NOTES.en) =>
  p.role === 'observer' ? n.anObserver : n.person(p.display_name, n.role(p.role));

/** "Admitted: A (plaintiff), B (representative); 2 observers", split as `listNotes` does. */
export function admittedNotes(people: Person[], n: Notes = NOTES.en): string[] {
  const named = people.filter((p) => p.role !== 'observer').map((p) => participantLabel(p, n));
  const observers = people.length - named.length;
  const gallery = observers === 0 ? [] : [n.observers(observers)];
  return listNotes(n.admittedLead, [...named, ...gallery], NOTE_MAX, n.separator);
}

/** An entry's text is at most 20,000 characters (transcript_entries_text_check); a note stays well inside it. */
const NOTE_MAX = 19_900;

/**
 * "Admitted: A (plaintiff), B (observer), …" as one note, or as several when the list is longer than
 * one entry of the record may be (a large lobby admitted at once): every name stays in the record.
 */
export function listNotes(lead: string, items: string[], max = NOTE_MAX, separator = ', '): string[] {
  const notes: string[] = [];
  let note = '';
  for (const item of items) {
    const longer = note ? `${note}${separator}${item}` : `${lead}${item}`;
    if (note && longer.length > max) {
      notes.push(note);
      note = `${lead}${item}`;
    } else note = longer;
  }
  if (note) notes.push(note);
  return notes;
}
