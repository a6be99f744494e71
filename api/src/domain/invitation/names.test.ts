import { describe, expect, it } from 'vitest';
import { sameName } from './names.ts';

describe('sameName: the typed full name against the invited one', () => {
  it('ignores case, spacing and character width', () => {
    expect(sameName('zhang  san', 'Zhang San')).toBe(true);
    expect(sameName(' ZHANG SAN ', 'Zhang San')).toBe(true);
    expect(sameName('张 三', '张三')).toBe(true);
    expect(sameName('Ｚｈａｎｇ　Ｓａｎ', 'Zhang San')).toBe(true);
    expect(sameName('ZhangSan', 'Zhang San')).toBe(true);
  });

  it('refuses another name, a part of it, or nothing', () => {
    expect(sameName('Zhang', 'Zhang San')).toBe(false);
    expect(sameName('Li Si', 'Zhang San')).toBe(false);
    expect(sameName('张四', '张三')).toBe(false);
    expect(sameName('Zhang San Jr', 'Zhang San')).toBe(false);
    expect(sameName('   ', '')).toBe(false);
  });
});
