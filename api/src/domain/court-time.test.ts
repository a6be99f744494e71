import { describe, expect, it } from 'vitest';
import {
  addDays,
  courtClock,
  courtDate,
  courtTimeToInstant,
  docketWindow,
  endsNextDay,
  formatCourtTime,
  formatDay,
  formatSpan,
  formatTimeRange,
  hearingSpan,
  instantToCourtTime,
  isTimeZone,
  isValidDate,
  isValidTime,
  offsetChanges,
  offsetMinutes,
  resolveTimeZone,
  sameClock,
  todayIn,
  weekStart,
  zoneLabel,
} from './court-time.ts';

describe('zones', () => {
  it('knows real zones and refuses made-up ones', () => {
    expect(isTimeZone('Asia/Shanghai')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Not/AZone')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });

  it('keeps the court’s zone when real, else falls back to a real one', () => {
    expect(resolveTimeZone('Asia/Shanghai')).toBe('Asia/Shanghai');
    expect(resolveTimeZone('Not/AZone')).not.toBe('Not/AZone');
    expect(isTimeZone(resolveTimeZone(undefined))).toBe(true);
  });

  it('knows fixed and daylight-saving offsets', () => {
    expect(offsetMinutes('Asia/Shanghai', new Date('2026-07-01T00:00:00Z'))).toBe(480);
    expect(offsetMinutes('America/New_York', new Date('2026-01-15T12:00:00Z'))).toBe(-300);
    expect(offsetMinutes('America/New_York', new Date('2026-07-15T12:00:00Z'))).toBe(-240);
    expect(offsetMinutes('Asia/Kolkata', new Date('2026-07-15T12:00:00Z'))).toBe(330);
    expect(offsetMinutes('UTC', new Date())).toBe(0);
  });

  it('finds the exact minutes of New York’s 2026 changes (8 March, 1 November)', () => {
    const found = offsetChanges('America/New_York', new Date('2026-01-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z'));
    expect(found.map((x) => [x.at.toISOString(), x.from, x.to])).toEqual([
      ['2026-03-08T07:00:00.000Z', -300, -240],
      ['2026-11-01T06:00:00.000Z', -240, -300],
    ]);
    expect(offsetChanges('Asia/Shanghai', new Date('2026-01-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z'))).toEqual(
      [],
    );
  });
});

describe('court time to instant (whatever the machine’s own zone)', () => {
  it('puts 09:30 in Shanghai at 01:30Z', () => {
    expect(courtTimeToInstant('2026-12-01', '09:30', 'Asia/Shanghai').toISOString()).toBe('2026-12-01T01:30:00.000Z');
  });

  it('crosses the date line backwards: 07:00 in Shanghai is the previous day in UTC', () => {
    expect(courtTimeToInstant('2026-12-01', '07:00', 'Asia/Shanghai').toISOString()).toBe('2026-11-30T23:00:00.000Z');
  });

  it('follows daylight saving in New York on both sides of a change', () => {
    expect(courtTimeToInstant('2026-03-07', '09:00', 'America/New_York').toISOString()).toBe(
      '2026-03-07T14:00:00.000Z',
    );
    expect(courtTimeToInstant('2026-03-09', '09:00', 'America/New_York').toISOString()).toBe(
      '2026-03-09T13:00:00.000Z',
    );
  });

  it('reads a time inside the spring-forward gap as after it, and a repeated time as the first', () => {
    // 02:30 does not happen in New York on 8 March 2026: the clocks go from 02:00 EST to 03:00 EDT.
    expect(courtTimeToInstant('2026-03-08', '02:30', 'America/New_York').toISOString()).toBe(
      '2026-03-08T07:30:00.000Z',
    );
    // 01:30 happens twice on 1 November 2026: first in EDT (05:30Z), then in EST (06:30Z).
    expect(courtTimeToInstant('2026-11-01', '01:30', 'America/New_York').toISOString()).toBe(
      '2026-11-01T05:30:00.000Z',
    );
  });

  it('round-trips an instant to the court’s wall clock', () => {
    expect(instantToCourtTime(new Date('2026-11-30T23:00:00Z'), 'Asia/Shanghai')).toEqual({
      date: '2026-12-01',
      time: '07:00',
    });
  });
});

describe('court days', () => {
  // 20:30 UTC on 29 November is already 30 November in Shanghai, still the 29th in New York.
  const now = new Date('2026-11-29T20:30:00Z');

  it('today is today where the court sits', () => {
    expect(todayIn('Asia/Shanghai', now)).toBe('2026-11-30');
    expect(todayIn('America/New_York', now)).toBe('2026-11-29');
    expect(courtDate(now, 'UTC')).toBe('2026-11-29');
  });

  it('adds days across month, year and leap-day ends', () => {
    expect(addDays('2026-12-28', 7)).toBe('2027-01-04');
    expect(addDays('2028-02-27', 2)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('a week starts on Monday', () => {
    expect(weekStart('2026-12-03')).toBe('2026-11-30');
    expect(weekStart('2026-11-30')).toBe('2026-11-30');
    expect(weekStart('2026-12-06')).toBe('2026-11-30');
    expect(docketWindow('week', '2026-12-03', 'UTC').days).toHaveLength(7);
  });

  it('a Shanghai court day runs from 16:00Z the day before', () => {
    const w = docketWindow('day', '2026-12-01', 'Asia/Shanghai');
    expect(w.days).toEqual(['2026-12-01']);
    expect(w.from.toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(w.to.toISOString()).toBe('2026-12-01T16:00:00.000Z');
  });

  it('checks what a clerk typed', () => {
    expect(isValidDate('2026-12-01')).toBe(true);
    expect(isValidDate('2028-02-29')).toBe(true);
    expect(isValidDate('2026-02-30')).toBe(false);
    expect(isValidDate('1 Dec 2026')).toBe(false);
    expect(isValidTime('23:59')).toBe(true);
    expect(isValidTime('24:00')).toBe(false);
    expect(isValidTime('9:30')).toBe(false);
  });
});

describe('a sitting typed as a date and two times', () => {
  it('ends the same day when the end is later than the start', () => {
    expect(hearingSpan('2026-12-01', '09:30', '11:00', 'Asia/Shanghai')).toEqual({
      start: '2026-12-01T01:30:00.000Z',
      end: '2026-12-01T03:00:00.000Z',
    });
    expect(endsNextDay('09:30', '11:00')).toBe(false);
  });

  it('runs past midnight when the end is earlier than the start', () => {
    expect(endsNextDay('23:30', '00:30')).toBe(true);
    expect(hearingSpan('2026-12-31', '23:30', '00:30', 'UTC')).toEqual({
      start: '2026-12-31T23:30:00.000Z',
      end: '2027-01-01T00:30:00.000Z',
    });
    // Past midnight in the court's zone, not the machine's: 23:00–01:00 in Shanghai.
    expect(hearingSpan('2026-12-01', '23:00', '01:00', 'Asia/Shanghai')).toEqual({
      start: '2026-12-01T15:00:00.000Z',
      end: '2026-12-01T17:00:00.000Z',
    });
  });

  it('gives an empty span for equal times, which the form refuses', () => {
    const span = hearingSpan('2026-12-01', '10:00', '10:00', 'UTC');
    expect(span.end).toBe(span.start);
    expect(endsNextDay('10:00', '10:00')).toBe(false);
  });
});

describe('the record’s clock', () => {
  it('prints the court’s time in 24 hours, to the minute or the second', () => {
    const at = new Date('2026-12-01T02:42:07.900Z');
    expect(courtClock(at, 'Asia/Shanghai')).toBe('10:42');
    expect(courtClock(at, 'Asia/Shanghai', { seconds: true })).toBe('10:42:07');
    expect(courtClock(new Date('2026-12-01T16:05:00Z'), 'Asia/Shanghai')).toBe('00:05');
  });
});

describe('formatting in the reader’s language', () => {
  it('formats calendar days without shifting them', () => {
    expect(formatDay('2026-11-30', 'en')).toBe('Mon, November 30, 2026');
    expect(formatDay('2026-11-30', 'zh-CN')).toBe('2026年11月30日周一');
  });

  it('shows the same instant in the court’s zone and another', () => {
    const start = '2026-12-01T01:30:00.000Z';
    const end = '2026-12-01T02:30:00.000Z';
    // (ICU versions differ on the comma after the weekday, so the parts are checked.)
    expect(formatSpan(start, end, 'Asia/Shanghai', 'en-GB')).toMatch(/^Tuesday,? 1 December 2026 09:30 – 10:30$/);
    expect(formatSpan(start, end, 'America/New_York', 'en-GB')).toMatch(/^Monday,? 30 November 2026 20:30 – 21:30$/);
  });

  it('names the zone of a span of court time once, in each language’s order', () => {
    const start = '2026-12-01T16:42:00.000Z';
    const end = '2026-12-01T17:30:00.000Z';
    expect(formatTimeRange(start, end, 'America/Chicago', 'en')).toMatch(/^10:42\s–\s11:30\sAM CST$/);
    expect(formatTimeRange(start, end, 'America/Chicago', 'zh-CN')).toBe('GMT-6 10:42–11:30');
    expect(formatSpan(start, end, 'America/Chicago', 'en-GB', { zone: true })).toMatch(
      /^Tuesday,? 1 December 2026 10:42–11:30 GMT-6$/,
    );
    // No span (start = end): one time, still named.
    expect(formatTimeRange(start, start, 'Asia/Shanghai', 'zh-CN')).toBe('GMT+8 00:42');
  });

  it('names the court’s zone in English and Chinese', () => {
    const winter = new Date('2026-12-01T14:30:00Z');
    const summer = new Date('2026-07-01T14:30:00Z');
    expect(zoneLabel('America/New_York', winter, 'en')).toBe('EST');
    expect(zoneLabel('America/New_York', summer, 'en')).toBe('EDT');
    expect(zoneLabel('Asia/Shanghai', winter, 'en')).toBe('GMT+8');
    expect(zoneLabel('Asia/Shanghai', winter, 'zh-CN')).toBe('GMT+8');
    expect(zoneLabel('America/New_York', winter, 'zh-CN')).toBe('GMT-5');
  });

  it('says which zone a court time is in', () => {
    const at = '2026-12-01T14:30:00Z';
    expect(formatCourtTime(at, 'America/New_York', 'en')).toBe('09:30 AM EST');
    expect(formatCourtTime(at, 'Asia/Shanghai', 'zh-CN')).toBe('GMT+8 22:30');
    expect(formatCourtTime(at, 'Asia/Shanghai', 'zh-CN', { seconds: true })).toBe('GMT+8 22:30:00');
    expect(formatCourtTime(at, 'Asia/Shanghai', 'en', { date: 'medium' })).toBe('Dec 1, 2026 10:30 PM GMT+8');
    expect(formatCourtTime(at, 'Asia/Shanghai', 'zh-CN', { date: 'medium' })).toBe('2026年12月1日 GMT+8 22:30');
  });

  it('knows when the viewer’s clock is the court’s', () => {
    const at = '2026-12-01T14:30:00Z';
    expect(sameClock('Asia/Shanghai', 'Asia/Hong_Kong', at)).toBe(true);
    expect(sameClock('Asia/Shanghai', 'America/New_York', at)).toBe(false);
  });
});
