import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../../../test/db.ts';
import { ORIGIN, testConfig } from '../../../test/app.ts';
import { call } from '../../../test/scheduling.ts';
import { startServerProcess } from '../../../test/process.ts';
import {
  connectSocket,
  expectOk,
  invite,
  isEvent,
  liveApp,
  liveCourt,
  liveEnv,
  scheduleHearing,
  setState,
  startStandin,
  wsUrl,
  type LiveCourt,
} from '../../../test/live.ts';
import type { LiveKitStandin } from '../../../test/livekit-standin.ts';

let t: TestDatabase;
let one: FastifyInstance;
let two: FastifyInstance;
let standin: LiveKitStandin;
let apiUrl: string;
let c: LiveCourt;

beforeAll(async () => {
  t = await createTestDatabase();
  ({ standin, apiUrl } = await startStandin());
  // Two API instances on one database, each with its own hub (LISTEN connection).
  one = await liveApp(t, apiUrl);
  two = await liveApp(t, apiUrl);
  await one.listen({ port: 0, host: '127.0.0.1' });
  await two.listen({ port: 0, host: '127.0.0.1' });
  c = await liveCourt(one, t, 'Realtime');
});
afterAll(async () => {
  await one.close();
  await two.close();
  await standin.stop();
  await t.drop();
});

const post = (app: FastifyInstance, url: string, cookie: string, payload: unknown = {}) =>
  call(app, 'POST', url, { cookie, payload });

describe('/api/ws for a live hearing', () => {
  it('refuses a plain GET, another origin and a caller without a session', async () => {
    const plain = await one.inject({ method: 'GET', url: '/api/ws', headers: { origin: ORIGIN } });
    expect(plain.statusCode).toBe(426);
    await expect(connectSocket(wsUrl(one), c.cookies.judge, 'https://evil.example')).rejects.toThrow(/403/);
    await expect(connectSocket(wsUrl(one), undefined)).rejects.toThrow(/401/);
  });

  it('judge admits → the party’s socket gets the admission, then its media token works', async () => {
    const id = await scheduleHearing(one, c);
    const party = await invite(one, c, id, 'plaintiff');
    const observer = await invite(one, c, id, 'observer');
    await setState(one, c, id, 'open');
    await expectOk(post(one, `/api/hearings/${id}/lobby`, party.cookie));
    await expectOk(post(one, `/api/hearings/${id}/lobby`, observer.cookie));

    const partySocket = await connectSocket(wsUrl(one), party.cookie);
    const judgeSocket = await connectSocket(wsUrl(one), c.cookies.judge);
    partySocket.ws.send(JSON.stringify({ type: 'subscribe', hearingId: id }));
    judgeSocket.ws.send(JSON.stringify({ type: 'subscribe', hearingId: id }));
    const partySnap = (await partySocket.next((m) => m.type === 'snapshot')).state as Record<string, unknown>;
    const judgeSnap = (await judgeSocket.next((m) => m.type === 'snapshot')).state as Record<string, unknown>;
    expect(partySnap.hearing).toMatchObject({ id, state: 'open', recording: false });
    expect(partySnap.you).toMatchObject({ kind: 'participant', id: party.id, presence: 'in_lobby' });
    // The lobby and the gallery are the bench's to see.
    expect(partySnap.participants).toEqual([]);
    expect((judgeSnap.participants as Array<{ id: string }>).map((p) => p.id).sort()).toEqual(
      [party.id, observer.id].sort(),
    );
    expect(judgeSnap.you).toMatchObject({ kind: 'staff', bench: 'judge' });

    await expectOk(post(one, `/api/hearings/${id}/participants/${party.id}/admit`, c.cookies.judge));
    const admitted = await partySocket.next(isEvent('participant.admitted'));
    expect(admitted.payload).toEqual({ participantId: party.id });
    const token = await post(one, `/api/hearings/${id}/media-token`, party.cookie);
    expect(token.statusCode).toBe(200);
    expect((await judgeSocket.next(isEvent('participant.presence'))).payload).toMatchObject({
      participantId: party.id,
      presence: 'admitted',
    });

    // The observer's admission is not shown to the party; a chat to the bench is not either.
    await expectOk(post(one, `/api/hearings/${id}/participants/${observer.id}/admit`, c.cookies.clerk));
    await expectOk(post(one, `/api/hearings/${id}/chat`, c.cookies.judge, { text: 'Court is open.', to: 'all' }), 201);
    const chat = await partySocket.next(isEvent('chat.message'));
    expect((chat.payload as { message: { text: string } }).message.text).toBe('Court is open.');
    expect(
      partySocket.messages.filter((m) => (m.payload as { participantId?: string })?.participantId === observer.id),
    ).toEqual([]);
    const seqs = partySocket.messages.filter((m) => m.type === 'event').map((m) => m.seq as number);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));

    await setState(one, c, id, 'adjourn');
    expect((await partySocket.next(isEvent('hearing.state'))).payload).toEqual({ state: 'adjourned' });
    partySocket.close();
    judgeSocket.close();
  });

  it('a client that reconnects with its last seq gets exactly what it missed', async () => {
    const id = await scheduleHearing(one, c);
    const party = await invite(one, c, id, 'defendant');
    await setState(one, c, id, 'open');
    const first = await connectSocket(wsUrl(one), party.cookie);
    first.ws.send(JSON.stringify({ type: 'subscribe', hearingId: id }));
    const snap = await first.next((m) => m.type === 'snapshot');
    first.close();

    await expectOk(post(one, `/api/hearings/${id}/lobby`, party.cookie));
    await expectOk(post(one, `/api/hearings/${id}/participants/${party.id}/admit`, c.cookies.judge));
    await setState(one, c, id, 'start');

    const again = await connectSocket(wsUrl(two), party.cookie);
    again.ws.send(JSON.stringify({ type: 'subscribe', hearingId: id, lastSeq: snap.seq }));
    const kinds = [];
    for (let i = 0; i < 6; i++) {
      const m = await again.next();
      expect(m.type).toBe('event');
      expect(m.seq).toBe((snap.seq as number) + i + 1);
      kinds.push(m.kind);
    }
    // Admission and the start each put a procedural note in the record.
    expect(kinds).toEqual([
      'participant.presence',
      'participant.admitted',
      'participant.presence',
      'transcript.entry',
      'hearing.state',
      'transcript.entry',
    ]);
    again.close();
  });

  it('an action on one instance reaches a socket client of the other', async () => {
    const id = await scheduleHearing(one, c);
    const party = await invite(one, c, id, 'plaintiff');
    const onTwo = await connectSocket(wsUrl(two), party.cookie);
    onTwo.ws.send(JSON.stringify({ type: 'subscribe', hearingId: id }));
    await onTwo.next((m) => m.type === 'snapshot');
    await setState(one, c, id, 'open');
    expect((await onTwo.next(isEvent('hearing.state'))).payload).toEqual({ state: 'open' });
    await expectOk(post(one, `/api/hearings/${id}/lobby`, party.cookie));
    await expectOk(post(one, `/api/hearings/${id}/participants/${party.id}/admit`, c.cookies.judge));
    expect((await onTwo.next(isEvent('participant.admitted'))).payload).toEqual({ participantId: party.id });
    onTwo.close();
  });

  it('two API processes on one Postgres: an action on the in-test instance reaches a client of `node api/src/server.ts`', async () => {
    const config = testConfig();
    const server = await startServerProcess({
      ...liveEnv(apiUrl),
      DATABASE_URL: t.url,
      PUBLIC_URL: ORIGIN,
      SESSION_SECRET: config.sessionSecret,
      // The same court's keys as the in-test instance, as a second instance of a deployment has them.
      DATA_DIR: config.dataDir,
      WEB_ROOT: '/nonexistent-web-root',
    });
    try {
      const id = await scheduleHearing(one, c);
      const party = await invite(one, c, id, 'witness');
      const client = await connectSocket(`${server.base.replace('http', 'ws')}/api/ws`, party.cookie);
      client.ws.send(JSON.stringify({ type: 'subscribe', hearingId: id }));
      await client.next((m) => m.type === 'snapshot');
      await setState(one, c, id, 'open');
      expect((await client.next(isEvent('hearing.state'))).payload).toEqual({ state: 'open' });
      client.close();
    } finally {
      await server.stop();
    }
  });
});
