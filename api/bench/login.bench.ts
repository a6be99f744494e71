/**
 * Staff sign-in through the real route and Passwords (argon2id m=19456 KiB, t=2, p=1, at most two
 * hashes at once, 64 waiting): logins per second for distinct valid accounts, then what an attacker
 * flooding the login route gets, from one address and from many, and whether the server keeps
 * answering meanwhile. The API runs as `make run` starts it (TRUST_PROXY unset), so the client
 * address is the socket's: each simulated person or attacker connects from its own loopback
 * address (127.0.0.0/8 is all loopback on Linux). `make bench`; BENCH_LOGINS, BENCH_FLOOD_SECONDS.
 */
import { Agent, request } from 'node:http';
import argon2 from 'argon2';
import { ARGON2_OPTIONS } from '../src/accounts/password.ts';
import {
  benchDatabase,
  envNumber,
  int,
  lat,
  latency,
  main,
  onCleanup,
  ORIGIN,
  report,
  say,
  sleep,
  startGavel,
  storm,
  times,
  type Latency,
} from './lib.ts';

const LOGINS = envNumber('BENCH_LOGINS', 200);
const FLOOD_SECONDS = envNumber('BENCH_FLOOD_SECONDS', 10);
const IN_FLIGHT = 8;
const PASSWORD = 'bench password long';
const TARGETED = 20;

const agents = new Map<string, Agent>();
/** One keep-alive agent per source address, so connection churn does not exhaust loopback ports. */
function agentFor(address: string): Agent {
  let a = agents.get(address);
  if (!a) {
    a = new Agent({ keepAlive: true, localAddress: address, maxSockets: 256 });
    agents.set(address, a);
  }
  return a;
}

function call(
  base: string,
  from: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; ms: number; code?: string }> {
  const url = new URL(path, base);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        agent: agentFor(from),
        headers: payload
          ? { origin: ORIGIN, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
          : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let code: string | undefined;
          if (res.statusCode! >= 400) code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
          resolve({ status: res.statusCode!, ms: performance.now() - t0, ...(code ? { code } : {}) });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** GET /api/health from its own address, one at a time, 10 ms apart, until `stop` resolves. */
async function probeHealth(base: string, stop: Promise<unknown>): Promise<Latency> {
  let done = false;
  void stop.then(() => (done = true));
  const samples: number[] = [];
  while (!done) {
    const r = await call(base, '127.0.0.2', 'GET', '/api/health');
    if (r.status !== 200) throw new Error(`health answered ${r.status}`);
    samples.push(r.ms);
    await sleep(10);
  }
  return latency(samples);
}

/** `workers` loops, each from `addressOf(worker)`, posting wrong passwords until the deadline. */
async function flood(base: string, workers: number, addressOf: (w: number) => string, emails: string[]) {
  const statuses = new Map<string, number>();
  const deadline = performance.now() + FLOOD_SECONDS * 1000;
  let sent = 0;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      while (performance.now() < deadline) {
        const email = emails[sent++ % emails.length]!;
        const r = await call(base, addressOf(w), 'POST', '/api/auth/login', { email, password: 'guess guess guess' });
        const key = r.status === 503 ? `503 ${r.code}` : String(r.status);
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
      }
    }),
  );
  return { statuses, sent };
}

const counts = (s: Map<string, number>, sent: number) =>
  `${int(sent)} requests (${int(sent / FLOOD_SECONDS)}/s): ` +
  [...s.entries()]
    .sort()
    .map(([k, n]) => `${int(n)}× ${k}`)
    .join(', ');

await main(async () => {
  const database = await benchDatabase('login');
  const { db } = database;
  const court = await db
    .insertInto('courts')
    .values({ name: 'Bench', timezone: 'UTC' })
    .returning('id')
    .executeTakeFirstOrThrow();
  // One hash for every account: each verify costs the same as with hashes of their own.
  const hash = await argon2.hash(PASSWORD, ARGON2_OPTIONS);
  const emails = Array.from({ length: LOGINS + TARGETED }, (_, i) => `clerk${i}@bench.test`);
  for (let i = 0; i < emails.length; i += 1000) {
    await db
      .insertInto('users')
      .values(
        emails.slice(i, i + 1000).map((email, k) => ({
          court_id: court.id,
          email,
          name: `Clerk ${i + k}`,
          role: 'clerk' as const,
          password_hash: hash,
        })),
      )
      .execute();
  }
  const legit = emails.slice(0, LOGINS);
  // What attackers aim at: real accounts that no legitimate user below signs in to, and unknown emails.
  const attacked = [...emails.slice(LOGINS), ...Array.from({ length: TARGETED }, (_, i) => `nobody${i}@bench.test`)];

  const gavel = await startGavel(database.url);
  onCleanup(() => {
    for (const a of agents.values()) a.destroy();
  });
  say(
    `Sign-in: ${LOGINS} distinct accounts, ${IN_FLIGHT} in flight, one loopback address each; floods of ${FLOOD_SECONDS} s`,
  );
  for (let i = 0; i < 50; i++) await call(gavel.base, '127.0.0.2', 'GET', '/api/health');

  // Baseline: argon2id verify alone, two at a time like the server's limiter, in this process.
  const verify = await storm(
    Array.from({ length: Math.max(20, Math.min(100, LOGINS)) }),
    2,
    async () => void (await argon2.verify(hash, PASSWORD)),
  );

  let n = 0;
  const logins = await storm(legit, IN_FLIGHT, async (email) => {
    const from = `127.0.1.${(n++ % 250) + 1}`;
    const r = await call(gavel.base, from, 'POST', '/api/auth/login', { email, password: PASSWORD });
    if (r.status !== 200) throw new Error(`valid sign-in answered ${r.status} ${r.code}`);
  });

  const idle = await probeHealth(gavel.base, sleep(3000));

  // One address, 50 requests in flight: the route's limit (30 a minute an address), then the
  // failure limits kept in the database (20 an address, 5 an account, 15 minutes).
  let stop = flood(gavel.base, 50, () => '127.0.0.66', attacked);
  const [one, duringOne] = await Promise.all([stop, probeHealth(gavel.base, stop)]);

  // Many addresses (a botnet): every request passes the per-address limits at first, so hashing
  // saturates and the queue answers 503 busy. Meanwhile a valid user starts a sign-in every 250 ms.
  await sleep(1000);
  stop = flood(gavel.base, 200, (w) => `127.0.2.${(w % 100) + 1}`, attacked);
  const valid: number[] = [];
  const validStatus = new Map<string, number>();
  const attempts: Promise<void>[] = [];
  const validLoop = (async () => {
    let done = false;
    void stop.then(() => (done = true));
    for (let k = 0; !done; k++) {
      attempts.push(
        call(gavel.base, `127.0.3.${(k % 250) + 1}`, 'POST', '/api/auth/login', {
          email: legit[k % legit.length],
          password: PASSWORD,
        }).then((r) => {
          const key = r.status === 503 ? `503 ${r.code}` : String(r.status);
          validStatus.set(key, (validStatus.get(key) ?? 0) + 1);
          if (r.status === 200) valid.push(r.ms);
        }),
      );
      await sleep(250);
    }
    await Promise.all(attempts);
  })();
  const [many, duringMany] = await Promise.all([stop, probeHealth(gavel.base, stop), validLoop]);
  const validLat = latency(valid);
  const validTotal = [...validStatus.values()].reduce((a, b) => a + b, 0);

  const healthRow = (l: Latency) => `${lat(l)} (${int(l.n)} probes)`;
  await report({
    rows: [
      {
        measure: `Staff sign-in, argon2id, ${int(LOGINS)} distinct accounts from as many addresses, ${IN_FLIGHT} in flight`,
        gavel: `${logins.perSecond.toFixed(1)} logins/s · ${lat(logins)}`,
        baseline: `argon2id verify alone, 2 at a time: ${verify.perSecond.toFixed(1)}/s · ${lat(verify)}`,
        ratio: `${times(logins.perSecond / verify.perSecond)} /s`,
      },
      {
        measure: `Login flood from one address, 50 in flight, ${FLOOD_SECONDS} s (wrong passwords)`,
        gavel: counts(one.statuses, one.sent),
        baseline: '—',
        ratio: '—',
      },
      {
        measure: '`GET /api/health` during that flood',
        gavel: healthRow(duringOne),
        baseline: `idle: ${healthRow(idle)}`,
        ratio: `p99 ${times(duringOne.p99 / idle.p99)}`,
      },
      {
        measure: `Login flood from 100 addresses, 200 in flight, ${FLOOD_SECONDS} s`,
        gavel: counts(many.statuses, many.sent),
        baseline: '—',
        ratio: '—',
      },
      {
        measure: '`GET /api/health` during that flood',
        gavel: healthRow(duringMany),
        baseline: `idle: ${healthRow(idle)}`,
        ratio: `p99 ${times(duringMany.p99 / idle.p99)}`,
      },
      {
        measure: 'Valid sign-ins during that flood (one begun every 250 ms)',
        gavel:
          `${valid.length}/${validTotal} signed in (` +
          [...validStatus.entries()].map(([k, c]) => `${c}× ${k}`).join(', ') +
          `) · ${lat(validLat)}`,
        baseline: `no flood: ${lat(logins)}`,
        ratio: `p99 ${times(validLat.p99 / logins.p99)}`,
      },
    ],
  });
});
