/** The languages Gavel speaks, each named in its own language. */
export const locales = [
  { code: 'en', name: 'English' },
  { code: 'zh-CN', name: '中文' },
] as const;

export type Locale = (typeof locales)[number]['code'];

export const defaultLocale: Locale = 'en';

export function isLocale(value: unknown): value is Locale {
  return locales.some((locale) => locale.code === value);
}

/**
 * The language Gavel writes in for a stored or requested one: itself when Gavel speaks it, Simplified
 * Chinese for any Chinese ("zh", "zh-TW"), otherwise English.
 */
export function localeOf(value: string | null | undefined): Locale {
  if (isLocale(value)) return value;
  return value?.toLowerCase().startsWith('zh') ? 'zh-CN' : defaultLocale;
}
