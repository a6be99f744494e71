import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PARTICIPANT_ROLES, STAFF_ROLES } from '../hearing/index.ts';
import { en } from './en.ts';
import { hasMessage, localeOf, plural, roleWord, translate, wordsFor } from './index.ts';
import { zhCN } from './zh-CN.ts';

const dir = fileURLToPath(new URL('./', import.meta.url));
const sources = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

describe('the catalog', () => {
  it('zh-CN has exactly the keys of en, each of the same kind', () => {
    const onlyEn = Object.keys(en).filter((key) => !(key in zhCN));
    const onlyZh = Object.keys(zhCN).filter((key) => !(key in en));
    expect({ onlyEn, onlyZh }).toEqual({ onlyEn: [], onlyZh: [] });
    const kind = Object.keys(en).filter(
      (key) => typeof zhCN[key as keyof typeof en] !== typeof en[key as keyof typeof en],
    );
    expect(kind).toEqual([]);
  });

  it('has every key of each feature dictionary in both languages, each of the same kind', async () => {
    // Each part exports `<x>En` and `<x>ZhCN` (in its own file, or in en.ts and zh-CN.ts); a key missing from one is named here.
    const exports: Record<string, unknown> = {};
    for (const file of sources) {
      const module = (await import(/* @vite-ignore */ new URL(file, import.meta.url).href)) as Record<string, unknown>;
      Object.assign(exports, module);
    }
    let pairs = 0;
    for (const [name, english] of Object.entries(exports)) {
      if (!name.endsWith('En') || typeof english !== 'object' || english === null) continue;
      const chinese = exports[`${name.slice(0, -2)}ZhCN`] as Record<string, unknown> | undefined;
      expect(chinese, `${name} has no ZhCN twin`).toBeTypeOf('object');
      const enPart = english as Record<string, unknown>;
      const zhPart = chinese ?? {};
      const missing = {
        zh: Object.keys(enPart).filter((key) => !(key in zhPart)),
        en: Object.keys(zhPart).filter((key) => !(key in enPart)),
        kind: Object.keys(enPart).filter((key) => key in zhPart && typeof enPart[key] !== typeof zhPart[key]),
      };
      expect(missing, name).toEqual({ zh: [], en: [], kind: [] });
      pairs++;
    }
    // roles, admin, scheduling, hearing, recording, transcript, exhibits, export, password, record, invitation.
    expect(pairs).toBeGreaterThanOrEqual(11);
  });

  it('has no empty message', () => {
    for (const dictionary of [en, zhCN]) {
      for (const [key, message] of Object.entries(dictionary)) {
        if (typeof message === 'string') expect(message.trim(), key).not.toBe('');
      }
    }
  });

  it('has no English left in the Chinese messages', () => {
    const untranslated = Object.entries(zhCN)
      .filter(([key, message]) => typeof message === 'string' && message === en[key as keyof typeof en])
      .map(([key]) => key)
      // Names that are the same in both languages.
      .filter((key) => !['app.name', 'language.label'].includes(key));
    expect(untranslated.filter((key) => /[a-z]{4,}/i.test(String(zhCN[key as keyof typeof zhCN])))).toEqual([]);
  });

  it('is pure: the web app bundles it, so it imports nothing of Node, Svelte or the API around it', () => {
    const imports = sources.flatMap((file) =>
      [...readFileSync(dir + file, 'utf8').matchAll(/^\s*(?:import|export)[^'"]*from\s+'([^']+)'/gm)].map(
        (m) => `${file}: ${m[1]!}`,
      ),
    );
    expect(imports.length).toBeGreaterThan(0);
    const outside = imports.filter((i) => !/: \.\/[^/]+\.ts$|: \.\.\/(?:hearing\/[^/]+|password)\.ts$/.test(i));
    expect(outside).toEqual([]);
  });

  it('puts values into a message and reads every message of one language', () => {
    expect(translate('en', 'app.pageTitle', { page: 'Docket' })).toBe('Docket · Gavel');
    expect(translate('zh-CN', 'pdf.page', { page: 2, pages: 5 })).toBe('第 2 页，共 5 页');
    expect(translate('zh-CN', 'app.retry')).toBe('重试');
    expect(wordsFor('zh-CN')).toBe(zhCN);
    expect(hasMessage('audit.action.hearing.recessed')).toBe(true);
    expect(hasMessage('audit.action.nothing')).toBe(false);
  });

  it('writes in Chinese for any Chinese, in English for a language it does not speak', () => {
    expect(['zh-CN', 'zh', 'zh-TW', 'en', 'fr', null, undefined].map(localeOf)).toEqual([
      'zh-CN',
      'zh-CN',
      'zh-CN',
      'en',
      'en',
      'en',
      'en',
    ]);
  });
});

describe('plurals', () => {
  it('choose the form by Intl.PluralRules: English has one and other, Chinese has one form', () => {
    expect(plural('en', 1, { one: 'one', other: 'other' })).toBe('one');
    expect(plural('en', 0, { one: 'one', other: 'other' })).toBe('other');
    expect(plural('en', 2, { one: 'one', other: 'other' })).toBe('other');
    expect(plural('zh-CN', 1, { one: 'one', other: 'other' })).toBe('other');
  });

  it('count observers in the record: 1 observer, 2 observers; 旁听人员 1 名, 旁听人员 2 名', () => {
    expect(translate('en', 'note.observers', { count: 1 })).toBe('1 observer');
    expect(translate('en', 'note.observers', { count: 2 })).toBe('2 observers');
    expect(translate('en', 'note.observers', { count: 0 })).toBe('0 observers');
    expect(translate('zh-CN', 'note.observers', { count: 1 })).toBe('旁听人员 1 名');
    expect(translate('zh-CN', 'note.observers', { count: 2 })).toBe('旁听人员 2 名');
  });

  it('count pages, hearings, events and the wait on the screens', () => {
    expect(translate('en', 'exhibits.pages', { n: 1 })).toBe('1 page');
    expect(translate('en', 'exhibits.pages', { n: 12 })).toBe('12 pages');
    expect(translate('en', 'docket.count', { count: 1 })).toBe('1 hearing');
    expect(translate('en', 'audit.count', { shown: 1 })).toBe('1 event shown.');
    expect(translate('en', 'audit.count', { shown: 50 })).toBe('50 events shown.');
    expect(translate('en', 'live.announce.admittedAll', { count: 1 })).toBe('1 participant was admitted.');
    expect(translate('en', 'scheduling.reschedule.done', { count: 2 })).toBe('Saved. 2 invitees were told.');
    expect(translate('en', 'login.error.rateLimited', { seconds: 1 })).toContain('1 second.');
    expect(translate('en', 'login.error.rateLimited', { seconds: 42 })).toContain('42 seconds');
    expect(translate('zh-CN', 'login.error.rateLimited', { seconds: 42 })).toContain('42 秒');
    expect(translate('zh-CN', 'exhibits.pages', { n: 1 })).toBe('共 1 页');
  });
});

describe('role words', () => {
  it('name each role once per language; every label of a role is made from its word', () => {
    for (const role of PARTICIPANT_ROLES) {
      const word = translate('en', `role.word.${role}`);
      expect(translate('en', `participants.role.${role}`)).toBe(word.charAt(0).toUpperCase() + word.slice(1));
      expect(translate('zh-CN', `participants.role.${role}`)).toBe(translate('zh-CN', `role.word.${role}`));
    }
    for (const role of STAFF_ROLES) {
      const word = translate('en', `role.word.${role}`);
      expect(translate('en', `role.${role}`)).toBe(word.charAt(0).toUpperCase() + word.slice(1));
      expect(translate('zh-CN', `role.${role}`)).toBe(translate('zh-CN', `role.word.${role}`));
    }
  });

  it('are the court’s: a party’s lawyer is a representative (代理人), the judge 审判员', () => {
    expect(roleWord('en', 'agent')).toBe('representative');
    expect(roleWord('zh-CN', 'agent')).toBe('代理人');
    expect(roleWord('zh-CN', 'judge')).toBe('审判员');
    expect(translate('en', 'participants.role.agent')).toBe('Representative');
    // A role the catalog does not know keeps its code rather than vanish.
    expect(roleWord('en', 'bailiff')).toBe('bailiff');
  });
});
