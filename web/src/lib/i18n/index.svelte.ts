import { browser } from '$app/env';
import { en, type Messages } from './en.ts';
import { LOCALE_COOKIE, LOCALE_STORAGE_KEY, defaultLocale, detectLocale, readCookie, type Locale } from './locales.ts';
import { zhCN } from './zh-CN.ts';

export { locales, type Locale } from './locales.ts';

const dictionaries: Record<Locale, Messages> = { en, 'zh-CN': zhCN };

export type MessageKey = keyof Messages;

/** A message that takes values needs them; a plain string takes none. */
type MessageArgs<K extends MessageKey> = Messages[K] extends (params: infer P) => string ? [params: P] : [];

function readStoredLocale(): string | null | undefined {
  try {
    return localStorage.getItem(LOCALE_STORAGE_KEY) ?? readCookie(document.cookie, LOCALE_COOKIE);
  } catch {
    // Storage can be refused (privacy settings); fall back to the browser's language.
    return readCookie(document.cookie, LOCALE_COOKIE);
  }
}

const state = $state<{ locale: Locale }>({
  locale: browser ? detectLocale(readStoredLocale(), navigator.language) : defaultLocale,
});

if (browser) document.documentElement.lang = state.locale;

export function getLocale(): Locale {
  return state.locale;
}

/** Switches the interface language at once and remembers the choice. */
export function setLocale(locale: Locale): void {
  state.locale = locale;
  if (!browser) return;
  document.documentElement.lang = locale;
  try {
    localStorage.setItem(LOCALE_STORAGE_KEY, locale);
  } catch {
    // The cookie below still remembers the choice.
  }
  document.cookie = `${LOCALE_COOKIE}=${encodeURIComponent(locale)}; Path=/; Max-Age=31536000; SameSite=Lax`;
}

/** Whether `key` names a message (for keys that come from elsewhere, such as an API's answer). */
export function hasMessage(key: string): boolean {
  return Object.hasOwn(en, key);
}

/** The message `key` in the current language; reactive, so templates follow a language switch. */
export function t<K extends MessageKey>(key: K, ...args: MessageArgs<K>): string {
  const message: string | ((params: never) => string) = dictionaries[state.locale][key];
  return typeof message === 'function' ? message(args[0] as never) : message;
}
