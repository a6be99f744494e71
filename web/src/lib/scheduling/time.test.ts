import { describe, expect, it } from 'vitest';
import {
  courtTimeToInstant,
  docketWindow,
  endsNextDay,
  formatSpan,
  hearingSpan,
  instantToCourtTime,
  weekStart,
} from './time.ts';

describe('court time to instant (whatever the browser’s own zone)', () => {
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

  it('round-trips an instant to the court’s wall clock', () => {
    expect(instantToCourtTime(new Date('2026-11-30T23:00:00Z'), 'Asia/Shanghai')).toEqual({
      date: '2026-12-01',
      time: '07:00',
    });
  });
});

describe('docket windows', () => {
  it('a Shanghai court day runs from 16:00Z the day before', () => {
    const w = docketWindow('day', '2026-12-01', 'Asia/Shanghai');
    expect(w.days).toEqual(['2026-12-01']);
    expect(w.from.toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(w.to.toISOString()).toBe('2026-12-01T16:00:00.000Z');
  });

  it('a week starts on Monday', () => {
    expect(weekStart('2026-12-03')).toBe('2026-11-30');
    expect(weekStart('2026-11-30')).toBe('2026-11-30');
    expect(weekStart('2026-12-06')).toBe('2026-11-30');
    expect(docketWindow('week', '2026-12-03', 'UTC').days).toHaveLength(7);
  });
});

describe('formatting', () => {
  it('shows the same instant in the court’s zone and another', () => {
    const start = '2026-12-01T01:30:00.000Z';
    const end = '2026-12-01T02:30:00.000Z';
    // (ICU versions differ on the comma after the weekday, so the parts are checked.)
    const court = formatSpan(start, end, 'Asia/Shanghai', 'en-GB');
    expect(court).toMatch(/^Tuesday,? 1 December 2026 09:30 – 10:30$/);
    const viewer = formatSpan(start, end, 'America/New_York', 'en-GB');
    expect(viewer).toMatch(/^Monday,? 30 November 2026 20:30 – 21:30$/);
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
  });

  it('gives an empty span for equal times, which the form refuses', () => {
    const span = hearingSpan('2026-12-01', '10:00', '10:00', 'UTC');
    expect(span.end).toBe(span.start);
    expect(endsNextDay('10:00', '10:00')).toBe(false);
  });
});
