import { describe, expect, it, vi } from 'vitest';
import { applyEvent, fromSnapshot } from '../hearing/live-state.ts';
import type { LiveEvent } from '../hearing/types.ts';
import { announcementFor, EntryAnnouncer, isTyping } from './announcer.svelte.ts';
import {
  currentSeal,
  hasNul,
  mergeEntries,
  normaliseHash,
  parseEntry,
  parseSignatures,
  parseTranscript,
  parseVerify,
} from './entries.ts';
import { speakerChoices, speakerShortcut } from './speakers.ts';
import type { Seal, TranscriptEntry } from './types.ts';

const entry = (over: Partial<TranscriptEntry> & { id: string; seq: number }): TranscriptEntry => ({
  speaker: 'Court',
  speakerParticipantId: null,
  spokenAt: '2027-01-15T01:30:00.000Z',
  text: 'text',
  source: 'clerk',
  author: null,
  corrected: false,
  ...over,
});

describe('reading the API', () => {
  it('reads an entry as the API sends it, and a procedural one as Gavel pushes it', () => {
    const api = parseEntry({
      id: 'e1',
      seq: 3,
      speaker: 'Zhang San',
      speakerParticipantId: 'p1',
      spokenAt: '2027-01-15T01:31:00.000Z',
      text: '<script>alert(1)</script>',
      source: 'clerk',
      author: { id: 'u1', name: 'Clerk Zhao' },
      corrected: true,
      history: [
        {
          previousText: 'before',
          text: 'after',
          reason: 'misheard',
          correctedAt: '2027-01-15T02:00:00.000Z',
          correctedBy: { id: 'u1', name: 'Clerk Zhao' },
        },
      ],
    });
    expect(api).toMatchObject({ id: 'e1', seq: 3, author: 'Clerk Zhao', corrected: true });
    // Text is kept exactly as typed: escaping is the template's job, never the data's.
    expect(api?.text).toBe('<script>alert(1)</script>');
    expect(api?.history).toEqual([
      { text: 'before', reason: 'misheard', by: 'Clerk Zhao', at: '2027-01-15T02:00:00.000Z' },
    ]);

    const procedural = parseEntry({
      id: 'e2',
      hearingId: 'h',
      seq: 4,
      speaker: 'Court',
      spokenAt: '2027-01-15T01:32:00.000Z',
      text: 'Recording started',
      source: 'procedural',
      authorId: null,
    });
    expect(procedural).toMatchObject({ id: 'e2', source: 'procedural', author: null, corrected: false });
    expect(procedural?.history).toBeUndefined();
  });

  it('drops what is not an entry rather than failing', () => {
    expect(parseEntry(null)).toBeNull();
    expect(parseEntry({ id: 'x', text: 'no seq' })).toBeNull();
    const t = parseTranscript({ entries: [{ id: 'a', seq: 2, text: 'b' }, 'junk', { id: 'b', seq: 1, text: 'a' }] });
    expect(t.entries.map((e) => e.id)).toEqual(['b', 'a']);
    expect(t.seals).toEqual([]);
    expect(t.draftOf).toBeNull();
  });

  it('reads signatures with the participant who signed', () => {
    const list = parseSignatures({
      signatures: [
        {
          id: 's2',
          sealId: 'seal',
          version: 1,
          sha256: 'x',
          kind: 'objection',
          fullName: null,
          text: 'Line 4 is wrong',
          at: '2027-01-16T01:00:00.000Z',
          participant: { id: 'p2', name: 'Acme Ltd', role: 'defendant' },
        },
        {
          id: 's1',
          sealId: 'seal',
          version: 1,
          sha256: 'x',
          kind: 'signature',
          fullName: 'Zhang San',
          text: null,
          at: '2027-01-15T09:00:00.000Z',
          participant: { id: 'p1', name: 'Zhang San', role: 'plaintiff' },
        },
      ],
    });
    expect(list.map((s) => [s.id, s.kind, s.name, s.role, s.version])).toEqual([
      ['s1', 'signature', 'Zhang San', 'plaintiff', 1],
      ['s2', 'objection', 'Acme Ltd', 'defendant', 1],
    ]);
    expect(list[1]?.text).toBe('Line 4 is wrong');
  });

  it('reads a verification answer, match or not', () => {
    const none = { match: false, courtSignature: null, log: null };
    expect(parseVerify({ match: false })).toEqual(none);
    expect(parseVerify('nonsense')).toEqual(none);
    expect(
      parseVerify({
        match: false,
        courtSignature: {
          valid: false,
          wholeDocument: false,
          byThisCourt: false,
          problem: 'the PDF carries no signature',
        },
        log: null,
      }),
    ).toEqual({
      ...none,
      courtSignature: {
        valid: false,
        wholeDocument: false,
        byThisCourt: false,
        problem: 'the PDF carries no signature',
      },
    });
    const r = parseVerify({
      match: true,
      court: 'Demo Court',
      case: { number: '(2027) 1', caption: 'A v. B' },
      hearing: { title: 'First hearing', date: '2027-01-15' },
      version: 1,
      sha256: 'a'.repeat(64),
      pdfSha256: 'b'.repeat(64),
      sealedAt: '2027-01-15T09:00:00.000Z',
      sealedBy: 'Clerk Zhao',
      supersededBy: { version: 2, sha256: 'c'.repeat(64) },
      signatures: [{ name: 'Zhang San', role: 'plaintiff', at: '2027-01-15T10:00:00.000Z', kind: 'signature' }],
      timeZone: 'Asia/Shanghai',
      pages: 7,
      firstPage: `/api/verify/${'b'.repeat(64)}/first-page.png`,
      log: {
        leafIndex: 3,
        treeSize: 9,
        rootHash: 'd'.repeat(64),
        timestamp: '2027-01-15T09:00:01.000Z',
        verified: true,
      },
    });
    expect(r).toMatchObject({
      match: true,
      timeZone: 'Asia/Shanghai',
      pages: 7,
      firstPage: `/api/verify/${'b'.repeat(64)}/first-page.png`,
      courtSignature: null,
      log: { leafIndex: 3, treeSize: 9, verified: true },
      court: 'Demo Court',
      case: { number: '(2027) 1' },
      hearing: { title: 'First hearing', date: '2027-01-15' },
      supersededBy: 2,
      signatures: [{ name: 'Zhang San', kind: 'signature' }],
    });
    // Only this API's own image address is shown, never another origin's.
    expect(parseVerify({ match: true, firstPage: 'https://elsewhere.example/x.png' })).toMatchObject({
      firstPage: null,
    });
  });
});

describe('merging the loaded record with what the socket pushed', () => {
  it('adds pushed entries in seq order and lets a correction replace its entry', () => {
    const loaded = [entry({ id: 'a', seq: 1 }), entry({ id: 'b', seq: 2, text: 'old' })];
    const pushed = [entry({ id: 'c', seq: 3 }), entry({ id: 'b', seq: 2, text: 'new', corrected: true })];
    const merged = mergeEntries(loaded, pushed);
    expect(merged.map((e) => `${e.id}:${e.text}`)).toEqual(['a:text', 'b:new', 'c:text']);
  });

  it('never lets an older push undo a correction the staff view already has', () => {
    const history = [{ text: 'old', reason: 'typo', by: 'Clerk', at: null }];
    const loaded = [entry({ id: 'b', seq: 2, text: 'new', corrected: true, history })];
    const pushed = [entry({ id: 'b', seq: 2, text: 'old' })];
    expect(mergeEntries(loaded, pushed)[0]).toMatchObject({ text: 'new', history });
  });

  it('shows a third correction pushed after the load, though the loaded entry counts two in its history', () => {
    const history = [
      { text: 'first', reason: 'typo', by: 'Clerk', at: null },
      { text: 'second', reason: 'name', by: 'Clerk', at: null },
    ];
    const loaded = [entry({ id: 'b', seq: 2, text: 'third', corrected: true, history })];
    // When the load was asked for, the socket had pushed the second version (older than what loaded).
    const asked = new Map([['b', 'second']]);
    const stale = [entry({ id: 'b', seq: 2, text: 'second', corrected: true })];
    expect(mergeEntries(loaded, stale, asked)[0]?.text).toBe('third');
    // Then the clerk corrects it again: the push carries no history, and still wins.
    const fourth = [entry({ id: 'b', seq: 2, text: 'fourth', corrected: true })];
    expect(mergeEntries(loaded, fourth, asked)[0]?.text).toBe('fourth');
    // Without knowing what was pushed before the load, the counts decide (the older behaviour).
    expect(mergeEntries(loaded, fourth)[0]?.text).toBe('third');
  });

  it('keeps the staff history when the same correction arrives as a push', () => {
    const history = [{ text: 'old', reason: 'typo', by: 'Clerk', at: null }];
    const loaded = [entry({ id: 'b', seq: 2, text: 'new', corrected: true, history })];
    const pushed = [entry({ id: 'b', seq: 2, text: 'new', corrected: true })];
    expect(mergeEntries(loaded, pushed)[0]?.history).toEqual(history);
  });
});

describe('seals and hashes', () => {
  const seal = (id: string, version: number, supersededBy: string | null): Seal => ({
    id,
    version,
    sha256: 'a'.repeat(64),
    pdfSha256: 'b'.repeat(64),
    sealedAt: '2027-01-15T09:00:00.000Z',
    sealedBy: 'Clerk',
    supersedes: null,
    supersededBy,
  });

  it('the current seal is the newest one nothing supersedes', () => {
    expect(currentSeal([])).toBeNull();
    expect(currentSeal([seal('s1', 1, 's2'), seal('s2', 2, null)])?.id).toBe('s2');
  });

  it('accepts a pasted hash in any case, with spaces or a prefix, and nothing else', () => {
    const h = 'AB'.repeat(32);
    expect(normaliseHash(` sha256:${h} `)).toBe('ab'.repeat(32));
    expect(normaliseHash('ab'.repeat(31))).toBeNull();
    expect(normaliseHash('zz'.repeat(32))).toBeNull();
    expect(normaliseHash('../../etc/passwd')).toBeNull();
  });

  it('spots a NUL byte the API would refuse', () => {
    expect(hasNul('fine')).toBe(false);
    expect(hasNul('bad\u0000text')).toBe(true);
  });
});

describe('the speaker picker', () => {
  it('puts the Court first, then the people of the hearing without observers, Alt+1…9', () => {
    const people = Array.from({ length: 10 }, (_, i) => ({
      id: `p${String(i)}`,
      displayName: `Person ${String(i)}`,
      role: 'witness' as const,
      presence: 'invited',
    }));
    const choices = speakerChoices([
      { id: 'o', displayName: 'Gallery', role: 'observer', presence: 'admitted' },
      { id: 'r', displayName: 'Gone', role: 'defendant', presence: 'removed' },
      ...people,
    ]);
    expect(choices[0]).toMatchObject({ key: 'court', label: 'Court', participantId: null, shortcut: 1 });
    expect(choices[1]).toMatchObject({ key: 'p0', participantId: 'p0', shortcut: 2 });
    expect(choices.some((c) => c.key === 'o' || c.key === 'r')).toBe(false);
    expect(choices[8]?.shortcut).toBe(9);
    expect(choices[9]?.shortcut).toBeNull();
  });

  it('reads Alt+digit by physical key, and nothing with Ctrl or Meta', () => {
    const key = (code: string, over: Partial<{ altKey: boolean; ctrlKey: boolean; metaKey: boolean }> = {}) => ({
      altKey: true,
      ctrlKey: false,
      metaKey: false,
      code,
      ...over,
    });
    expect(speakerShortcut(key('Digit1'))).toBe(0);
    expect(speakerShortcut(key('Numpad9'))).toBe(8);
    expect(speakerShortcut(key('Digit0'))).toBe('other');
    expect(speakerShortcut(key('KeyA'))).toBeNull();
    expect(speakerShortcut(key('Digit1', { altKey: false }))).toBeNull();
    expect(speakerShortcut(key('Digit1', { ctrlKey: true }))).toBeNull();
  });
});

describe('announcing new entries', () => {
  const words = {
    one: (p: { speaker: string; text: string }) => `${p.speaker}: ${p.text}`,
    many: (p: { count: number; speaker: string }) => `${String(p.count)} new, last ${p.speaker}`,
    speaker: (s: string) => s.toUpperCase(),
  };

  it('says one entry in full (clipped) and a burst as a count', () => {
    expect(announcementFor([entry({ id: 'a', seq: 1, speaker: 'Li', text: 'x'.repeat(300) })], words)).toMatch(
      /^LI: x{159}…$/,
    );
    expect(announcementFor([entry({ id: 'a', seq: 1 }), entry({ id: 'b', seq: 2, speaker: 'Li' })], words)).toBe(
      '2 new, last LI',
    );
    expect(announcementFor([], words)).toBe('');
  });

  it('waits for a quiet moment, stays silent while the reader types, and can be turned off', () => {
    vi.useFakeTimers();
    try {
      let typing = false;
      const a = new EntryAnnouncer(
        (es) => announcementFor(es, words),
        1000,
        () => typing,
      );
      a.push([entry({ id: 'a', seq: 1, speaker: 'li', text: 'one' })]);
      a.push([entry({ id: 'b', seq: 2, speaker: 'wang', text: 'two' })]);
      expect(a.message).toBe('');
      vi.advanceTimersByTime(1000);
      expect(a.message).toBe('2 new, last WANG');

      typing = true;
      a.push([entry({ id: 'c', seq: 3, speaker: 'li', text: 'three' })]);
      vi.advanceTimersByTime(1000);
      expect(a.message).toBe('2 new, last WANG');

      typing = false;
      a.enabled = false;
      a.push([entry({ id: 'd', seq: 4, text: 'four' })]);
      vi.advanceTimersByTime(1000);
      expect(a.message).toBe('2 new, last WANG');
    } finally {
      vi.useRealTimers();
    }
  });

  it('counts text boxes as typing, buttons not', () => {
    const el = (tagName: string, type?: string) => ({ activeElement: { tagName, type } as unknown as Element });
    expect(isTyping(el('TEXTAREA'))).toBe(true);
    expect(isTyping(el('INPUT', 'text'))).toBe(true);
    expect(isTyping(el('INPUT', 'checkbox'))).toBe(false);
    expect(isTyping(el('BUTTON'))).toBe(false);
    expect(isTyping({ activeElement: null })).toBe(false);
  });
});

describe('the hearing socket’s transcript events', () => {
  const snapshot = {
    hearing: {
      id: 'h',
      title: 'Hearing',
      state: 'in_session' as const,
      caseNumber: '(2027) 1',
      caption: 'A v. B',
      scheduledStart: '2027-01-15T01:30:00.000Z',
      scheduledEnd: '2027-01-15T02:30:00.000Z',
      courtTimezone: 'Asia/Shanghai',
      recording: false,
      recordingStatus: null,
      recordingId: null,
    },
    participants: [],
    chat: [],
  };
  const event = (seq: number, kind: string, payload: Record<string, unknown>) =>
    ({
      type: 'event' as const,
      hearingId: 'h',
      seq,
      kind,
      payload,
      at: '2027-01-15T01:31:00.000Z',
    }) as LiveEvent;
  const raw = (id: string, seq: number, text: string, corrected = false) => ({
    id,
    seq,
    speaker: 'Court',
    speakerParticipantId: null,
    spokenAt: '2027-01-15T01:31:00.000Z',
    text,
    source: 'clerk',
    author: { id: 'u', name: 'Clerk' },
    corrected,
  });

  it('keeps pushed entries and corrections, ignores malformed ones, and starts over on a snapshot', () => {
    const s = fromSnapshot(snapshot);
    expect(s.transcript).toEqual([]);
    expect(applyEvent(s, event(1, 'transcript.entry', { entry: raw('a', 1, 'first') }))).toEqual({ kind: 'none' });
    applyEvent(s, event(2, 'transcript.entry', { entry: raw('b', 2, 'second') }));
    applyEvent(s, event(3, 'transcript.corrected', { entry: raw('a', 1, 'first, corrected', true) }));
    applyEvent(s, event(4, 'transcript.entry', { entry: { id: 'c' } }));
    applyEvent(s, event(5, 'transcript.entry', {}));
    expect(s.transcript.map((e) => `${e.id}:${e.text}:${String(e.corrected)}`)).toEqual([
      'a:first, corrected:true',
      'b:second:false',
    ]);
    expect(fromSnapshot(snapshot, s).transcript).toEqual([]);
  });
});
