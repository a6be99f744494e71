import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { HearingRow } from '../src/hearings/hearings.repository.ts';
import { changeNotice, inviteMessage } from '../src/participants/invite-message.ts';
import { notesFor } from '../src/transcripts/procedural.ts';
import { transcriptWording } from '../src/transcripts/pdf.ts';

/**
 * One word per role wherever a person reads it: the screens, the invitation, the procedural notes
 * and the sealed PDF. A party's lawyer is a "representative" (代理人) and the judge is 审判员 in
 * Chinese; the other words for them must not come back.
 */
const LOSING: Array<{ word: RegExp; say: string }> = [
  { word: /\bagents?\b/i, say: 'representative' },
  { word: /诉讼代理人/, say: '代理人' },
  { word: /法官/, say: '审判员' },
];

const i18nDir = fileURLToPath(new URL('../../web/src/lib/i18n/', import.meta.url));

/** The string and template literals of a dictionary's source, without its keys (`'a.b': …`). */
function dictionaryTexts(file: string): string[] {
  const source = readFileSync(i18nDir + file, 'utf8').replace(/^\s*'[^'\n]*'\s*:/gm, '');
  return [...source.matchAll(/'((?:[^'\\\n]|\\.)*)'|`((?:[^`\\]|\\.)*)`/g)].map((m) => m[1] ?? m[2] ?? '');
}

const losers = (texts: string[]) => texts.filter((s) => LOSING.some((l) => l.word.test(s)));

const hearing = {
  court_name: 'Court',
  court_timezone: 'Asia/Shanghai',
  court_locale: 'en',
  case_number: '2026-CV-1',
  case_caption: 'A v B',
  title: 'Trial',
  state: 'scheduled',
  scheduled_start: new Date('2026-12-01T02:00:00Z'),
  scheduled_end: new Date('2026-12-01T03:00:00Z'),
} as unknown as HearingRow;

describe('one word per role', () => {
  const files = readdirSync(i18nDir).filter((f) => f.endsWith('.ts') && !f.includes('.test.'));

  it.each(files)('the %s dictionary uses the chosen words', (file) => {
    expect(losers(dictionaryTexts(file))).toEqual([]);
  });

  it('the scanner sees the losing words (it is not blind)', () => {
    expect(losers(['Only an agent', '代理 法官', 'a 诉讼代理人', '代理人'])).toHaveLength(3);
  });

  it.each(['en', 'zh-CN'])('the invitation and change notice in %s', (locale) => {
    const p = { display_name: 'Chen', role: 'agent', locale };
    const invite = inviteMessage(hearing, p, 'https://x/join', true);
    const notice = changeNotice(hearing, p);
    expect(losers([invite.subject, invite.text, notice.subject, notice.text])).toEqual([]);
    expect(invite.text).toContain(locale === 'en' ? 'as representative' : '以代理人身份');
  });

  it.each(['en', 'zh-CN'])('the sealed PDF and the procedural notes in %s', (locale) => {
    const w = transcriptWording(locale);
    const n = notesFor(locale);
    const texts = [
      ...Object.values(w.roles),
      w.judge,
      w.appearance({ name: 'Chen', role: 'agent', represents: 'Zhang' }, w.roles.agent),
      ...Object.values(n.role),
    ];
    expect(losers(texts)).toEqual([]);
    expect(w.roles.agent).toBe(locale === 'en' ? 'representative' : '代理人');
    expect(n.role.agent).toBe(w.roles.agent);
    if (locale === 'zh-CN') expect(w.judge).toBe('审判员');
  });
});
