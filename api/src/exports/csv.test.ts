import { describe, expect, it } from 'vitest';
import { csvLine } from './csv.ts';

describe('csvLine', () => {
  it('joins plain cells with commas and ends the line with CRLF', () => {
    expect(csvLine(['2026-12-01', 'Zhang San', 'plaintiff'])).toBe('2026-12-01,Zhang San,plaintiff\r\n');
    expect(csvLine([])).toBe('\r\n');
    expect(csvLine(['', ''])).toBe(',\r\n');
  });

  it('quotes a cell holding a comma, a quote or a line break, doubling its quotes', () => {
    expect(csvLine(['Zhang, San'])).toBe('"Zhang, San"\r\n');
    expect(csvLine(['He said "no"'])).toBe('"He said ""no"""\r\n');
    expect(csvLine(['line one\nline two', 'a\rb'])).toBe('"line one\nline two","a\rb"\r\n');
  });

  it('defuses what a spreadsheet would run as a formula, with a leading apostrophe', () => {
    for (const formula of ['=1+1', '+SUM(A1:A9)', '-2+3', '@cmd', '\tcalc'])
      expect(csvLine([formula]), formula).toBe(`'${formula}\r\n`);
    // Still quoted when it must be: the apostrophe goes inside the quotes.
    expect(csvLine(['=HYPERLINK("http://x.test","click")'])).toBe(`"'=HYPERLINK(""http://x.test"",""click"")"\r\n`);
    expect(csvLine(['\rline'])).toBe(`"'\rline"\r\n`);
  });

  it('leaves a sign or an at inside a cell alone', () => {
    expect(csvLine(['a=b', 'x+y', 'li@court.test', '3-2'])).toBe('a=b,x+y,li@court.test,3-2\r\n');
  });
});
