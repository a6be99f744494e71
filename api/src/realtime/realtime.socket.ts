import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
// Brings in the `websocket: true` route option's types.
import type {} from '@fastify/websocket';
import { observe, receives, type Topic, type Watch, type WatchEnd } from '../domain/hearing/index.ts';
import type { AccessSubject, RealtimeEvent, RealtimeHub } from './realtime.hub.ts';

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

// One event goes to many sockets: serialize it once.
const serialized = new WeakMap<RealtimeEvent, string>();
function eventMessage(hearingId: string, e: RealtimeEvent): string {
  let text = serialized.get(e);
  if (text === undefined) {
    text = JSON.stringify({ type: 'event', hearingId, seq: e.seq, kind: e.kind, payload: e.payload, at: e.at });
    serialized.set(e, text);
  }
  return text;
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
  app.addHook('onClose', async () => stopListening());

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

      const sendText = (text: string) => {
        if (socket.readyState !== socket.OPEN) return;
        if (socket.bufferedAmount > maxBuffered) {
          socket.close(CLOSE_SLOW_CONSUMER, 'too slow: reconnect with your last seq');
          setTimeout(() => socket.terminate(), grace).unref();
          return;
        }
        socket.send(text);
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
        if (receives(watch, topic)) sendText(eventMessage(hearingId, e));
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

      const heartbeat = setInterval(() => {
        if (!alive) return socket.terminate();
        alive = false;
        socket.ping();
        void recheck();
      }, heartbeatMs);
      socket.on('pong', () => (alive = true));
      socket.on('close', () => {
        closed = true;
        clearInterval(heartbeat);
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
          const first = await opts.access.watch(viewer, wanted);
          if ('code' in first) {
            sub.unsubscribe();
            // Whoever may not watch is told only that there is no such hearing for them, or why they are out.
            const noSuch = first.code === 'not_found' || first.code === 'unauthorized';
            return send({
              type: 'error',
              code: noSuch ? 'not_found' : first.code,
              message: noSuch ? 'No such hearing for you.' : first.message,
            });
          }
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
              if (e.seq <= upTo && receives(first, topicOf(e))) sendText(eventMessage(wanted, e));
            }
          } else {
            send({ type: 'snapshot', hearingId: wanted, seq: upTo, state: await opts.access.snapshot(first) });
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
          send({ type: 'error', code: 'internal', message: 'Could not subscribe; reconnect.' });
        });
      });
    },
  );
}
