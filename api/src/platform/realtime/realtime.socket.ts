import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
// Brings in the `websocket: true` route option's types.
import type {} from '@fastify/websocket';
import {
  observe,
  presenceAudience,
  receives,
  type Topic,
  type Watch,
  type WatchEnd,
} from '../../domain/hearing/index.ts';
import type { AccessSubject, RealtimeEvent, RealtimeHub } from './realtime.hub.ts';
import { sendText as sendFramed } from './framed.ts';

/** Who is on the other end of a socket: a staff member, or a participant of one hearing. */
export type Viewer =
  | { kind: 'staff'; userId: string; role: string; courtId: string | null }
  | { kind: 'participant'; participantId: string; hearingId: string };

/** What the hearing features tell the socket: who is there, what they stand as, and what they see first. */
export interface RealtimeAccess {
  viewer(request: FastifyRequest): Promise<Viewer | null>;
  /** The viewer's standing towards the hearing, read from the database, or why they may not watch it. */
  watch(viewer: Viewer, hearingId: string): Promise<Watch | WatchEnd>;
  /** The state a new subscriber starts from: only what the policy lets this watcher see. */
  snapshot(watch: Watch): Promise<Record<string, unknown>>;
  /**
   * Whether the session the socket opened (at `since`) with still stands: true, or why it ended (an
   * invitation withdrawn or replaced says so, rather than a bare "session ended").
   */
  stillValid?(request: FastifyRequest, viewer: Viewer, since: Date): Promise<true | WatchEnd>;
  /**
   * The heartbeat of every socket of an instance in one query: for each, whether it must be checked in
   * full (its session ended, or its standing or hearing moved from what the socket holds). Without it,
   * every socket is checked in full.
   */
  stale?(sockets: Array<{ request: FastifyRequest; viewer: Viewer; watch: Watch | undefined }>): Promise<boolean[]>;
}

export interface RealtimeSocketOptions {
  hub: RealtimeHub;
  access: RealtimeAccess;
  publicOrigin: string;
  heartbeatMs?: number;
  /** A client that lets more than this pile up unsent is dropped, not buffered without limit. */
  maxBufferedBytes?: number;
  /** How long a dropped slow consumer gets to read its close frame before the socket is cut. */
  slowConsumerGraceMs?: number;
}

export const CLOSE_SLOW_CONSUMER = 4008;
/** The session behind the socket ended (signed out, disabled, expired, a new invitation link): sign in again. */
export const CLOSE_SESSION_ENDED = 4401;
/** The viewer may no longer watch this hearing (removed, invitation withdrawn, no longer on its bench). */
export const CLOSE_ACCESS_ENDED = 4403;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Rows written before events carried a topic are the bench's only. */
export function topicOf(e: RealtimeEvent): Topic {
  const t = e.topic as Partial<Topic> | null;
  return t && typeof t === 'object' && typeof t.data === 'string' ? (t as Topic) : { data: 'bench' };
}

/**
 * One event goes to many sockets: each frame is serialized and encoded once and the same bytes are
 * sent to every socket that gets it. A batch of presence moves is cut once per audience class (the
 * policy's `presenceAudience` key); a watcher whose own move their class may not see (someone in the
 * gallery) gets their class's bytes with their own move's bytes added, copied, not serialized again.
 */
interface Frames {
  /** The event as it is, for every watcher who receives it. */
  whole?: Buffer;
  /** A batch of moves: the moves each audience class sees, as bytes ('' when none). */
  byClass?: Map<string, { moves: Buffer; frame: Buffer | null }>;
  /** A batch of moves: the frame around the moves, and each participant's own moves as bytes. */
  head?: Buffer;
  tail?: Buffer;
  own?: Map<string, number[]>;
}
const frameCache = new WeakMap<RealtimeEvent, Frames>();

/** The bytes of this event for this watcher, or undefined when the policy gives them none of it. */
export function eventFrame(hearingId: string, e: RealtimeEvent, w: Watch): Buffer | undefined {
  const topic = topicOf(e);
  let cached = frameCache.get(e);
  if (!cached) frameCache.set(e, (cached = {}));
  if (topic.data !== 'presences' || e.kind !== 'participant.presence_many') {
    if (!receives(w, topic)) return undefined;
    cached.whole ??= Buffer.from(
      JSON.stringify({ type: 'event', hearingId, seq: e.seq, kind: e.kind, payload: e.payload, at: e.at }),
    );
    return cached.whole;
  }
  const changes = topic.changes;
  const moves = e.payload.changes;
  const a = presenceAudience(w);
  const head = (cached.head ??= Buffer.from(
    `{"type":"event","hearingId":${JSON.stringify(hearingId)},"seq":${e.seq},"kind":"${e.kind}","payload":{"changes":[`,
  ));
  const tail = (cached.tail ??= Buffer.from(`]},"at":${JSON.stringify(e.at)}}`));
  const byClass = (cached.byClass ??= new Map());
  let shared = byClass.get(a.key);
  if (!shared) {
    const seen = moves.filter((_, i) => a.sees(changes[i]!));
    const body = Buffer.from(seen.map((m) => JSON.stringify(m)).join(','));
    shared = { moves: body, frame: seen.length > 0 ? Buffer.concat([head, body, tail]) : null };
    byClass.set(a.key, shared);
  }
  if (!a.self) return shared.frame ?? undefined;
  if (!cached.own) {
    const own = (cached.own = new Map<string, number[]>());
    changes.forEach((c, i) => {
      const list = own.get(c.participantId);
      if (list) list.push(i);
      else own.set(c.participantId, [i]);
    });
  }
  const mine = cached.own.get(a.self)?.filter((i) => !a.sees(changes[i]!));
  if (!mine?.length) return shared.frame ?? undefined;
  // Their own moves, which their class does not see (the gallery's), after the class's (in their order).
  const extra = Buffer.from((shared.moves.length > 0 ? ',' : '') + mine.map((i) => JSON.stringify(moves[i])).join(','));
  return Buffer.concat([head, shared.moves, extra, tail]);
}

declare module 'fastify' {
  interface FastifyRequest {
    realtimeViewer?: Viewer;
  }
}

const subjectKey = (s: AccessSubject) => ('userId' in s ? `u:${s.userId}` : `p:${s.participantId}`);
const viewerKey = (v: Viewer) => (v.kind === 'staff' ? `u:${v.userId}` : `p:${v.participantId}`);

/**
 * GET /api/ws: pushes one hearing's state and events. The socket only pushes; actions are REST.
 * Client → {type:'subscribe', hearingId, lastSeq?}. Server → snapshot | event | ended | error.
 *
 * Every event is judged for every watcher by the hearing policy, with the watcher's standing as of that
 * event: a change that narrows access (removal, return to the lobby, a withdrawn invitation, a new bench)
 * applies to the events after it, on every instance, without waiting for anything.
 */
export function registerRealtimeSocket(app: FastifyInstance, opts: RealtimeSocketOptions): void {
  const heartbeatMs = opts.heartbeatMs ?? 30_000;
  const maxBuffered = opts.maxBufferedBytes ?? 1024 * 1024;
  const grace = opts.slowConsumerGraceMs ?? 5000;

  // Sockets of each staff member and participant, to check again at once when their access changes.
  const bySubject = new Map<string, Set<() => void>>();
  const stopListening = opts.hub.onAccessChange((subject) => {
    for (const recheck of bySubject.get(subjectKey(subject)) ?? []) recheck();
  });

  // One heartbeat for the instance: every socket is pinged, and every socket's session and standing is
  // read in one query; only the sockets where something moved are checked in full.
  interface Open {
    request: FastifyRequest;
    viewer: Viewer;
    watch(): Watch | undefined;
    beat(): boolean;
    recheck(): Promise<void> | undefined;
  }
  const open = new Set<Open>();
  let beating = false;
  const heartbeat = setInterval(() => {
    if (beating || open.size === 0) return;
    const alive = [...open].filter((o) => o.beat());
    if (alive.length === 0) return;
    if (!opts.access.stale) {
      for (const o of alive) void o.recheck();
      return;
    }
    beating = true;
    opts.access
      .stale(alive.map((o) => ({ request: o.request, viewer: o.viewer, watch: o.watch() })))
      .then((stale) => alive.forEach((o, i) => stale[i] && void o.recheck()))
      .catch((err: unknown) => app.log.warn({ err }, 'realtime heartbeat check failed'))
      .finally(() => (beating = false));
  }, heartbeatMs);
  heartbeat.unref();
  app.addHook('onClose', async () => {
    stopListening();
    clearInterval(heartbeat);
  });

  app.get(
    '/api/ws',
    {
      websocket: true,
      // Sessions are checked before the upgrade, in preValidation below: staff or participant.
      config: { access: 'public' },
      preValidation: async (request, reply) => {
        // A plain GET is not a websocket; it learns nothing about sessions either.
        if (!request.ws) {
          return reply
            .code(426)
            .header('upgrade', 'websocket')
            .send({ error: { code: 'upgrade_required', message: 'Connect with a websocket.' } });
        }
        if (request.headers.origin !== opts.publicOrigin) {
          return reply.code(403).send({ error: { code: 'bad_origin', message: 'Connect from Gavel itself.' } });
        }
        const viewer = await opts.access.viewer(request);
        if (!viewer) return reply.code(401).send({ error: { code: 'unauthorized', message: 'Sign in first.' } });
        request.realtimeViewer = viewer;
      },
    },
    (socket: WebSocket, request) => {
      const viewer = request.realtimeViewer!;
      const openedAt = new Date();
      let unsubscribe: (() => void) | undefined;
      let alive = true;
      let closed = false;
      /** The hearing watched, and the watcher as of the last event judged. */
      let hearingId: string | undefined;
      let watch: Watch | undefined;
      /** While a change of access is being checked, events wait here rather than go out under the old rules. */
      let held: RealtimeEvent[] | undefined;

      /** A text message, as a string or as its UTF-8 bytes (shared by many sockets, framed once for all). */
      const sendText = (text: string | Buffer) => {
        if (socket.readyState !== socket.OPEN) return;
        if (socket.bufferedAmount > maxBuffered) {
          socket.close(CLOSE_SLOW_CONSUMER, 'too slow: reconnect with your last seq');
          setTimeout(() => socket.terminate(), grace).unref();
          return;
        }
        if (typeof text === 'string') socket.send(text, { binary: false });
        else sendFramed(socket, request.raw.socket, text);
      };
      const send = (message: Record<string, unknown>) => sendText(JSON.stringify(message));

      const end = (e: WatchEnd) => {
        if (closed) return;
        closed = true;
        unsubscribe?.();
        unsubscribe = undefined;
        // Say why before closing, so the page can tell the person.
        send({ type: 'ended', hearingId, code: e.code, message: e.message });
        socket.close(e.sessionEnded ? CLOSE_SESSION_ENDED : CLOSE_ACCESS_ENDED, e.code);
      };

      /** Judges one event for this watcher: its facts first, so it and all after it see the change. */
      const deliver = (e: RealtimeEvent) => {
        if (closed || !watch || !hearingId) return;
        const topic = topicOf(e);
        const seen = observe(watch, topic);
        watch = seen.watch;
        const frame = eventFrame(hearingId, e, watch);
        if (frame) sendText(frame);
        if (seen.end) end(seen.end);
      };
      const onEvent = (e: RealtimeEvent) => (held ? held.push(e) : deliver(e));

      // A session ended elsewhere (sign-out, a disabled account, a password reset, a new role) or a
      // change of standing: checked at once when announced, and at every heartbeat in case one was missed.
      let checking: Promise<void> | undefined;
      const recheck = () => {
        if (checking || closed) return checking;
        held ??= [];
        checking = (async () => {
          try {
            const valid = opts.access.stillValid ? await opts.access.stillValid(request, viewer, openedAt) : true;
            if (valid !== true) return end(valid);
            if (hearingId && watch) {
              const fresh = await opts.access.watch(viewer, hearingId);
              if ('code' in fresh) return end(fresh);
              watch = fresh;
            }
          } catch (err) {
            // The database did not answer: keep the socket; the next heartbeat asks again.
            request.log.warn({ err }, 'realtime access check failed');
          } finally {
            const pending = held ?? [];
            held = undefined;
            checking = undefined;
            for (const e of pending) deliver(e);
          }
        })();
        return checking;
      };
      const key = viewerKey(viewer);
      const rechecks = bySubject.get(key) ?? new Set();
      const announced = () => void recheck();
      rechecks.add(announced);
      bySubject.set(key, rechecks);

      const me: Open = {
        request,
        viewer,
        watch: () => watch,
        // Whether the socket answered the last ping: if not it is cut, else pinged again.
        beat: () => {
          if (!alive) {
            socket.terminate();
            return false;
          }
          alive = false;
          socket.ping();
          return true;
        },
        recheck,
      };
      open.add(me);
      socket.on('pong', () => (alive = true));
      socket.on('close', () => {
        closed = true;
        open.delete(me);
        unsubscribe?.();
        rechecks.delete(announced);
        if (rechecks.size === 0) bySubject.delete(key);
      });

      socket.on('message', (raw) => {
        void (async () => {
          let msg: { type?: unknown; hearingId?: unknown; lastSeq?: unknown };
          try {
            msg = JSON.parse(String(raw)) as typeof msg;
          } catch {
            return send({ type: 'error', code: 'bad_message', message: 'Messages are JSON.' });
          }
          if (msg.type !== 'subscribe' || typeof msg.hearingId !== 'string' || !UUID.test(msg.hearingId)) {
            return send({ type: 'error', code: 'bad_message', message: 'Send {type:"subscribe", hearingId}.' });
          }
          if (hearingId) return send({ type: 'error', code: 'already_subscribed', message: 'One hearing per socket.' });
          const wanted = msg.hearingId;

          // Listen first and hold live events back, so nothing falls between catch-up and live.
          const pending: RealtimeEvent[] = [];
          let live = false;
          const sub = await opts.hub.subscribe(wanted, (e) => (live ? onEvent(e) : pending.push(e)));
          // Whoever may not watch is told only that there is no such hearing for them, or why they are out;
          // nothing of the subscription is kept.
          const refuse = (no: WatchEnd) => {
            sub.unsubscribe();
            unsubscribe = undefined;
            hearingId = undefined;
            watch = undefined;
            const noSuch = no.code === 'not_found' || no.code === 'unauthorized';
            send({
              type: 'error',
              code: noSuch ? 'not_found' : no.code,
              message: noSuch ? 'No such hearing for you.' : no.message,
            });
          };
          const first = await opts.access.watch(viewer, wanted);
          if ('code' in first) return refuse(first);
          if (closed) return sub.unsubscribe();
          hearingId = wanted;
          watch = first;
          unsubscribe = sub.unsubscribe;
          let upTo = sub.fromSeq;

          const lastSeq = typeof msg.lastSeq === 'number' && Number.isInteger(msg.lastSeq) ? msg.lastSeq : undefined;
          const missed = lastSeq !== undefined && lastSeq <= upTo ? await opts.hub.since(wanted, lastSeq) : undefined;
          if (missed) {
            // What was missed is judged by the standing read just now, which already includes every change
            // among them: a returning client gets what the REST routes would give it now, and no more.
            for (const e of missed) {
              const frame = e.seq <= upTo ? eventFrame(wanted, e, first) : undefined;
              if (frame) sendText(frame);
            }
          } else {
            // The snapshot is read for the standing judged above; asked again once it is read, so a change
            // committed in between (a removal, a return to the lobby) cannot let through what came after it.
            let judged = first;
            let state: Record<string, unknown> | undefined;
            for (let tries = 0; state === undefined; tries++) {
              if (tries === 3) throw new Error('the standing kept changing while the snapshot was read');
              const read = await opts.access.snapshot(judged);
              const again = await opts.access.watch(viewer, wanted);
              if ('code' in again) return refuse(again);
              if (JSON.stringify(again) === JSON.stringify(judged)) state = read;
              judged = again;
            }
            watch = judged;
            send({ type: 'snapshot', hearingId: wanted, seq: upTo, state });
          }
          for (const e of pending) {
            if (e.seq > upTo) {
              onEvent(e);
              upTo = e.seq;
            }
          }
          live = true;
        })().catch((err: unknown) => {
          request.log.error({ err }, 'realtime subscribe failed');
          // Nothing held for a subscription that did not start: the client is told, and reconnects.
          unsubscribe?.();
          unsubscribe = undefined;
          hearingId = undefined;
          watch = undefined;
          send({ type: 'error', code: 'internal', message: 'Could not subscribe; reconnect.' });
          socket.close(1011, 'subscribe failed');
        });
      });
    },
  );
}
