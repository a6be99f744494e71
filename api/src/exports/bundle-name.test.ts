import { describe, expect, it } from 'vitest';
import { contentDisposition } from '../platform/http/content-disposition.ts';
import { bundleFileName } from './record.service.ts';

describe('the export bundle’s file name', () => {
  it('reads as what it is: Gavel, the record, the case number and the court date', () => {
    expect(bundleFileName('2026-CV-0012', '2026-12-05')).toBe('Gavel-record-2026-CV-0012-2026-12-05.zip');
    expect(contentDisposition('attachment', bundleFileName('2026-CV-0012', '2026-12-05'))).toBe(
      'attachment; filename="Gavel-record-2026-CV-0012-2026-12-05.zip"',
    );
  });

  it('keeps a Chinese case number as written, with an ASCII fallback and the UTF-8 filename* (RFC 6266)', () => {
    const name = bundleFileName('(2026)沪0101民初123号', '2026-12-05');
    expect(name).toBe('Gavel-record-(2026)沪0101民初123号-2026-12-05.zip');
    const header = contentDisposition('attachment', name);
    expect(header).toMatch(
      /^attachment; filename="Gavel-record-\(2026\)_0101__123_-2026-12-05\.zip"; filename\*=UTF-8''/,
    );
    expect(decodeURIComponent(/filename\*=UTF-8''(.*)$/.exec(header)![1]!)).toBe(name);
  });

  it('turns only what no file system accepts into a dash', () => {
    expect(bundleFileName('A/B\\C: D*?"<>|\n', '2026-12-05')).toBe('Gavel-record-A-B-C-D-2026-12-05.zip');
    expect(bundleFileName('..', '2026-12-05')).toBe('Gavel-record-case-2026-12-05.zip');
  });
});
