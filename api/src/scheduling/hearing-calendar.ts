import { localeOf, translate } from '../domain/words/index.ts';
import type { HearingRow } from './hearings.service.ts';
import { calendar } from './ics.ts';

/** The hearing as a calendar file in the court's zone; `url` is the invitee's own link, if any. */
export function hearingCalendar(
  h: HearingRow,
  host: string,
  opts: { url?: string; now: Date; locale?: string | null },
): string {
  // The event's words are in the reader's language: an invitee's, else the court's.
  const locale = localeOf(opts.locale ?? h.court_locale);
  return calendar(
    [
      {
        // The same UID for staff and every invitee: one event that updates in place (SEQUENCE).
        uid: `${h.id}@${host}`,
        sequence: h.sequence,
        start: h.scheduled_start,
        end: h.scheduled_end,
        timeZone: h.court_timezone,
        summary: `${h.case_number} ${h.title}`,
        description: [
          h.court_name,
          `${h.case_number} ${h.case_caption}`,
          h.title,
          ...(opts.url ? [opts.url] : []),
        ].join('\n'),
        location: translate(locale, 'calendar.location', { court: h.court_name, courtroom: h.courtroom_name }),
        ...(opts.url ? { url: opts.url } : {}),
        cancelled: h.state === 'cancelled',
        stamp: opts.now,
      },
    ],
    h.court_timezone,
  );
}
