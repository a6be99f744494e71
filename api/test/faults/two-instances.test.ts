import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEAD_KEY_FILE, loadHeadKey } from '../../src/audit/head.ts';
import { SIGNING_DIR, loadCourtIdentity, signingConfig } from '../../src/record/court-identity.ts';
import { pdfBytes } from '../exhibits.ts';
import { createTestDatabase, type TestDatabase } from '../db.ts';
import { liveEnv, startStandin } from '../live.ts';
import type { LiveKitStandin } from '../livekit-standin.ts';
import { createCourtFixture } from '../scheduling.ts';
import {
  HearingClient,
  cleanUp,
  FAULTS_SESSION_SECRET,
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
// by seq. Files go to the database (STORAGE=postgres): each instance has a DATA_DIR of its own, holding
// only the keys every instance of one court shares (the court's signing identity, the audit-head key),
// so what is stored or sealed through one is served and verified through the other.

const PUBLIC_URL = 'http://court.faults.test';

let t: TestDatabase | undefined;
let standin: LiveKitStandin | undefined;
let a: GavelServer | undefined;
let b: GavelServer | undefined;
const clients: HearingClient[] = [];
let h: SessionHearing;
let f: Awaited<ReturnType<typeof createCourtFixture>>;
const dirs: string[] = [];

/** A DATA_DIR per instance, each with a copy of the one court's keys (as a deployment mounts its secrets). */
function dataDirs(n: number): string[] {
  const seed = mkdtempSync(join(tmpdir(), 'gavel-pair-keys-'));
  dirs.push(seed);
  loadHeadKey(seed);
  loadCourtIdentity(
    signingConfig({
      dataDir: seed,
      sessionSecret: FAULTS_SESSION_SECRET,
      publicOrigin: new URL(PUBLIC_URL).origin,
      signing: {},
    }),
  );
  return Array.from({ length: n }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'gavel-pair-'));
    dirs.push(dir);
    cpSync(join(seed, HEAD_KEY_FILE), join(dir, HEAD_KEY_FILE));
    cpSync(join(seed, SIGNING_DIR), join(dir, SIGNING_DIR), { recursive: true });
    return dir;
  });
}

beforeAll(async () => {
  t = await createTestDatabase();
  const s = await startStandin();
  standin = s.standin;
  f = await createCourtFixture(t.db, 'Pair');
  const opts = { databaseUrl: t.url, publicUrl: PUBLIC_URL, env: { ...liveEnv(s.apiUrl), STORAGE: 'postgres' } };
  const [dirA, dirB] = dataDirs(2);
  // Started together, as a deployment rolls out.
  const [sa, sb] = await Promise.allSettled([
    startGavel({ ...opts, dataDir: dirA }),
    startGavel({ ...opts, dataDir: dirB }),
  ]);
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
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    await t?.drop();
  }
});

const entry = (server: GavelServer, text: string) =>
  expectCall(server, 'POST', `/api/hearings/${h.id}/transcript/entries`, h.clerk, { speaker: 'Court', text }, [201]);

const texts = (c: HearingClient) => c.entries().map((e) => e.text);

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A request with a body of its own (a file) from Gavel's origin; the answer's bytes and JSON. */
async function send(
  server: GavelServer,
  method: 'GET' | 'POST',
  path: string,
  cookie: string | undefined,
  body?: FormData | Uint8Array,
  headers: Record<string, string> = {},
) {
  const res = await fetch(server.url + path, {
    method,
    headers: { origin: server.origin, ...(cookie ? { cookie } : {}), ...headers },
    body: body as RequestInit['body'],
  });
  const bytes = new Uint8Array(await res.arrayBuffer());
  const json = () => JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>;
  return { status: res.status, type: res.headers.get('content-type') ?? '', bytes, json };
}

describe('two API instances sharing no disk', () => {
  it('an exhibit stored through A is presented and downloaded through B; a record sealed through A is downloaded and verified through B', async () => {
    const srvA = a!;
    const srvB = b!;
    // A hearing of its own, so the events of the test below are not mixed with these.
    const g = await hearingInSession(srvA, f, [{ role: 'plaintiff', displayName: 'Wang Wu' }]);
    const party = g.parties[0]!.cookie;

    // The clerk marks an exhibit through A.
    const original = await pdfBytes(3, 'Bill of lading');
    const form = new FormData();
    form.set('title', 'Bill of lading');
    form.set('file', new Blob([original], { type: 'application/pdf' }), 'lading.pdf');
    const marked = await send(srvA, 'POST', `/api/hearings/${g.id}/exhibits`, g.clerk, form);
    expect(marked.status).toBe(201);
    const exhibit = marked.json().exhibit as { id: string; label: string; sha256: string; stampedSha256: string };
    expect(exhibit.sha256).toBe(sha(original));
    // Nothing of it is on A's disk: B could not have read it from there.
    expect(existsSync(join(srvA.dataDir, 'files'))).toBe(false);

    // Through B: the original, byte for byte, and the stamped copy A drew.
    const file = `/api/hearings/${g.id}/exhibits/${exhibit.id}/file`;
    const gotOriginal = await send(srvB, 'GET', `${file}?copy=original`, g.clerk);
    expect(gotOriginal.status).toBe(200);
    expect(sha(gotOriginal.bytes)).toBe(sha(original));
    const gotStamped = await send(srvB, 'GET', file, g.clerk);
    expect(gotStamped.status).toBe(200);
    expect(gotStamped.type).toContain('application/pdf');
    expect(sha(gotStamped.bytes)).toBe(exhibit.stampedSha256);

    // The judge presents it through B; the party, told so, opens it through B too.
    const presented = await send(
      srvB,
      'POST',
      `/api/hearings/${g.id}/exhibits/${exhibit.id}/present`,
      g.judge,
      Buffer.from(JSON.stringify({ page: 2 })),
      {
        'content-type': 'application/json',
      },
    );
    expect(presented.status).toBe(200);
    const seen = await send(srvB, 'GET', file, party);
    expect(seen.status).toBe(200);
    expect(sha(seen.bytes)).toBe(exhibit.stampedSha256);
    // And the judge's ruling, made through B, gives a new stamped copy that A serves.
    const ruled = await expectCall(srvB, 'POST', `/api/hearings/${g.id}/exhibits/${exhibit.id}/ruling`, g.judge, {
      ruling: 'admitted',
    });
    const admitted = (ruled.body as { exhibit: { stampedSha256: string } }).exhibit.stampedSha256;
    expect(admitted).not.toBe(exhibit.stampedSha256);
    expect(sha((await send(srvA, 'GET', file, g.clerk)).bytes)).toBe(admitted);

    // The record: typed through A and B, adjourned and sealed through A.
    await expectCall(
      srvA,
      'POST',
      `/api/hearings/${g.id}/transcript/entries`,
      g.clerk,
      { speaker: 'Court', text: 'On A.' },
      [201],
    );
    await expectCall(
      srvB,
      'POST',
      `/api/hearings/${g.id}/transcript/entries`,
      g.clerk,
      { speaker: 'Court', text: 'On B.' },
      [201],
    );
    await expectCall(srvA, 'POST', `/api/hearings/${g.id}/state`, g.judge, { action: 'adjourn' });
    const sealed = await expectCall(
      srvA,
      'POST',
      `/api/hearings/${g.id}/transcript/seal`,
      g.clerk,
      undefined,
      [200, 201],
    );
    const seal = (sealed.body as { seal: { id: string; pdfSha256: string } }).seal;

    // Through B: the sealed PDF, its verification (the court's own signature, the log's proof) and the
    // hearing's audit chain, whose heads A and B signed in turn.
    const pdf = await send(srvB, 'GET', `/api/transcripts/${seal.id}/pdf`, g.clerk);
    expect(pdf.status).toBe(200);
    expect(sha(pdf.bytes)).toBe(seal.pdfSha256);
    const verified = await send(srvB, 'POST', '/api/verify', undefined, pdf.bytes, {
      'content-type': 'application/pdf',
    });
    expect(verified.status).toBe(200);
    expect(verified.json()).toMatchObject({
      match: true,
      pdfSha256: seal.pdfSha256,
      courtSignature: { valid: true, wholeDocument: true, byThisCourt: true },
      log: { verified: true },
    });
    const chain = await expectCall(srvB, 'GET', `/api/hearings/${g.id}/audit/verify`, g.judge);
    expect(chain.body).toMatchObject({ ok: true });
    expect((await expectCall(srvA, 'GET', `/api/hearings/${g.id}/audit/verify`, g.judge)).body).toMatchObject({
      ok: true,
    });
  });
});

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
