/**
 * A join storm: 1,000 invited participants (every 10th an observer: the public gallery) wait in the
 * lobby with a socket open each, the judge (a socket too) admits them all at once, and each fetches a
 * media token. The admit-all's frames are counted per socket, and the time until the last socket has
 * the last of them is set beside a raw `ws` broadcast of as many bytes to as many sockets (the same
 * client work per message). The API runs as its own process (the
 * real server.ts); the clients and the LiveKit stand-in run here. The lobby joins, the tokens and the
 * baseline go through one keep-alive node:http client (`httpClient`). Prints figures beside a bare
 * Fastify route in a process of its own, called by the same client in the same run, and the API's
 * RSS idle and at the storm's peak (`make bench`; BENCH_PARTICIPANTS; DATABASE_URL, else embedded).
 */
import WebSocket from 'ws';
import { Passwords } from '../src/accounts/password.ts';
import * as authRepo from '../src/accounts/auth.repository.ts';
import { newToken, participantSessionHash } from '../src/invitations/invite-token.ts';
import { LiveKitStandin } from '../test/livekit-standin.ts';
import {
  LIVEKIT_KEY,
  LIVEKIT_SECRET,
  ORIGIN,
  SECRET,
  benchCourt,
  benchDatabase,
  envNumber,
  httpClient,
  int,
  lat,
  latency,
  main,
  onCleanup,
  ms,
  ok,
  report,
  say,
  sleep,
  startBaseline,
  startGavel,
  storm,
  times,
} from './lib.ts';

const PARTICIPANTS = envNumber('BENCH_PARTICIPANTS', 1000);
const CONCURRENCY = 50;

await main(async () => {
  const database = await benchDatabase('storm');
  const { db } = database;
  const standin = new LiveKitStandin(LIVEKIT_KEY, LIVEKIT_SECRET);
  const standinUrl = await standin.start();
  onCleanup(() => standin.stop());

  const { courtId, roomId } = await benchCourt(db);
  const judge = await authRepo.insertUser(db, {
    court_id: courtId,
    email: 'judge@bench.test',
    name: 'Judge',
    role: 'judge',
    password_hash: await new Passwords().hash('bench password long'),
  });
  const kase = await db
    .insertInto('cases')
    .values({ court_id: courtId, number: 'B-1', caption: 'Storm v. Lobby', case_type: 'civil' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const start = new Date(Date.now() + 3_600_000);
  const hearing = await db
    .insertInto('hearings')
    .values({
      court_id: courtId,
      case_id: kase.id,
      courtroom_id: roomId,
      title: 'Join storm',
      scheduled_start: start,
      scheduled_end: new Date(start.getTime() + 3_600_000),
      judge_id: judge.id,
      clerk_id: null,
      livekit_room: `hearing-bench-${Date.now()}`,
    })
    .returning('id')
    .executeTakeFirstOrThrow();

  // Invited and their links opened: a participant row and a participant session each.
  const people: Array<{ id: string; cookie: string }> = [];
  for (let i = 0; i < PARTICIPANTS; i += 500) {
    const rows = await db
      .insertInto('participants')
      .values(
        Array.from({ length: Math.min(500, PARTICIPANTS - i) }, (_, k) => ({
          hearing_id: hearing.id,
          role: (k % 10 === 0 ? 'observer' : k % 2 ? 'plaintiff' : 'defendant') as
            'observer' | 'plaintiff' | 'defendant',
          display_name: `Participant ${i + k}`,
        })),
      )
      .returning('id')
      .execute();
    const sessions = rows.map((r) => ({ id: r.id, token: newToken() }));
    await db
      .insertInto('participant_sessions')
      .values(
        sessions.map((s) => ({
          token_hash: participantSessionHash(SECRET, s.token),
          participant_id: s.id,
          hearing_id: hearing.id,
          expires_at: new Date(Date.now() + 86_400_000),
        })),
      )
      .execute();
    for (const s of sessions) people.push({ id: s.id, cookie: `gavel_participant=${s.token}` });
  }

  const bare = await startBaseline('fastify');
  const gavel = await startGavel(database.url, { LIVEKIT_API_URL: standinUrl });
  const base = gavel.base;
  const sockets: WebSocket[] = [];
  onCleanup(() => {
    for (const ws of sockets) ws.terminate();
  });
  const login = await ok(
    await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { origin: ORIGIN, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'judge@bench.test', password: 'bench password long' }),
    }),
    'sign-in',
  );
  const judgeCookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
  const post = (url: string, cookie: string) =>
    fetch(`${base}${url}`, {
      method: 'POST',
      headers: { origin: ORIGIN, cookie, 'content-type': 'application/json' },
      body: '{}',
    });

  // Idle: started, warmed up by a few hundred requests, then left alone for a second.
  for (let i = 0; i < 300; i++) {
    await (await fetch(`${base}/api/health`)).arrayBuffer();
    await (await fetch(`${base}/api/auth/me`, { headers: { cookie: judgeCookie } })).arrayBuffer();
    await (await fetch(`${bare.base}/`)).arrayBuffer();
  }
  await sleep(1000);
  const idleRss = gavel.rssMb();
  const bareRss = bare.rssMb();
  gavel.resetPeak();

  await ok(
    await fetch(`${base}/api/hearings/${hearing.id}/state`, {
      method: 'POST',
      headers: { origin: ORIGIN, cookie: judgeCookie, 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'open' }),
    }),
    'open',
  );

  say(`Join storm: ${PARTICIPANTS} participants, ${CONCURRENCY} requests in flight; the API in its own process`);

  // Every participant's socket, and the judge's, subscribed to the hearing; frames and bytes each receives.
  const admittedAt = new Map<string, number>();
  let lastMessageAt = 0;
  const watchers = [...people.map((p) => ({ id: p.id, cookie: p.cookie })), { id: null, cookie: judgeCookie }];
  const frames = new Int32Array(watchers.length);
  const bytes = new Float64Array(watchers.length);
  for (let i = 0; i < watchers.length; i += 200) {
    const batch = await Promise.all(
      watchers.slice(i, i + 200).map(
        (p, k) =>
          new Promise<WebSocket>((resolve, reject) => {
            const at = i + k;
            const ws = new WebSocket(`${base.replace('http', 'ws')}/api/ws`, {
              headers: { origin: ORIGIN, cookie: p.cookie },
            });
            ws.on('message', (raw: Buffer) => {
              lastMessageAt = performance.now();
              frames[at]! += 1;
              bytes[at]! += raw.length;
              const text = String(raw);
              if (text.startsWith('{"type":"snapshot"')) return resolve(ws);
              if (!p.id || admittedAt.has(p.id) || !text.includes(p.id)) return;
              // One's own admission: its own event, or one's move in a batch of moves.
              if (text.includes('"participant.presence_many"')) admittedAt.set(p.id, performance.now());
              else if (text.includes('"participant.admitted"')) {
                const m = JSON.parse(text) as { payload: { participantId: string } };
                if (m.payload.participantId === p.id) admittedAt.set(p.id, performance.now());
              }
            });
            ws.once('open', () => ws.send(JSON.stringify({ type: 'subscribe', hearingId: hearing.id })));
            ws.once('error', reject);
          }),
      ),
    );
    sockets.push(...batch);
  }

  // The storms go through one keep-alive client, opened by the lobby's and kept for the tokens and the baseline.
  const client = httpClient(CONCURRENCY);
  const stormPost = (url: string, cookie: string) => client.post(`${base}${url}`, { origin: ORIGIN, cookie });
  const lobby = await storm(people, CONCURRENCY, async (p) => {
    await stormPost(`/api/hearings/${hearing.id}/lobby`, p.cookie);
  });

  // What the admit-all sends, counted from here.
  await sleep(500);
  frames.fill(0);
  bytes.fill(0);
  const admitStart = performance.now();
  const admitRes = await ok(await post(`/api/hearings/${hearing.id}/admit-all`, judgeCookie), 'admit-all');
  const admitDone = performance.now();
  const admitted = ((await admitRes.json()) as { admitted: string[] }).admitted.length;
  const deadline = Date.now() + 60_000;
  while (admittedAt.size < PARTICIPANTS && Date.now() < deadline) await sleep(20);
  const delivery = latency([...admittedAt.values()].map((t) => t - admitStart));
  // Whatever follows the admissions (presence for the lists, the record's note) reaches every socket:
  // let it drain so the token figures measure the route, not the fan-out.
  while (performance.now() - lastMessageAt < 300) await sleep(50);
  const fanOut = lastMessageAt - admitStart;
  const framesTotal = frames.reduce((a, b) => a + b, 0);
  const framesMost = frames.reduce((a, b) => Math.max(a, b), 0);
  const meanBytes = Math.round(bytes.reduce((a, b) => a + b, 0) / watchers.length);

  // Baseline: a raw `ws` server broadcasting one message of the bytes each socket got, to as many sockets.
  const raw = await startBaseline('ws');
  const rawSockets: WebSocket[] = [];
  onCleanup(() => {
    for (const ws of rawSockets) ws.terminate();
  });
  let rawLast = 0;
  let rawGot = 0;
  for (let i = 0; i < watchers.length; i += 200) {
    rawSockets.push(
      ...(await Promise.all(
        Array.from(
          { length: Math.min(200, watchers.length - i) },
          () =>
            new Promise<WebSocket>((resolve, reject) => {
              const ws = new WebSocket(`${raw.base.replace('http', 'ws')}/ws`);
              // The same work per message as Gavel's clients above: decoded, then searched for an id.
              ws.on('message', (raw: Buffer) => {
                rawLast = performance.now();
                if (!String(raw).includes(people[0]!.id)) rawGot++;
              });
              ws.once('open', () => resolve(ws));
              ws.once('error', reject);
            }),
        ),
      )),
    );
  }
  const message = JSON.stringify({ type: 'event', payload: 'x'.repeat(Math.max(0, meanBytes - 30)) });
  const rawTimes: number[] = [];
  // One round to warm up (fresh connections), then three.
  for (let r = -1; r < 3; r++) {
    rawGot = 0;
    const t0 = performance.now();
    await (await fetch(`${raw.base}/broadcast`, { method: 'POST', body: message })).arrayBuffer();
    const until = Date.now() + 60_000;
    while (rawGot < rawSockets.length && Date.now() < until) await sleep(5);
    if (r >= 0) rawTimes.push(rawLast - t0);
    await sleep(200);
  }
  for (const ws of rawSockets) ws.terminate();
  await raw.stop();
  const rawBroadcast = latency(rawTimes).p50;

  const tokens = await storm(people, CONCURRENCY, async (p) => {
    JSON.parse(await stormPost(`/api/hearings/${hearing.id}/media-token`, p.cookie));
  });
  const peakRss = gavel.peakRssMb();
  // The bare route's connections are opened by a first round, as the lobby's opened the API's.
  const bareStorm = () =>
    storm(people, CONCURRENCY, async () => {
      JSON.parse(await client.post(`${bare.base}/bare`));
    });
  await bareStorm();
  const baseline = await bareStorm();

  say(`lobby joins: ${lobby.perSecond.toFixed(0)} /s, ${lat(lobby)}`);
  say(`admit-all: ${admitted} admitted in one request, ${ms(admitDone - admitStart)} (commit + 2 events per person)`);
  say(
    `admission delivered to ${delivery.n}/${PARTICIPANTS} sockets: ${lat(delivery)}, last ${ms(delivery.max)} (from the admit-all request)`,
  );
  say(
    `admit-all to ${int(watchers.length)} sockets: ${int(framesTotal)} frames (at most ${framesMost} a socket, ` +
      `${int(meanBytes)} bytes a socket on average), the last after ${ms(fanOut)}; raw ws broadcast of ` +
      `${int(message.length)} bytes to as many: last after ${rawTimes.map(ms).join(', ')}`,
  );

  await report({
    rows: [
      {
        measure: `Media token, ${int(PARTICIPANTS)}-participant join storm (${CONCURRENCY} in flight, sockets open)`,
        gavel: `${int(tokens.perSecond)} tokens/s · ${lat(tokens)}`,
        baseline: `bare Fastify POST, same client: ${int(baseline.perSecond)}/s · ${lat(baseline)}`,
        ratio: `${times(tokens.perSecond / baseline.perSecond)} /s, p99 ${times(tokens.p99 / baseline.p99)}`,
      },
      {
        measure: `Lobby joins in that storm; admit-all of ${int(admitted)}`,
        gavel: `${int(lobby.perSecond)} joins/s · ${lat(lobby)}; admit-all ${ms(admitDone - admitStart)}`,
        baseline: 'bare POST above',
        ratio: `${times(lobby.perSecond / baseline.perSecond)} /s`,
      },
      {
        measure:
          `Admit-all of ${int(admitted)} with a public gallery (every 10th an observer), ${int(watchers.length)} ` +
          'sockets: frames a socket, and the last socket updated (from the admit-all request)',
        gavel:
          `at most ${framesMost} frames a socket (${int(framesTotal)} in all, ${int(meanBytes)} bytes a socket); ` +
          `own admission ${lat(delivery)}; last socket updated after ${ms(fanOut)}`,
        baseline: `raw \`ws\` broadcast of ${int(message.length)} bytes to ${int(watchers.length)} sockets: last after ${ms(rawBroadcast)}`,
        ratio: `${times(fanOut / rawBroadcast)} (last socket)`,
      },
      {
        measure: 'RSS of the API process, idle (started, 600 requests of warm-up)',
        gavel: `${idleRss.toFixed(0)} MiB`,
        baseline: `bare Fastify process: ${bareRss.toFixed(0)} MiB`,
        ratio: times(idleRss / bareRss),
      },
      {
        measure: `RSS of the API process, peak during the join storm (${int(PARTICIPANTS)} sockets)`,
        gavel: `${peakRss.toFixed(0)} MiB`,
        baseline: `the API idle: ${idleRss.toFixed(0)} MiB`,
        ratio: times(peakRss / idleRss),
      },
    ],
  });
});
