import { applyEvent, emptyState, fromSnapshot, type Effect, type LiveState } from './live-state.ts';
// Backoff between reconnects: 0.5 s doubling to 3 s, jittered (shared with the fault tests' clients).
import { reconnectDelay } from './reconnect.ts';
import { decide, standingOf, type Action } from '@gavel/api/domain/hearing';
import type { ServerMessage } from './types.ts';

/** The server's close code for a client too slow to keep up: reconnect at once with the last seq. */
const CLOSE_SLOW_CONSUMER = 4008;
/** The session ended, or the viewer may no longer watch this hearing: no reconnecting. */
const CLOSE_SESSION_ENDED = 4401;
const CLOSE_ACCESS_ENDED = 4403;

export type SocketStatus = 'connecting' | 'live' | 'reconnecting' | 'denied' | 'ended' | 'closed';

export function socketUrl(loc: Pick<Location, 'protocol' | 'host'> = location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/api/ws`;
}

/**
 * One hearing's live state from /api/ws: a snapshot, then ordered events. Reconnects by itself and
 * asks for what it missed with its last seq (the server answers with the gap or a fresh snapshot).
 * The socket only pushes; every action is a REST call.
 */
export class HearingSocket {
  live = $state<LiveState>(emptyState());
  status = $state<SocketStatus>('connecting');
  /** Set once the first snapshot arrived: the screens wait for it. */
  ready = $state(false);
  /** Why the server ended this watch (a reason code and its words), once it has. */
  ended = $state<{ code: string; message: string } | null>(null);

  readonly hearingId: string;
  #onEffect: (effect: Effect) => void;
  #ws: WebSocket | undefined;
  #lastSeq = 0;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;
  /** The next subscribe asks for a fresh snapshot rather than the missed events. */
  #fresh = false;
  #resyncTimer: ReturnType<typeof setTimeout> | undefined;
  #onOnline = () => this.#reconnectNow();

  constructor(hearingId: string, onEffect: (effect: Effect) => void = () => {}) {
    this.hearingId = hearingId;
    this.#onEffect = onEffect;
  }

  get lastSeq(): number {
    return this.#lastSeq;
  }

  start(): void {
    this.#stopped = false;
    window.addEventListener('online', this.#onOnline);
    this.#connect();
  }

  /** Closes for good (the page left, or the hearing ended for this viewer). */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    clearTimeout(this.#resyncTimer);
    window.removeEventListener('online', this.#onOnline);
    const ws = this.#ws;
    this.#ws = undefined;
    ws?.close(1000);
    if (this.status !== 'denied' && this.status !== 'ended') this.status = 'closed';
  }

  #connect(): void {
    if (this.#stopped) return;
    let ws: WebSocket;
    try {
      ws = new WebSocket(socketUrl());
    } catch {
      this.#scheduleReconnect();
      return;
    }
    this.#ws = ws;
    ws.onopen = () => {
      const subscribe: Record<string, unknown> = { type: 'subscribe', hearingId: this.hearingId };
      if (this.ready && !this.#fresh) subscribe['lastSeq'] = this.#lastSeq;
      this.#fresh = false;
      ws.send(JSON.stringify(subscribe));
      this.#attempt = 0;
      this.status = 'live';
    };
    ws.onmessage = (e: MessageEvent) => {
      if (this.#ws !== ws) return;
      let msg: ServerMessage;
      try {
        msg = JSON.parse(String(e.data)) as ServerMessage;
      } catch {
        return;
      }
      this.#receive(msg);
    };
    ws.onclose = (e: CloseEvent) => {
      if (this.#ws !== ws) return;
      this.#ws = undefined;
      if (this.#stopped || this.status === 'denied' || this.status === 'ended') return;
      if (e.code === CLOSE_SESSION_ENDED || e.code === CLOSE_ACCESS_ENDED) {
        // Closed without saying why (an older server): the page asks the REST routes.
        this.#end({ code: e.reason || 'session_ended', message: '' });
        return;
      }
      if (e.code === CLOSE_SLOW_CONSUMER) this.#attempt = 0;
      this.#scheduleReconnect();
    };
  }

  #receive(msg: ServerMessage): void {
    if (msg.type === 'snapshot') {
      this.live = fromSnapshot(msg.state, this.live);
      this.#lastSeq = msg.seq;
      this.ready = true;
      return;
    }
    if (msg.type === 'event') {
      // Events a viewer may not see leave gaps in seq; only never apply one twice.
      if (msg.seq <= this.#lastSeq) return;
      this.#lastSeq = msg.seq;
      const effect = applyEvent(this.live, msg);
      if (effect.kind === 'resync') this.resync();
      else if (effect.kind !== 'none') this.#onEffect(effect);
      // Into the room or back in the lobby: what may be seen from there is the server's fresh snapshot
      // (while waiting, the room's own events, such as who else was admitted, were not this viewer's).
      if (effect.kind === 'returned' || effect.kind === 'admitted') this.resync();
      return;
    }
    if (msg.type === 'ended') {
      this.#end({ code: msg.code, message: msg.message });
      return;
    }
    if (msg.code === 'not_found' || msg.code === 'unauthorized') {
      this.status = 'denied';
      this.#ws?.close(1000);
    }
  }

  #end(why: { code: string; message: string }): void {
    if (this.ended) return;
    this.ended = why;
    this.status = 'ended';
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#ws?.close(1000);
    this.#onEffect({ kind: 'ended', ...why });
  }

  /**
   * Whether the hearing policy lets the viewer do this now: the API's own policy, asked with the viewer's
   * class from the snapshot brought up to date by the events since (their presence, the hearing's state).
   */
  may(action: Action): boolean {
    const you = this.live.you;
    const state = this.live.hearing?.state;
    if (!you?.caller || !state) return false;
    const caller =
      you.caller.kind === 'participant' && you.presence
        ? { ...you.caller, standing: standingOf({ presence: you.presence, revoked: false }, state) }
        : you.caller;
    return decide(action, { caller, state }).allow;
  }

  /**
   * Reconnects for a fresh snapshot (one subscription per socket). A burst of events asking for it
   * (admit-all) costs one reconnect.
   */
  resync(): void {
    if (this.#stopped) return;
    clearTimeout(this.#resyncTimer);
    this.#resyncTimer = setTimeout(() => {
      if (this.#stopped) return;
      this.#fresh = true;
      const ws = this.#ws;
      this.#ws = undefined;
      ws?.close(1000);
      clearTimeout(this.#timer);
      this.#connect();
    }, 100);
  }

  #scheduleReconnect(): void {
    if (this.#stopped) return;
    this.status = 'reconnecting';
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#connect(), reconnectDelay(this.#attempt));
    this.#attempt += 1;
  }

  #reconnectNow(): void {
    if (this.#stopped || this.#ws) return;
    clearTimeout(this.#timer);
    this.#attempt = 0;
    this.#connect();
  }
}
