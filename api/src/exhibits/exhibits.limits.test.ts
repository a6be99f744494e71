import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { expectOk, liveCourt, startStandin, type LiveCourt } from '../../test/live.ts';
import type { LiveKitStandin } from '../../test/livekit-standin.ts';
import { call } from '../../test/scheduling.ts';
import { pdfText } from '../../test/pdf-tools.ts';
import { exhibitsApp, filesUnder, hearingInSession, pdfBytes, upload, type Courtroom } from '../../test/exhibits.ts';
import { parseConfig } from '../platform/config.ts';

// Stamping is bounded: pages, time, memory and how many run at once. Whatever is refused leaves
// nothing behind: no exhibit, no file, no audit event, no number taken.

let t: TestDatabase;
let standin: LiveKitStandin;
let c: LiveCourt;
const apps: Array<{ app: FastifyInstance; dataDir: string }> = [];
let apiUrl: string;
/** 1,500 pages: about a second of stamping on these machines. */
let large: Uint8Array;

async function appWith(env: Record<string, string>) {
  const a = await exhibitsApp(t, apiUrl, env);
  apps.push(a);
  return a;
}

beforeAll(async () => {
  t = await createTestDatabase();
  const s = await startStandin();
  standin = s.standin;
  apiUrl = s.apiUrl;
  const { app } = await appWith({});
  c = await liveCourt(app, t, 'Lim');
  large = await pdfBytes(1500);
});
afterAll(async () => {
  for (const a of apps) {
    await a.app.close();
    rmSync(a.dataDir, { recursive: true, force: true });
  }
  await standin.stop();
  await t.drop();
});

/** Nothing of the hearing's exhibits exists: no row, no file, no audit event; the next one is still P-1. */
async function expectNothingStored(h: Courtroom, dataDir: string) {
  expect(await t.db.selectFrom('exhibits').select('id').where('hearing_id', '=', h.id).execute()).toEqual([]);
  expect(filesUnder(join(dataDir, 'files', 'exhibits', h.id))).toEqual([]);
  const events = await t.db
    .selectFrom('audit_events')
    .select('action')
    .where('stream', '=', h.id)
    .where('action', 'like', 'exhibit.%')
    .execute();
  expect(events).toEqual([]);
}

describe('EXHIBIT_MAX_PAGES', () => {
  it('refuses a PDF over the page limit with 413 and keeps nothing; at the limit it is stamped', async () => {
    const { app, dataDir } = await appWith({ EXHIBIT_MAX_PAGES: '5' });
    const h = await hearingInSession(app, c);
    const res = await upload(app, h.id, h.agent.cookie, { fileName: 'six.pdf', bytes: await pdfBytes(6) });
    expect(res.statusCode, res.body).toBe(413);
    expect(res.json().error).toEqual({
      code: 'too_many_pages',
      message: 'The PDF has 6 pages; an exhibit may have at most 5. Split it into parts and submit each.',
    });
    await expectNothingStored(h, dataDir);
    const ok = await expectOk(
      upload(app, h.id, h.agent.cookie, { fileName: 'five.pdf', bytes: await pdfBytes(5) }),
      201,
    );
    expect(ok.json().exhibit).toMatchObject({ label: 'P-1', pages: 5 });
  });
});

describe('EXHIBIT_STAMP_TIMEOUT_MS', () => {
  it('stops a stamping that takes too long: 422, and nothing is stored', async () => {
    const { app, dataDir } = await appWith({ EXHIBIT_STAMP_TIMEOUT_MS: '300' });
    const h = await hearingInSession(app, c);
    const started = performance.now();
    const res = await upload(app, h.id, h.agent.cookie, { fileName: 'long.pdf', bytes: large });
    const ms = performance.now() - started;
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error).toMatchObject({
      code: 'too_complex',
      message: expect.stringMatching(/longer than 0\.3 s/),
    });
    // Stopped at the limit, not when the stamping would have ended (several seconds here).
    expect(ms).toBeLessThan(3000);
    await expectNothingStored(h, dataDir);
  });
});

describe('EXHIBIT_STAMP_MEMORY_MB', () => {
  it('stops a stamping that needs more memory than allowed: 422, the server goes on, nothing is stored', async () => {
    const { app, dataDir } = await appWith({ EXHIBIT_STAMP_MEMORY_MB: '24' });
    const h = await hearingInSession(app, c);
    const res = await upload(app, h.id, h.agent.cookie, { fileName: 'heavy.pdf', bytes: await pdfBytes(3000) });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'too_complex', message: expect.stringMatching(/memory/) });
    await expectNothingStored(h, dataDir);
    // The server is unharmed: the same hearing takes a small exhibit, numbered P-1.
    const ok = await expectOk(
      upload(app, h.id, h.agent.cookie, { fileName: 'one.pdf', bytes: await pdfBytes(1) }),
      201,
    );
    expect(ok.json().exhibit.label).toBe('P-1');
  }, 90_000);
});

describe('EXHIBIT_STAMP_CONCURRENCY', () => {
  it('stamps at most that many at once; the others get 503 with Retry-After and leave nothing', async () => {
    const { app, dataDir } = await appWith({ EXHIBIT_STAMP_CONCURRENCY: '1' });
    const h = await hearingInSession(app, c);
    const results = await Promise.all(
      [h.agent, h.plaintiff, h.agent].map((p, i) =>
        upload(app, h.id, p.cookie, { fileName: `part-${i}.pdf`, bytes: large }, { title: `Part ${i}` }),
      ),
    );
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses[0]).toBe(201);
    const busy = results.filter((r) => r.statusCode === 503);
    expect(busy.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 201 || s === 503)).toBe(true);
    for (const r of busy) {
      expect(r.json().error.code).toBe('stamping_busy');
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    }
    // Only the accepted ones exist, numbered without gaps, each with its two files and one audit event.
    const accepted = results.filter((r) => r.statusCode === 201).length;
    const rows = await t.db
      .selectFrom('exhibits')
      .select('label')
      .where('hearing_id', '=', h.id)
      .orderBy('number')
      .execute();
    expect(rows.map((r) => r.label)).toEqual(Array.from({ length: accepted }, (_, i) => `P-${i + 1}`));
    expect(filesUnder(join(dataDir, 'files', 'exhibits', h.id))).toHaveLength(2 * accepted);
    const marked = await t.db
      .selectFrom('audit_events')
      .select('action')
      .where('stream', '=', h.id)
      .where('action', '=', 'exhibit.marked')
      .execute();
    expect(marked).toHaveLength(accepted);
    // Once the stamping is done, the next one goes through.
    const next = await expectOk(
      upload(app, h.id, h.agent.cookie, { fileName: 'late.pdf', bytes: await pdfBytes(1) }),
      201,
    );
    expect(next.json().exhibit.label).toBe(`P-${accepted + 1}`);
  });
});

describe('numbering while stamping outside the transaction', () => {
  it('gives two exhibits of one side stamped at the same time P-1 and P-2, each copy carrying its own label', async () => {
    const { app } = apps[0]!;
    const h = await hearingInSession(app, c);
    const [a, b] = await Promise.all(
      [h.agent, h.plaintiff].map(async (p, i) =>
        expectOk(
          upload(app, h.id, p.cookie, { fileName: `n-${i}.pdf`, bytes: await pdfBytes(300) }, { title: `N ${i}` }),
          201,
        ),
      ),
    );
    const labels = [a!, b!].map((r) => r.json().exhibit.label as string).sort();
    expect(labels).toEqual(['P-1', 'P-2']);
    for (const r of [a!, b!]) {
      const e = r.json().exhibit;
      const file = await expectOk(
        call(app, 'GET', `/api/hearings/${h.id}/exhibits/${e.id}/file`, { cookie: c.cookies.judge }),
      );
      expect(pdfText(file.rawPayload, 300)).toContain(`· ${e.label} · page 300 of 300`);
    }
  });
});

describe('the stamping settings', () => {
  it('default to 2,000 pages, 30 s, 256 MB and 2 at once, and refuse anything but positive whole numbers', () => {
    expect(parseConfig({}).exhibitStamp).toEqual({ maxPages: 2000, timeoutMs: 30_000, memoryMb: 256, concurrency: 2 });
    expect(
      parseConfig({
        EXHIBIT_MAX_PAGES: '10',
        EXHIBIT_STAMP_TIMEOUT_MS: '500',
        EXHIBIT_STAMP_MEMORY_MB: '64',
        EXHIBIT_STAMP_CONCURRENCY: '4',
      }).exhibitStamp,
    ).toEqual({ maxPages: 10, timeoutMs: 500, memoryMb: 64, concurrency: 4 });
    for (const name of [
      'EXHIBIT_MAX_PAGES',
      'EXHIBIT_STAMP_TIMEOUT_MS',
      'EXHIBIT_STAMP_MEMORY_MB',
      'EXHIBIT_STAMP_CONCURRENCY',
    ]) {
      for (const bad of ['0', '-1', 'many', '1.5']) {
        expect(() => parseConfig({ [name]: bad }), `${name}=${bad}`).toThrow(
          new RegExp(`^${name}: must be a whole number`),
        );
      }
    }
  });
});
