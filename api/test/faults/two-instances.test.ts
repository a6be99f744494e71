import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../db.ts';
import { liveEnv, startStandin } from '../live.ts';
import type { LiveKitStandin } from '../livekit-standin.ts';
import { createCourtFixture } from '../scheduling.ts';
import {
  HearingClient,
  cleanUp,
  expectCall,
  health,
  hearingInSession,
  startGavel,
  type GavelServer,
  type SessionHearing,
} from './harness.ts';

// Two API processes on one database, behind one public address (as behind a load balancer):
// events cross between them through LISTEN/NOTIFY. One is SIGKILLed; the other keeps serving and
// its clients keep getting events, and a client of the dead one, sent to the survivor, catches up
// by seq.

const PUBLIC_URL = 'http://court.faults.test';

let t: TestDatabase | undefined;
let standin: LiveKitStandin | undefined;
let a: GavelServer | undefined;
let b: GavelServer | undefined;
const clients: HearingClient[] = [];
let h: SessionHearing;

beforeAll(async () => {
  t = await createTestDatabase();
  const s = await startStandin();
  standin = s.standin;
  const f = await createCourtFixture(t.db, 'Pair');
  const opts = { databaseUrl: t.url, publicUrl: PUBLIC_URL, env: liveEnv(s.apiUrl) };
  // Started together, as a deployment rolls out.
  const [sa, sb] = await Promise.allSettled([startGavel(opts), startGavel(opts)]);
  a = sa.status === 'fulfilled' ? sa.value : undefined;
  b = sb.status === 'fulfilled' ? sb.value : undefined;
  if (sa.status === 'rejected') throw sa.reason;
  if (sb.status === 'rejected') throw sb.reason;
  // Set up through A; the sessions are in the database, so B honours the same cookies.
  h = await hearingInSession(a!, f, [{ role: 'plaintiff', displayName: 'Zhang San' }]);
});

afterAll(async () => {
  try {
    await cleanUp(...clients, a, b, standin);
  } finally {
    await t?.drop();
  }
});

const entry = (server: GavelServer, text: string) =>
  expectCall(server, 'POST', `/api/hearings/${h.id}/transcript/entries`, h.clerk, { speaker: 'Court', text }, [201]);

const texts = (c: HearingClient) => c.entries().map((e) => e.text);

describe('two API instances on one database', () => {
  it('share events; when one is killed the other serves, its clients still get events, and a moved client catches up', async () => {
    const srvA = a!;
    const srvB = b!;
    const watch = (url: () => string, cookie: string) =>
      new HearingClient({ url, hearingId: h.id, cookie, origin: PUBLIC_URL }).start();
    // The clerk's client is on A (and will be sent to B once A is gone); the judge and the party are on B.
    let clerkTarget = srvA.wsUrl;
    const onA = watch(() => clerkTarget, h.clerk);
    const judgeOnB = watch(() => srvB.wsUrl, h.judge);
    const partyOnB = watch(() => srvB.wsUrl, h.parties[0]!.cookie);
    clients.push(onA, judgeOnB, partyOnB);
    await Promise.all(clients.map((c) => c.whenReady()));

    // Posted through A, it reaches B's clients (and A's); posted through B, it reaches A's client.
    await entry(srvA, 'Through A, before.');
    await entry(srvB, 'Through B, before.');
    for (const c of clients) {
      await expect.poll(() => texts(c)).toEqual(['Through A, before.', 'Through B, before.']);
    }

    const exit = await srvA.kill('SIGKILL');
    expect(exit.signal).toBe('SIGKILL');
    await expect.poll(() => onA.status).toBe('reconnecting');

    // B serves on: health, writes, and events to its own clients, which never dropped.
    expect(await health(srvB.url)).toBe(200);
    await entry(srvB, 'Through B, after the kill, 1.');
    await entry(srvB, 'Through B, after the kill, 2.');
    await entry(srvB, 'Through B, after the kill, 3.');
    const afterKill = [
      'Through B, after the kill, 1.',
      'Through B, after the kill, 2.',
      'Through B, after the kill, 3.',
    ];
    for (const c of [judgeOnB, partyOnB]) {
      await expect.poll(() => texts(c).slice(2)).toEqual(afterKill);
      expect(c.opens).toHaveLength(1);
      expect(c.status).toBe('live');
    }
    // A's client, still knocking on A, has missed them.
    expect(texts(onA)).toHaveLength(2);

    // The load balancer now sends it to B: it reconnects by itself and asks for what it missed.
    const movedAt = Date.now();
    clerkTarget = srvB.wsUrl;
    await expect.poll(() => onA.opens.length === 2 && onA.status === 'live', { timeout: 15_000 }).toBe(true);
    const movedAfter = onA.opens[1]! - movedAt;
    expect(movedAfter).toBeLessThan(10_000);
    expect(onA.attempts.at(-1)!.url).toBe(srvB.wsUrl);
    await expect.poll(() => texts(onA).slice(2)).toEqual(afterKill);
    // Caught up by seq: no second snapshot.
    expect(onA.snapshots).toHaveLength(1);

    // And then live on B, like everyone else.
    await entry(srvB, 'Through B, everyone.');
    for (const c of clients) await expect.poll(() => texts(c).at(-1)).toBe('Through B, everyone.');

    // Everyone saw every entry once, in order; the two staff clients saw the very same event stream,
    // which is the database's, gapless from their snapshots.
    const record = (await expectCall(srvB, 'GET', `/api/hearings/${h.id}/transcript`, h.clerk)).body as {
      entries: Array<{ id: string; source: string }>;
    };
    const typedIds = record.entries.filter((e) => e.source === 'clerk').map((e) => e.id);
    for (const c of clients) {
      expect(c.entries().map((e) => e.id)).toEqual(typedIds);
      expect(c.errors).toEqual([]);
    }
    const stream = await t!.db
      .selectFrom('realtime_events')
      .select('seq')
      .where('stream', '=', h.id)
      .orderBy('seq')
      .execute();
    for (const c of [onA, judgeOnB]) {
      const from = c.snapshots[0]!.seq;
      expect(c.events.map((e) => e.seq)).toEqual(stream.map((r) => r.seq).filter((s) => s > from));
    }
    expect(await health(srvA.url)).toBe(0);
    console.info(`two-instances: the client moved from A to B was back ${movedAfter} ms after the move`);
  });
});
