import { localeOf, roleWord, translate, wordsFor, type Locale } from '../domain/words/index.ts';
import type { HearingRow } from '../scheduling/hearings.service.ts';

function when(h: HearingRow, locale: Locale): string {
  const f = new Intl.DateTimeFormat(locale, { timeZone: h.court_timezone, dateStyle: 'full', timeStyle: 'short' });
  const endTime = new Intl.DateTimeFormat(locale, { timeZone: h.court_timezone, timeStyle: 'short' });
  return translate(locale, 'invitation.when', {
    start: f.format(h.scheduled_start),
    end: endTime.format(h.scheduled_end),
    zone: h.court_timezone,
  });
}

/** The invitee's language, else the court's. */
const readerLocale = (h: HearingRow, p: { locale?: string | null }): Locale => localeOf(p.locale ?? h.court_locale);

/** The invitation in the invitee's language: what, when, as whom, and the link. */
export function inviteMessage(
  h: HearingRow,
  p: { display_name: string; role: string; locale?: string | null },
  link: string,
  accessCodeRequired: boolean,
) {
  const locale = readerLocale(h, p);
  const w = wordsFor(locale);
  return {
    subject: w['invitation.subject']({ caseNumber: h.case_number, title: h.title }),
    text: [
      w['invitation.greeting']({ name: p.display_name }),
      '',
      w['invitation.invites']({ court: h.court_name, role: roleWord(locale, p.role) }),
      w['invitation.caseNumber']({ caseNumber: h.case_number }),
      w['invitation.case']({ caption: h.case_caption }),
      w['invitation.hearing']({ title: h.title }),
      w['invitation.time']({ when: when(h, locale) }),
      '',
      w['invitation.link']({ link }),
      ...(accessCodeRequired ? [w['invitation.accessCode']] : []),
      w['invitation.personal'],
    ].join('\n'),
  };
}

/** Tells an invitee that the hearing moved or was cancelled; their link stays the same. */
export function changeNotice(h: HearingRow, p: { display_name: string; locale?: string | null }) {
  const locale = readerLocale(h, p);
  const w = wordsFor(locale);
  const hearing = { court: h.court_name, caseNumber: h.case_number, title: h.title };
  if (h.state === 'cancelled') {
    return {
      subject: w['invitation.cancelled.subject'](hearing),
      text: [w['invitation.greeting']({ name: p.display_name }), '', w['invitation.cancelled.body'](hearing)].join(
        '\n',
      ),
    };
  }
  return {
    subject: w['invitation.changed.subject'](hearing),
    text: [
      w['invitation.greeting']({ name: p.display_name }),
      '',
      w['invitation.changed.body']({ ...hearing, when: when(h, locale) }),
      w['invitation.changed.useLink'],
    ].join('\n'),
  };
}

/** Where the link stood, in the stored copy of an invitation (which must not contain it), in the reader's language. */
export function linkPlaceholder(h: HearingRow, p: { locale?: string | null }): string {
  return translate(readerLocale(h, p), 'invitation.linkPlaceholder');
}
