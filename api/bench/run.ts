/**
 * `make bench`: every benchmark, each in a process of its own (and each starting its own server
 * processes), then one markdown table: Gavel's figure, its baseline measured in the same run, the
 * ratio, and the machine it ran on. DATABASE_URL, else one embedded PostgreSQL for all of them.
 * Sizes: BENCH_PARTICIPANTS, BENCH_SOCKETS, BENCH_HEARINGS (and BENCH_SECONDS, BENCH_LOGINS,
 * BENCH_FLOOD_SECONDS, BENCH_ROUNDS, BENCH_DOCKET_RUNS, BENCH_PAGES, BENCH_IMPORT_RUNS); BENCH_ONLY=login,docket
 * runs some of them; BENCH_NODE_FLAGS replaces the server's Node flags (lib.ts). docs/performance.md says what each row means.
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  SERVER_NODE_FLAGS,
  adminUrl,
  checkpoint,
  loadAverage,
  machine,
  main,
  say,
  type BenchResult,
  type Row,
} from './lib.ts';

const BENCHES = ['http', 'login', 'join-storm', 'fanout', 'docket', 'transcript', 'import'];

const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
const unknown = only?.filter((b) => !BENCHES.includes(b)) ?? [];
if (unknown.length) throw new Error(`BENCH_ONLY: no benchmark ${unknown.join(', ')} (there are ${BENCHES.join(', ')})`);

/** Runs one benchmark script in a child process; its rows, or a row saying it failed. */
function runOne(name: string): Promise<BenchResult> {
  const file = fileURLToPath(new URL(`./${name}.bench.ts`, import.meta.url));
  return new Promise((resolve) => {
    let result: BenchResult | undefined;
    const child = fork(file, [], {
      execArgv: [...process.execArgv, ...SERVER_NODE_FLAGS],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', (m: { result?: BenchResult }) => (result = m.result ?? result));
    child.on('exit', (code, signal) => {
      if (code === 0 && result) return resolve(result);
      const why = signal ? `killed by ${signal}` : `exit code ${code}`;
      resolve({
        rows: [
          { measure: `${name} benchmark`, gavel: `failed (${why}; see its output above)`, baseline: '—', ratio: '—' },
        ],
      });
    });
  });
}

function openFilesLimit(): string {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

await main(async () => {
  if (!process.env.DATABASE_URL) {
    // One embedded server for every benchmark; each still makes (and drops) a database of its own.
    process.env.DATABASE_URL = await adminUrl();
    process.env.BENCH_EMBEDDED = '1';
  }
  const started = new Date();
  const before = await machine(process.env.DATABASE_URL);
  const files = openFilesLimit();
  say(before.join('\n'));
  say(`open files limit: ${files}${Number(files) < 12_000 ? ' (5,000 sockets need more: ulimit -n 20000)' : ''}`);

  const rows: Row[] = [];
  const notes: string[] = [];
  for (const name of BENCHES.filter((b) => !only || only.includes(b))) {
    await checkpoint();
    const t0 = performance.now();
    say(`\n== ${name} (load average ${loadAverage()}) ==`);
    const r = await runOne(name);
    say(`== ${name}: ${((performance.now() - t0) / 1000).toFixed(0)} s ==`);
    rows.push(...r.rows);
    notes.push(...(r.notes ?? []));
  }

  say('\n\n## Gavel benchmarks\n');
  say(
    `Run ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${((Date.now() - started.getTime()) / 60_000).toFixed(0)} min.`,
  );
  for (const line of before) say(`- ${line.replace(/^load average/, 'load average at the start')}`);
  say(`- load average at the end: ${loadAverage()}`);
  say('');
  say('| measure | Gavel | baseline, same run | ratio |');
  say('| --- | --- | --- | --- |');
  for (const r of rows) say(`| ${cell(r.measure)} | ${cell(r.gavel)} | ${cell(r.baseline)} | ${cell(r.ratio)} |`);
  for (const n of notes) say(`\n${n}`);
  if (rows.some((r) => r.gavel.startsWith('failed'))) process.exitCode = 1;
});
