import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { PDFDocument, PDFName, PDFString, StandardFonts, type PDFDict, type PDFRef } from 'pdf-lib';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { call } from '../../test/scheduling.ts';
import { expectOk, liveCourt, setState, startStandin, type LiveCourt } from '../../test/live.ts';
import type { LiveKitStandin } from '../../test/livekit-standin.ts';
import { pdfText, qpdfCheck, withPdfFile } from '../../test/pdf-tools.ts';
import { exhibitsApp, hearingInSession, upload } from '../../test/exhibits.ts';

// A party's PDF may carry active content: scripts run on open, on page view or from a link, programs
// to launch, files to drop, XFA forms. The court's stamped copy carries none of it; the original is
// kept as it came, byte for byte, and only ever downloaded.

let t: TestDatabase;
let app: FastifyInstance;
let dataDir: string;
let standin: LiveKitStandin;
let c: LiveCourt;

beforeAll(async () => {
  t = await createTestDatabase();
  const s = await startStandin();
  standin = s.standin;
  ({ app, dataDir } = await exhibitsApp(t, s.apiUrl));
  c = await liveCourt(app, t, 'Act');
});
afterAll(async () => {
  await app.close();
  await standin.stop();
  await t.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A two-page PDF carrying every kind of active content a viewer might run, and one harmless web link. */
async function hostilePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const pages = [doc.addPage([595, 842]), doc.addPage([595, 842])];
  pages.forEach((p, i) => p.drawText(`Hostile body page ${i + 1}`, { x: 72, y: 700, size: 14, font }));
  const ctx = doc.context;
  const js = (code: string) => ctx.register(ctx.obj({ Type: 'Action', S: 'JavaScript', JS: PDFString.of(code) }));
  const launch = ctx.register(
    ctx.obj({ Type: 'Action', S: 'Launch', F: PDFString.of('C:\\Windows\\System32\\calc.exe') }),
  );
  const cat = doc.catalog;
  // Run on open, on close, on page view.
  cat.set(PDFName.of('OpenAction'), js('app.alert("open")'));
  cat.set(PDFName.of('AA'), ctx.obj({ WC: js('app.alert("close")') }));
  pages[0]!.node.set(PDFName.of('AA'), ctx.obj({ O: js('app.alert("page")') }));
  // Document-level scripts in the Names tree, and an embedded file.
  await doc.attach(Buffer.from('MZ not really a program'), 'payload.exe', { mimeType: 'application/octet-stream' });
  doc.addJavaScript('init', 'app.alert("names")');
  // Links: a script, a program to launch, a javascript: URI, a chained script, and one harmless web link.
  const link = (y: number, action: PDFRef | PDFDict, extra: Record<string, unknown> = {}) =>
    ctx.register(
      ctx.obj({ Type: 'Annot', Subtype: 'Link', Rect: [72, y, 300, y + 20], Border: [0, 0, 0], A: action, ...extra }),
    );
  const safe = ctx.obj({ Type: 'Action', S: 'URI', URI: PDFString.of('https://example.org/terms') });
  const annots = [
    link(600, js('app.alert("link")')),
    link(560, launch),
    link(520, ctx.obj({ Type: 'Action', S: 'URI', URI: PDFString.of('javascript:alert(1)') })),
    link(
      480,
      ctx.obj({
        Type: 'Action',
        S: 'URI',
        URI: PDFString.of('https://example.org/next'),
        Next: js('app.alert("next")'),
      }),
    ),
    link(440, safe),
    link(400, ctx.obj({ S: 'GoTo', D: [pages[1]!.ref, PDFName.of('Fit')] }), {
      AA: ctx.obj({ E: js('app.alert("enter")') }),
    }),
    // A file attachment annotation carries its own embedded file.
    ctx.register(
      ctx.obj({
        Type: 'Annot',
        Subtype: 'FileAttachment',
        Rect: [72, 300, 90, 320],
        FS: ctx.obj({
          Type: 'Filespec',
          F: PDFString.of('dropper.bat'),
          EF: ctx.obj({ F: ctx.register(ctx.stream('echo owned', { Type: 'EmbeddedFile' })) }),
        }),
      }),
    ),
  ];
  pages[0]!.node.set(PDFName.of('Annots'), ctx.obj(annots));
  // A form field with its own script, and an XFA form.
  const field = ctx.register(
    ctx.obj({ FT: 'Tx', T: PDFString.of('name'), AA: ctx.obj({ K: js('app.alert("keystroke")') }) }),
  );
  cat.set(
    PDFName.of('AcroForm'),
    ctx.obj({ Fields: [field], XFA: ctx.register(ctx.stream('<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"/>')) }),
  );
  // A bookmark that runs a script.
  const outlines = ctx.nextRef();
  const item = ctx.register(ctx.obj({ Title: PDFString.of('Start'), Parent: outlines, A: js('app.alert("outline")') }));
  ctx.assign(outlines, ctx.obj({ Type: 'Outlines', First: item, Last: item, Count: 1 }));
  cat.set(PDFName.of('Outlines'), outlines);
  // Object streams: the scripts are compressed where a byte search would not see them.
  return doc.save({ useObjectStreams: true });
}

/** Every object of the PDF as qpdf reads it (JSON v2), streams' dictionaries included. */
function objectsOf(pdf: Uint8Array): Record<string, unknown> {
  const json = withPdfFile(pdf, (file) =>
    execFileSync('qpdf', ['--json=2', '--json-key=qpdf', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }),
  );
  const parsed = JSON.parse(json) as { qpdf: [unknown, Record<string, unknown>] };
  return parsed.qpdf[1];
}

/** What active content the objects carry: names of keys and actions, and script URIs. */
function activeContent(pdf: Uint8Array): string[] {
  const found = new Set<string>();
  const text = JSON.stringify(objectsOf(pdf));
  for (const name of [
    '/OpenAction',
    '/AA',
    '/JavaScript',
    '/JS',
    '/Launch',
    '/EmbeddedFiles',
    '/EmbeddedFile',
    '/EF',
    '/XFA',
    '/FileAttachment',
  ]) {
    if (new RegExp(`"${name}"`).test(text)) found.add(name);
  }
  if (/javascript:/i.test(text)) found.add('javascript: URI');
  return [...found].sort();
}

describe('a PDF carrying active content', () => {
  it('is stamped without any of it; the original is kept byte for byte', async () => {
    const hostile = await hostilePdf();
    // The hostile file really carries all of it, as qpdf reads it.
    expect(activeContent(hostile)).toEqual(
      [
        '/AA',
        '/EF',
        '/EmbeddedFile',
        '/EmbeddedFiles',
        '/FileAttachment',
        '/JS',
        '/JavaScript',
        '/Launch',
        '/OpenAction',
        '/XFA',
        'javascript: URI',
      ].sort(),
    );
    const h = await hearingInSession(app, c);
    const res = await expectOk(upload(app, h.id, h.agent.cookie, { fileName: 'hostile.pdf', bytes: hostile }), 201);
    const e = res.json().exhibit;
    expect(e).toMatchObject({ label: 'P-1', pages: 2, sha256: sha256(hostile) });

    const stampedRes = await expectOk(
      call(app, 'GET', `/api/hearings/${h.id}/exhibits/${e.id}/file`, { cookie: c.cookies.judge }),
    );
    const stamped = stampedRes.rawPayload;
    expect(activeContent(stamped)).toEqual([]);
    expect(qpdfCheck(stamped).ok).toBe(true);
    // Still the document: its pages, its text, the stamp, and the harmless web link.
    expect(pdfText(stamped, 1)).toContain('Hostile body page 1');
    expect(pdfText(stamped, 2)).toContain('P-1 · page 2 of 2');
    expect(JSON.stringify(objectsOf(stamped))).toContain('https://example.org/terms');

    const originalRes = await expectOk(
      call(app, 'GET', `/api/hearings/${h.id}/exhibits/${e.id}/file?copy=original`, { cookie: c.cookies.judge }),
    );
    expect(sha256(originalRes.rawPayload)).toBe(sha256(hostile));

    // Ruling stamps again from the original: the new copy is as clean.
    const ruled = await expectOk(
      call(app, 'POST', `/api/hearings/${h.id}/exhibits/${e.id}/ruling`, {
        cookie: c.cookies.judge,
        payload: { ruling: 'admitted' },
      }),
    );
    expect(ruled.json().exhibit.status).toBe('admitted');
    const admitted = await expectOk(
      call(app, 'GET', `/api/hearings/${h.id}/exhibits/${e.id}/file`, { cookie: c.cookies.judge }),
    );
    expect(activeContent(admitted.rawPayload)).toEqual([]);
  });
});

describe('serving exhibit files', () => {
  it('serves the original only as a download and every inline PDF under a sandbox CSP', async () => {
    const h = await hearingInSession(app, c);
    const res = await expectOk(
      upload(app, h.id, h.agent.cookie, { fileName: 'hostile.pdf', bytes: await hostilePdf() }),
      201,
    );
    const e = res.json().exhibit;
    const url = `/api/hearings/${h.id}/exhibits/${e.id}/file`;

    const original = await expectOk(call(app, 'GET', `${url}?copy=original`, { cookie: h.agent.cookie }));
    expect(original.headers['content-disposition']).toMatch(/^attachment; filename="P-1-hostile.pdf"/);
    expect(original.headers['content-security-policy']).toMatch(/(^|;\s*)sandbox(;|$)/);
    expect(original.headers['x-content-type-options']).toBe('nosniff');

    const stamped = await expectOk(call(app, 'GET', url, { cookie: h.agent.cookie }));
    expect(stamped.headers['content-type']).toBe('application/pdf');
    expect(stamped.headers['content-disposition']).toMatch(/^inline; /);
    // No allow-* token: no scripts, no same origin, no forms, no popups, no top navigation.
    expect(stamped.headers['content-security-policy']).toBe("sandbox; frame-ancestors 'self'");
  });

  it('serves a sealed transcript PDF under a sandbox CSP too', async () => {
    // The sealed PDF is a download; should a browser still open it, it runs nothing from Gavel's origin.
    const h = await hearingInSession(app, c);
    await expectOk(
      call(app, 'POST', `/api/hearings/${h.id}/transcript/entries`, {
        cookie: c.cookies.clerk,
        payload: { speaker: 'Court', text: 'On the record.' },
      }),
      201,
    );
    await setState(app, c, h.id, 'adjourn');
    const sealed = await expectOk(
      call(app, 'POST', `/api/hearings/${h.id}/transcript/seal`, { cookie: c.cookies.clerk }),
      201,
    );
    const sealId = sealed.json().seal.id;
    const pdf = await expectOk(call(app, 'GET', `/api/transcripts/${sealId}/pdf`, { cookie: c.cookies.judge }));
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toMatch(/^attachment; /);
    expect(pdf.headers['content-security-policy']).toMatch(/(^|;\s*)sandbox(;|$)/);
  });
});
