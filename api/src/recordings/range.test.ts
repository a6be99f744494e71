import { describe, expect, it } from 'vitest';
import { parseRange } from './range.ts';

describe('parseRange: one range of a Range header, against a file of `size` bytes', () => {
  it('answers the whole file without a header, and for several ranges', () => {
    expect(parseRange(undefined, 10)).toBe('whole');
    expect(parseRange('', 10)).toBe('whole');
    expect(parseRange('bytes=0-1,4-5', 10)).toBe('whole');
    expect(parseRange('bytes=0-1, 4-5', 10)).toBe('whole');
  });

  it('takes a range from a byte to another, clipped to the end of the file', () => {
    expect(parseRange('bytes=0-0', 10)).toEqual({ start: 0, end: 0 });
    expect(parseRange('bytes=2-5', 10)).toEqual({ start: 2, end: 5 });
    expect(parseRange('bytes=2-100', 10)).toEqual({ start: 2, end: 9 });
    expect(parseRange(' bytes=3- ', 10)).toEqual({ start: 3, end: 9 });
    expect(parseRange('bytes=9-9', 10)).toEqual({ start: 9, end: 9 });
  });

  it('takes the last N bytes, the whole file when N is larger', () => {
    expect(parseRange('bytes=-3', 10)).toEqual({ start: 7, end: 9 });
    expect(parseRange('bytes=-10', 10)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=-50', 10)).toEqual({ start: 0, end: 9 });
  });

  it('refuses a range that starts past the end, runs backwards or asks for nothing', () => {
    for (const header of ['bytes=10-', 'bytes=10-12', 'bytes=5-2', 'bytes=-0', 'bytes=-', 'bytes=0-'])
      expect(parseRange(header, header === 'bytes=0-' ? 0 : 10), header).toBe('unsatisfiable');
    expect(parseRange('bytes=-5', 0)).toBe('unsatisfiable');
  });

  it('refuses what is not a byte range', () => {
    for (const header of ['items=0-1', 'bytes=a-b', 'bytes=1-2-3', 'bytes 0-1', 'bytes=0x1-2', 'items=0-1,2-3'])
      expect(parseRange(header, 10), header).toBe('unsatisfiable');
  });
});
