import { describe, expect, it } from 'vitest';
import { translate } from '@gavel/api/domain/words';
import { getLocale, hasMessage, setLocale, t } from './index.svelte.ts';
import { detectLocale, readCookie } from './locales.ts';

describe('t', () => {
  it('reads the shared catalog in the screen’s language and follows a switch', () => {
    setLocale('en');
    expect(t('participants.role.agent')).toBe(translate('en', 'participants.role.agent'));
    expect(t('exhibits.pages', { n: 1 })).toBe('1 page');
    setLocale('zh-CN');
    expect(getLocale()).toBe('zh-CN');
    expect(t('participants.role.agent')).toBe('代理人');
    expect(t('exhibits.pages', { n: 3 })).toBe('共 3 页');
    setLocale('en');
  });

  it('knows which keys are messages', () => {
    expect(hasMessage('audit.action.hearing.recessed')).toBe(true);
    expect(hasMessage('audit.action.unknown')).toBe(false);
  });
});

describe('detectLocale', () => {
  it('prefers the stored choice', () => {
    expect(detectLocale('en', 'zh-CN')).toBe('en');
    expect(detectLocale('zh-CN', 'en-US')).toBe('zh-CN');
  });

  it('falls back to Chinese for a Chinese browser, else English', () => {
    expect(detectLocale(null, 'zh-TW')).toBe('zh-CN');
    expect(detectLocale('fr', 'ZH')).toBe('zh-CN');
    expect(detectLocale(undefined, 'de-DE')).toBe('en');
    expect(detectLocale(undefined, undefined)).toBe('en');
  });
});

describe('readCookie', () => {
  it('finds one cookie among several', () => {
    expect(readCookie('a=1; gavel_locale=zh-CN; b=2', 'gavel_locale')).toBe('zh-CN');
    expect(readCookie('a=1', 'gavel_locale')).toBeUndefined();
  });
});
