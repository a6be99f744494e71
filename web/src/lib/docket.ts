/** Dates on the docket are court calendar days: "today" is today where the court sits. */

export type HearingStatus = 'scheduled' | 'open' | 'in_session' | 'recess' | 'adjourned' | 'cancelled' | 'postponed';

/**
 * One hearing as the docket lists it. GET /api/hearings?from=&to= will supply these; until that
 * endpoint exists the docket is empty rather than invented.
 */
export interface DocketHearing {
  id: string;
  caseNumber: string;
  title: string;
  /** ISO 8601 instant. */
  scheduledStart: string;
  status: HearingStatus;
}

/** Days after today that the docket covers. */
export const DOCKET_DAYS_AHEAD = 7;

export interface DocketRange {
  /** First day, YYYY-MM-DD, inclusive. */
  from: string;
  /** Last day, YYYY-MM-DD, inclusive. */
  to: string;
  timeZone: string;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The court's zone when it is a real IANA zone, else the browser's, else UTC. */
export function resolveTimeZone(courtTimeZone: string | undefined): string {
  if (courtTimeZone && isValidTimeZone(courtTimeZone)) return courtTimeZone;
  const local = new Intl.DateTimeFormat().resolvedOptions().timeZone;
  return local && isValidTimeZone(local) ? local : 'UTC';
}

/** The calendar date (YYYY-MM-DD) of `instant` in `timeZone`. */
export function calendarDateIn(timeZone: string, instant: Date): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** Adds whole days to a YYYY-MM-DD date (calendar arithmetic, no time zone involved). */
export function addDays(date: string, days: number): string {
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

export function docketRange(timeZone: string, now: Date = new Date()): DocketRange {
  const from = calendarDateIn(timeZone, now);
  return { from, to: addDays(from, DOCKET_DAYS_AHEAD), timeZone };
}

/** Each end of the range as a full date in the reader's language, e.g. "Sun, November 29, 2026". */
export function formatDocketDays(range: DocketRange, locale: string): { from: string; to: string } {
  // A calendar date is formatted as UTC midnight in UTC, so no zone can shift it a day.
  // (formatRange would be shorter, but CLDR's Chinese range pattern falls back to 2026/11/29.)
  const format = new Intl.DateTimeFormat(locale, {
    timeZone: 'UTC',
    weekday: 'short',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
  });
  return {
    from: format.format(new Date(`${range.from}T00:00:00Z`)),
    to: format.format(new Date(`${range.to}T00:00:00Z`)),
  };
}

/** A hearing's start in the court's zone, e.g. "Mon, Nov 30, 09:30". */
export function formatHearingStart(iso: string, timeZone: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(iso));
}
