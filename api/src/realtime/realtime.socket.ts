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
}

export interface RealtimeSocketOptions {
  hub: RealtimeHub;
  access: RealtimeAccess;
  publicOrigin: string;
  heartbeatMs?: number;
  /** A client that lets more than this pile up unsent is dropped, not buffered without limit. */
  maxBufferedBytes?: number;
}

export const CLOSE_SLOW_CONSUMER = 4008;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function visibleTo(viewer: Viewer, event: RealtimeEvent): boolean {
  if (viewer.kind === 'staff') return true;
  const a = event.audience;
  return a.to === 'all' || (a.to === 'participants' && a.ids.includes(viewer.participantId));
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

  app.get(
    '/api/ws',
    {
      websocket: true,
      // Sessions are checked before the upgrade, in preValidation below: staff or participant.
      config: { access: 'public' },
      preValidation: async (request, reply) => {
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

      const send = (message: Record<string, unknown>) => {
        if (socket.readyState !== socket.OPEN) return;
        if (socket.bufferedAmount > maxBuffered) {
          socket.close(CLOSE_SLOW_CONSUMER, 'too slow: reconnect with your last seq');
          setTimeout(() => socket.terminate(), 1000).unref();
          return;
        }
        socket.send(JSON.stringify(message));
      };
      const sendEvent = (hearingId: string, e: RealtimeEvent) => {
        if (visibleTo(viewer, e)) {
          send({ type: 'event', hearingId, seq: e.seq, kind: e.kind, payload: e.payload, at: e.at });
        }
      };

      const heartbeat = setInterval(() => {
        if (!alive) return socket.terminate();
        alive = false;
        socket.ping();
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
