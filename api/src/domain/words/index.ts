/**
 * Gavel's words in every language it speaks: one catalog for the web app's screens and for what the API
 * writes (procedural notes in the record, the sealed PDF, invitations, calendar events). Pure: no I/O, no
 * Node-only or Svelte imports, so the web app bundles it as it is.
 *
 * `en.ts` is the reference; every other locale has exactly its keys, each of the same kind (the type
 * `Messages` says so at compile time). A message is a string, or a function of named values.
 */
import { en, type Messages } from './en.ts';
import type { Locale } from './locales.ts';
import { zhCN } from './zh-CN.ts';

export { defaultLocale, isLocale, localeOf, locales, type Locale } from './locales.ts';
export { plural, type PluralForms } from './plural.ts';
export type { Role, RoleWords } from './roles.ts';
export type { Messages } from './en.ts';

const catalog: Record<Locale, Messages> = { en, 'zh-CN': zhCN };

export type MessageKey = keyof Messages;

/** A message that takes values needs them; a plain string takes none. */
export type MessageArgs<K extends MessageKey> = Messages[K] extends (params: infer P) => string ? [params: P] : [];

/** Every message in one language. */
export function wordsFor(locale: Locale): Messages {
  return catalog[locale];
}

/** Whether `key` names a message (for keys that come from elsewhere, such as an API's answer). */
export function hasMessage(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

/** The message `key` in `locale`, with its values put in. */
export function translate<K extends MessageKey>(locale: Locale, key: K, ...args: MessageArgs<K>): string {
  const message: string | ((params: never) => string) = catalog[locale][key];
  return typeof message === 'function' ? message(args[0] as never) : message;
}

/** A role's one word in `locale`, as a sentence uses it ("representative", "代理人"); an unknown role keeps its code. */
export function roleWord(locale: Locale, role: string): string {
  const key = `role.word.${role}`;
  return hasMessage(key) ? translate(locale, key) : role;
}
