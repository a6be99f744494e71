import { browser } from '$app/env';
import { translate, type MessageArgs, type MessageKey } from '@gavel/api/domain/words';
import { LOCALE_COOKIE, LOCALE_STORAGE_KEY, defaultLocale, detectLocale, readCookie, type Locale } from './locales.ts';

// The words themselves are the catalog shared with the API (api/src/domain/words); this module keeps the
// screen's language, reactive, and reads the catalog in it.
export { hasMessage, locales, type Locale, type MessageKey } from '@gavel/api/domain/words';

/** A message that takes no values: one a page can name ahead of time and say later, in the language of then. */
export type WordKey = { [K in MessageKey]: MessageArgs<K> extends [] ? K : never }[MessageKey];

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

/** The message `key` in the current language; reactive, so templates follow a language switch. */
export function t<K extends MessageKey>(key: K, ...args: MessageArgs<K>): string {
  return translate(state.locale, key, ...args);
}
