import type { Locale } from './locales.ts';

/**
 * A counted phrase's forms, by the locale's plural category (CLDR: zero, one, two, few, many, other).
 * `other` is required: it is the only category every language has, and Chinese has no other.
 */
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

const rules = new Map<Locale, Intl.PluralRules>();

/** The form of a phrase that counts `n` things, chosen by `Intl.PluralRules` for the locale. */
export function plural(locale: Locale, n: number, forms: PluralForms): string {
  let rule = rules.get(locale);
  if (!rule) {
    rule = new Intl.PluralRules(locale);
    rules.set(locale, rule);
  }
  return forms[rule.select(n)] ?? forms.other;
}
