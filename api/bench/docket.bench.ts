/**
 * The docket with 1,000,000 hearings: the function behind GET /api/hearings (`docketPage`, a page
 * of at most 200 hearings and the check of its cursor), for a judge's week (one page) and for a
 * court's week (about 800 hearings: each page timed, and the whole week walked page by page), timed
 * many times, with the EXPLAIN (ANALYZE, BUFFERS) of each. Five courts of 40 judges, each judge four hearings every
 * weekday, for as many years as the count needs, loaded with INSERT … SELECT generate_series into
 * a database of its own. Baseline in the same run: the same queries, same result sizes, when the
 * table held only the first few weeks. `make bench`; BENCH_HEARINGS, BENCH_DOCKET_RUNS.
 */
import { Kysely, PostgresDialect, type CompiledQuery } from 'kysely';
import pg from 'pg';
import type { Database } from '../src/platform/db/schema.ts';
import { DOCKET_PAGE } from '../src/scheduling/hearings.schema.ts';
import { docketPage } from '../src/scheduling/hearings.service.ts';
import {
  benchDatabase,
  envNumber,
  int,
  lat,
  latency,
  main,
  onCleanup,
  report,
  say,
  times,
  type Latency,
} from './lib.ts';

const HEARINGS = envNumber('BENCH_HEARINGS', 1_000_000);
const RUNS = envNumber('BENCH_DOCKET_RUNS', 200);
const COURTS = 5;
const JUDGES_PER_COURT = 40;
const JUDGES = COURTS * JUDGES_PER_COURT;
const PER_DAY = 4;
const PER_WEEK = JUDGES * PER_DAY * 5;
const CHUNK = 100_000;
const DAY = 86_400_000;

// The baseline table: a few whole weeks (at least one, at most five, never over half the count).
const BASE_ROWS = Math.max(PER_WEEK, Math.min(5 * PER_WEEK, Math.floor(HEARINGS / 2 / PER_WEEK) * PER_WEEK));
if (HEARINGS < 2 * PER_WEEK) throw new Error(`BENCH_HEARINGS must be at least ${2 * PER_WEEK}`);

// Monday about half the span before now, so the docket reaches from the past into the future.
const weeks = Math.floor(HEARINGS / PER_WEEK);
const monday = new Date();
monday.setUTCHours(0, 0, 0, 0);
monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7) - 7 * Math.floor(weeks / 2));

/** Hearing i: judge i % 200, slot i / 200 → weekday slot / 4 (weekends skipped), 09:00, 11:00, 13:00 or 15:00. */
const LOAD = `
  insert into hearings (court_id, case_id, courtroom_id, title, scheduled_start, scheduled_end,
                        judge_id, clerk_id, state, livekit_room)
  select ($1::uuid[])[j / ${JUDGES_PER_COURT} + 1], md5('bench-case-' || j || '-' || (s / 10))::uuid,
         ($2::uuid[])[j + 1], 'Hearing ' || i, st, st + interval '90 minutes',
         ($3::uuid[])[j + 1], ($4::uuid[])[j / ${JUDGES_PER_COURT} + 1],
         case when st < now() then 'adjourned' else 'scheduled' end, 'bench-' || i
  from generate_series($6::bigint, $7::bigint - 1) i,
       lateral (select (i % ${JUDGES})::int as j, (i / ${JUDGES})::int as s) a,
       lateral (select $5::timestamptz + ((s / ${PER_DAY} / 5) * 7 + (s / ${PER_DAY}) % 5) * interval '1 day'
                       + (9 + 2 * (s % ${PER_DAY})) * interval '1 hour' as st) b`;

/** A small deterministic generator, so every run asks for the same judges and weeks. */
function random(seed: number) {
  let x = seed;
  return (n: number) => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x % n;
  };
}

await main(async () => {
  const database = await benchDatabase('docket');
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  onCleanup(() => client.end());
  // The app's repository function, run by a Kysely that also hands back the SQL it sent.
  let captured: CompiledQuery | undefined;
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (e) => void (e.level === 'query' && (captured = e.query)),
  });
  onCleanup(() => db.destroy());

  say(
    `Docket: ${int(HEARINGS)} hearings, ${COURTS} courts × ${JUDGES_PER_COURT} judges, ${weeks} weeks from ${monday.toISOString().slice(0, 10)}`,
  );
  const courts = (
    await database.db
      .insertInto('courts')
      .values(Array.from({ length: COURTS }, (_, c) => ({ name: `Bench Court ${c + 1}`, timezone: 'UTC' })))
      .returning('id')
      .execute()
  ).map((r) => r.id);
  const judges: string[] = [];
  const rooms: string[] = [];
  const clerks: string[] = [];
  for (const [c, courtId] of courts.entries()) {
    const users = await database.db
      .insertInto('users')
      .values(
        Array.from({ length: JUDGES_PER_COURT + 1 }, (_, k) => ({
          court_id: courtId,
          email: `c${c}-${k}@bench.test`,
          name: k === 0 ? `Clerk ${c}` : `Judge ${c}-${k}`,
          role: (k === 0 ? 'clerk' : 'judge') as 'clerk' | 'judge',
          password_hash: 'bench: no password',
        })),
      )
      .returning('id')
      .execute();
    clerks.push(users[0]!.id);
    judges.push(...users.slice(1).map((u) => u.id));
    const r = await database.db
      .insertInto('courtrooms')
      .values(Array.from({ length: JUDGES_PER_COURT }, (_, k) => ({ court_id: courtId, name: `Room ${k + 1}` })))
      .returning('id')
      .execute();
    rooms.push(...r.map((x) => x.id));
  }
  const t0 = performance.now();
  await client.query(
    `insert into cases (id, court_id, number, caption, case_type)
     select md5('bench-case-' || j || '-' || n)::uuid, ($1::uuid[])[j / ${JUDGES_PER_COURT} + 1],
            'B-' || j || '-' || n, 'Bench v. Docket ' || n, 'civil'
     from generate_series(0, ${JUDGES - 1}) j, generate_series(0, $2::int) n`,
    [courts, Math.ceil(HEARINGS / JUDGES / 10)],
  );
  say(
    `  cases: ${int(Math.ceil(HEARINGS / JUDGES / 10) * JUDGES)} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  // The rows are consistent by construction, so skip the per-row foreign-key triggers while loading
  // (superuser only; otherwise they run, slower). Indexes are maintained as usual.
  await client.query(`set session_replication_role = replica`).catch(() => undefined);
  let loaded = 0;
  async function loadUpTo(n: number) {
    while (loaded < n) {
      const hi = Math.min(n, loaded + CHUNK);
      const t = performance.now();
      await client.query(LOAD, [courts, rooms, judges, clerks, monday, loaded, hi]);
      say(
        `  hearings: ${int(hi)} / ${int(HEARINGS)} (${int(((hi - loaded) / (performance.now() - t)) * 1000)} rows/s)`,
      );
      loaded = hi;
    }
    await client.query('analyze courts, users, courtrooms, cases, hearings');
  }

  /**
   * RUNS weeks in [0, inWeeks), each walked page by page as the docket's screen asks for them, for a
   * judge or a whole court: the time of each page, and of each whole week.
   */
  async function time(
    kind: 'judge' | 'court',
    inWeeks: number,
  ): Promise<{ page: Latency; week: Latency; rows: number; pages: number }> {
    const pick = random(kind === 'judge' ? 7 : 11);
    const pageSamples: number[] = [];
    const weekSamples: number[] = [];
    let rows = 0;
    for (let r = 0; r < RUNS + 10; r++) {
      const j = pick(JUDGES);
      const from = new Date(monday.getTime() + pick(inWeeks) * 7 * DAY);
      const filter = {
        courtId: courts[Math.floor(j / JUDGES_PER_COURT)]!,
        from,
        to: new Date(from.getTime() + 7 * DAY),
        ...(kind === 'judge' ? { judgeId: judges[j]! } : {}),
      };
      const pages: number[] = [];
      let weekRows = 0;
      for (let after: string | null | undefined; after !== null;) {
        const t = performance.now();
        const page = await docketPage(database.db, filter, { after, limit: DOCKET_PAGE });
        pages.push(performance.now() - t);
        weekRows += page.rows.length;
        after = page.next;
      }
      // The first ten weeks warm the cache and the connections.
      if (r >= 10) {
        pageSamples.push(...pages);
        weekSamples.push(pages.reduce((a, b) => a + b, 0));
        rows += weekRows;
      }
    }
    return {
      page: latency(pageSamples),
      week: latency(weekSamples),
      rows: rows / RUNS,
      pages: pageSamples.length / RUNS,
    };
  }

  /**
   * EXPLAIN (ANALYZE, BUFFERS) of the exact SQL docketPage sends for this week's list, as the prepared
   * statement it is: for a court, its second page (the one after a cursor); for a judge, the week's one page.
   */
  async function explain(kind: 'judge' | 'court'): Promise<{ plan: string; indexes: string[]; seqScan: boolean }> {
    const from = new Date(monday.getTime() + Math.floor(weeks / 2) * 7 * DAY);
    const filter = {
      courtId: courts[0]!,
      from,
      to: new Date(from.getTime() + 7 * DAY),
      ...(kind === 'judge' ? { judgeId: judges[0]! } : {}),
    };
    const first = await docketPage(db, filter, { limit: DOCKET_PAGE });
    if (kind === 'court') await docketPage(db, filter, { after: first.next ?? undefined, limit: DOCKET_PAGE });
    const q = captured!;
    // The docket's query is a prepared statement on the app's connections: PostgreSQL plans its first
    // five runs for their parameters, then keeps a generic plan when that costs no more. Prepared here
    // the same way and run six times, the EXPLAIN shows the plan the app's connections run.
    const name = `docket_${kind}`;
    await client.query({ name, text: q.sql, values: q.parameters as unknown[] });
    const literal = (v: unknown) => (v instanceof Date ? `'${v.toISOString()}'` : `'${String(v).replace(/'/g, "''")}'`);
    const args = (q.parameters as unknown[]).map(literal).join(', ');
    for (let i = 0; i < 5; i++) await client.query(`execute ${name}(${args})`);
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(
      `explain (analyze, buffers) execute ${name}(${args})`,
    );
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    const indexes = [
      ...plan.matchAll(/(?:Index (?:Only )?Scan(?: Backward)? using|Bitmap Index Scan on) (hearings\w*)/g),
    ]
      .map((m) => m[1]!)
      .filter((v, i, a) => a.indexOf(v) === i);
    return { plan, indexes, seqScan: /Seq Scan on hearings/.test(plan) };
  }

  await loadUpTo(BASE_ROWS);
  const baseJudge = await time('judge', BASE_ROWS / PER_WEEK);
  const baseCourt = await time('court', BASE_ROWS / PER_WEEK);
  say(
    `  baseline at ${int(BASE_ROWS)} hearings: judge's week ${lat(baseJudge.page)}, ` +
      `court's week a page ${lat(baseCourt.page)}, walked ${lat(baseCourt.week)}`,
  );
  const loadStart = performance.now();
  await loadUpTo(HEARINGS);
  const loadSeconds = (performance.now() - loadStart) / 1000;
  const { rows: size } = await client.query<{ size: string }>(
    `select pg_size_pretty(pg_total_relation_size('hearings')) as size`,
  );
  const judge = await time('judge', weeks);
  const court = await time('court', weeks);
  const judgePlan = await explain('judge');
  const courtPlan = await explain('court');
  const used = (p: { indexes: string[]; seqScan: boolean }) =>
    p.seqScan ? 'a sequential scan of hearings' : `index ${p.indexes.join(', ')}`;
  const ratio = (a: Latency, b: Latency) => `p50 ${times(a.p50 / b.p50)}, p99 ${times(a.p99 / b.p99)}`;

  await report({
    rows: [
      {
        measure: `Docket, a judge's week, ${int(HEARINGS)} hearings (\`docketPage\`, ${RUNS} random judges and weeks)`,
        gavel: `${lat(judge.page)} · ${judge.rows.toFixed(0)} rows · ${used(judgePlan)}`,
        baseline: `same queries at ${int(BASE_ROWS)} hearings: ${lat(baseJudge.page)}`,
        ratio: ratio(judge.page, baseJudge.page),
      },
      {
        measure: `Docket, a court's week (${JUDGES_PER_COURT} judges), ${int(HEARINGS)} hearings: a page of ${DOCKET_PAGE}`,
        gavel: `${lat(court.page)} · ${court.pages.toFixed(0)} pages a week · ${used(courtPlan)}`,
        baseline: `same pages at ${int(BASE_ROWS)} hearings: ${lat(baseCourt.page)}`,
        ratio: ratio(court.page, baseCourt.page),
      },
      {
        measure: `Docket, a court's whole week walked page by page, ${int(HEARINGS)} hearings`,
        gavel: `${lat(court.week)} · ${court.rows.toFixed(0)} rows`,
        baseline: `same weeks at ${int(BASE_ROWS)} hearings: ${lat(baseCourt.week)}`,
        ratio: ratio(court.week, baseCourt.week),
      },
    ],
    notes: [
      `Docket data: ${int(HEARINGS)} hearings (${size[0]!.size} with indexes) loaded in ${loadSeconds.toFixed(0)} s after the baseline.`,
      `EXPLAIN (ANALYZE, BUFFERS), a judge's week (the middle week of the data):\n${judgePlan.plan}`,
      `EXPLAIN (ANALYZE, BUFFERS), a court's week, its second page (after a cursor):\n${courtPlan.plan}`,
      `Both index ranges are bounded on scheduled_start from both sides: below by \`from\` − 168 h (no hearing is ` +
        `longer, a check constraint since migration 11), or by the cursor's start, so a page reads one window of ` +
        `the index, not every earlier hearing.`,
    ],
  });
});
