import { describe, expect, it } from 'vitest';
import { isComposingKey, isEnterKey, isSubmitKey, type KeyLike } from './ime.ts';

const key = (over: Partial<KeyLike>): KeyLike => ({
  key: 'Enter',
  isComposing: false,
  keyCode: 13,
  shiftKey: false,
  ...over,
});

describe('Enter with an input method', () => {
  it('submits on a plain Enter', () => {
    expect(isSubmitKey(key({}))).toBe(true);
    expect(isEnterKey(key({}))).toBe(true);
  });

  it('does not submit while a pinyin candidate is being confirmed (Chrome, Firefox)', () => {
    expect(isSubmitKey(key({ isComposing: true, keyCode: 229 }))).toBe(false);
    expect(isSubmitKey(key({ isComposing: true }))).toBe(false);
    expect(isEnterKey(key({ isComposing: true }))).toBe(false);
  });

  it('does not submit on the Enter Safari sends after compositionend (keyCode 229)', () => {
    expect(isSubmitKey(key({ isComposing: false, keyCode: 229 }))).toBe(false);
    expect(isEnterKey(key({ keyCode: 229 }))).toBe(false);
    expect(isComposingKey({ isComposing: false, keyCode: 229 })).toBe(true);
  });

  it('leaves Shift+Enter to add a line, and other keys alone', () => {
    expect(isSubmitKey(key({ shiftKey: true }))).toBe(false);
    expect(isEnterKey(key({ shiftKey: true }))).toBe(true);
    expect(isSubmitKey(key({ key: 'a', keyCode: 65 }))).toBe(false);
  });
});

describe('the handlers in the chat and the clerk’s fast entry', () => {
  it('use the shared check, not a bare Enter test', async () => {
    const { readFileSync } = await import('node:fs');
    const { fileURLToPath } = await import('node:url');
    const read = (path: string) => readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8');
    for (const source of [read('../hearing/ChatPanel.svelte'), read('../transcript/EntryDesk.svelte')]) {
      expect(source).toMatch(/isSubmitKey\(/);
      expect(source).not.toMatch(/key === 'Enter'/);
    }
  });
});
