import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { type ServerProcess, memoryOf, resetPeakMemory, startServerProcess } from '../../test/process.ts';

// Six anonymous 50 MB verifications at once against the real server in a child process of its own,
// so its memory is measured alone: the kernel's peak RSS (VmHWM), reset just before the uploads.
// Half are random bytes, half a hostile "PDF" whose signature byte range claims 49 MB of hex contents.

const MB = 1024 * 1024;
const SIZE = 50 * MB - 1024;
const UPLOADS = 6;
/** The server's RSS may grow by at most this much while six 50 MB bodies stream through it. */
const RSS_BOUND = 96 * MB;

let t: TestDatabase;
let work: string;
let dataDir: string;
let base: string;
let server: ChildProcess;
let running: ServerProcess | undefined;

const status = (field: 'VmRSS' | 'VmHWM') => memoryOf(server.pid, field);

/** A body shaped like a signed PDF whose /Contents hex runs over almost all of it. */
function hostilePdf(size: number): Buffer {
  const body = Buffer.alloc(size, 0x61); // 'a': valid hex
  const head = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Sig /ByteRange [0 128 ', 'latin1');
  const tail = (c: number) => `${c} ${size - c}] /Contents `;
  const c = size - 512;
  const prefix = Buffer.concat([head, Buffer.from(tail(c), 'latin1')]);
  prefix.copy(body, 0);
  body.fill(0x20, prefix.length, 128);
  body[128] = 0x3c; // '<'
  body[c - 1] = 0x3e; // '>'
  body.write(' >> endobj\n%%EOF\n', c, 'latin1');
  return body;
}

beforeAll(async () => {
  t = await createTestDatabase();
  work = mkdtempSync(join(tmpdir(), 'gavel-verify-mem-'));
  dataDir = join(work, 'data');
  running = await startServerProcess({
    DATABASE_URL: t.url,
    DATA_DIR: dataDir,
    VERIFY_CONCURRENCY: String(UPLOADS),
  });
  server = running.child;
  base = running.base;
}, 120_000);

afterAll(async () => {
  await running?.stop('SIGKILL');
  await t.drop();
  rmSync(work, { recursive: true, force: true });
});

describe('six 50 MB verifications at once', () => {
  it('stream through the server with bounded memory and leave no file behind', async () => {
    const random = randomBytes(SIZE);
    const hostile = hostilePdf(SIZE);
    const verify = (body: Buffer) =>
      fetch(`${base}/api/verify`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body });
    // Warm the route up with small bodies of both kinds, so the figure is the uploads' and not start-up's.
    expect((await verify(randomBytes(MB))).status).toBe(200);
    expect((await verify(hostilePdf(MB))).status).toBe(200);
    resetPeakMemory(server.pid);
    const rssBefore = status('VmRSS');
    const started = performance.now();
    const answers = await Promise.all(
      Array.from({ length: UPLOADS }, async (_, i) => {
        const res = await verify(i % 2 ? hostile : random);
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      }),
    );
    const ms = performance.now() - started;
    const peak = status('VmHWM');
    const growth = peak - rssBefore;
    console.log(
      `six 50 MB verifications in ${ms.toFixed(0)} ms: server RSS ${(rssBefore / MB).toFixed(1)} MB before, ` +
        `peak ${(peak / MB).toFixed(1)} MB (growth ${(growth / MB).toFixed(1)} MB, bound ${RSS_BOUND / MB} MB)`,
    );
    for (const [i, a] of answers.entries()) {
      expect(a.status, JSON.stringify(a.body)).toBe(200);
      expect(a.body).toMatchObject({ match: false, log: null, courtSignature: { valid: false, byThisCourt: false } });
      if (i % 2) expect(a.body).toMatchObject({ courtSignature: { problem: expect.any(String) } });
    }
    expect(growth).toBeLessThan(RSS_BOUND);
    // Every upload's temporary file is gone once it was answered.
    expect(readdirSync(join(dataDir, 'tmp', 'verify'))).toEqual([]);
  }, 180_000);
});
