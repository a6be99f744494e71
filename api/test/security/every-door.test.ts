// Every door of a hearing tells each caller the same thing: what REST refuses, the socket's snapshot and
// live events do not give away, and what REST gives, they do. Run against real servers (two instances on
// one database), real websocket clients and the LiveKit stand-in. When access narrows (removal, return to
// the lobby, a withdrawn or replaced invitation, a new clerk, a disabled account, sign-out), it narrows on
// every door at once: the next event after the change no longer reaches the person, on either instance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../db.ts';
import { createStaff, signIn } from '../app.ts';
import {
  connectSocket,
  expectOk,
  invite,
  liveApp,
  liveCourt,
  scheduleHearing,
  setState,
  startStandin,
  wsUrl,
  type Invited,
  type LiveCourt,
  type SocketClient,
} from '../live.ts';
import type { LiveKitStandin } from '../livekit-standin.ts';
import { call } from '../scheduling.ts';

let t: TestDatabase;
let a: FastifyInstance;
let b: FastifyInstance;
let standin: LiveKitStandin;
let c: LiveCourt;
let otherCourt: LiveCourt;
let admin: string;
let otherClerk: string;

beforeAll(async () => {
  t = await createTestDatabase();
  const s = await startStandin();
  standin = s.standin;
  a = await liveApp(t, s.apiUrl);
  b = await liveApp(t, s.apiUrl);
  await a.listen({ port: 0, host: '127.0.0.1' });
  await b.listen({ port: 0, host: '127.0.0.1' });
  c = await liveCourt(a, t, 'Every Door Court');
  otherCourt = await liveCourt(a, t, 'Another Court');
  const adminUser = await createStaff(t.db, 'admin', { courtId: c.f.court.id });
  const clerk2 = await createStaff(t.db, 'clerk', { courtId: c.f.court.id });
  admin = await signIn(a, adminUser.email, adminUser.password);
  otherClerk = await signIn(a, clerk2.email, clerk2.password);
});

afterAll(async () => {
  await a.close();
  await b.close();
  await standin.stop();
  await t.drop();
});

const post = (path: string, cookie: string, payload: unknown = {}) => call(a, 'POST', path, { cookie, payload });
const get = (path: string, cookie: string) => call(a, 'GET', path, { cookie });
/** What LiveKit was asked to remove since the stand-in had recorded `before` removals. */
const removalsSince = (before: number) =>
  standin
    .callsOf('RemoveParticipant')
    .slice(before)
    .map((x) => x.body);

async function subscribe(app: FastifyInstance, cookie: string, hearingId: string) {
  const s = await connectSocket(wsUrl(app), cookie);
  s.ws.send(JSON.stringify({ type: 'subscribe', hearingId }));
  const first = await s.next((m) => m.type === 'snapshot' || m.type === 'error' || m.type === 'ended');
  return { socket: s, first };
}

const texts = (s: SocketClient) =>
  s.messages
    .filter((m) => m.type === 'event')
    .map((m) => JSON.stringify((m as { payload: unknown }).payload))
    .join('\n');

/** A hearing in session with a witness waiting to be called, an observer, a removed party and more. */
async function sceneInSession() {
  const id = await scheduleHearing(a, c);
  const plaintiff = await invite(a, c, id, 'plaintiff');
  const defendant = await invite(a, c, id, 'defendant');
  const agent = await invite(a, c, id, 'agent', { representsId: plaintiff.id });
  const witnessWaiting = await invite(a, c, id, 'witness');
  const witnessCalled = await invite(a, c, id, 'witness');
  const interpreter = await invite(a, c, id, 'interpreter', { interpretsForId: witnessCalled.id, language: 'zh' });
  const observer = await invite(a, c, id, 'observer');
  // Opened the link, never entered the lobby.
  const notEntered = await invite(a, c, id, 'defendant');
  const removed = await invite(a, c, id, 'plaintiff');
  const elsewhereId = await scheduleHearing(a, c);
  const elsewhere = await invite(a, c, elsewhereId, 'plaintiff');
  await setState(a, c, id, 'open');
  for (const p of [plaintiff, defendant, agent, witnessWaiting, witnessCalled, interpreter, observer, removed])
    await expectOk(post(`/api/hearings/${id}/lobby`, p.cookie));
  await expectOk(post(`/api/hearings/${id}/admit-all`, c.cookies.judge));
  await expectOk(post(`/api/hearings/${id}/participants/${witnessCalled.id}/admit`, c.cookies.judge));
  await expectOk(post(`/api/hearings/${id}/participants/${removed.id}/remove`, c.cookies.judge));
  await setState(a, c, id, 'start');
  return {
    id,
    participants: {
      plaintiff,
      defendant,
      agent,
      witnessWaiting,
      witnessCalled,
      interpreter,
      observer,
      notEntered,
      removed,
    },
    elsewhere,
  };
}

type Scene = Awaited<ReturnType<typeof sceneInSession>>;

/** Every class of caller of the scene, by name, with their cookie. */
function callers(s: Scene): Record<string, string> {
  return {
    judge: c.cookies.judge,
    clerk: c.cookies.clerk,
    otherClerk,
    admin,
    otherJudge: c.cookies.judge2,
    otherCourtClerk: otherCourt.cookies.clerk,
    ...Object.fromEntries(Object.entries(s.participants).map(([k, p]) => [k, (p as Invited).cookie])),
    otherHearing: s.elsewhere.cookie,
  };
}

describe('every door agrees, for every class of caller and every kind of data', () => {
  it('REST, the snapshot and each live event give each caller exactly the same', async () => {
    const s = await sceneInSession();
    const who = callers(s);
    const sockets: Record<string, { socket: SocketClient; first: Record<string, unknown> }> = {};
    // Half on each instance: the second instance's watchers are judged the same way.
    let i = 0;
    for (const [name, cookie] of Object.entries(who)) sockets[name] = await subscribe(i++ % 2 ? b : a, cookie, s.id);

    // One event of each kind of data.
    const entry = 'TESTIMONY-ENTRY the witness said the contract was signed';
    const toAll = 'CHAT-ALL please mute your microphones';
    const partyToBench = 'CHAT-BENCH-FROM-PARTY may I have a moment with counsel';
    const benchToBench = 'CHAT-BENCH-FROM-CLERK the next witness is ready';
    await expectOk(
      post(`/api/hearings/${s.id}/transcript/entries`, c.cookies.clerk, { speaker: 'Witness', text: entry }),
      201,
    );
    await expectOk(post(`/api/hearings/${s.id}/chat`, c.cookies.judge, { text: toAll, to: 'all' }), 201);
    await expectOk(
      post(`/api/hearings/${s.id}/chat`, s.participants.plaintiff.cookie, { text: partyToBench, to: 'bench' }),
      201,
    );
    await expectOk(post(`/api/hearings/${s.id}/chat`, c.cookies.clerk, { text: benchToBench, to: 'bench' }), 201);
    // Someone new waits in the lobby, and a second observer is admitted to the gallery.
    const lateWitness = await invite(a, c, s.id, 'witness', { displayName: 'LOBBY-WITNESS Wang' });
    await expectOk(post(`/api/hearings/${s.id}/lobby`, lateWitness.cookie));
    const press = await invite(a, c, s.id, 'observer', { displayName: 'GALLERY-PRESS Daily' });
    await expectOk(post(`/api/hearings/${s.id}/lobby`, press.cookie));
    await expectOk(post(`/api/hearings/${s.id}/participants/${press.id}/admit`, c.cookies.judge));
    // A marker posted last: once the judge's socket on each instance has it, everything before it was judged.
    await expectOk(post(`/api/hearings/${s.id}/chat`, c.cookies.judge, { text: 'MARKER', to: 'bench' }), 201);
    // The judge watches on instance A and the clerk on B: both have it, so both instances judged it all.
    for (const name of ['judge', 'clerk'])
      await sockets[name]!.socket.next((m) => JSON.stringify(m).includes('MARKER'));
    await new Promise((r) => setTimeout(r, 300));

    const report: Record<string, Record<string, string>> = {};
    for (const [name, cookie] of Object.entries(who)) {
      const { socket } = sockets[name]!;
      const live = texts(socket);
      // A second look, after everything: the snapshot a reconnecting page would get.
      const again = await subscribe(name.length % 2 ? a : b, cookie, s.id);
      const fresh = again.first.type === 'snapshot' ? JSON.stringify(again.first.state) : '';
      again.socket.close();
      const rest = {
        transcript: await get(`/api/hearings/${s.id}/transcript`, cookie),
        chat: await get(`/api/hearings/${s.id}/chat`, cookie),
        hearing: await get(`/api/hearings/${s.id}`, cookie),
      };
      const restText = (r: { statusCode: number; body: string }) => (r.statusCode === 200 ? r.body : '');
      const row: Record<string, string> = {};
      const doors = (needle: string, restBody: string) => {
        const byRest = restBody.includes(needle);
        const byEvent = live.includes(needle);
        const bySnapshot = fresh.includes(needle);
        return `${byRest ? 'R' : '-'}${byEvent ? 'E' : '-'}${bySnapshot ? 'S' : '-'}`;
      };
      row.record = doors(entry, restText(rest.transcript));
      row.chatAll = doors(toAll, restText(rest.chat));
      row.partyToBench = doors(partyToBench, restText(rest.chat));
      row.benchToBench = doors(benchToBench, restText(rest.chat));
      // The lobby and the gallery: staff read them in the hearing's participant list; participants nowhere.
      row.lobby = doors('LOBBY-WITNESS', restText(rest.hearing));
      row.gallery = doors('GALLERY-PRESS', restText(rest.hearing));
      report[name] = row;
      socket.close();
    }
    // Every door agrees: each kind of data is given on all three doors or on none.
    for (const [name, row] of Object.entries(report))
      for (const [kind, seen] of Object.entries(row))
        expect([`${name} ${kind}: ${seen}`]).toContainEqual(expect.stringMatching(/: (RES|---)$/));

    const allowed = (kind: string) =>
      Object.entries(report)
        .filter(([, row]) => row[kind] === 'RES')
        .map(([name]) => name)
        .sort();
    // And what they agree on is the policy: testimony in the room and to the court's readers only.
    expect(allowed('record')).toEqual(['admin', 'agent', 'clerk', 'defendant', 'judge', 'otherClerk', 'plaintiff']);
    expect(allowed('chatAll')).toEqual(
      ['agent', 'clerk', 'defendant', 'interpreter', 'judge', 'observer', 'plaintiff', 'witnessCalled'].sort(),
    );
    // Private messages to the bench: the judge and the clerk of the hearing, and their sender.
    expect(allowed('partyToBench')).toEqual(['clerk', 'judge', 'plaintiff']);
    expect(allowed('benchToBench')).toEqual(['clerk', 'judge']);
    // The lobby and the gallery are never listed to a participant.
    expect(allowed('lobby')).toEqual(['admin', 'clerk', 'judge', 'otherClerk']);
    expect(allowed('gallery')).toEqual(['admin', 'clerk', 'judge', 'otherClerk']);
  });

  it('a witness in the lobby, an invitee who has not entered and an observer get no testimony on any door', async () => {
    const s = await sceneInSession();
    const names = ['witnessWaiting', 'notEntered', 'observer'] as const;
    const watchers = await Promise.all(names.map((n) => subscribe(a, s.participants[n].cookie, s.id)));
    await expectOk(
      post(`/api/hearings/${s.id}/transcript/entries`, c.cookies.clerk, {
        speaker: 'Witness',
        text: 'SECRET-TESTIMONY',
      }),
      201,
    );
    await expectOk(post(`/api/hearings/${s.id}/chat`, c.cookies.judge, { text: 'MARK', to: 'bench' }), 201);
    const judge = await subscribe(a, c.cookies.judge, s.id);
    expect(JSON.stringify(judge.first)).toContain('SECRET-TESTIMONY');
    await new Promise((r) => setTimeout(r, 500));
    for (const [i, w] of watchers.entries()) {
      expect(JSON.stringify(w.first), names[i]).not.toContain('SECRET-TESTIMONY');
      expect(texts(w.socket), names[i]).not.toContain('SECRET-TESTIMONY');
      const rest = await get(`/api/hearings/${s.id}/transcript`, s.participants[names[i]!].cookie);
      expect(rest.statusCode, names[i]).toBe(403);
      // The page offers no captions to whoever may not read the record.
      expect((w.first as { state?: { you?: { may?: string[] } } }).state?.you?.may).not.toContain('record.read');
      w.socket.close();
    }
  });

  it('never names the public gallery to parties: not in the record, live or sealed', async () => {
    const s = await sceneInSession();
    const record = await expectOk(get(`/api/hearings/${s.id}/transcript`, s.participants.plaintiff.cookie));
    const observerName = (
      await t.db
        .selectFrom('participants')
        .select('display_name')
        .where('id', '=', s.participants.observer.id)
        .executeTakeFirstOrThrow()
    ).display_name;
    expect(record.body).not.toContain(observerName);
    expect(record.body).toMatch(/1 observer/);
    const snap = await subscribe(a, s.participants.plaintiff.cookie, s.id);
    expect(JSON.stringify(snap.first)).not.toContain(observerName);
    snap.socket.close();
  });
});

/** The party's sockets on both instances, and the bench's on both, subscribed to the hearing. */
async function watch(id: string, party: Invited) {
  const partyA = await subscribe(a, party.cookie, id);
  const partyB = await subscribe(b, party.cookie, id);
  const benchA = await subscribe(a, c.cookies.clerk, id);
  const benchB = await subscribe(b, c.cookies.clerk, id);
  return { partyA, partyB, benchA, benchB };
}

/**
 * After the change: an entry and a message posted at once reach the bench on both instances, and by the
 * time they do, the person's sockets on both have stopped receiving them (and were told why, or downgraded).
 */
async function expectCutOff(id: string, w: Awaited<ReturnType<typeof watch>>, ended: string | null) {
  const marker = `AFTER-${Math.random().toString(36).slice(2)}`;
  await expectOk(
    post(`/api/hearings/${id}/transcript/entries`, c.cookies.clerk, { speaker: 'Judge', text: marker }),
    201,
  );
  await expectOk(post(`/api/hearings/${id}/chat`, c.cookies.judge, { text: marker, to: 'all' }), 201);
  for (const bench of [w.benchA, w.benchB]) {
    await bench.socket.next(
      (m) => m.type === 'event' && JSON.stringify(m).includes(marker) && m.kind === 'chat.message',
    );
  }
  for (const party of [w.partyA, w.partyB]) {
    expect(texts(party.socket)).not.toContain(marker);
    if (ended) expect(party.socket.messages.find((m) => m.type === 'ended')).toMatchObject({ code: ended });
  }
}

describe('when access narrows, every door narrows at once, on every instance', () => {
  async function admitted() {
    const id = await scheduleHearing(a, c);
    const party = await invite(a, c, id, 'plaintiff');
    await setState(a, c, id, 'open');
    await expectOk(post(`/api/hearings/${id}/lobby`, party.cookie));
    await expectOk(post(`/api/hearings/${id}/participants/${party.id}/admit`, c.cookies.judge));
    await setState(a, c, id, 'start');
    const room = (
      await t.db.selectFrom('hearings').select('livekit_room').where('id', '=', id).executeTakeFirstOrThrow()
    ).livekit_room;
    return { id, party, room };
  }

  it('removal: the socket is told and closed, LiveKit removes them, no new token', async () => {
    const { id, party, room } = await admitted();
    const w = await watch(id, party);
    const before = standin.callsOf('RemoveParticipant').length;
    await expectOk(post(`/api/hearings/${id}/participants/${party.id}/remove`, c.cookies.judge));
    await expectCutOff(id, w, 'removed');
    expect(removalsSince(before)).toContainEqual({ room, identity: party.id });
    expect((await post(`/api/hearings/${id}/media-token`, party.cookie)).json().error.code).toBe('removed');
    expect((await subscribe(a, party.cookie, id)).first).toMatchObject({ type: 'error', code: 'removed' });
  });

  it('return to the lobby: the socket stays, downgraded to what the lobby may see', async () => {
    const { id, party, room } = await admitted();
    const w = await watch(id, party);
    const before = standin.callsOf('RemoveParticipant').length;
    await expectOk(post(`/api/hearings/${id}/participants/${party.id}/return-to-lobby`, c.cookies.judge));
    await expectCutOff(id, w, null);
    expect(w.partyA.socket.ws.readyState).toBe(w.partyA.socket.ws.OPEN);
    expect(removalsSince(before)).toContainEqual({ room, identity: party.id });
    expect((await get(`/api/hearings/${id}/transcript`, party.cookie)).statusCode).toBe(403);
  });

  it('a withdrawn invitation: told and closed on every instance, out of the room, the link answers 410', async () => {
    const { id, party, room } = await admitted();
    const w = await watch(id, party);
    const before = standin.callsOf('RemoveParticipant').length;
    await expectOk(call(a, 'DELETE', `/api/hearings/${id}/participants/${party.id}`, { cookie: c.cookies.clerk }), 204);
    await expectCutOff(id, w, 'invite_revoked');
    expect(removalsSince(before)).toContainEqual({ room, identity: party.id });
    const presence = await t.db
      .selectFrom('participants')
      .select('presence')
      .where('id', '=', party.id)
      .executeTakeFirstOrThrow();
    expect(presence.presence).toBe('left');
  });

  it('a re-issued invitation: the old session is out, and the new link meets the lobby, not the room', async () => {
    const { id, party, room } = await admitted();
    const w = await watch(id, party);
    const before = standin.callsOf('RemoveParticipant').length;
    const issued = await expectOk(post(`/api/hearings/${id}/participants/${party.id}/invite`, c.cookies.clerk));
    await expectCutOff(id, w, 'invite_reissued');
    expect(removalsSince(before)).toContainEqual({ room, identity: party.id });
    const token = (issued.json().inviteUrl as string).split('/join/')[1];
    const joined = await a.inject({
      method: 'POST',
      url: '/api/join',
      headers: { origin: 'http://gavel.test' },
      payload: { token },
    });
    const cookie = joined.cookies.find((x) => x.name === 'gavel_participant')!;
    const fresh = `${cookie.name}=${cookie.value}`;
    expect((await post(`/api/hearings/${id}/media-token`, fresh)).json().error.code).toBe('in_lobby');
  });

  it('a judge or clerk replaced by an admin mid-session: narrowed at once, the bench told who replaced whom', async () => {
    const { id, party } = await admitted();
    const newClerk = await createStaff(t.db, 'clerk', { courtId: c.f.court.id });
    const oldClerk = await subscribe(b, c.cookies.clerk, id);
    const oldJudge = await subscribe(b, c.cookies.judge, id);
    const watcher = await subscribe(a, admin, id);
    // Only an admin may, once the lobby is open; each change is its own audit event.
    const refused = await call(a, 'PATCH', `/api/hearings/${id}`, {
      cookie: otherClerk,
      payload: { clerkId: newClerk.id },
    });
    expect([refused.statusCode, refused.json().error.code]).toEqual([403, 'bench_change_admin_only']);
    await expectOk(call(a, 'PATCH', `/api/hearings/${id}`, { cookie: admin, payload: { clerkId: newClerk.id } }));
    const told = await oldJudge.socket.next((m) => m.type === 'event' && m.kind === 'hearing.bench_changed');
    expect(told.payload).toMatchObject({ role: 'clerk', from: { id: c.f.clerk.id }, to: { id: newClerk.id } });
    // The former clerk is now another clerk of the court: the record still, the bench's messages no more.
    await expectOk(post(`/api/hearings/${id}/chat`, party.cookie, { text: 'TO-BENCH-AFTER', to: 'bench' }), 201);
    await oldJudge.socket.next((m) => JSON.stringify(m).includes('TO-BENCH-AFTER'));
    expect(texts(oldClerk.socket)).not.toContain('TO-BENCH-AFTER');
    expect((await get(`/api/hearings/${id}/chat`, c.cookies.clerk)).statusCode).toBe(403);
    expect((await get(`/api/hearings/${id}/audit`, c.cookies.clerk)).statusCode).toBe(403);
    // A judge replaced is another judge of the court: the hearing is no longer theirs to see at all.
    await expectOk(call(a, 'PATCH', `/api/hearings/${id}`, { cookie: admin, payload: { judgeId: c.f.judge2.id } }));
    await expect
      .poll(() => oldJudge.socket.messages.find((m) => m.type === 'ended'))
      .toMatchObject({ code: 'not_found' });
    expect((await post(`/api/hearings/${id}/media-token`, c.cookies.judge)).statusCode).toBe(404);
    const audit = await t.db
      .selectFrom('audit_events')
      .select(['action', 'payload'])
      .where('stream', '=', id)
      .where('action', '=', 'hearing.bench_changed')
      .orderBy('seq')
      .execute();
    expect(audit.map((e) => (e.payload as { role: string }).role)).toEqual(['clerk', 'judge']);
    expect(texts(watcher.socket)).not.toContain('TO-BENCH-AFTER');
    // Put the bench back for the other tests (an admin's act now).
    await expectOk(
      call(a, 'PATCH', `/api/hearings/${id}`, {
        cookie: admin,
        payload: { clerkId: c.f.clerk.id, judgeId: c.f.judge.id },
      }),
    );
  });

  it('a disabled account and a sign-out close that person’s sockets on both instances at once', async () => {
    const { id } = await admitted();
    const u = await createStaff(t.db, 'clerk', { courtId: c.f.court.id });
    const cookie = await signIn(a, u.email, u.password);
    await expectOk(call(a, 'PATCH', `/api/hearings/${id}`, { cookie: admin, payload: { clerkId: u.id } }));
    const onA = await subscribe(a, cookie, id);
    const onB = await subscribe(b, cookie, id);
    await expectOk(post(`/api/admin/staff/${u.id}/disable`, admin));
    // The next entry reaches the judge; the disabled clerk's sockets were closed first.
    const judge = await subscribe(a, c.cookies.judge, id);
    await expectOk(
      post(`/api/hearings/${id}/transcript/entries`, c.cookies.judge, { speaker: 'Judge', text: 'AFTER-DISABLE' }),
      201,
    );
    await judge.socket.next((m) => JSON.stringify(m).includes('AFTER-DISABLE'));
    for (const s of [onA, onB]) {
      await expect
        .poll(() => s.socket.messages.find((m) => m.type === 'ended'))
        .toMatchObject({ code: 'session_ended' });
      expect(texts(s.socket)).not.toContain('AFTER-DISABLE');
    }
    await expectOk(call(a, 'PATCH', `/api/hearings/${id}`, { cookie: admin, payload: { clerkId: c.f.clerk.id } }));

    // Signing out on one device ends that session's sockets at once, not at the next heartbeat.
    const judgeCookie = await signIn(a, c.f.judge.email, c.f.judge.password);
    const signedIn = await subscribe(b, judgeCookie, id);
    await expectOk(post('/api/auth/logout', judgeCookie), 204);
    await expect
      .poll(() => signedIn.socket.messages.find((m) => m.type === 'ended'))
      .toMatchObject({ code: 'session_ended' });
  });

  it('adjournment keeps a party’s session for the record, and refuses live actions with 409', async () => {
    const { id, party } = await admitted();
    await setState(a, c, id, 'adjourn');
    // The lobby page's own call, and a socket reconnect, after adjournment: neither ends the session.
    expect((await get(`/api/hearings/${id}/me`, party.cookie)).statusCode).toBe(200);
    const s = await subscribe(a, party.cookie, id);
    expect(s.first.type).toBe('snapshot');
    s.socket.close();
    expect((await get(`/api/hearings/${id}/me`, party.cookie)).statusCode).toBe(200);
    expect((await get(`/api/hearings/${id}/transcript`, party.cookie)).statusCode).toBe(200);
    const lobby = await post(`/api/hearings/${id}/lobby`, party.cookie);
    expect([lobby.statusCode, lobby.json().error.code]).toEqual([409, 'hearing_ended']);
    expect((await post(`/api/hearings/${id}/chat`, party.cookie, { text: 'hi', to: 'all' })).statusCode).toBe(409);
  });
});
