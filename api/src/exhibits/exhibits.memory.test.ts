import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { createCourtFixture, insertHearing, type CourtFixture } from '../../test/scheduling.ts';
import { LIVEKIT_KEY, LIVEKIT_SECRET, startStandin } from '../../test/live.ts';
import type { LiveKitStandin } from '../../test/livekit-standin.ts';
import { filesUnder, pdfBytes } from '../../test/exhibits.ts';
import { type ServerProcess, memoryOf, resetPeakMemory, signInCookie, startServerProcess } from '../../test/process.ts';

// A 20,000-page PDF sent to the real server, in a child process of its own so its memory is measured
// alone: the kernel's peak RSS (VmHWM), reset just before the upload. With the default limits it is
// refused for its pages, quickly, and nothing of it is kept.

const MB = 1024 * 1024;
/** The server's RSS may grow by at most this much: the stamp worker's heap limit (256 MB) and change. */
const RSS_BOUND = 320 * MB;

let t: TestDatabase;
let standin: LiveKitStandin;
let f: CourtFixture;
let work: string;
let hearingId: string;
let base: string;
let server: ChildProcess;
let running: ServerProcess | undefined;
let cookie: string;

const status = (field: 'VmRSS' | 'VmHWM') => memoryOf(server.pid, field);

beforeAll(async () => {
  t = await createTestDatabase();
  work = mkdtempSync(join(tmpdir(), 'gavel-exhibit-mem-'));
  const s = await startStandin();
  standin = s.standin;
  f = await createCourtFixture(t.db, 'Pages');
  const start = new Date(Date.now() + 3_600_000);
  hearingId = await insertHearing(t.db, f, 'Paper hearing', start);

  running = await startServerProcess({
    DATABASE_URL: t.url,
    DATA_DIR: join(work, 'data'),
    LIVEKIT_API_URL: s.apiUrl,
    LIVEKIT_API_KEY: LIVEKIT_KEY,
    LIVEKIT_API_SECRET: LIVEKIT_SECRET,
  });
  server = running.child;
  base = running.base;
  cookie = await signInCookie(base, f.clerk.email, f.clerk.password);
}, 120_000);

afterAll(async () => {
  await running?.stop('SIGTERM');
  await standin.stop();
  await t.drop();
  rmSync(work, { recursive: true, force: true });
});

const send = (bytes: Uint8Array, name: string) => {
  const form = new FormData();
  form.set('title', 'Bundle of correspondence');
  form.set('file', new Blob([bytes], { type: 'application/pdf' }), name);
  return fetch(`${base}/api/hearings/${hearingId}/exhibits`, {
    method: 'POST',
    headers: { origin: base, cookie },
    body: form,
  });
};

describe('a 20,000-page PDF', () => {
  it('is refused for its pages, quickly and with bounded memory, and nothing is kept', async () => {
    const pages = await pdfBytes(20_000);
    // Warm up once with a small exhibit (code paths, the worker's first start), then measure the big one.
    const warm = await send(await pdfBytes(1), 'one.pdf');
    expect(warm.status).toBe(201);
    resetPeakMemory(server.pid);
    const rssBefore = status('VmRSS');
    const started = performance.now();
    const res = await send(pages, 'bundle.pdf');
    const ms = performance.now() - started;
    const peak = status('VmHWM');
    const body = (await res.json()) as { error: { code: string; message: string } };
    console.log(
      `20,000-page PDF (${(pages.length / MB).toFixed(1)} MB): answered ${res.status} after ${ms.toFixed(0)} ms; server RSS ` +
        `${(rssBefore / MB).toFixed(1)} MB before, peak ${(peak / MB).toFixed(1)} MB (growth ${((peak - rssBefore) / MB).toFixed(1)} MB)`,
    );
    expect(res.status).toBe(413);
    expect(body.error).toEqual({
      code: 'too_many_pages',
      message: 'The PDF has 20000 pages; an exhibit may have at most 2000. Split it into parts and submit each.',
    });
    expect(peak - rssBefore).toBeLessThan(RSS_BOUND);
    // Stamping it took 15–20 s before the limit; reading its page count takes about one.
    expect(ms).toBeLessThan(8_000);

    // Only the warm-up exhibit exists: one row, its two files, one audit event; the next is C-2.
    const rows = await t.db.selectFrom('exhibits').select('label').where('hearing_id', '=', hearingId).execute();
    expect(rows).toEqual([{ label: 'C-1' }]);
    expect(filesUnder(join(work, 'data', 'files', 'exhibits', hearingId))).toHaveLength(2);
    const events = await t.db
      .selectFrom('audit_events')
      .select('action')
      .where('stream', '=', hearingId)
      .where('action', 'like', 'exhibit.%')
      .execute();
    expect(events).toEqual([{ action: 'exhibit.marked' }]);
    const next = await send(await pdfBytes(2), 'two.pdf');
    expect(next.status).toBe(201);
    expect(((await next.json()) as { exhibit: { label: string } }).exhibit.label).toBe('C-2');
  }, 120_000);
});
