import { describe, expect, it } from 'vitest';
import { addDays, docketRange, formatDocketDays, resolveTimeZone } from './docket.ts';

describe('docketRange', () => {
  // 20:30 UTC on 29 November is already 30 November in Shanghai, still the 29th in New York.
  const now = new Date('2026-11-29T20:30:00Z');

  it('starts on today in the court’s time zone and covers the next 7 days', () => {
    expect(docketRange('Asia/Shanghai', now)).toEqual({
      from: '2026-11-30',
      to: '2026-12-07',
      timeZone: 'Asia/Shanghai',
    });
    expect(docketRange('America/New_York', now)).toMatchObject({
      from: '2026-11-29',
      to: '2026-12-06',
    });
  });

  it('adds days across month and year ends', () => {
    expect(addDays('2026-12-28', 7)).toBe('2027-01-04');
    expect(addDays('2028-02-27', 2)).toBe('2028-02-29');
  });
});

describe('resolveTimeZone', () => {
  it('keeps a real zone and replaces an unknown one', () => {
    expect(resolveTimeZone('Asia/Shanghai')).toBe('Asia/Shanghai');
    expect(resolveTimeZone('Not/AZone')).not.toBe('Not/AZone');
    expect(resolveTimeZone(undefined)).toBeTruthy();
  });
});

describe('formatDocketDays', () => {
  const range = { from: '2026-11-30', to: '2026-12-07', timeZone: 'Asia/Shanghai' };

  it('formats calendar days without shifting them', () => {
    expect(formatDocketDays(range, 'en')).toEqual({
      from: 'Mon, November 30, 2026',
      to: 'Mon, December 7, 2026',
    });
    expect(formatDocketDays(range, 'zh-CN')).toEqual({
      from: '2026年11月30日周一',
      to: '2026年12月7日周一',
    });
  });
});
