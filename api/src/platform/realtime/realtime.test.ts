import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import Fastify, { type FastifyInstance } from 'fastify';
import websocket from '@fastify/websocket';
import WebSocket from 'ws';
import { createTestDatabase, type TestDatabase } from '../../../test/db.ts';
import { RealtimeHub, type RealtimeEvent } from './realtime.hub.ts';
import { CLOSE_SLOW_CONSUMER, registerRealtimeSocket } from './realtime.socket.ts';
import type { Topic, Watch } from '../../domain/hearing/index.ts';
import type { ServerEvent } from '../../domain/realtime.ts';

const ORIGIN = 'http://gavel.test';
const HEARING = '11111111-1111-4111-8111-111111111111';
const OTHER_HEARING = '22222222-2222-4222-8222-222222222222';
const PARTY = '33333333-3333-4333-8333-333333333333';
const REMOVED = '77777777-7777-4777-8777-777777777777';
/** Whose standing the test access was asked for, and whose snapshots it read. */
const watched: string[] = [];
const snapshotsRead: string[] = [];

let t: TestDatabase;
const hubs: RealtimeHub[] = [];
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  t = await createTestDatabase({ anyEvents: true });
});
afterAll(async () => {
  for (const app of apps) await app.close();
  for (const hub of hubs) await hub.stop();
  await t.drop();
});

async function newHub(): Promise<RealtimeHub> {
  const hub = new RealtimeHub(t.db, t.url);
  await hub.start();
  hubs.push(hub);
  return hub;
}

/** An instance: its own hub (own LISTEN connection) and socket route; viewers come from a test header. */
async function newInstance(opts: { heartbeatMs?: number; maxBufferedBytes?: number } = {}) {
  const hub = await newHub();
  const app = Fastify();
  await app.register(websocket);
  registerRealtimeSocket(app, {
    hub,
    publicOrigin: ORIGIN,
    ...opts,
    access: {
      viewer: async (request) => {
        const who = request.headers['x-test-viewer'];
        if (who === 'judge') return { kind: 'staff', userId: 'u1', role: 'judge', courtId: 'c1' };
        if (who === 'party') return { kind: 'participant', participantId: PARTY, hearingId: HEARING };
        if (who === 'removed-meanwhile') return { kind: 'participant', participantId: REMOVED, hearingId: HEARING };
        return null;
      },
      // The judge of every hearing here; the party a plaintiff of HEARING, admitted.
      watch: async (viewer, hearingId) => {
        if (viewer.kind === 'participant' && viewer.hearingId !== hearingId)
          return { code: 'not_found', message: 'Hearing not found.', sessionEnded: false };
        // Removed after the first look at their standing, while the snapshot was being read.
        if (viewer.kind === 'participant' && viewer.participantId === REMOVED && watched.push(REMOVED) > 1)
          return { code: 'removed', message: 'You were removed from the hearing.', sessionEnded: false };
        const hearing = { id: hearingId, state: 'open' as const, courtId: 'c1', judgeId: 'u1', clerkId: null };
        const w: Watch =
          viewer.kind === 'staff'
            ? { caller: { kind: 'staff', userId: viewer.userId, role: 'judge', courtId: 'c1' }, hearing }
            : {
                caller: {
                  kind: 'participant',
                  participantId: viewer.participantId,
                  hearingId,
                  role: 'plaintiff',
                  presence: 'admitted',
                  revoked: false,
                  side: 'plaintiff',
                },
                hearing,
              };
        return w;
      },
      snapshot: async (w) => {
        snapshotsRead.push(w.caller.kind === 'participant' ? w.caller.participantId : 'staff');
        return { hearingId: w.hearing.id, state: 'open' };
      },
    },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  apps.push(app);
  const url = `ws://127.0.0.1:${(app.server.address() as { port: number }).port}/api/ws`;
  return { hub, app, url };
}

/** The hub carries whatever it is given: these tests check the transport, not the protocol's kinds. */
const wire = (kind: string, payload: Record<string, unknown> = {}) => ({ kind, payload }) as unknown as ServerEvent;

async function publish(
  hub: RealtimeHub,
  kind: string,
  extra: { topic?: Topic; payload?: Record<string, unknown> } = {},
) {
  return t.db
    .transaction()
    .execute((trx) =>
      hub.publish(trx, { stream: HEARING, topic: extra.topic ?? { data: 'hearing' }, ...wire(kind, extra.payload) }),
    );
}

interface Client {
  ws: WebSocket;
  messages: Array<Record<string, unknown>>;
  next(predicate?: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

function connect(url: string, who: string, wsOptions: WebSocket.ClientOptions = {}): Promise<Client> {
  const ws = new WebSocket(url, { headers: { origin: ORIGIN, 'x-test-viewer': who }, ...wsOptions });
  const messages: Array<Record<string, unknown>> = [];
  let cursor = 0;
  const waiters: Array<() => void> = [];
  ws.on('message', (raw) => {
    messages.push(JSON.parse(String(raw)) as Record<string, unknown>);
    waiters.splice(0).forEach((w) => w());
  });
  const client: Client = {
    ws,
    messages,
    next: async (predicate = () => true) => {
      const deadline = Date.now() + 5000;
      for (;;) {
        while (cursor < messages.length) {
          const m = messages[cursor++]!;
          if (predicate(m)) return m;
        }
        if (Date.now() > deadline) throw new Error(`no matching message; got ${JSON.stringify(messages)}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(client));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

describe('realtime hub (LISTEN/NOTIFY)', () => {
  it('delivers committed events in seq order to another instance, and never a rolled-back one', async () => {
    const a = await newHub();
    const b = await newHub();
    const seen: RealtimeEvent[] = [];
    const sub = await b.subscribe(OTHER_HEARING, (e) => seen.push(e));
    for (let i = 0; i < 5; i++) {
      await t.db
        .transaction()
        .execute((trx) =>
          a.publish(trx, { stream: OTHER_HEARING, topic: { data: 'hearing' }, ...wire('tick', { i }) }),
        );
    }
    await expect(
      t.db.transaction().execute(async (trx) => {
        await a.publish(trx, { stream: OTHER_HEARING, topic: { data: 'hearing' }, ...wire('never') });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await t.db
      .transaction()
      .execute((trx) => a.publish(trx, { stream: OTHER_HEARING, topic: { data: 'hearing' }, ...wire('after') }));
    await expect.poll(() => seen.length).toBe(6);
    expect(seen.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(seen.map((e) => e.kind)).toEqual(['tick', 'tick', 'tick', 'tick', 'tick', 'after']);
    sub.unsubscribe();
  });

  it('reads the table when a notice cannot be read, rather than waiting for the next one', async () => {
    const stream = '66666666-6666-4666-8666-666666666666';
    const b = await newHub();
    const seen: RealtimeEvent[] = [];
    const sub = await b.subscribe(stream, (e) => seen.push(e));
    await sql`insert into realtime_events (stream, seq, kind, topic, payload)
              values (${stream}, 1, 'stored', '{"data":"hearing"}', '{}')`.execute(t.db);
    await sql`select pg_notify('gavel_realtime', '{"seq":1,"first":1,"stream":')`.execute(t.db);
    await expect.poll(() => seen.map((e) => e.kind)).toEqual(['stored']);
    sub.unsubscribe();
  });

  it('numbers the events of many publishers at once on one stream without a gap or a repeat', async () => {
    const stream = '55555555-5555-4555-8555-555555555555';
    const a = await newHub();
    const b = await newHub();
    const seen: RealtimeEvent[] = [];
    const sub = await b.subscribe(stream, (e) => seen.push(e));
    // Twenty transactions at once, each holding its lock a moment before it commits, of one to three events.
    const lasts = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.db.transaction().execute(async (trx) => {
          const last = await a.publishMany(
            trx,
            stream,
            Array.from({ length: (i % 3) + 1 }, (__, k) => ({
              topic: { data: 'hearing' } as Topic,
              ...wire('race', { i, k }),
            })),
          );
          await sql`select pg_sleep(0.005)`.execute(trx);
          return last;
        }),
      ),
    );
    const total = Array.from({ length: 20 }, (_, i) => (i % 3) + 1).reduce((x, y) => x + y, 0);
    expect(Math.max(...lasts)).toBe(total);
    await expect.poll(() => seen.length).toBe(total);
    expect(seen.map((e) => e.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    // Each transaction's events are consecutive, in the order it gave them, ending at the seq it was told.
    for (const [i, last] of lasts.entries()) {
      const mine = seen.filter((e) => (e.payload as { i: number }).i === i);
      expect(mine.map((e) => e.seq)).toEqual(mine.map((_, k) => last - mine.length + 1 + k));
      expect(mine.map((e) => (e.payload as { k: number }).k)).toEqual(mine.map((_, k) => k));
    }
    sub.unsubscribe();
  });

  it('numbers a batch in its one statement; what the notice carries and what is read from the table are the same events', async () => {
    const stream = '44444444-4444-4444-8444-444444444444';
    const a = await newHub();
    const b = await newHub();
    const seen: RealtimeEvent[] = [];
    const sub = await b.subscribe(stream, (e) => seen.push(e));
    const text = 'a quote " a backslash \\ a brace } 中文 \u2028 🙂 ,"first":0,';
    const batch = (kind: string, n: number, repeat: number) =>
      Array.from({ length: n }, (_, i) => ({
        topic: { data: 'hearing' } as Topic,
        ...wire(kind, { i, text: text.repeat(repeat) }),
      }));
    // Three small events ride in the notice; forty large ones do not fit in 8,000 bytes and are read back.
    const lasts = [
      await t.db.transaction().execute((trx) => a.publishMany(trx, stream, batch('small', 3, 1))),
      await t.db.transaction().execute((trx) => a.publishMany(trx, stream, batch('large', 40, 20))),
    ];
    expect(lasts).toEqual([3, 43]);
    // A notice from an instance that numbered each event itself is not trusted for numbers: the table is read.
    await sql`insert into realtime_events (stream, seq, kind, topic, payload)
              values (${stream}, 44, 'old', '{"data":"hearing"}', '{"from":"the table"}')`.execute(t.db);
    await sql`select pg_notify('gavel_realtime', ${JSON.stringify({
      stream,
      seq: 44,
      events: [
        {
          seq: 44,
          kind: 'old',
          topic: { data: 'hearing' },
          payload: { from: 'the notice' },
          at: new Date().toISOString(),
        },
      ],
    })})`.execute(t.db);
    await expect.poll(() => seen.length).toBe(44);
    expect(seen.map((e) => e.seq)).toEqual(Array.from({ length: 44 }, (_, i) => i + 1));
    expect(seen).toEqual(await a.since(stream, 0, 100));
    expect(seen[0]!.payload).toEqual({ i: 0, text });
    expect(seen.at(-1)!.payload).toEqual({ from: 'the table' });
    sub.unsubscribe();
  });
});

describe('GET /api/ws', () => {
  it('asks again who the watcher is once the snapshot is read: someone removed meanwhile gets no snapshot', async () => {
    const { url } = await newInstance();
    const late = await connect(url, 'removed-meanwhile');
    late.ws.send(JSON.stringify({ type: 'subscribe', hearingId: HEARING }));
    expect(await late.next()).toMatchObject({ type: 'error', code: 'removed' });
    // The snapshot was read for the standing first judged, and never sent.
    expect(snapshotsRead).toContain(REMOVED);
    expect(late.messages.some((m) => m.type === 'snapshot')).toBe(false);
    late.ws.close();
  });

  it('refuses another origin (403) and an unknown caller (401) before upgrading', async () => {
    const { url } = await newInstance();
    await expect(
      connect(url, 'judge', { headers: { origin: 'https://evil.example', 'x-test-viewer': 'judge' } }),
    ).rejects.toThrow(/403/);
    await expect(connect(url, 'nobody')).rejects.toThrow(/401/);
  });

  it('sends a snapshot, then live events, each judged by the hearing policy; a participant cannot watch another hearing', async () => {
    const { hub, url } = await newInstance();
    const judge = await connect(url, 'judge');
    const party = await connect(url, 'party');
    judge.ws.send(JSON.stringify({ type: 'subscribe', hearingId: HEARING }));
    party.ws.send(JSON.stringify({ type: 'subscribe', hearingId: HEARING }));
    const snap = await judge.next((m) => m.type === 'snapshot');
    expect(snap).toMatchObject({ hearingId: HEARING, state: { state: 'open' } });
    await party.next((m) => m.type === 'snapshot');

    await publish(hub, 'lobby.joined', { topic: { data: 'bench' } });
    await publish(hub, 'participant.admitted', {
      topic: { data: 'personal', participantId: PARTY },
      payload: { token: 'x' },
    });
    await publish(hub, 'hearing.state', {
      topic: { data: 'hearing', state: 'in_session' },
      payload: { state: 'in_session' },
    });

    const judgeEvents = [await judge.next(), await judge.next(), await judge.next()];
    expect(judgeEvents.map((m) => m.kind)).toEqual(['lobby.joined', 'participant.admitted', 'hearing.state']);
    expect(judgeEvents.map((m) => m.seq)).toEqual([
      (snap.seq as number) + 1,
      (snap.seq as number) + 2,
      (snap.seq as number) + 3,
    ]);
    const partyEvents = [await party.next(), await party.next()];
    expect(partyEvents.map((m) => m.kind)).toEqual(['participant.admitted', 'hearing.state']);

    const intruder = await connect(url, 'party');
    intruder.ws.send(JSON.stringify({ type: 'subscribe', hearingId: OTHER_HEARING }));
    expect(await intruder.next()).toMatchObject({ type: 'error', code: 'not_found' });
    for (const c of [judge, party, intruder]) c.ws.close();
  });

  it('fills the gap for a client that reconnects with its last seq, or sends a fresh snapshot', async () => {
    const { hub, url } = await newInstance();
    const first = await connect(url, 'judge');
    first.ws.send(JSON.stringify({ type: 'subscribe', hearingId: HEARING }));
    const snap = await first.next((m) => m.type === 'snapshot');
    first.ws.close();
    const last = snap.seq as number;
    await publish(hub, 'missed.one');
    await publish(hub, 'missed.two');

    const again = await connect(url, 'judge');
    again.ws.send(JSON.stringify({ type: 'subscribe', hearingId: HEARING, lastSeq: last }));
    expect([await again.next(), await again.next()].map((m) => [m.type, m.kind, m.seq])).toEqual([
      ['event', 'missed.one', last + 1],
      ['event', 'missed.two', last + 2],
    ]);
    await publish(hub, 'live.after');
    expect(await again.next()).toMatchObject({ type: 'event', kind: 'live.after', seq: last + 3 });
    again.ws.close();

    // Too far behind (more than the replay window): a snapshot instead.
    await t.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 501; i++)
        await hub.publish(trx, { stream: HEARING, topic: { data: 'hearing' }, ...wire('bulk') });
    });
    const late = await connect(url, 'judge');
    late.ws.send(JSON.stringify({ type: 'subscribe', hearingId: HEARING, lastSeq: last }));
    expect(await late.next()).toMatchObject({ type: 'snapshot', seq: last + 3 + 501 });
    late.ws.close();
  });

  it('reaches a client of another instance on the same database', async () => {
    const one = await newInstance();
    const two = await newInstance();
    const client = await connect(two.url, 'judge');
    client.ws.send(JSON.stringify({ type: 'subscribe', hearingId: HEARING }));
    await client.next((m) => m.type === 'snapshot');
    await publish(one.hub, 'from.instance.one');
    expect(await client.next()).toMatchObject({ type: 'event', kind: 'from.instance.one' });
    client.ws.close();
  });

  it('terminates a peer that stops answering pings', async () => {
    const { url } = await newInstance({ heartbeatMs: 100 });
    const silent = await connect(url, 'judge', { autoPong: false });
    const code = await new Promise<number>((resolve) => silent.ws.once('close', (c) => resolve(c)));
    expect(code).toBe(1006);
  });

  it('drops a slow consumer instead of buffering without limit', async () => {
    const { hub, app, url } = await newInstance({ maxBufferedBytes: 64 * 1024 });
    const slow = await connect(url, 'judge');
    slow.ws.send(JSON.stringify({ type: 'subscribe', hearingId: HEARING }));
    await slow.next((m) => m.type === 'snapshot');
    const closed = new Promise<number>((resolve) => slow.ws.once('close', (c) => resolve(c)));
    const socket = (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();
    // Publish until the server gives up on the client: well past what the kernel's socket buffers
    // absorb on loopback (a few MB), but never more than 200 events.
    const big = 'x'.repeat(256 * 1024);
    const serverClosing = () => [...app.websocketServer.clients].some((c) => c.readyState === c.CLOSING);
    let published = 0;
    while (!serverClosing() && published < 200) {
      await publish(hub, 'big', { payload: { big } });
      published++;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(serverClosing()).toBe(true);
    socket.resume();
    expect(await closed).toBe(CLOSE_SLOW_CONSUMER);
    expect(slow.messages.filter((m) => m.type === 'event').length).toBeLessThan(published);
  });
});
