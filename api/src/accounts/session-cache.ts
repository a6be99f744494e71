import type { findSession } from './auth.repository.ts';

export type SessionRow = NonNullable<Awaited<ReturnType<typeof findSession>>>;

/** What a cache of sessions needs from the realtime hub: its LISTEN connection's state and session news. */
export interface SessionNews {
  readonly listening: boolean;
  onListening(listener: (listening: boolean) => void): () => void;
  onSessionChange(listener: (subject: { userId: string } | { courtId: string }) => void): () => void;
}

interface Entry {
  row: SessionRow;
  at: number;
}

/**
 * Signed-in sessions (session, account and court in one row) by token hash, held for a few seconds so
 * the common request costs no query. It is trusted only while this instance hears the database's
 * session notifications: a sign-out, a disabled account, a new role or court, a finished or changed
 * second factor, new court settings, on any instance or in psql, drop the affected entries within the
 * time a notification takes. When the LISTEN connection is lost the cache empties and stays off until
 * it is back (what was missed in between cannot be known).
 */
export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by every invalidation: a read that started before one must not store what it read. */
  private generation = 0;
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly news: SessionNews;
  private readonly stops: Array<() => void>;

  constructor(news: SessionNews, opts: { ttlMs?: number; maxEntries?: number } = {}) {
    this.news = news;
    this.ttlMs = opts.ttlMs ?? 10_000;
    this.maxEntries = opts.maxEntries ?? 10_000;
    this.stops = [
      news.onListening(() => this.clear()),
      news.onSessionChange((subject) => {
        if ('userId' in subject && subject.userId) this.dropWhere((r) => r.id === subject.userId);
        else if ('courtId' in subject && subject.courtId) this.dropWhere((r) => r.court_id === subject.courtId);
        else this.clear();
      }),
    ];
  }

  /** The cached row, or undefined (not cached, too old, or notifications are not being heard). */
  get(tokenHash: string, now: number): SessionRow | undefined {
    if (!this.news.listening) return undefined;
    const e = this.entries.get(tokenHash);
    if (!e) return undefined;
    if (now - e.at > this.ttlMs) {
      this.entries.delete(tokenHash);
      return undefined;
    }
    return e.row;
  }

  /** Call before reading a row from the database; pass the result to `set`. */
  mark(): number {
    return this.generation;
  }

  set(tokenHash: string, row: SessionRow, mark: number, now: number): void {
    if (!this.news.listening || mark !== this.generation) return;
    if (this.entries.size >= this.maxEntries) {
      // Oldest first: a Map iterates in insertion order.
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.delete(tokenHash);
    this.entries.set(tokenHash, { row, at: now });
  }

  /** After this instance's own write to a session (touch): the entry carries it, without a new read. */
  update(tokenHash: string, row: SessionRow): void {
    const e = this.entries.get(tokenHash);
    if (e) e.row = row;
  }

  delete(tokenHash: string): void {
    this.generation++;
    this.entries.delete(tokenHash);
  }

  dropSession(sessionId: string): void {
    this.dropWhere((r) => r.session_id === sessionId);
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  stop(): void {
    for (const s of this.stops) s();
    this.clear();
  }

  private dropWhere(match: (row: SessionRow) => boolean): void {
    this.generation++;
    for (const [key, e] of this.entries) if (match(e.row)) this.entries.delete(key);
  }
}
