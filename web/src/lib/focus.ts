import { tick } from 'svelte';

/** Finds an element once the screen has updated; null while it is not there (yet). */
export type Find = () => HTMLElement | null | undefined;

export interface HandOff {
  /** Where focus goes when `target` does not appear in time: usually the new state's heading. */
  fallback?: Find;
  /** Said in the page's live region as focus moves (the page's own announcer). */
  say?: () => void;
  /**
   * The whole screen was replaced by someone else's act (admitted, taken into a consultation):
   * focus moves even if it still sits on something.
   */
  always?: boolean;
  /** How long to wait for `target`: the state behind it often arrives by socket after the answer. */
  waitMs?: number;
}

/** A place focus can go: in the page, shown and not disabled. */
function usable(el: HTMLElement | null | undefined): el is HTMLElement {
  return !!el && el.isConnected && !(el as HTMLButtonElement).disabled && el.getClientRects().length > 0;
}

/** Focus is nowhere a keyboard user can see: the body, or an element that has left the page. */
export function focusLost(): boolean {
  const active = document.activeElement;
  return !active || active === document.body || active === document.documentElement || !active.isConnected;
}

/** Resolves with `find()` as soon as it gives a usable element, or null after `ms`. */
function appear(find: Find, ms: number): Promise<HTMLElement | null> {
  const now = find();
  if (usable(now)) return Promise.resolve(now);
  return new Promise((resolve) => {
    const done = (el: HTMLElement | null) => {
      observer.disconnect();
      clearTimeout(timer);
      resolve(el);
    };
    const observer = new MutationObserver(() => {
      const el = find();
      if (usable(el)) done(el);
    });
    observer.observe(document.body, { subtree: true, childList: true, attributes: true });
    const timer = setTimeout(() => {
      const el = find();
      done(usable(el) ? el : null);
    }, ms);
  });
}

/**
 * The one rule for an action that removes the control that was pressed (and for a screen that is
 * replaced): once the DOM has updated, focus moves to the control that replaces it (`target`), or
 * else to `fallback` (the new state's heading), and the change is announced. Focus never stays on
 * the page body; it is not taken from wherever the user has moved it meanwhile.
 */
export async function handOff(target: Find, options: HandOff = {}): Promise<HTMLElement | null> {
  await tick();
  const el = (await appear(target, options.waitMs ?? 5000)) ?? (options.fallback ? options.fallback() : null);
  options.say?.();
  if (!usable(el) || (!options.always && !focusLost())) return null;
  el.focus();
  return el;
}
