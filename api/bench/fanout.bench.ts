/**
 * Websocket fan-out: one transcript entry POSTed by the hearing's clerk reaches 1,000 and then 5,000
 * sockets subscribed to the hearing on /api/ws (real staff sessions: clerks of the court), timed
 * from the POST to each socket's receipt. Baseline in the same run: a raw `ws` server in its own
 * process broadcasting the same message to as many sockets, its rounds interleaved with Gavel's. All
 * client sockets live in this one process (its event-loop use is printed, to show whether it is the
 * bottleneck).
 * `make bench`; BENCH_SOCKETS (default 1000,5000), BENCH_ROUNDS.
 */
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import {
  ORIGIN,
  benchCourt,
  benchDatabase,
  envList,
  envNumber,
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
  staffCookies,
  times,
  type Row,
} from './lib.ts';

const SIZES = envList('BENCH_SOCKETS', [1000, 5000]).sort((a, b) => a - b);
// Twenty entries: with five, the p99 of 5,000 samples was the slowest round's tail alone, and one
// slow round (a checkpoint, a collection) decided the row.
const ROUNDS = envNumber('BENCH_ROUNDS', 20);
// Rounds each side runs first, not counted. With one, the first socket heard Gavel's first counted
// entry 20 ms after its POST, against 10–15 ms in the rounds after: the route's code was still being
// compiled, which a server that has run for a day no longer pays.
const WARMUP = 5;
const MOST = SIZES.at(-1)!;
const CLERKS = 10;

await main(async () => {
  const database = await benchDatabase('fanout');
  const { db } = database;
  const { courtId, roomId } = await benchCourt(db);
  const staff = await db
    .insertInto('users')
    .values(
      Array.from({ length: CLERKS + 1 }, (_, i) => ({
        court_id: courtId,
        email: i === 0 ? 'judge@bench.test' : `clerk${i}@bench.test`,
        name: i === 0 ? 'Judge' : `Clerk ${i}`,
        role: (i === 0 ? 'judge' : 'clerk') as 'judge' | 'clerk',
        password_hash: 'bench: no password',
      })),
    )
    .returning('id')
    .execute();
  const [judge, clerk] = [staff[0]!, staff[1]!];
  const kase = await db
    .insertInto('cases')
    .values({ court_id: courtId, number: 'B-1', caption: 'Fan v. Out', case_type: 'civil' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const hearing = await db
    .insertInto('hearings')
    .values({
      court_id: courtId,
      case_id: kase.id,
      courtroom_id: roomId,
      title: 'Fan-out',
      scheduled_start: new Date(),
      scheduled_end: new Date(Date.now() + 3_600_000),
      judge_id: judge.id,
      clerk_id: clerk.id,
      state: 'in_session',
      livekit_room: `hearing-fanout-${Date.now()}`,
    })
    .returning('id')
    .executeTakeFirstOrThrow();

  // Signed-in staff: MOST + 1 sessions spread over the clerks.
  const cookies = await staffCookies(
    db,
    Array.from({ length: MOST + 1 }, (_, i) => staff[(i % CLERKS) + 1]!.id),
  );
  // The first session is the poster's: the hearing's clerk (user 1 gets every CLERKS-th session).
  const posterCookie = cookies.shift()!;

  /** What a round waits for: every socket's receipt of the message carrying `marker`. */
  let current: { marker: string; at: Float64Array; count: number; done: () => void } | undefined;
  let lastText = '';

  function connect(url: string, index: number, headers: Record<string, string>, subscribe: boolean) {
    return new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      ws.on('message', (raw) => {
        const now = performance.now();
        const text = String(raw);
        if (subscribe && text.startsWith('{"type":"snapshot"')) return resolve(ws);
        const c = current;
        if (c && text.includes(c.marker) && c.at[index] === 0) {
          c.at[index] = now;
          lastText = text;
          if (++c.count === c.at.length) c.done();
        }
      });
      ws.once('open', () => {
        if (subscribe) ws.send(JSON.stringify({ type: 'subscribe', hearingId: hearing.id }));
        else resolve(ws);
      });
      ws.once('error', reject);
    });
  }

  async function grow(sockets: WebSocket[], n: number, open: (i: number) => Promise<WebSocket>) {
    const t0 = performance.now();
    const from = sockets.length;
    for (let i = from; i < n; i += 100) {
      sockets.push(...(await Promise.all(Array.from({ length: Math.min(100, n - i) }, (_, k) => open(i + k)))));
    }
    return { seconds: (performance.now() - t0) / 1000, added: n - from };
  }

  /** A side of the comparison: its sockets, how a message is sent to them, and what it measured. */
  interface Side {
    sockets: WebSocket[];
    send: (marker: string) => Promise<void>;
    samples: number[];
    posts: number[];
    active: number;
    idle: number;
  }

  /** One message to every socket of `side`; each socket's delay from the send to its receipt. */
  async function round(side: Side, r: number, keep: boolean) {
    const n = side.sockets.length;
    const marker = `fan-out-${randomBytes(6).toString('hex')}`;
    let done!: () => void;
    const all = new Promise<void>((resolve) => (done = resolve));
    current = { marker, at: new Float64Array(n), count: 0, done };
    // How busy this (client) process is while a message fans out: near 100% means it is the bottleneck.
    const elu0 = performance.eventLoopUtilization();
    const t0 = performance.now();
    await side.send(marker);
    const posted = performance.now() - t0;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`round ${r}: ${current!.count}/${n} sockets got the message within 60 s`)),
        60_000,
      );
    });
    await Promise.race([all, timeout]).finally(() => clearTimeout(timer));
    if (keep) {
      const elu = performance.eventLoopUtilization(elu0);
      side.active += elu.active;
      side.idle += elu.idle;
      side.posts.push(posted);
      for (const t of current.at) side.samples.push(t - t0);
    }
    current = undefined;
    await sleep(200);
  }

  /**
   * ROUNDS messages to each side (after WARMUP each to warm up), the two sides' rounds interleaved and
   * their order alternated (Gavel, raw, raw, Gavel, ...), so a slow moment of the machine (a checkpoint,
   * another process) falls on both sides alike rather than on whichever ran second.
   */
  async function compare(a: Side, b: Side) {
    for (let r = -WARMUP; r < ROUNDS; r++) {
      const order = r % 2 === 0 ? [a, b] : [b, a];
      for (const side of order) await round(side, r, r >= 0);
    }
    const result = (s: Side) => ({
      ...latency(s.samples),
      post: latency(s.posts),
      busy: s.active / (s.active + s.idle),
    });
    return [result(a), result(b)] as const;
  }
  const side = (sockets: WebSocket[], send: (marker: string) => Promise<void>): Side => ({
    sockets,
    send,
    samples: [],
    posts: [],
    active: 0,
    idle: 0,
  });

  const gavel = await startGavel(database.url);
  const raw = await startBaseline('ws');
  const gavelSockets: WebSocket[] = [];
  const rows: Row[] = [];
  onCleanup(() => {
    for (const s of gavelSockets) s.terminate();
  });
  const wsUrl = `${gavel.base.replace('http', 'ws')}/api/ws`;
  const postEntry = async (marker: string) => {
    const res = await ok(
      await fetch(`${gavel.base}/api/hearings/${hearing.id}/transcript/entries`, {
        method: 'POST',
        headers: { origin: ORIGIN, cookie: posterCookie, 'content-type': 'application/json' },
        body: JSON.stringify({ speaker: 'Clerk', text: `The court notes ${marker} for the record.` }),
      }),
      'transcript entry',
    );
    await res.arrayBuffer();
  };
  say(`Fan-out: ${SIZES.join(', ')} sockets, ${ROUNDS} entries each; clients in one process`);

  for (const n of SIZES) {
    const grown = await grow(gavelSockets, n, (i) => connect(wsUrl, i, { origin: ORIGIN, cookie: cookies[i]! }, true));
    say(`  ${int(n)} more sockets signed in and subscribed in ${grown.seconds.toFixed(1)} s`);
    // One entry first, for the very message Gavel sends: the raw server sends it with a fresh marker of
    // the same length each round.
    const gavelSide = side(gavelSockets.slice(0, n), postEntry);
    await round(gavelSide, -1, false);
    const message = lastText;
    const rawSockets: WebSocket[] = [];
    await grow(rawSockets, n, (i) => connect(`${raw.base.replace('http', 'ws')}/ws`, i, {}, false));
    const rawSide = side(rawSockets, async (marker) => {
      const res = await fetch(`${raw.base}/broadcast`, {
        method: 'POST',
        body: message.replace(/fan-out-[0-9a-f]{12}/, marker),
      });
      await res.arrayBuffer();
    });
    const [g, b] = await compare(gavelSide, rawSide);
    for (const s of rawSockets) s.terminate();
    say(
      `  ${int(n)}: Gavel ${lat(g)} (POST answered ${lat(g.post)}, clients busy ${(g.busy * 100).toFixed(0)}%), ` +
        `raw ws ${lat(b)} (clients busy ${(b.busy * 100).toFixed(0)}%), message ${message.length} bytes`,
    );
    rows.push({
      measure: `Fan-out of one transcript entry to ${int(n)} sockets on \`/api/ws\` (POST → receipt, ${ROUNDS} entries)`,
      gavel: `${lat(g)} · last ${ms(g.max)}`,
      baseline: `raw \`ws\` broadcast, same message: ${lat(b)} · last ${ms(b.max)}`,
      ratio: `p50 ${times(g.p50 / b.p50)}, p99 ${times(g.p99 / b.p99)}`,
    });
  }
  await report({ rows });
});
