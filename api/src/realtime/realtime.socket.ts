import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
// Brings in the `websocket: true` route option's types.
import type {} from '@fastify/websocket';
import type { RealtimeEvent, RealtimeHub } from './realtime.hub.ts';

/** Who is on the other end of a socket: a staff member, or a participant of one hearing. */
export type Viewer =
  | { kind: 'staff'; userId: string; role: string; courtId: string | null }
  | { kind: 'participant'; participantId: string; hearingId: string };

/** What the hearing features tell the socket: who may watch which hearing, and its current state. */
export interface RealtimeAccess {
  viewer(request: FastifyRequest): Promise<Viewer | null>;
  canWatch(viewer: Viewer, hearingId: string): Promise<boolean>;
  snapshot(viewer: Viewer, hearingId: string): Promise<Record<string, unknown>>;
  /** Whether the session the socket opened with still stands; checked at every heartbeat. */
  stillValid?(request: FastifyRequest, viewer: Viewer): Promise<boolean>;
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
/** The session behind the socket ended (signed out everywhere, disabled, expired): sign in again. */
export const CLOSE_SESSION_ENDED = 4401;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function visibleTo(viewer: Viewer, event: RealtimeEvent): boolean {
  const a = event.audience;
  if (viewer.kind === 'staff') return a.to !== 'members';
  return a.to === 'all' || ((a.to === 'participants' || a.to === 'members') && a.ids.includes(viewer.participantId));
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

/**
 * GET /api/ws: pushes one hearing's state and events. The socket only pushes; actions are REST.
 * Client → {type:'subscribe', hearingId, lastSeq?}. Server → snapshot | event | error.
 */
export function registerRealtimeSocket(app: FastifyInstance, opts: RealtimeSocketOptions): void {
  const heartbeatMs = opts.heartbeatMs ?? 30_000;
  const maxBuffered = opts.maxBufferedBytes ?? 1024 * 1024;
  const grace = opts.slowConsumerGraceMs ?? 5000;

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
      let unsubscribe: (() => void) | undefined;
      let alive = true;

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
      const sendEvent = (hearingId: string, e: RealtimeEvent) => {
        if (visibleTo(viewer, e)) sendText(eventMessage(hearingId, e));
      };

      // A session ended elsewhere (sign-out on another device, a disabled account, a password reset)
      // closes its sockets too, at the next heartbeat.
      let checking = false;
      const recheck = async () => {
        if (!opts.access.stillValid || checking) return;
        checking = true;
        try {
          if (!(await opts.access.stillValid(request, viewer))) socket.close(CLOSE_SESSION_ENDED, 'session ended');
        } catch (err) {
          // The database did not answer: keep the socket; the next heartbeat asks again.
          request.log.warn({ err }, 'realtime session check failed');
        } finally {
          checking = false;
        }
      };
      const heartbeat = setInterval(() => {
        if (!alive) return socket.terminate();
        alive = false;
        socket.ping();
        void recheck();
      }, heartbeatMs);
      socket.on('pong', () => (alive = true));
      socket.on('close', () => {
        clearInterval(heartbeat);
        unsubscribe?.();
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
          const hearingId = msg.hearingId;
          if (unsubscribe)
            return send({ type: 'error', code: 'already_subscribed', message: 'One hearing per socket.' });
          if (!(await opts.access.canWatch(viewer, hearingId))) {
            return send({ type: 'error', code: 'not_found', message: 'No such hearing for you.' });
          }

          // Listen first and hold live events back, so nothing falls between catch-up and live.
          const held: RealtimeEvent[] = [];
          let live = false;
          const sub = await opts.hub.subscribe(hearingId, (e) => (live ? sendEvent(hearingId, e) : held.push(e)));
          unsubscribe = sub.unsubscribe;
          let upTo = sub.fromSeq;

          const lastSeq = typeof msg.lastSeq === 'number' && Number.isInteger(msg.lastSeq) ? msg.lastSeq : undefined;
          const missed =
            lastSeq !== undefined && lastSeq <= upTo ? await opts.hub.since(hearingId, lastSeq) : undefined;
          if (missed) {
            for (const e of missed) if (e.seq <= upTo) sendEvent(hearingId, e);
          } else {
            send({ type: 'snapshot', hearingId, seq: upTo, state: await opts.access.snapshot(viewer, hearingId) });
          }
          for (const e of held) {
            if (e.seq > upTo) {
              sendEvent(hearingId, e);
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
