import { describe, expect, it } from 'vitest';
import { en } from './en.ts';
import { detectLocale, readCookie } from './locales.ts';
import { zhCN } from './zh-CN.ts';

describe('dictionaries', () => {
  it('zh-CN has exactly the keys of en, each of the same kind', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(typeof zhCN[key], key).toBe(typeof en[key]);
    }
  });

  it('has no empty message', () => {
    for (const dictionary of [en, zhCN]) {
      for (const message of Object.values(dictionary)) {
        if (typeof message === 'string') expect(message.trim()).not.toBe('');
      }
    }
  });

  it('puts the wait into the rate-limit message', () => {
    expect(en['login.error.rateLimited']({ seconds: 1 })).toContain('1 second.');
    expect(en['login.error.rateLimited']({ seconds: 42 })).toContain('42 seconds');
    expect(zhCN['login.error.rateLimited']({ seconds: 42 })).toContain('42 秒');
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
