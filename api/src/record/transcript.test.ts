import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { TestDatabase } from '../../test/db.ts';
import { ORIGIN, testDataDir } from '../../test/app.ts';
import { call } from '../../test/scheduling.ts';
import {
  closeLive,
  connectSocket,
  expectOk,
  invite,
  openLive,
  scheduleHearing,
  setState,
  wsUrl,
  type Invited,
  type LiveCourt,
} from '../../test/live.ts';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { pdfPages, pdfSig, pdfText, qpdfCheck, renderPage } from '../../test/pdf-tools.ts';

let t: TestDatabase;
let app: FastifyInstance;
let c: LiveCourt;

beforeAll(async () => {
  ({ t, app, c } = await openLive('Rec'));
});
afterAll(closeLive);

const ZH = '原告请求法院判令被告支付货款人民币十万元。';
const EN = 'Counsel for the plaintiff, you may begin your opening statement.';

/** A hearing in session with an admitted plaintiff, their agent and a witness waiting. */
async function hearing() {
  const id = await scheduleHearing(app, c);
  const plaintiff = await invite(app, c, id, 'plaintiff', { displayName: '张三' });
  const agent = await invite(app, c, id, 'agent', { representsId: plaintiff.id });
  const defendant = await invite(app, c, id, 'defendant');
  const witness = await invite(app, c, id, 'witness');
  const observer = await invite(app, c, id, 'observer');
  await setState(app, c, id, 'open');
  for (const p of [plaintiff, agent, defendant, witness, observer])
    await expectOk(call(app, 'POST', `/api/hearings/${id}/lobby`, { cookie: p.cookie }));
  await expectOk(call(app, 'POST', `/api/hearings/${id}/admit-all`, { cookie: c.cookies.judge }));
  await setState(app, c, id, 'start');
  return { id, plaintiff, agent, defendant, witness, observer };
}

const addEntry = (id: string, payload: Record<string, unknown>, cookie = c.cookies.clerk) =>
  call(app, 'POST', `/api/hearings/${id}/transcript/entries`, { cookie, payload });
const transcript = (id: string, cookie = c.cookies.clerk) =>
  call(app, 'GET', `/api/hearings/${id}/transcript`, { cookie });

async function pdfOf(sealId: string, cookie: string): Promise<Buffer> {
  const res = await expectOk(call(app, 'GET', `/api/transcripts/${sealId}/pdf`, { cookie }));
  expect(res.headers['content-type']).toBe('application/pdf');
  return res.rawPayload;
}

/** The share of a PNG's pixels that are dark (ink on the page). */
async function pngInk(png: Buffer): Promise<number> {
  const img = await loadImage(png);
  const ctx = createCanvas(img.width, img.height).getContext('2d');
  ctx.drawImage(img, 0, 0);
  const { data } = ctx.getImageData(0, 0, img.width, img.height);
  let dark = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i]! * 0.3 + data[i + 1]! * 0.59 + data[i + 2]! * 0.11 < 128) dark++;
  return dark / (img.width * img.height);
}

const verifyPdf = (pdf: Uint8Array) =>
  app.inject({
    method: 'POST',
    url: '/api/verify',
    headers: { origin: ORIGIN, 'content-type': 'application/pdf' },
    payload: Buffer.from(pdf),
  });

describe('the live record', () => {
  it('takes entries from the bench, pushes them, and writes procedural notes for the hearing’s moves', async () => {
    const h = await hearing();
    const e1 = await expectOk(addEntry(h.id, { speaker: 'Court', text: EN }), 201);
    const e2 = await expectOk(
      addEntry(h.id, { speaker: '原告', speakerParticipantId: h.plaintiff.id, text: ZH }, c.cookies.judge),
      201,
    );
    expect(e1.json().entry).toMatchObject({ speaker: 'Court', text: EN, source: 'clerk', corrected: false });
    expect(e2.json().entry).toMatchObject({ speakerParticipantId: h.plaintiff.id, text: ZH });
    await expectOk(
      call(app, 'POST', `/api/hearings/${h.id}/participants/${h.witness.id}/admit`, { cookie: c.cookies.judge }),
    );
    await expectOk(
      call(app, 'POST', `/api/hearings/${h.id}/participants/${h.witness.id}/return-to-lobby`, {
        cookie: c.cookies.judge,
      }),
    );
    await setState(app, c, h.id, 'recess');

    const list = (await expectOk(transcript(h.id))).json();
    const texts = list.entries.map((e: { text: string }) => e.text);
    const procedural = list.entries.filter((e: { source: string }) => e.source === 'procedural');
    // The note's time is the entry's own, printed in the time column; its words carry no clock ("[10:42] …").
    for (const e of procedural as Array<{ spokenAt: string }>) expect(Date.parse(e.spokenAt)).not.toBeNaN();
    expect(procedural.map((e: { text: string }) => e.text)).toEqual([
      'Lobby opened',
      expect.stringMatching(/^Admitted: .*\(plaintiff\).*\(representative\).*\(defendant\)/),
      'Hearing in session',
      expect.stringMatching(/^Witness witness \d+ called$/),
      expect.stringMatching(/^Witness witness \d+ released$/),
      'Hearing in recess',
    ]);
    expect(texts).toContain(EN);
    expect(list.entries.map((e: { seq: number }) => e.seq)).toEqual(list.entries.map((_: unknown, i: number) => i + 1));

    // Each new entry went to the socket stream as transcript.entry, in the same transaction.
    const events = await t.db
      .selectFrom('realtime_events')
      .select(['kind', 'payload'])
      .where('stream', '=', h.id)
      .where('kind', '=', 'transcript.entry')
      .execute();
    expect(events.map((e) => (e.payload as { entry: { text: string } }).entry.text)).toEqual(texts);

    // Parties and agents read the record (without the correction history); the witness and observer do not.
    const forParty = (await expectOk(transcript(h.id, h.agent.cookie))).json();
    expect(forParty.entries.map((e: { text: string }) => e.text)).toEqual(texts);
    expect(forParty.entries[0].history).toBeUndefined();
    expect((await transcript(h.id, h.witness.cookie)).statusCode).toBe(403);
    expect((await transcript(h.id, h.observer.cookie)).statusCode).toBe(403);
  });

  it('gives those who may read the record its latest entries in the socket snapshot, and pushes new ones; the gallery neither', async () => {
    const h = await hearing();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const sock = await connectSocket(wsUrl(app), h.agent.cookie);
    const gallery = await connectSocket(wsUrl(app), h.observer.cookie);
    for (const s of [sock, gallery]) s.ws.send(JSON.stringify({ type: 'subscribe', hearingId: h.id }));
    const snap = await sock.next((m) => m.type === 'snapshot');
    const texts = (snap.state as { transcript: Array<{ text: string }> }).transcript.map((e) => e.text);
    expect(texts).toEqual(expect.arrayContaining(['Lobby opened', 'Hearing in session']));
    const gallerySnap = await gallery.next((m) => m.type === 'snapshot');
    expect((gallerySnap.state as { transcript: unknown[] }).transcript).toEqual([]);
    await expectOk(addEntry(h.id, { speaker: 'Court', text: '<script>alert(1)</script>' }), 201);
    const pushed = await sock.next((m) => m.type === 'event' && m.kind === 'transcript.entry');
    expect((pushed.payload as { entry: { text: string } }).entry.text).toBe('<script>alert(1)</script>');
    expect(gallery.messages.some((m) => m.type === 'event' && m.kind === 'transcript.entry')).toBe(false);
    sock.close();
    gallery.close();
  });

  it('keeps the earlier text, who changed it, when and why', async () => {
    const h = await hearing();
    const e = (await expectOk(addEntry(h.id, { speaker: 'Court', text: 'The witnes is sworn.' }), 201)).json().entry;
    const patch = (text: string, reason: string) =>
      call(app, 'PATCH', `/api/hearings/${h.id}/transcript/entries/${e.id}`, {
        cookie: c.cookies.clerk,
        payload: { text, reason },
      });
    await expectOk(patch('The witness is sworn.', 'Typo'));
    const second = await expectOk(patch('The witness is sworn in.', 'Exact words'));
    expect(second.json().entry).toMatchObject({ text: 'The witness is sworn in.', corrected: true });
    expect((await patch('The witness is sworn in.', 'Again')).json().error.code).toBe('unchanged');

    const entry = (await expectOk(transcript(h.id))).json().entries.find((x: { id: string }) => x.id === e.id);
    expect(entry.history).toEqual([
      expect.objectContaining({ previousText: 'The witnes is sworn.', text: 'The witness is sworn.', reason: 'Typo' }),
      expect.objectContaining({
        previousText: 'The witness is sworn.',
        text: 'The witness is sworn in.',
        reason: 'Exact words',
      }),
    ]);
    expect(entry.history[0].correctedBy).toEqual({ id: c.f.clerk.id, name: expect.any(String) });
    const pushed = await t.db
      .selectFrom('realtime_events')
      .select('payload')
      .where('stream', '=', h.id)
      .where('kind', '=', 'transcript.corrected')
      .execute();
    expect(pushed).toHaveLength(2);
    const audit = await t.db
      .selectFrom('audit_events')
      .select('payload')
      .where('stream', '=', h.id)
      .where('action', '=', 'transcript.entry_corrected')
      .execute();
    expect(audit.map((a) => (a.payload as { reason: string }).reason)).toEqual(['Typo', 'Exact words']);
    // Nothing is deleted: the database refuses it.
    await expect(t.db.deleteFrom('transcript_entries').where('id', '=', e.id).execute()).rejects.toThrow(/append-only/);
  });

  it('keeps Gavel’s own procedural notes read-only: correcting one is a 409 that changes nothing', async () => {
    const h = await hearing();
    const note = (await expectOk(transcript(h.id)))
      .json()
      .entries.find((e: { source: string }) => e.source === 'procedural');
    expect(note.text).toMatch(/Lobby opened$/);
    const res = await call(app, 'PATCH', `/api/hearings/${h.id}/transcript/entries/${note.id}`, {
      cookie: c.cookies.clerk,
      payload: { text: '[09:00] Hearing adjourned', reason: 'Tidying' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'procedural_note', message: expect.stringMatching(/Gavel/) });
    const after = (await expectOk(transcript(h.id))).json().entries.find((e: { id: string }) => e.id === note.id);
    expect(after).toMatchObject({ text: note.text, corrected: false, history: [] });
    const corrected = await t.db
      .selectFrom('audit_events')
      .select('id')
      .where('stream', '=', h.id)
      .where('action', '=', 'transcript.entry_corrected')
      .execute();
    expect(corrected).toHaveLength(0);
  });

  it('refuses an SQL rewrite of the record; one made with the guards off is named by verify-audit', async () => {
    const h = await hearing();
    const e = (await expectOk(addEntry(h.id, { speaker: 'Court', text: 'The witness is sworn.' }), 201)).json().entry;
    await expectOk(
      call(app, 'PATCH', `/api/hearings/${h.id}/transcript/entries/${e.id}`, {
        cookie: c.cookies.clerk,
        payload: { text: 'The witness is sworn in.', reason: 'Exact words' },
      }),
    );
    await expectOk(
      call(app, 'POST', `/api/hearings/${h.id}/chat`, {
        cookie: c.cookies.judge,
        payload: { text: 'Counsel, begin.', to: 'all' },
      }),
      201,
    );
    const verify = async () =>
      (await expectOk(call(app, 'GET', `/api/hearings/${h.id}/audit/verify`, { cookie: c.cookies.clerk }))).json();
    expect(await verify()).toMatchObject({ ok: true, record: null });

    // An application role (no superuser) cannot change or delete what the record holds.
    const role = `gavel_app_${Date.now()}`;
    await sql.raw(`create role ${role} nosuperuser; grant all on all tables in schema public to ${role}`).execute(t.db);
    const asApp = (statement: string) =>
      t.db.transaction().execute(async (trx) => {
        await sql.raw(`set local role ${role}`).execute(trx);
        await sql.raw(statement).execute(trx);
      });
    await expect(
      asApp(`update transcript_entries set text = 'Nothing was said.' where id = '${e.id}'`),
    ).rejects.toThrow(/append-only/);
    await expect(asApp(`update transcript_corrections set text = 'x' where entry_id = '${e.id}'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(asApp(`update chat_messages set text = 'x' where hearing_id = '${h.id}'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(asApp(`delete from chat_messages where hearing_id = '${h.id}'`)).rejects.toThrow(/append-only/);
    await expect(
      asApp(`update participants set display_name = 'Someone else' where id = '${h.plaintiff.id}'`),
    ).rejects.toThrow(/append-only/);
    // Presence is live state, not record: it still changes.
    await asApp(`update participants set presence = 'left' where id = '${h.witness.id}'`);
    expect(await verify()).toMatchObject({ ok: true });

    // A superuser switching triggers off can change a row, but not the hash its audit event carries.
    await t.db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await sql`update transcript_entries set text = 'The witness was not sworn.' where id = ${e.id}`.execute(trx);
    });
    const broken = await verify();
    expect(broken).toMatchObject({ ok: false, firstBrokenSeq: null, record: { kind: 'entry', id: e.id } });
    expect(broken.reason).toMatch(/altered/);
    const cli = spawnSync(
      process.execPath,
      [new URL('../cli.ts', import.meta.url).pathname, 'verify-audit', '--stream', h.id],
      {
        env: { ...process.env, DATABASE_URL: t.url, DATA_DIR: testDataDir(), LOG_LEVEL: 'silent' },
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(cli.status).toBe(1);
    expect(cli.stdout).toContain(`BROKEN  ${h.id}: entry ${e.id} differs from the chain`);

    // A plaintiff's printed name changed the same way is named too (the entry comes first in the chain).
    await t.db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await sql`update transcript_entries set text = 'The witness is sworn.' where id = ${e.id}`.execute(trx);
      await sql`update participants set display_name = 'Somebody Else' where id = ${h.plaintiff.id}`.execute(trx);
    });
    expect(await verify()).toMatchObject({ ok: false, record: { kind: 'participant', id: h.plaintiff.id } });
    await sql.raw(`drop owned by ${role}; drop role ${role}`).execute(t.db);
  });

  it('stores <script> as text, and refuses a null byte with a clear 400 that changes nothing', async () => {
    const h = await hearing();
    const before = (await expectOk(transcript(h.id))).json().entries.length;
    const nul = await addEntry(h.id, { speaker: 'Court', text: 'before\u0000after' });
    expect(nul.statusCode).toBe(400);
    expect(nul.json().error).toMatchObject({ code: 'invalid_text', message: expect.stringContaining('null byte') });
    expect((await expectOk(transcript(h.id))).json().entries.length).toBe(before);
    const script = await expectOk(addEntry(h.id, { speaker: '<b>x</b>', text: '<script>alert(1)</script>' }), 201);
    expect(script.json().entry).toMatchObject({ speaker: '<b>x</b>', text: '<script>alert(1)</script>' });
  });

  it('imports JSON segments and WebVTT captions', async () => {
    const h = await hearing();
    const json = await expectOk(
      call(app, 'POST', `/api/hearings/${h.id}/transcript/import?source=captions&origin=2030-01-01T01:00:00Z`, {
        cookie: c.cookies.clerk,
        payload: [
          { speaker: 'Judge', start: 1.5, text: 'Please be seated.' },
          { speaker: '被告', start: '2030-01-01T01:00:09Z', text: '我方不同意。' },
        ],
      }),
      201,
    );
    expect(json.json().entries).toMatchObject([
      { speaker: 'Judge', spokenAt: '2030-01-01T01:00:01.500Z', source: 'captions' },
      { speaker: '被告', text: '我方不同意。' },
    ]);
    const vtt = [
      'WEBVTT',
      '',
      'NOTE from the speech-to-text service',
      '',
      '1',
      '00:00:03.000 --> 00:00:05.000',
      '<v Counsel Chen>We call our first witness &amp; rest.',
      '',
      '00:01:00.250 --> 00:01:02.000',
      '<v.loud 证人>我看见了。</v>',
      '',
    ].join('\n');
    const res = await app.inject({
      method: 'POST',
      url: `/api/hearings/${h.id}/transcript/import?origin=2030-01-01T01:00:00Z`,
      headers: { origin: ORIGIN, cookie: c.cookies.clerk, 'content-type': 'text/vtt' },
      payload: vtt,
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().entries).toMatchObject([
      {
        speaker: 'Counsel Chen',
        text: 'We call our first witness & rest.',
        spokenAt: '2030-01-01T01:00:03.000Z',
        source: 'import',
      },
      { speaker: '证人', text: '我看见了。', spokenAt: '2030-01-01T01:01:00.250Z' },
    ]);
    const bad = await app.inject({
      method: 'POST',
      url: `/api/hearings/${h.id}/transcript/import`,
      headers: { origin: ORIGIN, cookie: c.cookies.clerk, 'content-type': 'text/vtt' },
      payload: 'not a caption file',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_webvtt');
  });
});

describe('sealing, versions, the PDF, review and verification', () => {
  let h: Awaited<ReturnType<typeof hearing>>;
  let v1: { id: string; sha256: string; pdfSha256: string; version: number; pages: number };
  let pdf1: Buffer;

  beforeAll(async () => {
    h = await hearing();
    await expectOk(addEntry(h.id, { speaker: 'Court', text: EN }), 201);
    await expectOk(addEntry(h.id, { speaker: '原告', speakerParticipantId: h.plaintiff.id, text: ZH }), 201);
  });

  it('seals only after adjournment, only by the hearing’s clerk', async () => {
    const early = await call(app, 'POST', `/api/hearings/${h.id}/transcript/seal`, { cookie: c.cookies.clerk });
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe('not_adjourned');
    await setState(app, c, h.id, 'adjourn');
    const byJudge = await call(app, 'POST', `/api/hearings/${h.id}/transcript/seal`, { cookie: c.cookies.judge });
    expect(byJudge.statusCode).toBe(403);
    const res = await expectOk(
      call(app, 'POST', `/api/hearings/${h.id}/transcript/seal`, { cookie: c.cookies.clerk }),
      201,
    );
    v1 = res.json().seal;
    expect(v1).toMatchObject({ version: 1, supersedes: null, supersededBy: null });
    expect(v1.sha256).toMatch(/^[0-9a-f]{64}$/);
    // The seal's audit event follows exactly the chain head its hash covers.
    const row = await t.db
      .selectFrom('transcript_seals')
      .select(['audit_head', 'audit_seq'])
      .where('id', '=', v1.id)
      .executeTakeFirstOrThrow();
    const event = await t.db
      .selectFrom('audit_events')
      .select(['seq', 'prev_hash', 'payload'])
      .where('stream', '=', h.id)
      .where('action', '=', 'transcript.sealed')
      .executeTakeFirstOrThrow();
    expect(event.prev_hash).toBe(row.audit_head);
    expect(event.seq).toBe(row.audit_seq + 1);
    expect(event.payload).toMatchObject({ sha256: v1.sha256, pdfSha256: v1.pdfSha256, version: 1 });
    const again = await call(app, 'POST', `/api/hearings/${h.id}/transcript/seal`, { cookie: c.cookies.clerk });
    expect(again.json().error.code).toBe('nothing_to_seal');
  });

  it('renders a PDF that passes qpdf, holds the text, the stamp on every page, and whose hash is stored', async () => {
    pdf1 = await pdfOf(v1.id, h.agent.cookie);
    expect(qpdfCheck(pdf1).ok).toBe(true);
    // Signed by the court's key over the whole document, as any PDF reader (here poppler) checks it.
    const sig = pdfSig(pdf1);
    expect(sig).toContain('Signature is Valid');
    expect(sig).toContain('Total document signed');
    const logged = await call(app, 'GET', `/api/log/inclusion?sha256=${v1.pdfSha256}`);
    expect(logged.statusCode, logged.body).toBe(200);
    expect(logged.json()).toMatchObject({ kind: 'transcript.pdf', leafIndex: expect.any(Number) });
    const text = pdfText(pdf1);
    expect(text).toContain(EN);
    expect(text).toContain(ZH);
    expect(text).toContain('Rec-2026-001');
    expect(text).toContain('Hearing adjourned');
    const pages = pdfPages(pdf1);
    expect(pages).toBe(v1.pages);
    for (let p = 1; p <= pages; p++) expect(pdfText(pdf1, p)).toContain(`GAVEL SEAL v1 · ${v1.sha256.slice(0, 12)}`);
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(pdf1).digest('hex')).toBe(v1.pdfSha256);
  });

  it('verifies the real PDF, and refuses it with one byte changed', async () => {
    const match = await expectOk(verifyPdf(pdf1));
    expect(match.json()).toMatchObject({
      match: true,
      version: 1,
      case: { number: 'Rec-2026-001' },
      sealedBy: expect.any(String),
      supersededBy: null,
      // The court's own signature, checked on the uploaded bytes, and the record log's proof.
      courtSignature: { valid: true, wholeDocument: true, byThisCourt: true, problem: null },
      log: { verified: true, leafIndex: expect.any(Number) },
    });
    const changed = Buffer.from(pdf1);
    const at = changed.length >> 1;
    changed[at] = changed[at]! ^ 0x01;
    expect(changed.equals(pdf1)).toBe(false);
    expect((await expectOk(verifyPdf(changed))).json()).toMatchObject({ match: false, log: null });
    expect((await expectOk(call(app, 'GET', `/api/verify/${v1.sha256}`))).json()).toMatchObject({
      match: true,
      version: 1,
    });
    expect((await expectOk(call(app, 'GET', `/api/verify/${'0'.repeat(64)}`))).json()).toEqual({
      match: false,
      vouchesFor: expect.stringMatching(/^No sealed transcript of this court has this hash/),
    });
    expect((await call(app, 'GET', '/api/verify/not-a-hash')).statusCode).toBe(400);
  });

  it('says what a hash vouches for, and what a printout must show: court, case, version, pages, court time, first page', async () => {
    const byQr = (await expectOk(call(app, 'GET', `/api/verify/${v1.sha256}`))).json();
    const court = await t.db
      .selectFrom('courts')
      .select(['name', 'timezone'])
      .where('name', '=', byQr.court)
      .executeTakeFirstOrThrow();
    expect(byQr).toMatchObject({
      match: true,
      vouchesFor: expect.stringMatching(
        /^This hash belongs to a sealed transcript of this court\. It says nothing about a paper or other copy unless/,
      ),
      court: court.name,
      timeZone: court.timezone,
      case: { number: 'Rec-2026-001', caption: expect.any(String) },
      version: 1,
      pages: v1.pages,
      sha256: v1.sha256,
      pdfSha256: v1.pdfSha256,
      firstPage: `/api/verify/${v1.pdfSha256}/first-page.png`,
      log: { verified: true },
    });
    // The court's wall clock and zone, from the shared court-time module (the PDF prints the same).
    const { courtClock, courtDate } = await import('../domain/court-time.ts');
    const at = new Date(byQr.sealedAt);
    expect(byQr.sealedAtCourtTime).toBe(
      `${courtDate(at, court.timezone)} ${courtClock(at, court.timezone)} (${court.timezone})`,
    );
    expect(pdfText(pdf1, pdfPages(pdf1))).toContain(byQr.sealedAtCourtTime);
    // The same answer by the PDF's own hash.
    expect((await expectOk(call(app, 'GET', `/api/verify/${v1.pdfSha256}`))).json()).toEqual(byQr);

    // The first page, drawn at sealing from the signed bytes: a PNG of an A4 page that looks like
    // poppler's rendering of page 1 of the PDF (the same dark pixels, give or take anti-aliasing).
    for (const hash of [v1.sha256, v1.pdfSha256]) {
      const img = await expectOk(call(app, 'GET', `/api/verify/${hash}/first-page.png`));
      expect(img.headers['content-type']).toBe('image/png');
      const png = img.rawPayload;
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([893, 1263]);
    }
    const ours = await pngInk((await call(app, 'GET', `/api/verify/${v1.sha256}/first-page.png`)).rawPayload);
    const poppler = renderPage(pdf1, 1, 108).pixels.filter((v) => v < 128).length / (893 * 1263);
    expect(ours).toBeGreaterThan(0.005);
    expect(Math.abs(ours - poppler) / poppler).toBeLessThan(0.2);

    const unknown = await call(app, 'GET', `/api/verify/${'0'.repeat(64)}/first-page.png`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('not_found');
    expect((await call(app, 'GET', '/api/verify/not-a-hash/first-page.png')).statusCode).toBe(400);
  });

  it('lets parties and agents sign or object, bound to the seal’s hash', async () => {
    const sign = (who: Invited, payload: unknown) =>
      call(app, 'POST', `/api/transcripts/${v1.id}/signatures`, { cookie: who.cookie, payload });
    // Only the name the court invited signs (case, spacing and width aside); a wrong one changes nothing.
    const before = await t.db.selectFrom('transcript_signatures').select('id').execute();
    const wrong = await sign(h.plaintiff, { fullName: '李四', confirm: true });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().error).toMatchObject({ code: 'name_mismatch', message: expect.stringContaining('张三') });
    expect(await t.db.selectFrom('transcript_signatures').select('id').execute()).toEqual(before);
    const signed = await expectOk(sign(h.plaintiff, { fullName: '张三', confirm: true }), 201);
    expect(signed.json().signature).toMatchObject({
      kind: 'signature',
      fullName: '张三',
      sha256: v1.sha256,
      version: 1,
    });
    expect((await sign(h.plaintiff, { fullName: '张三', confirm: true })).json().error.code).toBe('already_signed');
    expect((await sign(h.agent, { fullName: 'Chen', confirm: false })).statusCode).toBe(400);
    expect((await sign(h.witness, { fullName: 'W', confirm: true })).statusCode).toBe(403);
    const objected = await expectOk(
      call(app, 'POST', `/api/transcripts/${v1.id}/objections`, {
        cookie: h.defendant.cookie,
        payload: { text: 'Line 2 misquotes me.' },
      }),
      201,
    );
    expect(objected.json().signature).toMatchObject({ kind: 'objection', text: 'Line 2 misquotes me.' });
    const audit = await t.db
      .selectFrom('audit_events')
      .select(['action', 'payload', 'actor_id'])
      .where('stream', '=', h.id)
      .where('action', 'in', ['transcript.signed', 'transcript.objected'])
      .orderBy('seq')
      .execute();
    expect(audit).toMatchObject([
      { action: 'transcript.signed', actor_id: h.plaintiff.id, payload: { sha256: v1.sha256, fullName: '张三' } },
      { action: 'transcript.objected', actor_id: h.defendant.id, payload: { sha256: v1.sha256 } },
    ]);
    const list = (
      await expectOk(call(app, 'GET', `/api/hearings/${h.id}/transcript/signatures`, { cookie: c.cookies.judge }))
    ).json();
    expect(list.signatures.map((s: { kind: string }) => s.kind)).toEqual(['signature', 'objection']);
    const verified = (await expectOk(verifyPdf(pdf1))).json();
    expect(verified.signatures).toEqual([
      expect.objectContaining({ name: '张三', role: 'plaintiff', kind: 'signature' }),
      expect.objectContaining({ role: 'defendant', kind: 'objection' }),
    ]);
    // The objection's text is not in the PDF, so verification does not show it.
    expect(JSON.stringify(verified)).not.toContain('misquotes');
  });

  it('puts a correction after the seal in the draft; version 2 supersedes version 1, which never changes', async () => {
    const list = (await expectOk(transcript(h.id))).json();
    expect(list.draftOf).toBe(v1.id);
    const zhEntry = list.entries.find((e: { text: string }) => e.text === ZH);
    const fixed = '原告请求法院判令被告支付货款人民币十二万元。';
    await expectOk(
      call(app, 'PATCH', `/api/hearings/${h.id}/transcript/entries/${zhEntry.id}`, {
        cookie: c.cookies.clerk,
        payload: { text: fixed, reason: 'Amount misheard' },
      }),
    );
    // The sealed version is untouched: same bytes, same hash, still verified.
    expect(Buffer.from(await pdfOf(v1.id, c.cookies.clerk)).equals(pdf1)).toBe(true);
    await expect(
      t.db.updateTable('transcript_seals').set({ pages: 99 }).where('id', '=', v1.id).execute(),
    ).rejects.toThrow(/append-only/);
    const v2 = (
      await expectOk(call(app, 'POST', `/api/hearings/${h.id}/transcript/seal`, { cookie: c.cookies.clerk }), 201)
    ).json().seal;
    expect(v2).toMatchObject({ version: 2, supersedes: v1.id });
    const pdf2 = await pdfOf(v2.id, c.cookies.clerk);
    expect(pdfSig(pdf2)).toContain('Signature is Valid');
    expect(pdfText(pdf2)).toContain(fixed);
    expect(pdfText(pdf2)).toContain('supersedes version 1');
    expect(pdfText(pdf1)).not.toContain(fixed);
    const seals = (await expectOk(transcript(h.id))).json().seals;
    expect(seals).toMatchObject([
      { id: v1.id, supersededBy: v2.id },
      { id: v2.id, supersedes: v1.id, supersededBy: null },
    ]);
    expect((await expectOk(verifyPdf(pdf1))).json()).toMatchObject({
      match: true,
      supersededBy: { version: 2, sha256: v2.sha256 },
    });
    // Review goes to the latest version.
    const late = await call(app, 'POST', `/api/transcripts/${v1.id}/objections`, {
      cookie: h.agent.cookie,
      payload: { text: 'Too late.' },
    });
    expect(late.json().error.code).toBe('superseded');
  });
});

describe('what the sealed record says of the hearing beyond its entries', () => {
  it('names interpreters with their language, the exhibit rulings and the consultations held (when, never content), in court time', async () => {
    const h = await hearing();
    await invite(app, c, h.id, 'interpreter', {
      displayName: 'Wang Yi',
      interpretsForId: h.defendant.id,
      language: 'Mandarin',
    });
    await expectOk(addEntry(h.id, { speaker: 'Court', text: EN }), 201);
    // Around the step under test: a ruling and a consultation as the exhibits and consultation services leave them.
    const at = (iso: string) => new Date(iso);
    await t.db
      .insertInto('exhibits')
      .values({
        hearing_id: h.id,
        side: 'plaintiff',
        number: 1,
        label: 'P-1',
        title: 'Lease',
        file_name: 'lease.pdf',
        media_type: 'application/pdf',
        size_bytes: 1,
        sha256: 'a'.repeat(64),
        storage_key: 'k',
        stamped_key: 'k2',
        stamped_sha256: 'b'.repeat(64),
        stamped_size_bytes: 1,
        pages: 1,
        status: 'admitted',
        submitted_by_participant_id: h.plaintiff.id,
        submitted_by_name: '张三',
        ruled_at: at('2026-12-01T02:12:00Z'),
      })
      .execute();
    const consultation = await t.db
      .insertInto('consultations')
      .values({
        hearing_id: h.id,
        room: `consult-${crypto.randomUUID()}`,
        opened_by: h.plaintiff.id,
        opened_at: at('2026-12-01T02:20:00Z'),
        closed_at: at('2026-12-01T02:31:00Z'),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.db
      .insertInto('consultation_members')
      .values(
        [h.plaintiff.id, h.agent.id].map((participant_id) => ({ consultation_id: consultation.id, participant_id })),
      )
      .execute();
    await setState(app, c, h.id, 'adjourn');
    const seal = (
      await expectOk(call(app, 'POST', `/api/hearings/${h.id}/transcript/seal`, { cookie: c.cookies.clerk }), 201)
    ).json().seal as { id: string };
    const caption = pdfText(await pdfOf(seal.id, c.cookies.clerk), 1).replace(/\s+/g, ' ');
    const tz = (
      await t.db.selectFrom('courts').select('timezone').where('id', '=', c.f.court.id).executeTakeFirstOrThrow()
    ).timezone;
    const clock = (iso: string) =>
      new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
        new Date(iso),
      );
    expect(caption).toContain(`Times: court time,`);
    expect(caption).toContain(tz);
    expect(caption).toContain('Wang Yi — interpreter (Mandarin), for');
    expect(caption).toContain(`Exhibit P-1 “Lease” — admitted at ${clock('2026-12-01T02:12:00Z')}`);
    expect(caption).toMatch(
      new RegExp(`张三, .+ — ${clock('2026-12-01T02:20:00Z')} to ${clock('2026-12-01T02:31:00Z')} \\(not recorded\\)`),
    );
  });
});
