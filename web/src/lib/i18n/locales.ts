import { defaultLocale, isLocale, type Locale } from '@gavel/api/domain/words';

export { defaultLocale, isLocale, locales, type Locale } from '@gavel/api/domain/words';

/** Where the chosen language is kept: localStorage for the app, a cookie for the API. */
export const LOCALE_STORAGE_KEY = 'gavel.locale';
export const LOCALE_COOKIE = 'gavel_locale';

/** The stored choice wins; otherwise Chinese for a browser that prefers it; otherwise English. */
export function detectLocale(stored: string | null | undefined, browserLanguage: string | undefined): Locale {
  if (isLocale(stored)) return stored;
  if (browserLanguage?.toLowerCase().startsWith('zh')) return 'zh-CN';
  return defaultLocale;
}

/** Reads one cookie from a `document.cookie` string. */
export function readCookie(cookies: string, name: string): string | undefined {
  for (const part of cookies.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}
