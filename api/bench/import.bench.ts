/**
 * A caption import: 5,000 cues POSTed by the hearing's clerk to the real API
 * (`POST /api/hearings/:id/transcript/import?source=captions`), each run into a hearing of its own,
 * timed from the request to its answer, and the rows the import wrote counted from PostgreSQL's own
 * statistics. Baseline in the same run, its runs interleaved with Gavel's: the same 5,000 rows written
 * by this process straight to a bare copy of the transcript's table, one multi-row INSERT in a
 * transaction: the least any import of them costs. How many statements the import sends is counted by
 * `api/src/record/import-queries.test.ts`.
 * `make bench`; BENCH_IMPORT_RUNS.
 */
import pg from 'pg';
import {
  ORIGIN,
  benchCourt,
  benchDatabase,
  envNumber,
  lat,
  latency,
  main,
  ok,
  onCleanup,
  report,
  say,
  startGavel,
  staffCookies,
  times,
} from './lib.ts';

const RUNS = envNumber('BENCH_IMPORT_RUNS', 10);
const CUES = 5000;

await main(async () => {
  const database = await benchDatabase('import');
  const { db } = database;
  const { courtId, roomId } = await benchCourt(db);
  const [judge, clerk] = await db
    .insertInto('users')
    .values(
      (['judge', 'clerk'] as const).map((role) => ({
        court_id: courtId,
        email: `${role}@bench.test`,
        name: role === 'judge' ? 'Judge' : 'Clerk',
        role,
        password_hash: 'bench: no password',
      })),
    )
    .returning('id')
    .execute();
  const kase = await db
    .insertInto('cases')
    .values({ court_id: courtId, number: 'B-1', caption: 'Import v. Captions', case_type: 'civil' })
    .returning('id')
    .executeTakeFirstOrThrow();
  // One hearing in session for each run (and one to warm up), so every import starts an empty transcript.
  const hearings = await db
    .insertInto('hearings')
    .values(
      Array.from({ length: RUNS + 1 }, (_, i) => ({
        court_id: courtId,
        case_id: kase.id,
        courtroom_id: roomId,
        title: `Import ${i}`,
        scheduled_start: new Date(Date.now() + i * 7_200_000),
        scheduled_end: new Date(Date.now() + i * 7_200_000 + 3_600_000),
        judge_id: judge!.id,
        clerk_id: clerk!.id,
        state: 'in_session' as const,
        livekit_room: `hearing-import-${i}-${Date.now()}`,
      })),
    )
    .returning('id')
    .execute();

  const [cookie] = await staffCookies(db, [clerk!.id]);

  const cues = Array.from({ length: CUES }, (_, i) => ({
    speaker: i % 2 ? '被告代理人' : 'Counsel Chen',
    start: i * 2.5,
    text: i % 2 ? `我方不同意原告第${i}项诉讼请求，理由如下。` : `Line ${i} of the opening statement, as captioned.`,
  }));
  const body = JSON.stringify(cues);

  // The floor: a bare copy of the entries' table (columns and defaults; no triggers, no other index).
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  onCleanup(() => client.end());
  await client.query('create table bench_floor (like transcript_entries including defaults)');
  const columns = ['hearing_id', 'seq', 'speaker', 'spoken_at', 'text', 'source', 'author_id'];
  const placeholders = cues
    .map((_, i) => `(${columns.map((__, c) => `$${i * columns.length + c + 1}`).join(', ')})`)
    .join(', ');
  const floorSql = `insert into bench_floor (${columns.join(', ')}) values ${placeholders}`;
  const started = new Date();
  async function floor(hearingId: string) {
    const values = cues.flatMap((c, i) => [
      hearingId,
      i + 1,
      c.speaker,
      new Date(started.getTime() + c.start * 1000),
      c.text,
      'captions',
      clerk!.id,
    ]);
    const t = performance.now();
    await client.query('begin');
    await client.query(floorSql, values);
    await client.query('commit');
    return performance.now() - t;
  }

  const gavel = await startGavel(database.url);
  async function post(hearingId: string) {
    const t = performance.now();
    const res = await ok(
      await fetch(`${gavel.base}/api/hearings/${hearingId}/transcript/import?source=captions`, {
        method: 'POST',
        headers: { origin: ORIGIN, cookie: cookie!, 'content-type': 'application/json' },
        body,
      }),
      'import',
    );
    const answer = (await res.json()) as { imported: number };
    if (answer.imported !== CUES) throw new Error(`imported ${answer.imported} of ${CUES}`);
    return performance.now() - t;
  }

  /** The rows the timed runs wrote, counted in the tables themselves (the statistics views lag a commit by up to seconds). */
  const written = async (ids: string[]) => {
    const { rows } = await client.query<{ entries: string; events: string; audit: string }>(
      `select (select count(*) from transcript_entries where hearing_id = any($1::uuid[]))::text as entries,
              (select count(*) from realtime_events where stream = any($1::text[]))::text as events,
              (select count(*) from audit_events where stream = any($1::text[]) and action = 'transcript.imported')::text as audit`,
      [ids],
    );
    return { entries: Number(rows[0]!.entries), events: Number(rows[0]!.events), audit: Number(rows[0]!.audit) };
  };

  // One of each to warm up, then RUNS of each, the two interleaved and their order alternated.
  await post(hearings[0]!.id);
  await floor(hearings[0]!.id);
  const gavelSamples: number[] = [];
  const floorSamples: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const id = hearings[r + 1]!.id;
    if (r % 2 === 0) {
      gavelSamples.push(await post(id));
      floorSamples.push(await floor(id));
    } else {
      floorSamples.push(await floor(id));
      gavelSamples.push(await post(id));
    }
  }
  const rows = await written(hearings.slice(1, RUNS + 1).map((h) => h.id));
  const perRun = (n: number) => n / RUNS;
  const g = latency(gavelSamples);
  const f = latency(floorSamples);
  say(`  import: ${lat(g)}; floor: ${lat(f)}`);

  await report({
    rows: [
      {
        measure: `Import of ${CUES.toLocaleString('en-US')} caption cues (POST …/transcript/import, ${RUNS} runs, a hearing each)`,
        gavel:
          `${lat(g)} · rows a run: ${perRun(rows.entries)} entries, ${perRun(rows.events)} realtime ` +
          `events, ${perRun(rows.audit)} audit event(s) · at most 10 statements (import-queries.test.ts)`,
        baseline: `the same ${CUES.toLocaleString('en-US')} rows as one INSERT into a bare copy of the table: ${lat(f)}`,
        ratio: `p50 ${times(g.p50 / f.p50)}`,
      },
    ],
  });
});
