import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PARTICIPANT_ROLES } from '../src/domain/hearing/index.ts';
import { roleWord, translate, type Locale } from '../src/domain/words/index.ts';
import type { HearingRow } from '../src/scheduling/hearings.service.ts';
import { changeNotice, inviteMessage } from '../src/invitations/invite-message.ts';
import { hearingCalendar } from '../src/scheduling/hearing-calendar.ts';
import { admittedNotes, notesFor, participantLabel } from '../src/record/procedural.ts';
import { renderTranscript, transcriptWording, type TranscriptDocument } from '../src/record/pdf.ts';
import { pdfText } from './pdf-tools.ts';

/**
 * One word per role wherever a person reads it: the screens, the invitation, the procedural notes
 * and the sealed PDF all take it from the one catalog (api/src/domain/words). A party's lawyer is a
 * "representative" (代理人) and the judge is 审判员 in Chinese; the other words for them must not come back.
 */
const LOSING: Array<{ word: RegExp; say: string }> = [
  { word: /\bagents?\b/i, say: 'representative' },
  { word: /诉讼代理人/, say: '代理人' },
  { word: /法官/, say: '审判员' },
];

const catalogDir = fileURLToPath(new URL('../src/domain/words/', import.meta.url));

/** The string and template literals of a catalog file's source, without its comments and keys (`'a.b': …`). */
function dictionaryTexts(file: string): string[] {
  const source = readFileSync(catalogDir + file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '')
    .replace(/^\s*'[^'\n]*'\s*:/gm, '');
  return [...source.matchAll(/'((?:[^'\\\n]|\\.)*)'|`((?:[^`\\]|\\.)*)`/g)].map((m) => m[1] ?? m[2] ?? '');
}

const losers = (texts: string[]) => texts.filter((s) => LOSING.some((l) => l.word.test(s)));

const LOCALES: Locale[] = ['en', 'zh-CN'];

const hearing = {
  id: '00000000-0000-4000-8000-000000000001',
  sequence: 0,
  court_name: 'Court',
  courtroom_name: 'Room 1',
  court_timezone: 'Asia/Shanghai',
  court_locale: 'en',
  case_number: '2026-CV-1',
  case_caption: 'A v B',
  title: 'Trial',
  state: 'scheduled',
  scheduled_start: new Date('2026-12-01T02:00:00Z'),
  scheduled_end: new Date('2026-12-01T03:00:00Z'),
} as unknown as HearingRow;

function transcript(locale: Locale): TranscriptDocument {
  return {
    locale,
    court: 'Court',
    caseNumber: '2026-CV-1',
    caseCaption: 'A v B',
    hearingTitle: 'Trial',
    hearingDate: '2026-12-01',
    timeZone: 'GMT+8 (Asia/Shanghai)',
    judge: 'Wang',
    clerk: 'Wu',
    appearances: PARTICIPANT_ROLES.map((role, i) => ({ name: `Person ${String(i)}`, role, represents: null })),
    entries: [{ seq: 1, speaker: 'A', time: '09:30:00', text: 'Good morning.', procedural: false }],
    seal: {
      sha256: 'ab'.repeat(32),
      version: 1,
      supersedesVersion: null,
      sealedBy: 'Wu',
      sealedAt: '2026-12-01 10:00',
      sealedAtIso: '2026-12-01T02:00:00.000Z',
      verifyUrl: 'http://gavel.test/verify/x',
    },
  };
}

describe('one word per role', () => {
  const files = readdirSync(catalogDir).filter((f) => f.endsWith('.ts') && !f.includes('.test.'));

  it('reads the whole catalog', () => {
    expect(files).toEqual(expect.arrayContaining(['en.ts', 'zh-CN.ts', 'record.ts', 'invitation.ts']));
  });

  it.each(files)('the catalog’s %s uses the chosen words', (file) => {
    expect(losers(dictionaryTexts(file))).toEqual([]);
  });

  it('the scanner sees the losing words (it is not blind)', () => {
    expect(losers(['Only an agent', '代理 法官', 'a 诉讼代理人', '代理人'])).toHaveLength(3);
  });

  it.each(LOCALES)('the invitation, change notice and calendar event in %s are in the catalog’s words', (locale) => {
    for (const role of PARTICIPANT_ROLES) {
      const p = { display_name: 'Chen', role, locale };
      const invite = inviteMessage(hearing, p, 'https://x/join', true);
      const notice = changeNotice(hearing, p);
      expect(losers([invite.subject, invite.text, notice.subject, notice.text])).toEqual([]);
      expect(invite.text).toContain(
        translate(locale, 'invitation.invites', { court: 'Court', role: roleWord(locale, role) }),
      );
    }
    const agent = inviteMessage(hearing, { display_name: 'Chen', role: 'agent', locale }, 'https://x/join', true);
    expect(agent.text).toContain(locale === 'en' ? 'as representative' : '以代理人身份');
    const ics = hearingCalendar(hearing, 'gavel.test', { now: new Date('2026-11-01T00:00:00Z'), locale });
    expect(ics).toContain(locale === 'en' ? '(online)' : '（在线）');
  });

  it.each(LOCALES)('the procedural notes in %s name each role by the catalog’s word', (locale) => {
    const n = notesFor(locale);
    for (const role of PARTICIPANT_ROLES.filter((r) => r !== 'observer')) {
      expect(n.role(role)).toBe(roleWord(locale, role));
      expect(participantLabel({ display_name: 'Chen', role }, n)).toBe(
        translate(locale, 'note.person', { name: 'Chen', role: roleWord(locale, role) }),
      );
    }
    expect(participantLabel({ display_name: 'Chen', role: 'agent' }, n)).toBe(
      locale === 'en' ? 'Chen (representative)' : 'Chen（代理人）',
    );
    // The gallery is counted, never named.
    const [note] = admittedNotes(
      [
        { display_name: 'Chen', role: 'agent' },
        { display_name: 'X', role: 'observer' },
        { display_name: 'Y', role: 'observer' },
      ],
      n,
    );
    expect(note).toBe(
      locale === 'en' ? 'Admitted: Chen (representative), 2 observers' : '准许进入庭审：Chen（代理人）、旁听人员 2 名',
    );
  });

  it.each(LOCALES)('the sealed PDF in %s prints each role and the bench by the catalog’s words', async (locale) => {
    const w = transcriptWording(locale);
    expect(w.judge).toBe(translate(locale, 'role.judge'));
    expect(w.clerk).toBe(translate(locale, 'role.clerk'));
    if (locale === 'zh-CN') expect(w.judge).toBe('审判员');
    for (const role of PARTICIPANT_ROLES) expect(w.role(role)).toBe(roleWord(locale, role));

    const text = pdfText((await renderTranscript(transcript(locale))).pdf);
    expect(losers([text])).toEqual([]);
    expect(text).toContain(`${translate(locale, 'role.judge')}${translate(locale, 'pdf.colon')}Wang`);
    PARTICIPANT_ROLES.forEach((role, i) => expect(text).toContain(`Person ${String(i)} — ${roleWord(locale, role)}`));
  });
});
