import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../db.ts';
import { liveEnv, startStandin } from '../live.ts';
import type { LiveKitStandin } from '../livekit-standin.ts';
import { createCourtFixture } from '../scheduling.ts';
import {
  HearingClient,
  cleanUp,
  expectCall,
  hearingInSession,
  http,
  sleep,
  startGavel,
  type GavelServer,
} from './harness.ts';

// The API process is SIGKILLed while a hearing is in session: four websocket clients watch it (the
// judge, the clerk, two admitted parties) and the clerk keeps typing entries. The same server comes
// back on the same port and database. Nothing acknowledged is lost, the hearing is as it was, and
// the clients come back by themselves and catch up by seq, without a fresh snapshot.

/** Down long enough that the clients back off to the longest wait of their policy (3 s, after 6.5 s at most). */
const OUTAGE_MS = 7000;
/**
 * The promise: clients are back within 10 s of the server being back (its /api/health answering 200).
 * Counted from then, not from the spawn: how long the process takes to start is the machine's load.
 */
const RECONNECT_BOUND_MS = 10_000;

let t: TestDatabase | undefined;
let standin: LiveKitStandin | undefined;
let server: GavelServer | undefined;
const clients: HearingClient[] = [];
/** The clerk's typing loop runs while this is true; afterAll ends it too, should the test fail. */
let typing = true;

let judge = '';
let clerk = '';
let hearingId = '';
let plaintiff: { id: string; cookie: string };
let defendant: { id: string; cookie: string };
let witness: { id: string; cookie: string };

beforeAll(async () => {
  t = await createTestDatabase();
  const s = await startStandin();
  standin = s.standin;
  const f = await createCourtFixture(t.db, 'Crash');
  server = await startGavel({ databaseUrl: t.url, env: liveEnv(s.apiUrl) });
  const h = await hearingInSession(server, f, [
    { role: 'plaintiff', displayName: 'Zhang San' },
    { role: 'defendant', displayName: 'Li Si' },
    { role: 'witness', displayName: 'Wang Wu', admit: false },
  ]);
  ({ id: hearingId, judge, clerk } = h);
  [plaintiff, defendant, witness] = [h.parties[0]!, h.parties[1]!, h.parties[2]!];
});

afterAll(async () => {
  typing = false;
  try {
    await cleanUp(...clients, server, standin);
  } finally {
    await t?.drop();
  }
});

interface Acked {
  text: string;
  id: string;
  seq: number;
}

describe('the API is SIGKILLed mid-hearing', () => {
  it('keeps every acknowledged entry and the hearing’s state; clients reconnect within 10 s and catch up by seq', async () => {
    const srv = server!;
    const before = (await expectCall(srv, 'GET', `/api/hearings/${hearingId}`, judge)).body;
    expect(before.hearing.state).toBe('in_session');

    const watch = (cookie: string) =>
      new HearingClient({ url: () => srv.wsUrl, hearingId, cookie, origin: srv.origin }).start();
    const [judgeWs, clerkWs, plaintiffWs, defendantWs] = [judge, clerk, plaintiff.cookie, defendant.cookie].map(watch);
    clients.push(judgeWs!, clerkWs!, plaintiffWs!, defendantWs!);
    await Promise.all(clients.map((c) => c.whenReady()));

    // The clerk types, one entry after another, whatever happens to the server.
    const acked: Acked[] = [];
    const unacked: string[] = [];
    let n = 0;
    const typist = (async () => {
      while (typing) {
        const text = `Entry ${String(++n).padStart(3, '0')}: the witness describes the contract.`;
        try {
          const res = await http(srv.url, 'POST', `/api/hearings/${hearingId}/transcript/entries`, {
            cookie: clerk,
            origin: srv.origin,
            body: { speaker: 'Court', text },
          });
          if (res.status === 201) {
            acked.push({ text, id: res.body.entry.id as string, seq: res.body.entry.seq as number });
            continue;
          }
          unacked.push(text);
        } catch {
          unacked.push(text);
        }
        await sleep(50);
      }
    })();

    await expect.poll(() => acked.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(25);
    // Every client is receiving them live.
    await expect.poll(() => clients.every((c) => c.entries().length >= 10), { timeout: 10_000 }).toBe(true);

    const exit = await srv.kill('SIGKILL');
    expect(exit.signal).toBe('SIGKILL');
    const ackedBeforeKill = acked.length;
    const unackedBeforeOutage = unacked.length;

    // Everyone notices, and the clerk's writes fail (connection refused) rather than hang.
    await expect.poll(() => clients.map((c) => c.status)).toEqual(Array(4).fill('reconnecting'));
    await expect.poll(() => unacked.length).toBeGreaterThan(unackedBeforeOutage + 3);
    expect(acked.length).toBe(ackedBeforeKill);
    await sleep(OUTAGE_MS);

    await srv.restart();
    const restartedAt = srv.startedAt;

    // The clients come back by themselves, within the bound.
    await expect
      .poll(() => clients.every((c) => c.opens.length === 2 && c.status === 'live'), {
        timeout: RECONNECT_BOUND_MS + 5000,
      })
      .toBe(true);
    const back = clients.map((c) => c.opens[1]! - srv.readyAt);
    for (const ms of back) expect(ms).toBeLessThan(RECONNECT_BOUND_MS);

    // The clerk carries on, through the same server.
    await expect.poll(() => acked.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(ackedBeforeKill + 10);
    typing = false;
    await typist;

    // Every acknowledged entry is in the record, in the order typed, as acknowledged.
    const record = (await expectCall(srv, 'GET', `/api/hearings/${hearingId}/transcript`, clerk)).body as {
      entries: Array<{ id: string; seq: number; text: string; source: string }>;
    };
    const seqs = record.entries.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    const typed = record.entries.filter((e) => e.source === 'clerk');
    const ackedIds = new Set(acked.map((a) => a.id));
    expect(typed.filter((e) => ackedIds.has(e.id)).map(({ id, seq, text }) => ({ text, id, seq }))).toEqual(acked);
    // Beyond those, at most the one entry in flight at the kill: committed, its answer lost with the process.
    const extra = typed.filter((e) => !ackedIds.has(e.id));
    expect(extra.length).toBeLessThanOrEqual(1);
    for (const e of extra) expect(unacked).toContain(e.text);
    console.info(
      `api-crash: ${ackedBeforeKill} entries acknowledged before the kill, ${extra.length} committed ` +
        `but unanswered at the kill, ${unacked.length - unackedBeforeOutage} refused while down; ` +
        `server ready ${srv.readyAt - restartedAt} ms after the restart began, clients back ${back.join(', ')} ms after that`,
    );

    // The database holds the same record.
    const rows = await t!.db
      .selectFrom('transcript_entries')
      .select(['id', 'seq', 'text'])
      .where('hearing_id', '=', hearingId)
      .where('source', '=', 'clerk')
      .orderBy('seq')
      .execute();
    expect(rows).toEqual(typed.map(({ id, seq, text }) => ({ id, seq, text })));

    // The hearing is as it was: in session, the same participants, each where they were.
    const after = (await expectCall(srv, 'GET', `/api/hearings/${hearingId}`, judge)).body;
    expect(after.hearing).toEqual(before.hearing);
    expect(after.participants).toEqual(before.participants);
    const presence = Object.fromEntries(
      (after.participants as Array<{ id: string; presence: string }>).map((p) => [p.id, p.presence]),
    );
    expect(presence).toEqual({
      [plaintiff.id]: 'admitted',
      [defendant.id]: 'admitted',
      [witness.id]: 'in_lobby',
    });

    // Each client caught up by seq: one snapshot only (the first), then every event once, in order.
    const lastSeq = Number(
      (
        await t!.db
          .selectFrom('realtime_events')
          .select((eb) => eb.fn.max('seq').as('last'))
          .where('stream', '=', hearingId)
          .executeTakeFirstOrThrow()
      ).last,
    );
    for (const c of clients) {
      expect(c.snapshots).toHaveLength(1);
      expect(c.errors).toEqual([]);
      const got = c.events.map((e) => e.seq);
      expect(got).toEqual([...got].sort((a, b) => a - b));
      expect(new Set(got).size).toBe(got.length);
      // Every entry written after its snapshot reached it, in the record's order.
      const snapshotEntries = new Set(
        ((c.snapshots[0]!.state.transcript ?? []) as Array<{ id: string }>).map((e) => e.id),
      );
      await expect
        .poll(() => c.entries().map((e) => e.id))
        .toEqual(record.entries.filter((e) => !snapshotEntries.has(e.id)).map((e) => e.id));
    }
    // The bench sees every event of the hearing: no gap in seq from its snapshot to the last one.
    for (const c of [judgeWs!, clerkWs!]) {
      const from = c.snapshots[0]!.seq;
      expect(c.events.map((e) => e.seq)).toEqual(Array.from({ length: lastSeq - from }, (_, i) => from + i + 1));
    }
    // The parties were live before the kill and after the restart.
    for (const c of [plaintiffWs!, defendantWs!]) {
      expect(c.entries().some((e) => e.seq <= acked[ackedBeforeKill - 1]!.seq)).toBe(true);
      expect(c.entries().some((e) => e.seq >= acked.at(-1)!.seq)).toBe(true);
    }
  });
});
