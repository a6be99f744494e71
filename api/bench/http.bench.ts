/**
 * Request throughput of Gavel's routes against a bare Fastify hello-world (the ceiling), each
 * server in a process of its own, the load from autocannon in this one. Prints figures, not
 * verdicts: `make bench` (DATABASE_URL, else an embedded PostgreSQL); BENCH_SECONDS per route.
 */
import autocannon from 'autocannon';
import { Passwords } from '../src/accounts/password.ts';
import * as authRepo from '../src/accounts/auth.repository.ts';
import {
  ORIGIN,
  benchDatabase,
  envNumber,
  int,
  lat,
  latency,
  main,
  ok,
  report,
  say,
  startBaseline,
  startGavel,
  times,
  type Latency,
} from './lib.ts';

const DURATION = envNumber('BENCH_SECONDS', 5);
const CONNECTIONS = 10;

interface Figure extends Latency {
  rps: number;
}

/** autocannon's own histogram is whole milliseconds; every response's time is kept here instead. */
async function measure(url: string, headers: Record<string, string> = {}): Promise<Figure> {
  await autocannon({ url, headers, connections: CONNECTIONS, duration: 1 }); // warm-up
  const samples: number[] = [];
  let failed = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const run = autocannon({ url, headers, connections: CONNECTIONS, duration: DURATION }, (err, r) =>
      err ? reject(err as Error) : resolve(r),
    );
    run.on('response', (_client, status, _bytes, responseTime) => {
      if (status >= 200 && status < 300) samples.push(responseTime);
      else failed++;
    });
  });
  if (failed > 0 || result.errors > 0) throw new Error(`${url}: ${failed} non-2xx, ${result.errors} errors`);
  return { rps: samples.length / DURATION, ...latency(samples) };
}

await main(async () => {
  const database = await benchDatabase('http');
  const court = await database.db
    .insertInto('courts')
    .values({ name: 'Bench', timezone: 'UTC' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await authRepo.insertUser(database.db, {
    court_id: court.id,
    email: 'bench@bench.test',
    name: 'Bench',
    role: 'judge',
    password_hash: await new Passwords().hash('bench password long'),
  });

  const bare = await startBaseline('fastify');
  const gavel = await startGavel(database.url);
  const login = await ok(
    await fetch(`${gavel.base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: ORIGIN },
      body: JSON.stringify({ email: 'bench@bench.test', password: 'bench password long' }),
    }),
    'sign-in',
  );
  const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;

  say(
    `HTTP: autocannon, ${CONNECTIONS} connections, ${DURATION} s a route (after 1 s of warm-up), servers in their own processes`,
  );
  const ceiling = await measure(`${bare.base}/`);
  const health = await measure(`${gavel.base}/api/health`);
  const me = await measure(`${gavel.base}/api/auth/me`, { cookie });
  const fig = (f: Figure) => `${int(f.rps)} req/s · ${lat(f)}`;
  const vs = (f: Figure) => `${times(f.rps / ceiling.rps)} req/s, p99 ${times(f.p99 / ceiling.p99)}`;
  await report({
    rows: [
      {
        measure: `Bare Fastify hello-world, the ceiling (GET /, ${CONNECTIONS} connections)`,
        gavel: fig(ceiling),
        baseline: '—',
        ratio: '1×',
      },
      {
        measure: '`GET /api/health` (a shared database probe, one round trip a second)',
        gavel: fig(health),
        baseline: 'hello-world',
        ratio: vs(health),
      },
      {
        measure: '`GET /api/auth/me` (session, cached between notifications)',
        gavel: fig(me),
        baseline: 'hello-world',
        ratio: vs(me),
      },
    ],
  });
});
