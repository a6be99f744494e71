/**
 * An access code as people type it: six digits, perhaps with spaces or dashes between them, perhaps
 * full-width digits from a Chinese keyboard (０-９). Returns the six ASCII digits, or null when what
 * was typed is not six digits.
 */
export function normaliseAccessCode(typed: string): string | null {
  const digits = typed
    .replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xff10 + 0x30))
    .replace(/[\s\u3000\-\u2010-\u2015\uFF0D]/g, '');
  return /^[0-9]{6}$/.test(digits) ? digits : null;
}
