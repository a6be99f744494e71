// How the public reaches a court: a telephone number, an e-mail address and a short note (opening
// hours, an address), each optional. Shown to anyone holding a link that no longer works, so it says
// nothing about the court beyond its name and these.

export const CONTACT_LIMITS = { phone: 40, email: 254, note: 500 } as const;

export interface CourtContact {
  court: string;
  phone: string | null;
  email: string | null;
  note: string | null;
}

export function courtContact(row: {
  court_name: string;
  court_contact_phone: string | null;
  court_contact_email: string | null;
  court_contact_note: string | null;
}): CourtContact {
  return {
    court: row.court_name,
    phone: row.court_contact_phone,
    email: row.court_contact_email,
    note: row.court_contact_note,
  };
}

const PHONE = /^\+?[0-9 ()./-]+$/;
// One address, no display name or comments: something a mailto: link can open.
const EMAIL = /^[^\s@<>()",;:\\[\]]+@[^\s@<>()",;:\\[\]]+\.[^\s@<>()",;:\\[\]]+$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f\u2028\u2029]/;

/**
 * A contact field as stored: trimmed, blank meaning "none" (null); or the reason it is refused.
 * `undefined` in, `undefined` out: the field is left as it is.
 */
export function normaliseContactField(
  field: 'phone' | 'email' | 'note',
  value: string | null | undefined,
): { ok: true; value: string | null | undefined } | { ok: false; reason: string } {
  if (value === undefined) return { ok: true, value: undefined };
  const v = value === null ? '' : value.trim();
  if (v === '') return { ok: true, value: null };
  if (v.length > CONTACT_LIMITS[field]) {
    return { ok: false, reason: `must be at most ${String(CONTACT_LIMITS[field])} characters` };
  }
  if (field === 'phone') {
    const digits = v.replace(/\D/g, '').length;
    if (!PHONE.test(v) || digits < 3 || digits > 20) {
      return { ok: false, reason: 'must be a telephone number: digits, spaces, + ( ) - . /' };
    }
  } else if (field === 'email') {
    if (!EMAIL.test(v)) return { ok: false, reason: 'must be one e-mail address such as registry@court.example' };
  } else if (CONTROL.test(v)) {
    return { ok: false, reason: 'must not contain control characters' };
  }
  return { ok: true, value: v };
}
