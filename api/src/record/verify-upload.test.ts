import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { testApp, testConfig } from '../../test/app.ts';

// POST /api/verify over a real socket: the body streams to a file under DATA_DIR/tmp/verify, at most
// VERIFY_CONCURRENCY at once, refused at the door when it says it is too big and cut off when it grows so.

const MB = 1024 * 1024;
const LIMIT = 50 * MB;

let t: TestDatabase;
let app: FastifyInstance;
let dataDir: string;
let port: number;

beforeAll(async () => {
  t = await createTestDatabase();
  dataDir = mkdtempSync(join(tmpdir(), 'gavel-verify-upload-'));
  app = await testApp(t.db, { config: testConfig({ DATA_DIR: dataDir, VERIFY_CONCURRENCY: '2' }) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await app.close();
  await t.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

const uploads = () => {
  try {
    return readdirSync(join(dataDir, 'tmp', 'verify'));
  } catch {
    return [];
  }
};

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: { error?: { code: string; message: string }; match?: boolean };
}

/** A POST /api/verify whose body the test writes itself; `answer` settles with the server's response. */
function open(headers: Record<string, string | number>) {
  const req: ClientRequest = request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/api/verify',
    headers: { 'content-type': 'application/pdf', ...headers },
  });
  const answer = new Promise<Answer>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(text) }));
    });
    req.on('error', reject);
  });
  // The server may answer and close while the body is still being written: that is the point.
  answer.catch(() => {});
  req.on('error', () => {});
  return { req, answer };
}

/** Writes `total` bytes in 1 MiB chunks, stopping early once the server has answered. */
async function pump(req: ClientRequest, total: number, answered: () => boolean) {
  const chunk = randomBytes(MB);
  for (let sent = 0; sent < total && !answered() && !req.destroyed; sent += MB) {
    const ok = req.write(chunk.subarray(0, Math.min(MB, total - sent)));
    if (!ok)
      await new Promise<void>((r) => {
        const done = () => {
          req.off('drain', done).off('close', done);
          r();
        };
        req.once('drain', done).once('close', done);
      });
  }
}

describe('POST /api/verify streams its body', () => {
  it('answers 413 at once to a Content-Length over 50 MB, before reading a byte; nothing is written', async () => {
    const { req, answer } = open({ 'content-length': LIMIT + 1 });
    req.flushHeaders(); // headers only: the body is never sent
    const a = await answer;
    expect(a.status).toBe(413);
    expect(a.body.error).toMatchObject({ code: 'payload_too_large', message: expect.stringContaining('50 MB') });
    expect(a.headers.connection).toBe('close');
    req.destroy();
    expect(uploads()).toEqual([]);
  });

  it('answers 413 to a chunked body that passes 50 MB mid-stream, and removes what it had written', async () => {
    const { req, answer } = open({ 'transfer-encoding': 'chunked' });
    let answered = false;
    void answer.then(() => (answered = true));
    await pump(req, LIMIT + 4 * MB, () => answered);
    const a = await answer;
    expect(a.status).toBe(413);
    expect(a.body.error?.code).toBe('payload_too_large');
    req.destroy();
    await expect.poll(uploads).toEqual([]);
  });

  it('answers a whole body, then removes its file', async () => {
    const { req, answer } = open({ 'content-length': 3 * MB });
    await pump(req, 3 * MB, () => false);
    req.end();
    const a = await answer;
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ match: false, courtSignature: { valid: false }, log: null });
    expect(uploads()).toEqual([]);
  });

  it('runs at most VERIFY_CONCURRENCY at once: the next gets 503 busy with Retry-After, unread; a slot frees as one ends', async () => {
    // Two uploads under way, each holding its file open and its slot.
    const held = [open({ 'content-length': 2 * MB }), open({ 'content-length': 2 * MB })];
    for (const h of held) h.req.write(randomBytes(MB));
    await expect.poll(() => uploads().length).toBe(2);

    const third = open({ 'content-length': 40 * MB });
    third.req.flushHeaders();
    const busy = await third.answer;
    expect(busy.status).toBe(503);
    expect(busy.body.error).toMatchObject({ code: 'busy', message: expect.any(String) });
    expect(busy.headers['retry-after']).toBe('5');
    expect(uploads().length).toBe(2); // its body was never written anywhere
    third.req.destroy();

    // One client gives up mid-upload: its file goes and its slot comes back.
    held[0]!.req.destroy();
    await expect.poll(() => uploads().length).toBe(1);
    held[1]!.req.end(randomBytes(MB));
    expect((await held[1]!.answer).status).toBe(200);
    await expect.poll(uploads).toEqual([]);

    const again = [open({ 'content-length': MB }), open({ 'content-length': MB })];
    for (const a of again) a.req.end(randomBytes(MB));
    expect((await Promise.all(again.map((a) => a.answer))).map((a) => a.status)).toEqual([200, 200]);
    expect(uploads()).toEqual([]);
  });

  it('refuses an empty body and a body that is not a PDF type, writing nothing', async () => {
    const empty = open({ 'content-length': 0 });
    empty.req.end();
    expect((await empty.answer).status).toBe(415);
    const text = open({ 'content-type': 'text/plain', 'content-length': 5 });
    text.req.end('hello');
    expect((await text.answer).status).toBe(415);
    expect(uploads()).toEqual([]);
  });
});
