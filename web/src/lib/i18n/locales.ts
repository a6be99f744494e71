/** The languages Gavel's interface speaks, each named in its own language. */
export const locales = [
  { code: 'en', name: 'English' },
  { code: 'zh-CN', name: '中文' },
] as const;

export type Locale = (typeof locales)[number]['code'];

export const defaultLocale: Locale = 'en';

/** Where the chosen language is kept: localStorage for the app, a cookie for the API. */
export const LOCALE_STORAGE_KEY = 'gavel.locale';
export const LOCALE_COOKIE = 'gavel_locale';

export function isLocale(value: unknown): value is Locale {
  return locales.some((locale) => locale.code === value);
}

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
