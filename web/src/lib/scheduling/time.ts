/**
 * Court time: clerks type dates and times as the court's wall clock; the API takes instants.
 * Everything here uses Intl only, so it is right whatever zone the browser itself is in.
 */

/** Milliseconds the zone is ahead of UTC at `instant`. */
export function zoneOffsetMs(timeZone: string, instant: Date): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const n = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * The instant at which the court's clock shows `date` (YYYY-MM-DD) `time` (HH:MM). Two passes
 * settle the offset across a daylight-saving change; a time that does not exist (spring forward)
 * lands just after the gap.
 */
export function courtTimeToInstant(date: string, time: string, timeZone: string): Date {
  const [y = 0, mo = 1, d = 1] = date.split('-').map(Number);
  const [h = 0, mi = 0] = time.split(':').map(Number);
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  let guess = wall - zoneOffsetMs(timeZone, new Date(wall));
  guess = wall - zoneOffsetMs(timeZone, new Date(guess));
  return new Date(guess);
}

/** The court's wall clock at an instant: { date: 'YYYY-MM-DD', time: 'HH:MM' }. */
export function instantToCourtTime(instant: Date, timeZone: string): { date: string; time: string } {
  const shifted = new Date(instant.getTime() + zoneOffsetMs(timeZone, instant));
  const iso = shifted.toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 16) };
}

export function isValidDate(date: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && !Number.isNaN(Date.parse(`${date}T00:00:00Z`));
}

export function isValidTime(time: string): boolean {
  return /^([01]\d|2[0-3]):[0-5]\d$/.test(time);
}

/** Adds whole days to a calendar date. */
export function addDays(date: string, days: number): string {
  const [y = 0, m = 1, d = 1] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** True when an end time (HH:MM) earlier than the start means the next morning. */
export function endsNextDay(start: string, end: string): boolean {
  return isValidTime(start) && isValidTime(end) && end < start;
}

/**
 * A sitting typed as one date and two wall-clock times in the court's zone. An end earlier than the
 * start is the next morning: a hearing may run past midnight. Equal times give an empty span.
 */
export function hearingSpan(
  date: string,
  start: string,
  end: string,
  timeZone: string,
): { start: string; end: string } {
  return {
    start: courtTimeToInstant(date, start, timeZone).toISOString(),
    end: courtTimeToInstant(endsNextDay(start, end) ? addDays(date, 1) : date, end, timeZone).toISOString(),
  };
}

/** Monday of the week that contains `date`. */
export function weekStart(date: string): string {
  const [y = 0, m = 1, d = 1] = date.split('-').map(Number);
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay(); // 0 = Sunday
  return addDays(date, -((weekday + 6) % 7));
}

export type DocketView = 'day' | 'week';

/** The court-calendar days a docket view shows and the instants that bound them. */
export function docketWindow(view: DocketView, date: string, timeZone: string) {
  const first = view === 'day' ? date : weekStart(date);
  const count = view === 'day' ? 1 : 7;
  const days = Array.from({ length: count }, (_, i) => addDays(first, i));
  return {
    days,
    from: courtTimeToInstant(first, '00:00', timeZone),
    to: courtTimeToInstant(addDays(first, count), '00:00', timeZone),
  };
}

export function todayIn(timeZone: string, now = new Date()): string {
  return instantToCourtTime(now, timeZone).date;
}

/** A calendar date in words, e.g. "Tue, 1 December 2026" (never shifted by any zone). */
export function formatDay(date: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone: 'UTC',
    weekday: 'short',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
  }).format(new Date(`${date}T00:00:00Z`));
}

export function formatTime(iso: string, timeZone: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}

/** Start and end in one zone, e.g. "Tuesday, 1 December 2026, 09:30 – 10:30". */
export function formatSpan(startIso: string, endIso: string, timeZone: string, locale: string): string {
  const day = new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'full' }).format(new Date(startIso));
  return `${day} ${formatTime(startIso, timeZone, locale)} – ${formatTime(endIso, timeZone, locale)}`;
}

export function browserTimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
