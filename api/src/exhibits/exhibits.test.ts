import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { PDFDocument, degrees } from 'pdf-lib';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { ORIGIN } from '../../test/app.ts';
import { call } from '../../test/scheduling.ts';
import { expectOk, liveCourt, startStandin, type LiveCourt } from '../../test/live.ts';
import type { LiveKitStandin } from '../../test/livekit-standin.ts';
import { darkPixels, pdfPages, pdfText, qpdfCheck, renderPage, withPdfFile } from '../../test/pdf-tools.ts';
import {
  elfBytes,
  exhibitsApp,
  filesUnder,
  hearingInSession,
  pdfBytes,
  pngBytes,
  upload,
} from '../../test/exhibits.ts';
import { parseConfig } from '../platform/config.ts';
import { typeOfBytes } from './file-type.ts';
import { stampExhibit } from './stamp.ts';

let t: TestDatabase;
let app: FastifyInstance;
let small: FastifyInstance;
let dataDir: string;
let smallDir: string;
let standin: LiveKitStandin;
let c: LiveCourt;

const SMALL_LIMIT = 64 * 1024;

beforeAll(async () => {
  t = await createTestDatabase();
  const s = await startStandin();
  standin = s.standin;
  ({ app, dataDir } = await exhibitsApp(t, s.apiUrl));
  ({ app: small, dataDir: smallDir } = await exhibitsApp(t, s.apiUrl, { EXHIBIT_MAX_BYTES: String(SMALL_LIMIT) }));
  c = await liveCourt(app, t, 'Exh');
});
afterAll(async () => {
  await app.close();
  await small.close();
  await standin.stop();
  await t.drop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(smallDir, { recursive: true, force: true });
});

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const fileOf = async (hearingId: string, eid: string, cookie: string, copy = 'stamped') => {
  const res = await expectOk(
    call(app, 'GET', `/api/hearings/${hearingId}/exhibits/${eid}/file?copy=${copy}`, { cookie }),
  );
  return res.rawPayload;
};
/** Every regular file under a directory (temporary parts included). */
describe('uploading exhibits', () => {
  it('accepts a PDF from an agent: P-1, hashed, stored, stamped with the sticker and a footer on every page', async () => {
    const h = await hearingInSession(app, c);
    const bytes = await pdfBytes(3);
    const res = await expectOk(upload(app, h.id, h.agent.cookie, { fileName: 'contract.pdf', bytes }), 201);
    const e = res.json().exhibit;
    expect(e).toMatchObject({
      label: 'P-1',
      side: 'plaintiff',
      status: 'marked',
      pages: 3,
      mediaType: 'application/pdf',
      sizeBytes: bytes.length,
      sha256: sha256(bytes),
      title: 'Contract of sale',
      fileName: 'contract.pdf',
      submittedBy: { kind: 'participant', id: h.agent.id },
    });
    // The original is kept untouched beside the stamped copy.
    expect(sha256(await fileOf(h.id, e.id, c.cookies.judge, 'original'))).toBe(sha256(bytes));
    const stamped = await fileOf(h.id, e.id, c.cookies.judge);
    expect(sha256(stamped)).toBe(e.stampedSha256);
    expect(qpdfCheck(stamped).ok).toBe(true);
    expect(pdfPages(stamped)).toBe(3);
    // Both are in the record log, with a proof to a signed tree head.
    for (const [hash, kind] of [
      [sha256(bytes), 'exhibit.original'],
      [e.stampedSha256, 'exhibit.stamped'],
    ]) {
      const logged = await call(app, 'GET', `/api/log/inclusion?sha256=${hash}`);
      expect(logged.statusCode, logged.body).toBe(200);
      expect(logged.json()).toMatchObject({ kind });
    }
    const caseNo = 'Exh-2026-001';
    const first = pdfText(stamped, 1);
    expect(first).toContain('EXHIBIT P-1');
    expect(first).toContain('MARKED');
    expect(first).toContain('Exh');
    expect(first).toContain(`Case No. ${caseNo}`);
    for (let k = 1; k <= 3; k++) {
      const text = pdfText(stamped, k);
      expect(text, `page ${k}`).toContain(`${caseNo} · P-1 · page ${k} of 3`);
      expect(text).toContain(`body page ${k}`);
    }
    // The audit trail records it, with the hashes.
    const events = await t.db
      .selectFrom('audit_events')
      .select(['action', 'actor_type', 'actor_id', 'payload'])
      .where('stream', '=', h.id)
      .where('action', 'like', 'exhibit.%')
      .execute();
    expect(events).toEqual([
      {
        action: 'exhibit.marked',
        actor_type: 'participant',
        actor_id: h.agent.id,
        payload: expect.objectContaining({ label: 'P-1', sha256: sha256(bytes), stampedSha256: e.stampedSha256 }),
      },
    ]);
  });

  it('accepts a PNG, made into a one-page PDF with sticker and footer', async () => {
    const h = await hearingInSession(app, c);
    const png = pngBytes(300, 200);
    const res = await expectOk(
      upload(app, h.id, h.defendant.cookie, { fileName: 'photo.png', bytes: png }, { title: 'Photo of the site' }),
      201,
    );
    const e = res.json().exhibit;
    expect(e).toMatchObject({ label: 'D-1', side: 'defendant', mediaType: 'image/png', pages: 1 });
    const stamped = await fileOf(h.id, e.id, c.cookies.judge);
    expect(stamped.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdfPages(stamped)).toBe(1);
    const text = pdfText(stamped);
    expect(text).toContain('EXHIBIT D-1');
    expect(text).toContain('Exh-2026-001 · D-1 · page 1 of 1');
    // The original comes back as the PNG it was.
    const original = await expectOk(
      call(app, 'GET', `/api/hearings/${h.id}/exhibits/${e.id}/file?copy=original`, { cookie: c.cookies.judge }),
    );
    expect(original.headers['content-type']).toBe('image/png');
    // A download only, sandboxed should a browser open it anyway, never sniffed into something else.
    expect(original.headers['content-security-policy']).toBe("sandbox; frame-ancestors 'self'");
    expect(original.headers['x-content-type-options']).toBe('nosniff');
    expect(original.headers['content-disposition']).toMatch(/^attachment; filename="D-1-photo\.png"$/);
    expect(sha256(original.rawPayload)).toBe(sha256(png));
  });

  it('serves an original with a Chinese file name (UTF-8 filename*, ASCII fallback), not a 500', async () => {
    const h = await hearingInSession(app, c);
    const png = pngBytes(60, 40);
    const e = (
      await expectOk(
        upload(app, h.id, h.plaintiff.cookie, { fileName: '合同.png', bytes: png }, { title: '合同照片' }),
        201,
      )
    ).json().exhibit;
    const original = await expectOk(
      call(app, 'GET', `/api/hearings/${h.id}/exhibits/${e.id}/file?copy=original`, { cookie: c.cookies.judge }),
    );
    expect(original.headers['content-disposition']).toBe(
      `attachment; filename="P-1-__.png"; filename*=UTF-8''P-1-%E5%90%88%E5%90%8C.png`,
    );
    expect(sha256(original.rawPayload)).toBe(sha256(png));
  });

  it('numbers each side on its own: P-1, P-2, D-1, and C-1 for the court’s clerk (and a side the clerk names)', async () => {
    const h = await hearingInSession(app, c);
    const pdf = await pdfBytes(1);
    const label = async (cookie: string, fields: Record<string, string> = { title: 'X' }) =>
      (await expectOk(upload(app, h.id, cookie, { fileName: 'a.pdf', bytes: pdf }, fields), 201)).json().exhibit.label;
    expect(await label(h.plaintiff.cookie)).toBe('P-1');
    expect(await label(h.agent.cookie)).toBe('P-2');
    expect(await label(h.defAgent.cookie)).toBe('D-1');
    expect(await label(c.cookies.clerk)).toBe('C-1');
    expect(await label(c.cookies.clerk, { title: 'Handed in', side: 'defendant' })).toBe('D-2');
    // Concurrent uploads of one side (as many as stamp at once) never share a number.
    const labels = await Promise.all([1, 2].map(() => label(h.plaintiff.cookie)));
    expect(labels.sort()).toEqual(['P-3', 'P-4']);
  });

  it('refuses the judge, witnesses and observers as submitters, and anyone after the hearing ended', async () => {
    const h = await hearingInSession(app, c);
    const pdf = { fileName: 'a.pdf', bytes: await pdfBytes(1) };
    expect((await upload(app, h.id, c.cookies.judge, pdf)).statusCode).toBe(403);
    expect((await upload(app, h.id, h.witness.cookie, pdf)).statusCode).toBe(403);
    expect((await upload(app, h.id, h.observer.cookie, pdf)).statusCode).toBe(403);
    expect((await upload(app, h.id, undefined, pdf)).statusCode).toBe(401);
    await t.db.updateTable('hearings').set({ state: 'adjourned' }).where('id', '=', h.id).execute();
    const res = await upload(app, h.id, c.cookies.clerk, pdf);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('hearing_ended');
    expect(await t.db.selectFrom('exhibits').select('id').where('hearing_id', '=', h.id).execute()).toEqual([]);
  });

  it('reads the type from the bytes: an executable named .pdf is refused, and nothing is kept', async () => {
    const h = await hearingInSession(app, c);
    const before = filesUnder(join(dataDir, 'files')).length;
    const res = await upload(app, h.id, h.agent.cookie, {
      fileName: 'invoice.pdf',
      bytes: elfBytes(),
      contentType: 'application/pdf',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('unsupported_media_type');
    expect(filesUnder(join(dataDir, 'files')).length).toBe(before);
    expect(typeOfBytes(Buffer.from('MZ\x90\x00'))).toBeNull();
    expect(typeOfBytes(Buffer.from('%PDF-1.7'))).toBe('application/pdf');
    expect(typeOfBytes(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
  });

  it('answers 413 over EXHIBIT_MAX_BYTES and leaves no partial file behind', async () => {
    const h = await hearingInSession(small, c);
    // A PDF header, then more than the limit: refused while streaming.
    const big = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(SMALL_LIMIT * 3, 0x41)]);
    const res = await upload(small, h.id, h.agent.cookie, { fileName: 'big.pdf', bytes: big });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('payload_too_large');
    expect(filesUnder(join(smallDir, 'files'))).toEqual([]);
    expect(await t.db.selectFrom('exhibits').select('id').where('hearing_id', '=', h.id).execute()).toEqual([]);
    // Just under the limit is fine.
    const ok = await upload(small, h.id, h.agent.cookie, { fileName: 'ok.pdf', bytes: await pdfBytes(1) });
    expect(ok.statusCode).toBe(201);
  });

  it('refuses an encrypted PDF and a broken one with a clear 400, keeping nothing', async () => {
    const h = await hearingInSession(app, c);
    const plain = await pdfBytes(1);
    const encrypted = withPdfFile(plain, (file, dir) => {
      const out = join(dir, 'locked.pdf');
      execFileSync('qpdf', ['--encrypt', 'secret', 'owner-secret', '256', '--', file, out]);
      return execFileSync('cat', [out]);
    });
    const before = filesUnder(join(dataDir, 'files')).length;
    const locked = await upload(app, h.id, h.agent.cookie, { fileName: 'locked.pdf', bytes: encrypted });
    expect(locked.statusCode).toBe(400);
    expect(locked.json().error).toMatchObject({ code: 'encrypted_pdf', message: expect.stringMatching(/password/) });
    for (const broken of [
      Buffer.from('%PDF-1.7\nthis is not a PDF at all\n%%EOF\n'),
      Buffer.from(plain).subarray(0, Math.floor(plain.length / 3)),
      Buffer.from('%PDF-'),
    ]) {
      const res = await upload(app, h.id, h.agent.cookie, { fileName: 'broken.pdf', bytes: broken });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.code).toMatch(/unreadable_pdf|empty_file/);
    }
    expect(filesUnder(join(dataDir, 'files')).length).toBe(before);
    expect(await t.db.selectFrom('exhibits').select('id').where('hearing_id', '=', h.id).execute()).toEqual([]);
  });

  it('refuses a missing title, a missing file and a JSON body with 4xx', async () => {
    const h = await hearingInSession(app, c);
    const pdf = { fileName: 'a.pdf', bytes: await pdfBytes(1) };
    const untitled = await upload(app, h.id, h.agent.cookie, pdf, {});
    expect(untitled.statusCode).toBe(400);
    const json = await call(app, 'POST', `/api/hearings/${h.id}/exhibits`, {
      cookie: h.agent.cookie,
      payload: { title: 'x' },
    });
    expect(json.statusCode).toBe(415);
  });
});

describe('ruling, stamping again and presenting', () => {
  it('the judge admits: the stamped copy says ADMITTED, the original is unchanged; a second ruling is refused', async () => {
    const h = await hearingInSession(app, c);
    const bytes = await pdfBytes(2);
    const e = (await expectOk(upload(app, h.id, h.agent.cookie, { fileName: 'c.pdf', bytes }), 201)).json().exhibit;
    // Only the judge rules.
    for (const cookie of [c.cookies.clerk, h.agent.cookie, c.cookies.judge2]) {
      const res = await call(app, 'POST', `/api/hearings/${h.id}/exhibits/${e.id}/ruling`, {
        cookie,
        payload: { ruling: 'admitted' },
      });
      expect([403, 404]).toContain(res.statusCode);
    }
    const ruled = await expectOk(
      call(app, 'POST', `/api/hearings/${h.id}/exhibits/${e.id}/ruling`, {
        cookie: c.cookies.judge,
        payload: { ruling: 'admitted' },
      }),
    );
    expect(ruled.json().exhibit).toMatchObject({ status: 'admitted', sha256: e.sha256 });
    expect(ruled.json().exhibit.stampedSha256).not.toBe(e.stampedSha256);
    const logged = await call(app, 'GET', `/api/log/inclusion?sha256=${ruled.json().exhibit.stampedSha256}`);
    expect(logged.json()).toMatchObject({ kind: 'exhibit.stamped' });
    const stamped = await fileOf(h.id, e.id, c.cookies.judge);
    expect(pdfText(stamped, 1)).toContain('ADMITTED');
    expect(pdfText(stamped, 2)).toContain('P-1 · page 2 of 2');
    expect(sha256(await fileOf(h.id, e.id, c.cookies.judge, 'original'))).toBe(sha256(bytes));
    const again = await call(app, 'POST', `/api/hearings/${h.id}/exhibits/${e.id}/ruling`, {
      cookie: c.cookies.judge,
      payload: { ruling: 'rejected' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('already_ruled');
    const actions = await t.db
      .selectFrom('audit_events')
      .select('action')
      .where('stream', '=', h.id)
      .where('action', 'like', 'exhibit.%')
      .orderBy('seq')
      .execute();
    expect(actions.map((a) => a.action)).toEqual(['exhibit.marked', 'exhibit.admitted']);
  });

  it('presents to those who may see it only, synced by page', async () => {
    const h = await hearingInSession(app, c);
    const e = (
      await expectOk(upload(app, h.id, h.agent.cookie, { fileName: 'c.pdf', bytes: await pdfBytes(3) }), 201)
    ).json().exhibit;
    const present = (cookie: string, page: number, id = e.id) =>
      call(app, 'POST', `/api/hearings/${h.id}/exhibits/${id}/present`, { cookie, payload: { page } });
    // The submitting agent presents page 2 of their marked exhibit: only their side (and the bench) see it.
    await expectOk(present(h.agent.cookie, 2));
    const events = () =>
      t.db
        .selectFrom('realtime_events')
        .select(['kind', 'topic', 'payload'])
        .where('stream', '=', h.id)
        .where('kind', 'like', 'exhibit.%')
        .orderBy('seq')
        .execute();
    let ev = (await events()).filter((x) => x.kind === 'exhibit.presented');
    expect(ev.at(-1)!.payload).toMatchObject({ exhibitId: e.id, page: 2 });
    // Its side's and the room's: the hearing policy decides per watcher (see api/test/security/every-door).
    expect(ev.at(-1)!.topic).toEqual({ data: 'exhibit', side: 'plaintiff', status: 'marked', onScreen: true });
    // The other side does not see it in its list either, nor its presentation.
    const defList = (
      await expectOk(call(app, 'GET', `/api/hearings/${h.id}/exhibits`, { cookie: h.defendant.cookie }))
    ).json();
    expect(defList.exhibits).toEqual([]);
    expect(defList.presentation).toBeNull();
    const pList = (
      await expectOk(call(app, 'GET', `/api/hearings/${h.id}/exhibits`, { cookie: h.plaintiff.cookie }))
    ).json();
    expect(pList.presentation).toEqual({ exhibitId: e.id, page: 2 });
    // Who may not present: the other side, the party who did not submit it; pages out of range.
    expect((await present(h.defAgent.cookie, 1)).statusCode).toBe(404);
    expect((await present(h.plaintiff.cookie, 1)).statusCode).toBe(403);
    const out = await present(c.cookies.judge, 4);
    expect(out.statusCode).toBe(400);
    expect(out.json().error.code).toBe('page_out_of_range');
    // Once admitted, the judge's presentation goes to everyone.
    await expectOk(
      call(app, 'POST', `/api/hearings/${h.id}/exhibits/${e.id}/ruling`, {
        cookie: c.cookies.judge,
        payload: { ruling: 'admitted' },
      }),
    );
    await expectOk(present(c.cookies.judge, 3));
    ev = (await events()).filter((x) => x.kind === 'exhibit.presented');
    expect(ev.at(-1)).toMatchObject({
      topic: { data: 'exhibit', status: 'admitted', onScreen: true },
      payload: { exhibitId: e.id, page: 3 },
    });
    const obs = (
      await expectOk(call(app, 'GET', `/api/hearings/${h.id}/exhibits`, { cookie: h.observer.cookie }))
    ).json();
    expect(obs.presentation).toEqual({ exhibitId: e.id, page: 3 });
    // Ending it takes it off every screen.
    expect(
      (await call(app, 'POST', `/api/hearings/${h.id}/exhibits/presentation/end`, { cookie: h.defendant.cookie }))
        .statusCode,
    ).toBe(403);
    await expectOk(call(app, 'POST', `/api/hearings/${h.id}/exhibits/presentation/end`, { cookie: c.cookies.judge }));
    expect((await events()).at(-1)).toMatchObject({ kind: 'exhibit.presentation_ended', topic: { data: 'room' } });
    const audit = await t.db
      .selectFrom('audit_events')
      .select('action')
      .where('stream', '=', h.id)
      .where('action', 'like', 'exhibit.%')
      .orderBy('seq')
      .execute();
    // Page turns are pushed, not audited: one event per exhibit put on screen.
    expect(audit.map((a) => a.action)).toEqual([
      'exhibit.marked',
      'exhibit.presented',
      'exhibit.admitted',
      'exhibit.presentation_ended',
    ]);
  });

  it('refuses to present before the hearing opens', async () => {
    const h = await hearingInSession(app, c, { start: false });
    const e = (
      await expectOk(upload(app, h.id, c.cookies.clerk, { fileName: 'c.pdf', bytes: await pdfBytes(1) }), 201)
    ).json().exhibit;
    // Submitting before the hearing opens is fine for the parties too.
    const early = await upload(app, h.id, h.defAgent.cookie, { fileName: 'd.pdf', bytes: await pdfBytes(1) });
    expect(early.statusCode).toBe(201);
    expect(early.json().exhibit.label).toBe('D-1');
    const res = await call(app, 'POST', `/api/hearings/${h.id}/exhibits/${e.id}/present`, {
      cookie: c.cookies.judge,
      payload: { page: 1 },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('not_in_session');
  });
});

describe('the sticker in Chinese', () => {
  it('draws every glyph of a Chinese court name and case number, not only the first', async () => {
    const pdf = await pdfBytes(1);
    const stamp = (court: string) =>
      stampExhibit(pdf, 'application/pdf', {
        court,
        caseNumber: '(2027) 沪0101民初21号',
        label: 'P-1',
        status: 'ADMITTED',
        date: '2027-03-03',
      });
    const full = await stamp('上海市浦东新区人民法院');
    const one = await stamp('上');
    expect(pdfText(full.pdf)).toContain('上海市浦东新区人民法院');
    expect(pdfText(full.pdf)).toContain('(2027) 沪0101民初21号 · P-1 · page 1 of 1');
    // The court's line of the sticker (top right of the page), ink counted at 100 dpi.
    const courtLine = { left: 378, top: 14, right: 580, bottom: 30 };
    const ink = (bytes: Uint8Array) => darkPixels(renderPage(bytes, 1, 100), 100, courtLine);
    expect(ink(one.pdf)).toBeGreaterThan(5);
    expect(ink(full.pdf)).toBeGreaterThan(ink(one.pdf) * 6);
  });
});

describe('uploads over a real connection', () => {
  /** Streams `total` bytes after `head` as the file part, 64 KB at a time, never holding them whole. */
  function streamUpload(url: string, cookie: string, head: Buffer, total: number) {
    const boundary = 'gavelstreamboundary';
    const pre = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nBig\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n` +
        'Content-Type: application/pdf\r\n\r\n',
    );
    const post = Buffer.from(`\r\n--${boundary}--\r\n`);
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    return new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(url, {
        method: 'POST',
        headers: {
          origin: ORIGIN,
          cookie,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': pre.length + head.length + total + post.length,
        },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      let sent = 0;
      const pump = () => {
        while (sent < total) {
          const n = Math.min(chunk.length, total - sent);
          sent += n;
          if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void req.once('drain', pump);
        }
        req.end(post);
      };
      req.write(pre);
      req.write(head);
      pump();
    });
  }

  it('answers 413 to a streamed upload 5× the limit and 415 to an executable over HTTP, leaving no file', async () => {
    const h = await hearingInSession(small, c);
    await small.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(small.server.address() as AddressInfo).port}/api/hearings/${h.id}/exhibits`;
    const before = filesUnder(join(smallDir, 'files')).length;
    const big = await streamUpload(url, h.agent.cookie, Buffer.from('%PDF-1.7\n'), SMALL_LIMIT * 5);
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body).error.code).toBe('payload_too_large');
    const exe = await streamUpload(url, h.agent.cookie, elfBytes(), SMALL_LIMIT / 2);
    expect(exe.status).toBe(415);
    expect(filesUnder(join(smallDir, 'files')).length).toBe(before);
  });

  it('streams 300 MB against the default 50 MB limit without holding it: 413, and memory grows by less than half the file', async () => {
    const h = await hearingInSession(app, c);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/hearings/${h.id}/exhibits`;
    const before = filesUnder(join(dataDir, 'files')).length;
    global.gc?.();
    const base = process.memoryUsage().rss;
    let peak = base;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const res = await streamUpload(url, h.agent.cookie, Buffer.from('%PDF-1.7\n'), 300 * 1024 * 1024);
    clearInterval(sampler);
    expect(res.status).toBe(413);
    // Client and server share this process; both stream in 64 KB pieces. Measured here: about 80 MB of
    // heap churn whether 150 or 400 MB are sent; holding the upload would grow by at least its size.
    const growthMb = (peak - base) / (1024 * 1024);
    expect(growthMb).toBeLessThan(150);
    expect(filesUnder(join(dataDir, 'files')).length).toBe(before);
  });
});

describe('EXHIBIT_MAX_BYTES', () => {
  it('defaults to 50 MB and refuses anything but a positive whole number, naming the variable', () => {
    expect(parseConfig({}).exhibitMaxBytes).toBe(50 * 1024 * 1024);
    expect(parseConfig({ EXHIBIT_MAX_BYTES: '1048576' }).exhibitMaxBytes).toBe(1048576);
    for (const bad of ['0', '-1', '50MB', '1.5']) {
      expect(() => parseConfig({ EXHIBIT_MAX_BYTES: bad }), bad).toThrow(/^EXHIBIT_MAX_BYTES: must be a whole number/);
    }
  });
});

describe('stamping turned pages', () => {
  it('puts the footer at the bottom and the sticker at the top right of a page as it is shown, whatever its /Rotate', async () => {
    for (const angle of [0, 90, 180, 270]) {
      const doc = await PDFDocument.create();
      doc.addPage([595, 842]).setRotation(degrees(angle));
      const stamped = await stampExhibit(await doc.save(), 'application/pdf', {
        court: 'Test Court',
        caseNumber: 'T-1',
        label: 'P-1',
        status: 'MARKED',
        date: '2027-03-03',
      });
      const img = renderPage(stamped.pdf, 1, 72);
      const [w, h] = [img.width, img.height];
      const ink = (box: { left: number; top: number; right: number; bottom: number }) => darkPixels(img, 72, box);
      // The footer: a strip at the bottom centre as seen; nothing at the top centre.
      expect(
        ink({ left: w / 2 - 60, top: h - 24, right: w / 2 + 60, bottom: h - 6 }),
        `${angle}° footer`,
      ).toBeGreaterThan(20);
      expect(ink({ left: w / 2 - 60, top: 6, right: w / 2 + 60, bottom: 24 }), `${angle}° top`).toBe(0);
      // The sticker's big label, upright at the top right as seen; nothing at the top left.
      expect(ink({ left: w - 215, top: 40, right: w - 20, bottom: 66 }), `${angle}° sticker`).toBeGreaterThan(40);
      expect(ink({ left: 10, top: 10, right: 200, bottom: 100 }), `${angle}° top left`).toBe(0);
      expect(pdfText(stamped.pdf)).toContain('T-1 · P-1 · page 1 of 1');
    }
  });
});
