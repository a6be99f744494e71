/**
 * The court's pre-join rules for one invitee: in the language the court writes to them in (their
 * own, set by the clerk), else the screen's language, else English, else whatever the court wrote.
 * `lang` goes on the element so a screen reader reads the rules in their own language.
 */
export function rulesFor(
  rules: Record<string, string>,
  inviteeLocale: string | undefined,
  viewerLocale: string,
): { text: string; lang: string | undefined } {
  for (const lang of [inviteeLocale, viewerLocale, 'en']) {
    const text = lang ? rules[lang]?.trim() : undefined;
    if (text) return { text, lang };
  }
  const any = Object.entries(rules).find(([, text]) => text.trim());
  return any ? { text: any[1].trim(), lang: any[0] } : { text: '', lang: undefined };
}
