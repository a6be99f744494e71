import { describe, expect, it } from 'vitest';
import { fileName } from './download.ts';

describe('the saved bundle’s name', () => {
  it('is the real name from filename* (UTF-8), not the ASCII fallback', () => {
    const name = 'Gavel-record-(2026)沪0101民初123号-2026-12-05.zip';
    const header = `attachment; filename="Gavel-record-(2026)_0101__123_-2026-12-05.zip"; filename*=UTF-8''${encodeURIComponent(name)}`;
    expect(fileName(header)).toBe(name);
  });

  it('is the plain filename when that is all there is, and nothing without a header', () => {
    expect(fileName('attachment; filename="Gavel-record-2026-CV-0012-2026-12-05.zip"')).toBe(
      'Gavel-record-2026-CV-0012-2026-12-05.zip',
    );
    expect(fileName('attachment; filename="a.zip"; filename*=UTF-8\'\'%E0%A4')).toBe('a.zip');
    expect(fileName(null)).toBeNull();
  });
});
