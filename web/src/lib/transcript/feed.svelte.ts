import { ApiError } from '../api.ts';
import type { HearingSocket } from '../hearing/hearing-socket.svelte.ts';
import { transcripts } from './client.ts';
import { mergeEntries, sortEntries } from './entries.ts';
import type { Transcript, TranscriptEntry } from './types.ts';

export type FeedStatus = 'loading' | 'ready' | 'error' | 'denied';

/**
 * One hearing's record on screen: loaded over REST, then kept live by the hearing socket's
 * `transcript.entry` / `transcript.corrected` events. A fresh snapshot drops the pushed events, so
 * the owner reloads then (see `follow`).
 */
export class TranscriptFeed {
  transcript = $state<Transcript | null>(null);
  status = $state<FeedStatus>('loading');
  error = $state<unknown>(null);
  readonly hearingId: string;
  readonly #socket: HearingSocket | null;
  #loading = 0;
  /** The pushed entries' texts when the record shown was asked for (see `mergeEntries`). */
  #asked: ReadonlyMap<string, string> | undefined;

  constructor(hearingId: string, socket: HearingSocket | null = null) {
    this.hearingId = hearingId;
    this.#socket = socket;
  }

  /** Every entry to show, oldest first (reactive: reads the loaded record and the socket's pushes). */
  get entries(): TranscriptEntry[] {
    return mergeEntries(this.transcript?.entries ?? [], this.#socket?.live.transcript ?? [], this.#asked);
  }

  async load(): Promise<void> {
    const mine = ++this.#loading;
    if (!this.transcript) this.status = 'loading';
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping only, read with the record it came with
    const asked = new Map((this.#socket?.live.transcript ?? []).map((e) => [e.id, e.text]));
    try {
      const next = await transcripts.load(this.hearingId);
      if (mine !== this.#loading) return;
      this.#asked = asked;
      this.transcript = next;
      this.status = 'ready';
      this.error = null;
    } catch (e) {
      if (mine !== this.#loading) return;
      this.error = e;
      // Keep showing what was there; only a first load that fails shows the error instead.
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) this.status = 'denied';
      else if (!this.transcript) this.status = 'error';
    }
  }

  /** The answer to one's own write, shown at once (its socket event may come a moment later). */
  put(entry: TranscriptEntry): void {
    if (!this.transcript) return;
    const others = this.transcript.entries.filter((e) => e.id !== entry.id);
    this.transcript.entries = sortEntries([...others, entry]);
  }
}
