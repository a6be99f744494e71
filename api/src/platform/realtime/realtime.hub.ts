import type { Kysely, Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from '../db/schema.ts';
import * as repo from './realtime.repository.ts';
import type { Topic } from './realtime.table.ts';
import type { ServerEvent } from '../../domain/realtime.ts';

export const CHANNEL = 'gavel_realtime';
/** Someone's access changed outside any one hearing's events (signed out, disabled, a new role). */
export const ACCESS_CHANNEL = 'gavel_access';
/**
 * Something a cached staff session depends on changed (its token or end, its account, its court, its
 * second factor): `{userId}` or `{courtId}`. Sent by database triggers, whichever path made the change.
 */
export const SESSION_CHANNEL = 'gavel_session';

export type SessionSubject = { userId: string } | { courtId: string };
export type SessionListener = (subject: SessionSubject) => void;

/** Whose access changed: a staff member's (every session of theirs), or one participant's. */
export type AccessSubject = { userId: string } | { participantId: string };
export type AccessListener = (subject: AccessSubject) => void;

/** An event as stored and delivered: one of the protocol's events, placed in its hearing's stream. */
export type RealtimeEvent = { stream: string; seq: number; topic: Topic; at: string } & ServerEvent;

export type Listener = (event: RealtimeEvent) => void;

/** What a NOTIFY on the channel says: the stream's last seq, and the events themselves when they fit, numbered from `first`. */
interface Notice {
  stream: string;
  seq: number;
  first?: number;
  events?: Array<Omit<RealtimeEvent, 'stream' | 'seq'>>;
}
/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
const NOTIFY_LIMIT = 7900;
/** Room for what the statement puts in front: `{"seq":N,"first":N,` with two 32-bit numbers. */
const NUMBERS = 40;

/** One of the protocol's events, with what it carries: the hearing policy decides, per watcher, who receives it. */
export type EventInput = { topic: Topic } & ServerEvent;
export type PublishInput = { stream: string } & EventInput;

/**
 * Fans events out to this instance's subscribers, whichever instance published them: publishing
 * writes the event and NOTIFYs its id (stream, seq) in the publisher's transaction, so listeners
 * learn of it only once it is committed, and read it from the table in seq order.
 */
export class RealtimeHub {
  private readonly db: Kysely<Database>;
  private readonly connectionString: string;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly accessListeners = new Set<AccessListener>();
  private readonly sessionListeners = new Set<SessionListener>();
  /** Told when the LISTEN connection is up (true) or lost (false): what was heard before may be stale. */
  private readonly listeningListeners = new Set<(listening: boolean) => void>();
  /** Highest seq delivered per stream with subscribers here. */
  private readonly delivered = new Map<string, number>();
  private readonly reading = new Set<string>();
  private readonly again = new Set<string>();
  private client: pg.Client | undefined;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  /** Failed reconnects in a row, for the backoff. */
  private attempts = 0;
  onError: (err: unknown) => void = () => {};

  constructor(db: Kysely<Database>, connectionString: string) {
    this.db = db;
    this.connectionString = connectionString;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.connectionString,
      connectionTimeoutMillis: 5000,
      keepAlive: true,
    });
    client.on('notification', (msg) => {
      if (msg.channel === ACCESS_CHANNEL && msg.payload) return this.accessChanged(msg.payload);
      if (msg.channel === SESSION_CHANNEL && msg.payload) return this.sessionChanged(msg.payload);
      if (msg.channel !== CHANNEL || !msg.payload) return;
      let note: Notice;
      try {
        note = JSON.parse(msg.payload) as Notice;
      } catch (err) {
        // A notice that cannot be read still says something was published: every stream here reads the table.
        this.onError(err);
        for (const stream of this.listeners.keys()) this.catchUp(stream);
        return;
      }
      try {
        if (this.listeners.has(note.stream) && !this.deliverCarried(note)) this.catchUp(note.stream);
      } catch (err) {
        this.onError(err);
      }
    });
    // Only the connection in use may start a reconnect: a stale client's late 'end' must not open a second LISTEN.
    const lost = () => {
      if (this.client !== client) return;
      this.client = undefined;
      this.tellListening(false);
      client.end().catch(() => {});
      this.scheduleReconnect();
    };
    client.on('error', (err) => {
      this.onError(err);
      lost();
    });
    client.on('end', lost);
    try {
      await client.connect();
      await client.query(`listen ${CHANNEL}`);
      await client.query(`listen ${ACCESS_CHANNEL}`);
      await client.query(`listen ${SESSION_CHANNEL}`);
    } catch (err) {
      await client.end().catch(() => {});
      throw err;
    }
    if (this.stopped) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.attempts = 0;
    this.tellListening(true);
    // Anything published while we were not listening.
    for (const stream of this.listeners.keys()) this.catchUp(stream);
  }

  /**
   * Retries from 250 ms, doubling to at most 2 s, until the database takes the LISTEN connection again:
   * one connection is cheap, and events reach sockets at most that long after the database is back.
   */
  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    this.client = undefined;
    const delay = Math.min(250 * 2 ** this.attempts, 2000);
    this.attempts++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect().catch((err: unknown) => {
        this.onError(err);
        this.scheduleReconnect();
      });
    }, delay);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const client = this.client;
    this.client = undefined;
    if (client) this.tellListening(false);
    await client?.end().catch(() => {});
  }

  /** Call inside the transaction that makes the change, so the event exists exactly when the change does. */
  async publish(trx: Transaction<Database>, input: PublishInput): Promise<number> {
    const { stream, ...event } = input;
    return this.publishMany(trx, stream, [event]);
  }

  /**
   * Several events of one stream in one go (e.g. admit-all): the lock, the insert and the NOTIFY in one
   * statement. Returns the seq of the last one.
   */
  async publishMany(trx: Transaction<Database>, stream: string, inputs: EventInput[]): Promise<number> {
    if (inputs.length === 0) return repo.lockAndReadLastSeq(trx, stream);
    const createdAt = new Date();
    const at = JSON.stringify(createdAt.toISOString());
    const events = inputs.map((e) => ({
      kind: e.kind,
      topic: JSON.stringify(e.topic),
      payload: JSON.stringify(e.payload),
    }));
    // Small events ride in the NOTIFY, so listeners need not read them back from the table (a NOTIFY
    // payload must stay under 8000 bytes: larger ones name the stream only). The statement puts the
    // numbers in front, which only it knows.
    const head = `"stream":${JSON.stringify(stream)}`;
    const listed = events.map(
      (e) => `{"kind":${JSON.stringify(e.kind)},"topic":${e.topic},"payload":${e.payload},"at":${at}}`,
    );
    const carried = `${head},"events":[${listed.join(',')}]}`;
    const rest = Buffer.byteLength(carried) + NUMBERS < NOTIFY_LIMIT ? carried : `${head}}`;
    return repo.publishEvents(trx, stream, events, createdAt, CHANNEL, rest);
  }

  /**
   * Tells every instance, when the transaction commits, that someone's access changed: their open
   * sockets are checked again at once instead of at the next heartbeat.
   */
  async accessChange(trx: Kysely<Database> | Transaction<Database>, subject: AccessSubject): Promise<void> {
    await repo.notify(trx, ACCESS_CHANNEL, JSON.stringify(subject));
  }

  onAccessChange(listener: AccessListener): () => void {
    this.accessListeners.add(listener);
    return () => this.accessListeners.delete(listener);
  }

  /** Whether notifications are being heard right now. */
  get listening(): boolean {
    return this.client !== undefined;
  }

  onListening(listener: (listening: boolean) => void): () => void {
    this.listeningListeners.add(listener);
    return () => this.listeningListeners.delete(listener);
  }

  private tellListening(listening: boolean): void {
    for (const l of this.listeningListeners) {
      try {
        l(listening);
      } catch (err) {
        this.onError(err);
      }
    }
  }

  onSessionChange(listener: SessionListener): () => void {
    this.sessionListeners.add(listener);
    return () => this.sessionListeners.delete(listener);
  }

  private sessionChanged(payload: string): void {
    let subject: SessionSubject;
    try {
      subject = JSON.parse(payload) as SessionSubject;
    } catch (err) {
      return this.onError(err);
    }
    for (const l of this.sessionListeners) {
      try {
        l(subject);
      } catch (err) {
        this.onError(err);
      }
    }
  }

  private accessChanged(payload: string): void {
    let subject: AccessSubject;
    try {
      subject = JSON.parse(payload) as AccessSubject;
    } catch (err) {
      return this.onError(err);
    }
    for (const l of this.accessListeners) {
      try {
        l(subject);
      } catch (err) {
        this.onError(err);
      }
    }
  }

  async currentSeq(stream: string): Promise<number> {
    return repo.lastSeq(this.db, stream);
  }

  /** Events after `seq`, or undefined when more than `limit` were missed (send a snapshot instead). */
  async since(stream: string, seq: number, limit = 500): Promise<RealtimeEvent[] | undefined> {
    const rows = await repo.eventsAfter(this.db, stream, seq, limit + 1);
    if (rows.length > limit) return undefined;
    if (rows.length > 0 && rows[0]!.seq !== seq + 1) return undefined;
    return rows.map(toEvent);
  }

  /** Subscribes from the stream's current end; returns the seq it starts after, and an unsubscribe. */
  async subscribe(stream: string, listener: Listener): Promise<{ fromSeq: number; unsubscribe: () => void }> {
    if (!this.listeners.has(stream)) {
      const seq = await repo.lastSeq(this.db, stream);
      // Another subscriber may have started the stream while we awaited; theirs stands.
      if (!this.listeners.has(stream)) {
        this.delivered.set(stream, seq);
        this.listeners.set(stream, new Set());
      }
    }
    this.listeners.get(stream)!.add(listener);
    const fromSeq = this.delivered.get(stream) ?? 0;
    return {
      fromSeq,
      unsubscribe: () => {
        const s = this.listeners.get(stream);
        s?.delete(listener);
        if (s && s.size === 0) {
          this.listeners.delete(stream);
          this.delivered.delete(stream);
        }
      },
    };
  }

  /**
   * Delivers every committed event after the last delivered one, in order. One reader per stream;
   * a notification arriving mid-pass asks for one more pass rather than a second reader.
   */
  private catchUp(stream: string): void {
    if (this.reading.has(stream)) {
      this.again.add(stream);
      return;
    }
    this.reading.add(stream);
    void (async () => {
      try {
        do {
          this.again.delete(stream);
          await this.deliverPending(stream);
        } while (this.again.has(stream));
      } catch (err) {
        this.onError(err);
      } finally {
        this.reading.delete(stream);
      }
    })();
  }

  /**
   * The events a notice carries, delivered at once when they are exactly the next ones of the stream
   * and no read is under way; otherwise (missed notices, a read in flight) false: read the table.
   */
  private deliverCarried(note: Notice): boolean {
    const { stream, events } = note;
    const after = this.delivered.get(stream);
    if (!events?.length || after === undefined || this.reading.has(stream)) return false;
    // A notice without `first` (an older instance's numbered each event): read the table instead.
    const first = note.first;
    if (typeof first !== 'number') return false;
    if (first !== after + 1) return first + events.length - 1 <= after;
    events.forEach((e, i) => this.deliver(stream, { ...e, stream, seq: first + i } as RealtimeEvent));
    return true;
  }

  private deliver(stream: string, event: RealtimeEvent): void {
    this.delivered.set(stream, event.seq);
    for (const l of this.listeners.get(stream) ?? []) {
      try {
        l(event);
      } catch (err) {
        this.onError(err);
      }
    }
  }

  private async deliverPending(stream: string): Promise<void> {
    for (;;) {
      const after = this.delivered.get(stream);
      if (after === undefined) return;
      const rows = await repo.eventsAfter(this.db, stream, after, 200);
      for (const row of rows) {
        const delivered = this.delivered.get(stream);
        if (delivered === undefined) return;
        if (delivered >= row.seq) continue;
        this.deliver(stream, toEvent(row));
      }
      if (rows.length < 200) return;
    }
  }
}

function toEvent(row: Awaited<ReturnType<typeof repo.eventsAfter>>[number]): RealtimeEvent {
  // Rows are written only by publish, which takes only the protocol's events.
  return {
    stream: row.stream,
    seq: row.seq,
    kind: row.kind,
    topic: row.topic,
    payload: row.payload,
    at: row.created_at.toISOString(),
  } as RealtimeEvent;
}
