import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { RealtimeHub } from '../realtime/realtime.hub.ts';
import { appendProceduralEntry } from './transcript.repository.ts';

/** The court's language: Gavel writes its notes in the record in it, as the clerk would. */
export type NoteLocale = 'en' | 'zh-CN';
type Role = 'plaintiff' | 'defendant' | 'agent' | 'witness' | 'interpreter' | 'observer';
type Person = { display_name: string; role: string };

/** Every note Gavel writes into the record, in each language of the court. */
export interface Notes {
  state: { open: string; start: string; recess: string; resume: string; adjourn: string };
  role: Record<Role, string>;
  observers: (n: number) => string;
  anObserver: string;
  admittedLead: string;
  admitted: (label: string) => string;
  witnessCalled: (name: string) => string;
  witnessReleased: (name: string) => string;
  returnedToLobby: (label: string) => string;
  recordingResumed: string;
  recordingInterrupted: string;
  recordingNotStarted: string;
}

const NOTES: Record<NoteLocale, Notes> = {
  en: {
    state: {
      open: 'Lobby opened',
      start: 'Hearing in session',
      recess: 'Hearing in recess',
      resume: 'Hearing resumed',
      adjourn: 'Hearing adjourned',
    },
    role: {
      plaintiff: 'plaintiff',
      defendant: 'defendant',
      agent: 'representative',
      witness: 'witness',
      interpreter: 'interpreter',
      observer: 'observer',
    },
    observers: (n) => (n === 1 ? '1 observer' : `${n} observers`),
    anObserver: 'An observer',
    admittedLead: 'Admitted: ',
    admitted: (label) => `${label} admitted`,
    witnessCalled: (name) => `Witness ${name} called`,
    witnessReleased: (name) => `Witness ${name} released`,
    returnedToLobby: (label) => `${label} returned to the lobby`,
    recordingResumed: 'Recording resumed',
    recordingInterrupted: 'Recording interrupted',
    recordingNotStarted: 'Recording could not be started',
  },
  'zh-CN': {
    state: {
      open: '候审室开放',
      start: '开庭',
      recess: '休庭',
      resume: '继续开庭',
      adjourn: '闭庭',
    },
    role: {
      plaintiff: '原告',
      defendant: '被告',
      agent: '代理人',
      witness: '证人',
      interpreter: '翻译人员',
      observer: '旁听人员',
    },
    observers: (n) => `旁听人员 ${n} 名`,
    anObserver: '一名旁听人员',
    admittedLead: '准许进入庭审：',
    admitted: (label) => `${label}进入庭审`,
    witnessCalled: (name) => `传证人${name}到庭`,
    witnessReleased: (name) => `证人${name}退庭`,
    returnedToLobby: (label) => `${label}返回候审室`,
    recordingResumed: '录像恢复',
    recordingInterrupted: '录像中断',
    recordingNotStarted: '录像未能开始',
  },
};

/** The notes in the court's language (English for any language Gavel does not write notes in). */
export const notesFor = (locale: string | null | undefined): Notes => NOTES[locale === 'zh-CN' ? 'zh-CN' : 'en'];

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
export const participantLabel = (p: Person, n: Notes = NOTES.en) => {
  if (p.role === 'observer') return n.anObserver;
  const role = n.role[p.role as Role] ?? p.role;
  return n === NOTES['zh-CN'] ? `${p.display_name}（${role}）` : `${p.display_name} (${role})`;
};

/** "Admitted: A (plaintiff), B (representative); 2 observers", split as `listNotes` does. */
export function admittedNotes(people: Person[], n: Notes = NOTES.en): string[] {
  const named = people.filter((p) => p.role !== 'observer').map((p) => participantLabel(p, n));
  const observers = people.length - named.length;
  const gallery = observers === 0 ? [] : [n.observers(observers)];
  return listNotes(n.admittedLead, [...named, ...gallery], NOTE_MAX, n === NOTES['zh-CN'] ? '、' : ', ');
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
