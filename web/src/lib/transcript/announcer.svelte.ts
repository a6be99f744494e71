import type { TranscriptEntry } from './types.ts';

/** True while the reader is typing somewhere: announcements then would talk over their own words. */
export function isTyping(doc: Pick<Document, 'activeElement'> | undefined = globalThis.document): boolean {
  const el = doc?.activeElement as (Element & { isContentEditable?: boolean; type?: string }) | null | undefined;
  if (!el) return false;
  if (el.tagName === 'TEXTAREA' || el.isContentEditable === true) return true;
  return el.tagName === 'INPUT' && ['text', 'search', 'email', ''].includes(el.type ?? '');
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** One line for a burst of entries: the entry itself, or how many came and who spoke last. */
export function announcementFor(
  entries: TranscriptEntry[],
  words: {
    one: (p: { speaker: string; text: string }) => string;
    many: (p: { count: number; speaker: string }) => string;
    speaker: (label: string) => string;
  },
): string {
  const last = entries.at(-1);
  if (!last) return '';
  const speaker = words.speaker(last.speaker);
  return entries.length === 1
    ? words.one({ speaker, text: clip(last.text, 160) })
    : words.many({ count: entries.length, speaker });
}

/**
 * Polite, sparse announcements of new entries: off when the reader turns them off, silent while
 * they type, and a burst within `quietMs` becomes one line ("3 new entries…").
 */
export class EntryAnnouncer {
  enabled = $state(true);
  message = $state('');
  #pending: TranscriptEntry[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #format: (entries: TranscriptEntry[]) => string;
  readonly #quietMs: number;
  readonly #typing: () => boolean;

  constructor(
    format: (entries: TranscriptEntry[]) => string,
    quietMs = 1500,
    typing: () => boolean = () => isTyping(),
  ) {
    this.#format = format;
    this.#quietMs = quietMs;
    this.#typing = typing;
  }

  push(entries: TranscriptEntry[]): void {
    if (!this.enabled || entries.length === 0) return;
    this.#pending.push(...entries);
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.flush(), this.#quietMs);
  }

  flush(): void {
    clearTimeout(this.#timer);
    const burst = this.#pending;
    this.#pending = [];
    if (!this.enabled || burst.length === 0 || this.#typing()) return;
    this.message = this.#format(burst);
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#pending = [];
  }
}
