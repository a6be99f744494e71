/**
 * This browser's accessibility settings, kept in localStorage so they hold on every page and in every
 * tab (the hearing room and the transcript desk read the same). Nothing here goes to the server.
 */
const READ_OUT_KEY = 'gavel.readOutEntries';

function stored(): boolean {
  try {
    return typeof localStorage === 'undefined' || localStorage.getItem(READ_OUT_KEY) !== 'off';
  } catch {
    // Storage refused (private mode, a policy): the default holds for this page.
    return true;
  }
}

class AccessibilitySettings {
  #readOut = $state(stored());

  constructor() {
    // Changed in another tab: follow it here too.
    if (typeof window !== 'undefined') {
      window.addEventListener('storage', (e) => {
        if (e.key === READ_OUT_KEY) this.#readOut = e.newValue !== 'off';
      });
    }
  }

  /** Whether new transcript entries are read out (politely, never while typing). On unless turned off. */
  get readOutEntries(): boolean {
    return this.#readOut;
  }

  set readOutEntries(on: boolean) {
    this.#readOut = on;
    try {
      localStorage.setItem(READ_OUT_KEY, on ? 'on' : 'off');
    } catch {
      // Kept for this page only.
    }
  }
}

export const accessibility = new AccessibilitySettings();
