import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { ORIGIN } from '../../test/app.ts';
import { call } from '../../test/scheduling.ts';
import {
  connectSocket,
  expectOk,
  invite,
  liveApp,
  liveCourt,
  scheduleHearing,
  setState,
  startStandin,
  wsUrl,
  type Invited,
  type LiveCourt,
} from '../../test/live.ts';
import type { LiveKitStandin } from '../../test/livekit-standin.ts';
import { pdfPages, pdfText, qpdfCheck } from './pdf-tools.ts';

let t: TestDatabase;
let app: FastifyInstance;
let standin: LiveKitStandin;
let c: LiveCourt;

beforeAll(async () => {
  t = await createTestDatabase();
  const s = await startStandin();
  standin = s.standin;
  app = await liveApp(t, s.apiUrl);
  c = await liveCourt(app, t, 'Rec');
});
afterAll(async () => {
  await app.close();
  await standin.stop();
  await t.drop();
});

const ZH = '原告请求法院判令被告支付货款人民币十万元。';
const EN = 'Counsel for the plaintiff, you may begin your opening statement.';

/** A hearing in session with an admitted plaintiff, their agent and a witness waiting. */
async function hearing() {
  const id = await scheduleHearing(app, c);
  const plaintiff = await invite(app, c, id, 'plaintiff');
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
    expect(procedural.map((e: { text: string }) => e.text.replace(/^\[\d\d:\d\d\] /, ''))).toEqual([
      'Lobby opened',
      expect.stringMatching(/^Admitted: .*\(plaintiff\).*\(agent\).*\(defendant\)/),
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
    const texts = (snap.state as { transcript: Array<{ text: string }> }).transcript.map((e) => e.text.slice(8));
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
    });
    const changed = Buffer.from(pdf1);
    const at = changed.length >> 1;
    changed[at] = changed[at]! ^ 0x01;
    expect(changed.equals(pdf1)).toBe(false);
    expect((await expectOk(verifyPdf(changed))).json()).toEqual({ match: false });
    expect((await expectOk(call(app, 'GET', `/api/verify/${v1.sha256}`))).json()).toMatchObject({
      match: true,
      version: 1,
    });
    expect((await expectOk(call(app, 'GET', `/api/verify/${'0'.repeat(64)}`))).json()).toEqual({ match: false });
    expect((await call(app, 'GET', '/api/verify/not-a-hash')).statusCode).toBe(400);
  });

  it('lets parties and agents sign or object, bound to the seal’s hash', async () => {
    const sign = (who: Invited, payload: unknown) =>
      call(app, 'POST', `/api/transcripts/${v1.id}/signatures`, { cookie: who.cookie, payload });
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
