import { describe, expect, it } from 'vitest';
import { normaliseAccessCode } from './access-code.ts';

describe('normaliseAccessCode', () => {
  it('takes six digits as they are', () => {
    expect(normaliseAccessCode('012345')).toBe('012345');
  });

  it('drops spaces (ASCII and ideographic) and dashes between digits', () => {
    expect(normaliseAccessCode(' 123 456 ')).toBe('123456');
    expect(normaliseAccessCode('123\u3000456')).toBe('123456');
    expect(normaliseAccessCode('123-456')).toBe('123456');
  });

  it('reads full-width digits from a Chinese keyboard as ASCII digits', () => {
    expect(normaliseAccessCode('１２３４５６')).toBe('123456');
    expect(normaliseAccessCode('１２３ 456')).toBe('123456');
  });

  it('refuses anything that is not six digits', () => {
    for (const bad of ['', '12345', '1234567', '12a456', '１２３４５', '٣٣٣٣٣٣', '123.456']) {
      expect(normaliseAccessCode(bad), bad).toBeNull();
    }
  });
});
