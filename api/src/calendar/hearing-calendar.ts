import type { HearingRow } from '../hearings/hearings.repository.ts';
import { calendar } from './ics.ts';

/** The hearing as a calendar file in the court's zone; `url` is the invitee's own link, if any. */
export function hearingCalendar(h: HearingRow, host: string, opts: { url?: string; now: Date }): string {
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
        location: `${h.court_name}, ${h.courtroom_name} (online)`,
        ...(opts.url ? { url: opts.url } : {}),
        cancelled: h.state === 'cancelled',
        stamp: opts.now,
      },
    ],
    h.court_timezone,
  );
}
