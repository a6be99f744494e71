import { describe, expect, it } from 'vitest';
import { calendar, escapeText, foldLine, vtimezone } from './ics.ts';

const event = (tz: string, start: string, end: string, extra = {}) => ({
  uid: 'h1@gavel.test',
  sequence: 2,
  start: new Date(start),
  end: new Date(end),
  timeZone: tz,
  summary: 'Case 1, Smith; Jones',
  description: 'Line one\nLine two',
  stamp: new Date('2026-11-29T12:00:00Z'),
  ...extra,
});

describe('RFC 5545 output', () => {
  it('writes a Shanghai hearing in local time with a fixed +0800 VTIMEZONE', () => {
    const ics = calendar([event('Asia/Shanghai', '2026-12-01T01:30:00Z', '2026-12-01T02:30:00Z')], 'Asia/Shanghai');
    expect(ics.endsWith('\r\n')).toBe(true);
    expect(ics.split('\r\n').every((l) => Buffer.byteLength(l) <= 75)).toBe(true);
    expect(ics).toContain(
      'BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0800\r\nTZOFFSETTO:+0800\r\nEND:STANDARD\r\nEND:VTIMEZONE',
    );
    expect(ics).toContain('DTSTART;TZID=Asia/Shanghai:20261201T093000\r\n');
    expect(ics).toContain('DTEND;TZID=Asia/Shanghai:20261201T103000\r\n');
    expect(ics).toContain('DTSTAMP:20261129T120000Z');
    expect(ics).toContain('SEQUENCE:2');
    expect(ics).toContain('SUMMARY:Case 1\\, Smith\\; Jones');
    expect(ics).toContain('DESCRIPTION:Line one\\nLine two');
    expect(ics).toContain('STATUS:CONFIRMED');
    for (const name of ['VCALENDAR', 'VEVENT', 'VTIMEZONE']) {
      expect(ics.split(`BEGIN:${name}`).length).toBe(ics.split(`END:${name}`).length);
    }
  });

  it('gives a daylight-saving zone both observances, with DTSTART in the local time before each change', () => {
    const lines = vtimezone('America/New_York', new Date('2026-07-01T14:00:00Z'), new Date('2026-07-01T15:00:00Z'));
    const text = lines.join('\n');
    expect(text).toContain(
      'BEGIN:DAYLIGHT\nDTSTART:20260308T020000\nTZOFFSETFROM:-0500\nTZOFFSETTO:-0400\nEND:DAYLIGHT',
    );
    expect(text).toContain(
      'BEGIN:STANDARD\nDTSTART:20261101T020000\nTZOFFSETFROM:-0400\nTZOFFSETTO:-0500\nEND:STANDARD',
    );
    const ics = calendar(
      [event('America/New_York', '2026-07-01T14:00:00Z', '2026-07-01T15:00:00Z')],
      'America/New_York',
    );
    expect(ics).toContain('DTSTART;TZID=America/New_York:20260701T100000');
  });

  it('marks a cancelled hearing and carries the invitee’s link', () => {
    const ics = calendar(
      [
        event('UTC', '2026-12-01T01:30:00Z', '2026-12-01T02:30:00Z', {
          cancelled: true,
          url: 'https://x.test/join/abc',
        }),
      ],
      'UTC',
    );
    expect(ics).toContain('STATUS:CANCELLED');
    expect(ics).toContain('URL:https://x.test/join/abc');
  });

  it('escapes text and folds long lines without splitting a character', () => {
    expect(escapeText('a\\b;c,d\ne')).toBe('a\\\\b\\;c\\,d\\ne');
    const long = `SUMMARY:${'庭'.repeat(60)}`;
    const folded = foldLine(long);
    const parts = folded.split('\r\n ');
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((p) => Buffer.byteLength(p) <= 75)).toBe(true);
    expect(parts.join('')).toBe(long);
  });
});
