import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readlinkSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { createCourtFixture, insertHearing, type CourtFixture } from '../../test/scheduling.ts';
import { LIVEKIT_KEY, LIVEKIT_SECRET, startStandin } from '../../test/live.ts';
import type { LiveKitStandin } from '../../test/livekit-standin.ts';
import { type ServerProcess, memoryOf, resetPeakMemory, signInCookie, startServerProcess } from '../../test/process.ts';

// A 200 MB export from the real server in a child process of its own, so its memory is measured
// alone: the kernel's peak RSS (VmHWM), reset just before the export. Four 50 MB recordings, then
// a last one that is a named pipe (FIFO) whose bytes are written only once the client holds the
// bundle's first bytes: the download can only finish after that, so the first bytes provably left
// before the last file was read.

const MB = 1024 * 1024;
const FILES = 4;
const FILE_MB = 50;
const LAST_BYTES = MB;
/** The server's RSS may grow by at most this much while 200 MB stream through it. */
const RSS_BOUND = 96 * MB;

let t: TestDatabase;
let standin: LiveKitStandin;
let f: CourtFixture;
let work: string;
let localDir: string;
let hearingId: string;
let base: string;
let server: ChildProcess;
let running: ServerProcess | undefined;
let cookie: string;

const status = (field: 'VmRSS' | 'VmHWM') => memoryOf(server.pid, field);

/** Files under the recordings directory the server has open now. */
function openRecordings(): number {
  return readdirSync(`/proc/${server.pid}/fd`).filter((fd) => {
    try {
      return readlinkSync(`/proc/${server.pid}/fd/${fd}`).startsWith(localDir);
    } catch {
      return false;
    }
  }).length;
}

beforeAll(async () => {
  t = await createTestDatabase();
  work = mkdtempSync(join(tmpdir(), 'gavel-export-mem-'));
  localDir = join(work, 'recordings');
  const s = await startStandin();
  standin = s.standin;
  f = await createCourtFixture(t.db, 'Mem');
  const start = new Date(Date.UTC(2030, 5, 1, 1));
  hearingId = await insertHearing(t.db, f, 'Long hearing', start);
  mkdirSync(join(localDir, hearingId), { recursive: true });
  for (let i = 0; i < FILES; i++) {
    // Random bytes, written a megabyte at a time, so neither the test nor the ZIP can shrink them.
    const fd = openSync(join(localDir, hearingId, `part-${i}.mp4`), 'w');
    for (let m = 0; m < FILE_MB; m++) writeSync(fd, randomBytes(MB));
    closeSync(fd);
  }
  execFileSync('mkfifo', [join(localDir, hearingId, 'last.mp4')]);
  const rows = [...Array.from({ length: FILES }, (_, i) => `part-${i}.mp4`), 'last.mp4'].map((name, i) => ({
    hearing_id: hearingId,
    egress_id: `EG_${i}`,
    room: 'room',
    status: 'complete' as const,
    output: 'file' as const,
    started_at: new Date(Date.UTC(2030, 0, 1, 9, i)),
    ended_at: new Date(Date.UTC(2030, 0, 1, 9, i + 1)),
    file_location: `/out/${hearingId}/${name}`,
    size_bytes: name === 'last.mp4' ? LAST_BYTES : FILE_MB * MB,
    duration_ms: 60_000,
  }));
  await t.db.insertInto('recordings').values(rows).execute();

  running = await startServerProcess({
    DATABASE_URL: t.url,
    DATA_DIR: join(work, 'data'),
    RECORDING_FILE_DIR: '/out',
    RECORDING_LOCAL_DIR: localDir,
    LIVEKIT_API_URL: s.apiUrl,
    LIVEKIT_API_KEY: LIVEKIT_KEY,
    LIVEKIT_API_SECRET: LIVEKIT_SECRET,
  });
  server = running.child;
  base = running.base;
  cookie = await signInCookie(base, f.clerk.email, f.clerk.password);
}, 120_000);

afterAll(async () => {
  await running?.stop('SIGKILL');
  await standin.stop();
  await t.drop();
  rmSync(work, { recursive: true, force: true });
});

describe('a 200 MB export', () => {
  it('streams with bounded memory, its first bytes before the last file is read', async () => {
    // Warm the route up once (code paths, pools), so the figure is the export's and not start-up's.
    await (await fetch(`${base}/api/hearings/${hearingId}/audit`, { headers: { cookie } })).arrayBuffer();
    resetPeakMemory(server.pid);
    const rssBefore = status('VmRSS');

    const started = performance.now();
    const res = await fetch(`${base}/api/hearings/${hearingId}/export?recordings=1`, { headers: { cookie } });
    expect(res.status).toBe(200);
    const zipPath = join(work, 'bundle.zip');
    const out = createWriteStream(zipPath);
    let bytes = 0;
    let firstByteMs = 0;
    let lastFileOpenedMs = 0;
    let writer: Promise<void> | null = null;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      if (!writer) {
        firstByteMs = performance.now() - started;
        // Only now does the last recording get any bytes: the server cannot have read it yet.
        writer = (async () => {
          const fifo = createWriteStream(join(localDir, hearingId, 'last.mp4'));
          await once(fifo, 'open'); // returns when the server opens the pipe to read it
          lastFileOpenedMs = performance.now() - started;
          fifo.end(Buffer.alloc(LAST_BYTES, 7));
          await once(fifo, 'close');
        })();
      }
      bytes += chunk.length;
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'close');
    await writer;
    const totalMs = performance.now() - started;
    const peak = status('VmHWM');
    const growth = peak - rssBefore;

    console.log(
      `server export of ${(bytes / MB).toFixed(1)} MB: first byte after ${firstByteMs.toFixed(0)} ms, last file opened ` +
        `after ${lastFileOpenedMs.toFixed(0)} ms, done after ${totalMs.toFixed(0)} ms; server RSS ` +
        `${(rssBefore / MB).toFixed(1)} MB before, peak ${(peak / MB).toFixed(1)} MB (growth ${(growth / MB).toFixed(1)} MB, ` +
        `bound ${RSS_BOUND / MB} MB)`,
    );
    expect(bytes).toBeGreaterThan(FILES * FILE_MB * MB);
    expect(firstByteMs).toBeLessThan(lastFileOpenedMs);
    expect(growth).toBeLessThan(RSS_BOUND);

    // And it is a whole, correct bundle: every file checks, the FIFO's megabyte included.
    const dir = join(work, 'bundle');
    mkdirSync(dir);
    expect(spawnSync('unzip', ['-q', zipPath, '-d', dir]).status).toBe(0);
    const check = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' });
    expect(check.status, check.stdout).toBe(0);
    expect(check.stdout.match(/recordings\/.*\.mp4: OK/g)).toHaveLength(FILES + 1);
  }, 180_000);

  it('closes the file it was reading when the client goes away, and still shuts down cleanly', async () => {
    // A client process that dies mid-download, as a closed browser tab does (curl, throttled).
    const curl = spawn('curl', [
      '-s',
      '-o',
      '/dev/null',
      '--limit-rate',
      '4M',
      '-H',
      `cookie: ${cookie}`,
      `${base}/api/hearings/${hearingId}/export?recordings=1`,
    ]);
    await expect.poll(openRecordings, { timeout: 5_000 }).toBe(1);
    curl.kill('SIGKILL');
    await expect.poll(openRecordings, { timeout: 5_000 }).toBe(0);

    // A graceful stop with a download cut off mid-way still ends cleanly.
    expect(await running!.stop('SIGTERM')).toBe(0);
  }, 60_000);
});
