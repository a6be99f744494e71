/**
 * RFC 5545 calendar files for hearings, with a VTIMEZONE for the court's zone built from the
 * platform's time-zone data (Intl), so no zone table has to be shipped or kept up to date here.
 */
import { offsetChanges, offsetMinutes } from '../domain/court-time.ts';

export interface CalendarEvent {
  uid: string;
  /** RFC 5545 SEQUENCE: bumped whenever the event changes. */
  sequence: number;
  start: Date;
  end: Date;
  timeZone: string;
  summary: string;
  description: string;
  location?: string;
  url?: string;
  cancelled?: boolean;
  /** When this file was made (DTSTAMP). */
  stamp: Date;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}

/** A UTC instant written as a floating local date-time at the given offset: 20261201T093000. */
function localStamp(instant: Date, offset: number): string {
  const d = new Date(instant.getTime() + offset * MINUTE);
  return `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(
    d.getUTCMinutes(),
  )}${pad(d.getUTCSeconds())}`;
}

function utcStamp(instant: Date): string {
  return `${localStamp(instant, 0)}Z`;
}

/** Escapes TEXT values (RFC 5545 §3.3.11). */
export function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Folds a content line to at most 75 octets, never splitting a UTF-8 character (§3.1). */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch);
    const limit = out.length === 0 ? 75 : 74; // continuation lines start with a space
    if (octets + size > limit) {
      out.push(current);
      current = '';
      octets = 0;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n ');
}

/** VTIMEZONE with one observance per offset change around the events, or a single fixed one. */
export function vtimezone(timeZone: string, from: Date, to: Date): string[] {
  // A year before the first event so the observance in force at its start is included.
  const changes = offsetChanges(timeZone, new Date(from.getTime() - 366 * DAY), new Date(to.getTime() + 366 * DAY));
  const lines = ['BEGIN:VTIMEZONE', `TZID:${timeZone}`];
  if (changes.length === 0) {
    const offset = offsetMinutes(timeZone, from);
    lines.push(
      'BEGIN:STANDARD',
      'DTSTART:19700101T000000',
      `TZOFFSETFROM:${formatOffset(offset)}`,
      `TZOFFSETTO:${formatOffset(offset)}`,
      'END:STANDARD',
    );
  } else {
    for (const c of changes) {
      const kind = c.to > c.from ? 'DAYLIGHT' : 'STANDARD';
      lines.push(
        `BEGIN:${kind}`,
        // DTSTART of an observance is local time in the offset in force before the change.
        `DTSTART:${localStamp(c.at, c.from)}`,
        `TZOFFSETFROM:${formatOffset(c.from)}`,
        `TZOFFSETTO:${formatOffset(c.to)}`,
        `END:${kind}`,
      );
    }
  }
  lines.push('END:VTIMEZONE');
  return lines;
}

/** One VCALENDAR (CRLF line ends, folded lines) with the events, all in one time zone. */
export function calendar(events: CalendarEvent[], timeZone: string): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Gavel//Virtual courtroom//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
  ];
  if (events.length > 0) {
    const first = new Date(Math.min(...events.map((e) => e.start.getTime())));
    const last = new Date(Math.max(...events.map((e) => e.end.getTime())));
    lines.push(...vtimezone(timeZone, first, last));
  }
  for (const e of events) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${e.uid}`,
      `SEQUENCE:${e.sequence}`,
      `DTSTAMP:${utcStamp(e.stamp)}`,
      `DTSTART;TZID=${timeZone}:${localStamp(e.start, offsetMinutes(timeZone, e.start))}`,
      `DTEND;TZID=${timeZone}:${localStamp(e.end, offsetMinutes(timeZone, e.end))}`,
      `SUMMARY:${escapeText(e.summary)}`,
      `DESCRIPTION:${escapeText(e.description)}`,
    );
    if (e.location) lines.push(`LOCATION:${escapeText(e.location)}`);
    if (e.url) lines.push(`URL:${e.url}`);
    lines.push(`STATUS:${e.cancelled ? 'CANCELLED' : 'CONFIRMED'}`, 'END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
