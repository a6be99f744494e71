/**
 * Court time: the one place that turns instants into the court's wall clock and back, shared by the
 * API and the web. A court sits in one IANA zone; clerks type dates and times as that zone's wall
 * clock, the database keeps instants, and the record prints the court's clock. Everything is
 * computed with Temporal (native where the runtime has it, else temporal-polyfill), so the answer
 * never depends on the zone of the machine or browser doing the sums.
 */
import { Temporal } from 'temporal-polyfill';

/** A court calendar day, `YYYY-MM-DD`. */
export type CourtDate = string;
/** A wall-clock time of day, `HH:MM` (24-hour). */
export type WallTime = string;

const instantOf = (at: Date | string) =>
  Temporal.Instant.fromEpochMilliseconds(typeof at === 'string' ? Date.parse(at) : at.getTime());

const zoned = (at: Date | string, timeZone: string) => instantOf(at).toZonedDateTimeISO(timeZone);

/** True for a zone the platform knows (an IANA name such as `Asia/Shanghai`, or `UTC`). */
export function isTimeZone(timeZone: string): boolean {
  if (!timeZone) return false;
  try {
    Temporal.Now.zonedDateTimeISO(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The court's zone when it is a real zone, else the viewer's own, else UTC. */
export function resolveTimeZone(courtTimeZone: string | undefined | null): string {
  if (courtTimeZone && isTimeZone(courtTimeZone)) return courtTimeZone;
  const local = browserTimeZone();
  return isTimeZone(local) ? local : 'UTC';
}

/** The zone this runtime (the viewer's browser, or the server) is set to. */
export function browserTimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Minutes the zone is ahead of UTC at `at` (east positive; New York in winter is -300). */
export function offsetMinutes(timeZone: string, at: Date): number {
  return Math.round(zoned(at, timeZone).offsetNanoseconds / 60e9);
}

export interface OffsetChange {
  /** The first instant of the new offset. */
  at: Date;
  /** Offset before and after, in minutes east of UTC. */
  from: number;
  to: number;
}

/** Every change of the zone's UTC offset in [from, to): daylight saving and changes of law. */
export function offsetChanges(timeZone: string, from: Date, to: Date): OffsetChange[] {
  const found: OffsetChange[] = [];
  const end = to.getTime();
  let before = zoned(from, timeZone);
  for (;;) {
    const next = before.getTimeZoneTransition('next');
    if (!next || next.epochMilliseconds >= end) return found;
    const at = new Date(next.epochMilliseconds);
    found.push({ at, from: Math.round(before.offsetNanoseconds / 60e9), to: offsetMinutes(timeZone, at) });
    before = next;
  }
}

/** True for a real calendar date written `YYYY-MM-DD` (2026-02-30 is not one). */
export function isValidDate(date: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
  try {
    Temporal.PlainDate.from(date, { overflow: 'reject' });
    return true;
  } catch {
    return false;
  }
}

/** True for a 24-hour wall-clock time written `HH:MM`. */
export function isValidTime(time: string): boolean {
  return /^([01]\d|2[0-3]):[0-5]\d$/.test(time);
}

/**
 * The instant at which the court's clock shows `date` `time`. A time that happens twice (the hour
 * the clocks go back) is the first; one that never happens (the hour they go forward) is read with
 * the offset from before the change, so it lands as far after the gap as it was into it.
 */
export function courtTimeToInstant(date: CourtDate, time: WallTime, timeZone: string): Date {
  const wall = Temporal.PlainDateTime.from(`${date}T${time}`);
  return new Date(wall.toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds);
}

/** The court's wall clock at an instant: `{ date: 'YYYY-MM-DD', time: 'HH:MM' }`. */
export function instantToCourtTime(at: Date, timeZone: string): { date: CourtDate; time: WallTime } {
  const z = zoned(at, timeZone);
  return { date: z.toPlainDate().toString(), time: z.toPlainTime().toString({ smallestUnit: 'minute' }) };
}

/** The court's calendar day at an instant. */
export function courtDate(at: Date, timeZone: string): CourtDate {
  return zoned(at, timeZone).toPlainDate().toString();
}

/** Today where the court sits. */
export function todayIn(timeZone: string, now = new Date()): CourtDate {
  return courtDate(now, timeZone);
}

/** The court's clock as the record prints it, whatever the reader's language: `10:42` or `10:42:07`. */
export function courtClock(at: Date, timeZone: string, opts: { seconds?: boolean } = {}): string {
  return zoned(at, timeZone)
    .toPlainTime()
    .toString({ smallestUnit: opts.seconds ? 'second' : 'minute' });
}

/** Whole days added to a calendar date (no zone involved). */
export function addDays(date: CourtDate, days: number): CourtDate {
  return Temporal.PlainDate.from(date).add({ days }).toString();
}

/** Monday of the week that holds `date`. */
export function weekStart(date: CourtDate): CourtDate {
  const d = Temporal.PlainDate.from(date);
  return d.subtract({ days: d.dayOfWeek - 1 }).toString();
}

/** True when an end time earlier than the start means the next morning. */
export function endsNextDay(start: WallTime, end: WallTime): boolean {
  return isValidTime(start) && isValidTime(end) && end < start;
}

/**
 * A sitting typed as one date and two wall-clock times in the court's zone. An end earlier than the
 * start is the next morning: a hearing may run past midnight. Equal times give an empty span.
 */
export function hearingSpan(
  date: CourtDate,
  start: WallTime,
  end: WallTime,
  timeZone: string,
): { start: string; end: string } {
  return {
    start: courtTimeToInstant(date, start, timeZone).toISOString(),
    end: courtTimeToInstant(endsNextDay(start, end) ? addDays(date, 1) : date, end, timeZone).toISOString(),
  };
}

export type DocketView = 'day' | 'week';

/** The court days a docket view shows and the instants that bound them. */
export function docketWindow(view: DocketView, date: CourtDate, timeZone: string) {
  const first = view === 'day' ? date : weekStart(date);
  const count = view === 'day' ? 1 : 7;
  const days = Array.from({ length: count }, (_, i) => addDays(first, i));
  return {
    days,
    from: courtTimeToInstant(first, '00:00', timeZone),
    to: courtTimeToInstant(addDays(first, count), '00:00', timeZone),
  };
}

// Formatting in the reader's language (CLDR through Intl).

/** A calendar date in words, e.g. "Tue, 1 December 2026" (never shifted by any zone). */
export function formatDay(date: CourtDate, locale: string): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone: 'UTC',
    weekday: 'short',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
  }).format(new Date(`${date}T00:00:00Z`));
}

/** A time of day in `timeZone`, as the reader's language writes it ("09:30 AM", "09:30"). */
export function formatTime(at: Date | string, timeZone: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit' }).format(new Date(at));
}

/**
 * Start and end in one zone, e.g. "Tuesday, 1 December 2026 09:30 – 10:30"; with `zone`, the times
 * say which zone they are in ("… 9:30 – 10:30 AM CST", "… GMT+8 09:30–10:30").
 */
export function formatSpan(
  start: Date | string,
  end: Date | string,
  timeZone: string,
  locale: string,
  opts: { zone?: boolean } = {},
): string {
  const day = new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'full' }).format(new Date(start));
  if (opts.zone) return `${day} ${formatTimeRange(start, end, timeZone, locale)}`;
  return `${day} ${formatTime(start, timeZone, locale)} – ${formatTime(end, timeZone, locale)}`;
}

/**
 * Two times of day in one zone, naming the zone once in the reader's language: "9:30 – 10:30 AM CST",
 * "GMT+8 09:30–10:30". A span that crosses midnight carries both dates.
 */
export function formatTimeRange(start: Date | string, end: Date | string, timeZone: string, locale: string): string {
  const f = new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
  const from = new Date(start);
  const to = new Date(end);
  return to.getTime() > from.getTime() ? f.formatRange(from, to) : f.format(from);
}

/**
 * The zone's short name at `at` in the reader's language: "EST", "GMT+8", "UTC". CLDR gives a
 * name where one is common in that language and the UTC offset otherwise, so it is never ambiguous.
 */
export function zoneLabel(timeZone: string, at: Date | string, locale: string): string {
  return (
    new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'short' })
      .formatToParts(new Date(at))
      .find((p) => p.type === 'timeZoneName')?.value ?? timeZone
  );
}

/** A zone named for a reader who may not know it: "GMT+8 (Asia/Shanghai)", "EST (America/New_York)", "UTC". */
export function zoneName(timeZone: string, at: Date | string, locale: string): string {
  const label = zoneLabel(timeZone, at, locale);
  return label === timeZone ? timeZone : `${label} (${timeZone})`;
}

/**
 * A time in the court's zone that says which zone it is: "09:30 AM EST" in English, "GMT+8 09:30" in
 * Chinese (each language's own order); with `date`, the day comes first in that language's style.
 */
export function formatCourtTime(
  at: Date | string,
  timeZone: string,
  locale: string,
  opts: { date?: 'full' | 'long' | 'medium' | 'short'; seconds?: boolean } = {},
): string {
  const instant = new Date(at);
  const time = new Intl.DateTimeFormat(locale, {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    ...(opts.seconds ? { second: '2-digit' } : {}),
    timeZoneName: 'short',
  }).format(instant);
  if (!opts.date) return time;
  const day = new Intl.DateTimeFormat(locale, { timeZone, dateStyle: opts.date }).format(instant);
  return `${day} ${time}`;
}

/** True when two zones show the same wall clock at `at` (so the viewer's time need not be shown twice). */
export function sameClock(zoneA: string, zoneB: string, at: Date | string): boolean {
  const instant = new Date(at);
  return offsetMinutes(zoneA, instant) === offsetMinutes(zoneB, instant);
}
