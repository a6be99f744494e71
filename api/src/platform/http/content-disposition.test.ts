import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { contentDisposition } from './content-disposition.ts';

describe('Content-Disposition for any file name', () => {
  it('keeps a plain ASCII name as it is', () => {
    expect(contentDisposition('inline', 'D-1-photo.png')).toBe('inline; filename="D-1-photo.png"');
  });

  it('gives a Chinese name an ASCII fallback and the real name in UTF-8', () => {
    expect(contentDisposition('attachment', 'P-1-合同.pdf')).toBe(
      `attachment; filename="P-1-__.pdf"; filename*=UTF-8''P-1-%E5%90%88%E5%90%8C.pdf`,
    );
  });

  it('never yields a value Node would refuse, and the UTF-8 name decodes back to the original', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }), (name) => {
        const header = contentDisposition('inline', name);
        expect(header).toMatch(/^[\x20-\x7e]*$/);
        const star = /filename\*=UTF-8''(.*)$/.exec(header);
        if (star) expect(decodeURIComponent(star[1]!)).toBe(name.toWellFormed());
        else expect(header).toBe(`inline; filename="${name}"`);
      }),
    );
  });
});
