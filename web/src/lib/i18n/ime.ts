/**
 * Input methods (pinyin, wubi, …) use Enter to confirm a candidate. That Enter must not also send
 * the half-typed text. Chrome and Firefox mark it with `isComposing`; Safari fires the keydown
 * after `compositionend`, with `isComposing` false but the legacy keyCode 229 ("IME processing").
 */
export type KeyLike = Pick<KeyboardEvent, 'key' | 'isComposing' | 'keyCode' | 'shiftKey'>;

/** True while an input method is composing, or while it confirms its composition. */
export function isComposingKey(e: Pick<KeyboardEvent, 'isComposing' | 'keyCode'>): boolean {
  return e.isComposing || e.keyCode === 229;
}

/** Enter (without Shift, which adds a line) that the writer meant, not an input method's confirmation. */
export function isSubmitKey(e: KeyLike): boolean {
  return e.key === 'Enter' && !e.shiftKey && !isComposingKey(e);
}

/** Plain Enter (Shift allowed) that is not an input method's confirmation. */
export function isEnterKey(e: Pick<KeyboardEvent, 'key' | 'isComposing' | 'keyCode'>): boolean {
  return e.key === 'Enter' && !isComposingKey(e);
}
