import { describe, expect, it } from 'vitest';
import { rulesFor } from './rules.ts';

const both = { en: 'Cameras on.', 'zh-CN': '请开启摄像头。' };

describe('the pre-join rules an invitee reads', () => {
  it('are in the invitee’s language, whatever the screen’s', () => {
    expect(rulesFor(both, 'zh-CN', 'en')).toEqual({ text: '请开启摄像头。', lang: 'zh-CN' });
    expect(rulesFor(both, 'en', 'zh-CN')).toEqual({ text: 'Cameras on.', lang: 'en' });
  });

  it('fall back to the screen’s language, then English, then any the court wrote', () => {
    expect(rulesFor({ 'zh-CN': '请开启摄像头。' }, 'en', 'zh-CN')).toEqual({ text: '请开启摄像头。', lang: 'zh-CN' });
    expect(rulesFor({ en: 'Cameras on.', 'zh-CN': '  ' }, 'zh-CN', 'zh-CN')).toEqual({
      text: 'Cameras on.',
      lang: 'en',
    });
    expect(rulesFor({ fr: 'Caméras allumées.' }, 'zh-CN', 'en')).toEqual({ text: 'Caméras allumées.', lang: 'fr' });
  });

  it('are empty when the court wrote none (the default text is shown instead)', () => {
    expect(rulesFor({}, 'zh-CN', 'en')).toEqual({ text: '', lang: undefined });
  });
});
