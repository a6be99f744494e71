import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { AccessToken } from 'livekit-server-sdk';
import { buildApp } from '../app.ts';
import { CapturingMailer } from '../platform/mail/mailer.ts';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { passwords, testConfig } from '../../test/app.ts';
import { call } from '../../test/scheduling.ts';
import {
  LIVEKIT_KEY,
  LIVEKIT_SECRET,
  expectOk,
  invite,
  liveCourt,
  liveEnv,
  scheduleHearing,
  setState,
  startStandin,
  type Invited,
  type LiveCourt,
} from '../../test/live.ts';
import type { LiveKitStandin } from '../../test/livekit-standin.ts';
import { parseConfig } from '../platform/config.ts';
import { HearingEgress, ConsultationNotRecorded } from './egress.ts';
import { parseRange } from './range.ts';

let t: TestDatabase;
let app: FastifyInstance;
let standin: LiveKitStandin;
let apiUrl: string;
let c: LiveCourt;
let localDir: string;

async function recordingApp(): Promise<FastifyInstance> {
  return buildApp({
    config: testConfig({ ...liveEnv(apiUrl), RECORDING_FILE_DIR: '/out', RECORDING_LOCAL_DIR: localDir }),
    db: t.db,
    passwords,
    logger: false,
    mailer: new CapturingMailer(),
    databaseUrl: t.url,
  });
}

beforeAll(async () => {
  t = await createTestDatabase();
  localDir = mkdtempSync(join(tmpdir(), 'gavel-recordings-'));
  const s = await startStandin();
  standin = s.standin;
  apiUrl = s.apiUrl;
  app = await recordingApp();
  c = await liveCourt(app, t, 'Rec');
});
afterAll(async () => {
  await app.close();
  await standin.stop();
  await t.drop();
  rmSync(localDir, { recursive: true, force: true });
});

const post = (url: string, cookie: string | undefined, payload: unknown = {}) =>
  call(app, 'POST', url, { cookie, payload });

/** A hearing in session with an admitted plaintiff and their agent. */
async function inSession(opts: { required?: boolean } = {}) {
  const id = await scheduleHearing(app, c);
  if (opts.required)
    await t.db.updateTable('hearings').set({ recording_required: true }).where('id', '=', id).execute();
  const party = await invite(app, c, id, 'plaintiff');
  const agent = await invite(app, c, id, 'agent', { representsId: party.id });
  await setState(app, c, id, 'open');
  for (const p of [party, agent]) await expectOk(post(`/api/hearings/${id}/lobby`, p.cookie));
  await expectOk(post(`/api/hearings/${id}/admit-all`, c.cookies.judge));
  await setState(app, c, id, 'start');
  const room = (await t.db.selectFrom('hearings').select('livekit_room').where('id', '=', id).executeTakeFirstOrThrow())
    .livekit_room;
  return { id, room, party, agent };
}

const recordingsOf = (hearingId: string) =>
  t.db.selectFrom('recordings').selectAll().where('hearing_id', '=', hearingId).orderBy('started_at').execute();
const eventsOf = (hearingId: string, kind: string) =>
  t.db
    .selectFrom('realtime_events')
    .select(['kind', 'topic', 'payload'])
    .where('stream', '=', hearingId)
    .where('kind', '=', kind)
    .orderBy('seq')
    .execute();
const auditOf = (hearingId: string) =>
  t.db
    .selectFrom('audit_events')
    .select(['action', 'actor_type', 'payload'])
    .where('stream', '=', hearingId)
    .where('action', 'like', 'recording.%')
    .orderBy('seq')
    .execute();
/** The record's notes about recording (the record holds other procedural notes too). */
const notesOf = (hearingId: string) =>
  t.db
    .selectFrom('transcript_entries')
    .selectAll()
    .where('hearing_id', '=', hearingId)
    .where('text', 'like', '%Recording%')
    .orderBy('seq')
    .execute();

async function signed(body: string, secret = LIVEKIT_SECRET) {
  const at = new AccessToken(LIVEKIT_KEY, secret);
  at.sha256 = Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(body))).toString('base64');
  return at.toJwt();
}
const webhook = (body: string, authorization?: string) =>
  app.inject({
    method: 'POST',
    url: '/api/livekit/webhook',
    headers: { 'content-type': 'application/webhook+json', ...(authorization ? { authorization } : {}) },
    payload: body,
  });
async function egressWebhook(event: 'egress_started' | 'egress_updated' | 'egress_ended', info: unknown) {
  const body = JSON.stringify({
    event,
    egressInfo: info,
    id: `EV_${Math.random()}`,
    createdAt: String(Math.floor(Date.now() / 1000)),
  });
  const res = await webhook(body, await signed(body));
  expect(res.statusCode, res.body).toBe(200);
}

describe('starting and stopping the recording (LiveKit stand-in)', () => {
  it('the judge starts a speaker-layout MP4 of the hearing room, everyone is told, the clerk stops it', async () => {
    const h = await inSession();
    const before = standin.callsOf('StartRoomCompositeEgress').length;
    const res = await post(`/api/hearings/${h.id}/recordings/start`, c.cookies.judge);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().recording).toMatchObject({ status: 'starting', startedBy: { id: c.f.judge.id } });
    const started = standin.callsOf('StartRoomCompositeEgress').slice(before);
    expect(started).toHaveLength(1);
    expect(started[0]!.body).toMatchObject({ roomName: h.room, layout: 'speaker' });
    const file = (started[0]!.body.file ?? (started[0]!.body.fileOutputs as unknown[])[0]) as Record<string, unknown>;
    expect(file.fileType ?? 'MP4').toBe('MP4');
    expect(String(file.filepath)).toMatch(new RegExp(`^/out/${h.id}/.+\\.mp4$`));

    const [rec] = await recordingsOf(h.id);
    expect(rec).toMatchObject({ status: 'starting', started_by: c.f.judge.id, output: 'file', room: h.room });
    expect((await eventsOf(h.id, 'recording.status')).at(-1)).toMatchObject({
      topic: { data: 'recording' },
      payload: { recording: true, status: 'starting', recordingId: rec!.id },
    });
    // A second start is refused while one runs.
    expect((await post(`/api/hearings/${h.id}/recordings/start`, c.cookies.clerk)).json().error.code).toBe(
      'already_recording',
    );

    const stop = await post(`/api/hearings/${h.id}/recordings/stop`, c.cookies.clerk);
    expect(stop.statusCode, stop.body).toBe(200);
    expect(standin.callsOf('StopEgress').at(-1)!.body).toEqual({ egressId: rec!.egress_id });
    expect((await recordingsOf(h.id))[0]!.status).toBe('ending');
    expect((await eventsOf(h.id, 'recording.status')).at(-1)!.payload).toMatchObject({
      recording: false,
      status: 'ending',
    });
    expect((await auditOf(h.id)).map((a) => a.action)).toEqual(['recording.started', 'recording.stop_requested']);
    expect((await post(`/api/hearings/${h.id}/recordings/stop`, c.cookies.judge)).json().error.code).toBe(
      'not_recording',
    );
  });

  it('refuses to record a private consultation room, and the egress wrapper refuses it too', async () => {
    const h = await inSession();
    const asked = await expectOk(
      post(`/api/hearings/${h.id}/consultation-requests`, h.agent.cookie, { participantIds: [h.party.id, h.agent.id] }),
      201,
    );
    const opened = await expectOk(
      post(`/api/hearings/${h.id}/consultation-requests/${asked.json().request.id}/accept`, h.party.cookie),
      201,
    );
    const consultRoom = opened.json().consultation.room as string;
    expect(consultRoom).toMatch(/^consult-/);
    const before = standin.callsOf('StartRoomCompositeEgress').length;
    const res = await post(`/api/hearings/${h.id}/recordings/start`, c.cookies.judge, { room: consultRoom });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('consultation_not_recorded');
    const other = await post(`/api/hearings/${h.id}/recordings/start`, c.cookies.judge, { room: 'some-other-room' });
    expect(other.json().error.code).toBe('not_hearing_room');
    const egress = new HearingEgress(
      { apiUrl, apiKey: LIVEKIT_KEY, apiSecret: LIVEKIT_SECRET },
      parseConfig({}).recording,
    );
    await expect(egress.start(consultRoom, '/out/x.mp4')).rejects.toBeInstanceOf(ConsultationNotRecorded);
    expect(standin.callsOf('StartRoomCompositeEgress').length).toBe(before);
    expect(await recordingsOf(h.id)).toEqual([]);
  });

  it('refuses a party (no staff session), and any start or stop outside the session', async () => {
    const h = await inSession();
    const res = await post(`/api/hearings/${h.id}/recordings/start`, h.party.cookie);
    expect(res.statusCode).toBe(401);
    await setState(app, c, h.id, 'recess');
    const inRecess = await post(`/api/hearings/${h.id}/recordings/start`, c.cookies.judge);
    expect(inRecess.statusCode).toBe(409);
    expect(inRecess.json().error.code).toBe('hearing_not_in_session');
    expect(await recordingsOf(h.id)).toEqual([]);
  });

  it('starts by itself at start and resume when the hearing requires it, and stops at recess and adjourn', async () => {
    const h = await inSession({ required: true });
    let recs = await recordingsOf(h.id);
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({ status: 'starting', started_by: null });
    await setState(app, c, h.id, 'recess');
    expect((await recordingsOf(h.id))[0]!.status).toBe('ending');
    expect(standin.callsOf('StopEgress').at(-1)!.body.egressId).toBe(recs[0]!.egress_id);
    await setState(app, c, h.id, 'resume');
    recs = await recordingsOf(h.id);
    expect(recs.map((r) => r.status)).toEqual(['ending', 'starting']);
    await setState(app, c, h.id, 'adjourn');
    recs = await recordingsOf(h.id);
    expect(recs.map((r) => r.status)).toEqual(['ending', 'ending']);
    const audit = await auditOf(h.id);
    expect(audit.map((a) => `${a.action}:${a.actor_type}`)).toEqual([
      'recording.started:system',
      'recording.stop_requested:system',
      'recording.started:system',
      'recording.stop_requested:system',
    ]);
    // A recording that ends after the hearing stopped is no interruption: no alert, no note.
    await egressWebhook(
      'egress_ended',
      standin.updateEgress(recs[1]!.egress_id, { status: 'EGRESS_COMPLETE', endedAt: '1700000100000000000' }),
    );
    expect(await eventsOf(h.id, 'recording.alert')).toEqual([]);
    expect(await notesOf(h.id)).toEqual([]);
  });

  it('does not start by itself when the hearing does not require recording', async () => {
    const h = await inSession();
    expect(await recordingsOf(h.id)).toEqual([]);
  });

  it('a hearing still moves when Egress is down; the bench is alerted that recording did not start', async () => {
    const id = await scheduleHearing(app, c);
    await t.db.updateTable('hearings').set({ recording_required: true }).where('id', '=', id).execute();
    await setState(app, c, id, 'open');
    standin.unavailable = true;
    try {
      await setState(app, c, id, 'start');
    } finally {
      standin.unavailable = false;
    }
    expect(await recordingsOf(id)).toEqual([]);
    const [alert] = await eventsOf(id, 'recording.alert');
    expect(alert).toMatchObject({ topic: { data: 'bench' }, payload: { recordingId: null, reason: 'start_failed' } });
    expect((await notesOf(id)).map((n) => n.text)).toEqual([expect.stringMatching(/^Recording could not be started$/)]);
  });
});

describe('Egress webhooks', () => {
  it('move the status and fill in file, size and duration; a bad signature changes nothing', async () => {
    const h = await inSession();
    const rid = (await expectOk(post(`/api/hearings/${h.id}/recordings/start`, c.cookies.judge), 201)).json().recording
      .id as string;
    const [rec] = await recordingsOf(h.id);
    const egressId = rec!.egress_id;

    const forged = JSON.stringify({ event: 'egress_ended', egressInfo: standin.egressInfo(egressId), id: 'EV_x' });
    expect((await webhook(forged, await signed(forged, 'not-the-secret-not-the-secret-0000'))).statusCode).toBe(401);
    expect((await webhook(forged)).statusCode).toBe(401);
    const good = await signed(forged);
    expect((await webhook(forged.replace('egress_ended', 'egress_started'), good)).statusCode).toBe(401);
    expect((await recordingsOf(h.id))[0]!.status).toBe('starting');

    await egressWebhook('egress_started', standin.updateEgress(egressId, { status: 'EGRESS_ACTIVE' }));
    expect((await recordingsOf(h.id))[0]!.status).toBe('active');
    const snapshotRecording = (await eventsOf(h.id, 'recording.status')).at(-1)!.payload;
    expect(snapshotRecording).toEqual({ recording: true, status: 'active', recordingId: rid });

    await expectOk(post(`/api/hearings/${h.id}/recordings/stop`, c.cookies.judge));
    await egressWebhook('egress_updated', standin.updateEgress(egressId, { status: 'EGRESS_ENDING' }));
    await egressWebhook(
      'egress_ended',
      standin.updateEgress(egressId, {
        status: 'EGRESS_COMPLETE',
        endedAt: String(BigInt(Date.now()) * 1_000_000n),
        fileResults: [{ filename: `/out/${h.id}/final.mp4`, size: '1048576', duration: '61500000000', location: '' }],
      }),
    );
    const done = (await recordingsOf(h.id))[0]!;
    expect(done).toMatchObject({
      status: 'complete',
      file_location: `/out/${h.id}/final.mp4`,
      size_bytes: '1048576',
      duration_ms: '61500',
    });
    expect(done.ended_at).toBeInstanceOf(Date);
    // Asked to stop: no alert.
    expect(await eventsOf(h.id, 'recording.alert')).toEqual([]);
    // A late, older update does not move a finished recording back.
    await egressWebhook('egress_updated', { ...standin.egressInfo(egressId), status: 'EGRESS_ACTIVE' });
    expect((await recordingsOf(h.id))[0]!.status).toBe('complete');

    const list = await expectOk(call(app, 'GET', `/api/hearings/${h.id}/recordings`, { cookie: c.cookies.clerk }));
    expect(list.json().recordings[0]).toMatchObject({
      id: rid,
      status: 'complete',
      durationMs: 61500,
      sizeBytes: 1048576,
      downloadable: true,
      startedBy: { id: c.f.judge.id, name: 'Test judge' },
    });
  });

  it('an egress_ended with an error alerts the bench with a restart, is audited and noted; a restart notes the resumption', async () => {
    const h = await inSession();
    const rid = (await expectOk(post(`/api/hearings/${h.id}/recordings/start`, c.cookies.clerk), 201)).json().recording
      .id as string;
    const egressId = (await recordingsOf(h.id))[0]!.egress_id;
    await egressWebhook(
      'egress_ended',
      standin.updateEgress(egressId, { status: 'EGRESS_FAILED', error: 'out of disk space', endedAt: '1' }),
    );
    const rec = (await recordingsOf(h.id))[0]!;
    expect(rec).toMatchObject({ status: 'failed', error: 'out of disk space' });
    expect(rec.interrupted_at).toBeInstanceOf(Date);
    expect(await eventsOf(h.id, 'recording.alert')).toEqual([
      {
        kind: 'recording.alert',
        topic: { data: 'bench' },
        payload: expect.objectContaining({ recordingId: rid, reason: 'failed', message: 'out of disk space' }),
      },
    ]);
    expect((await eventsOf(h.id, 'recording.status')).at(-1)!.payload).toEqual({
      recording: false,
      status: 'failed',
      recordingId: rid,
    });
    const audit = (await auditOf(h.id)).map((a) => a.action);
    expect(audit).toEqual(['recording.started', 'recording.ended', 'recording.interrupted']);
    const [note] = await notesOf(h.id);
    expect(note).toMatchObject({ source: 'procedural', speaker: 'Court', author_id: null });
    expect(note!.text).toMatch(/^Recording interrupted$/);
    const pushed = await eventsOf(h.id, 'transcript.entry');
    expect(pushed.map((e) => e.payload)).toContainEqual({
      entry: expect.objectContaining({ text: note!.text, seq: note!.seq, source: 'procedural' }),
    });

    // The alert's one-click restart is the start route.
    await expectOk(post(`/api/hearings/${h.id}/recordings/start`, c.cookies.judge), 201);
    const notes = await notesOf(h.id);
    expect(notes).toHaveLength(2);
    expect(notes[1]!.seq).toBeGreaterThan(notes[0]!.seq);
    expect(notes[1]!.text).toMatch(/^Recording resumed$/);
  });

  it('an egress that ends by itself while the hearing is in session is an interruption too', async () => {
    const h = await inSession();
    await expectOk(post(`/api/hearings/${h.id}/recordings/start`, c.cookies.judge), 201);
    const egressId = (await recordingsOf(h.id))[0]!.egress_id;
    await egressWebhook('egress_ended', standin.updateEgress(egressId, { status: 'EGRESS_COMPLETE', endedAt: '1' }));
    expect((await eventsOf(h.id, 'recording.alert'))[0]!.payload).toMatchObject({ reason: 'ended_in_session' });
    expect((await notesOf(h.id))[0]!.text).toMatch(/Recording interrupted$/);
  });

  it('ignores egresses of rooms that are not Gavel’s hearings', async () => {
    const before = await t.db.selectFrom('recordings').select('id').execute();
    await egressWebhook('egress_started', {
      egressId: 'EG_elsewhere',
      roomName: 'consult-00000000-0000-4000-8000-000000000000',
      status: 'EGRESS_ACTIVE',
    });
    await egressWebhook('egress_started', { egressId: 'EG_elsewhere2', roomName: 'not-ours', status: 'EGRESS_ACTIVE' });
    expect(await t.db.selectFrom('recordings').select('id').execute()).toEqual(before);
  });
});

describe('restart recovery through listEgress', () => {
  it('a new instance learns what ran, ended or was lost while it was down', async () => {
    const running = await inSession();
    const ended = await inSession();
    const lost = await inSession();
    const orphan = await inSession();
    for (const h of [running, ended, lost]) {
      await expectOk(post(`/api/hearings/${h.id}/recordings/start`, c.cookies.judge), 201);
    }
    const egressOf = async (id: string) => (await recordingsOf(id))[0]!.egress_id;
    // While Gavel is down: one goes active, one completes, one vanishes, and one was started but never saved.
    await app.close();
    standin.updateEgress(await egressOf(running.id), { status: 'EGRESS_ACTIVE' });
    standin.updateEgress(await egressOf(ended.id), {
      status: 'EGRESS_COMPLETE',
      endedAt: String(BigInt(Date.now()) * 1_000_000n),
      fileResults: [{ filename: `/out/${ended.id}/x.mp4`, size: '2048', duration: '1000000000' }],
    });
    standin.egresses.delete(await egressOf(lost.id));
    const orphanEgress = await new HearingEgress(
      { apiUrl, apiKey: LIVEKIT_KEY, apiSecret: LIVEKIT_SECRET },
      parseConfig({}).recording,
    ).start(orphan.room, `/out/${orphan.id}/y.mp4`);

    app = await recordingApp();
    const listed = standin.callsOf('ListEgress').length;
    const result = await app.recordings.reconcile();
    expect(standin.callsOf('ListEgress').length).toBeGreaterThan(listed);
    expect(standin.callsOf('ListEgress')[listed]!.body).toMatchObject({ active: true });
    expect(result.adopted).toBe(1);

    expect((await recordingsOf(running.id))[0]!.status).toBe('active');
    expect((await recordingsOf(ended.id))[0]).toMatchObject({ status: 'complete', size_bytes: '2048' });
    expect((await recordingsOf(lost.id))[0]).toMatchObject({ status: 'failed' });
    expect((await eventsOf(lost.id, 'recording.alert'))[0]!.payload).toMatchObject({ reason: 'failed' });
    // The hearing that completed while in session ended without being asked: alerted too.
    expect(await eventsOf(ended.id, 'recording.alert')).toHaveLength(1);
    expect(await recordingsOf(orphan.id)).toMatchObject([
      { egress_id: orphanEgress.egressId, status: 'starting', started_by: null },
    ]);
    expect((await auditOf(orphan.id)).map((a) => a.action)).toContain('recording.adopted');
    // Running it again changes nothing.
    expect(await app.recordings.reconcile()).toMatchObject({ adopted: 0, settled: 0 });
    c = await liveCourt(app, t, 'Rec2');
  });
});

describe('downloading a recording', () => {
  let h: Awaited<ReturnType<typeof inSession>>;
  let rid: string;
  let other: LiveCourt;
  let otherParty: Invited;
  const content = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256));

  beforeAll(async () => {
    h = await inSession();
    otherParty = h.party;
    rid = (await expectOk(post(`/api/hearings/${h.id}/recordings/start`, c.cookies.judge), 201)).json().recording.id;
    const egressId = (await recordingsOf(h.id))[0]!.egress_id;
    await expectOk(post(`/api/hearings/${h.id}/recordings/stop`, c.cookies.judge));
    await egressWebhook(
      'egress_ended',
      standin.updateEgress(egressId, {
        status: 'EGRESS_COMPLETE',
        endedAt: '1',
        fileResults: [{ filename: `/out/${h.id}/rec.mp4`, size: '1000', duration: '1000000000' }],
      }),
    );
    mkdirSync(join(localDir, h.id), { recursive: true });
    writeFileSync(join(localDir, h.id, 'rec.mp4'), content);
    other = await liveCourt(app, t, 'RecOther');
  });

  const download = (cookie: string | undefined, headers: Record<string, string> = {}, id = rid) =>
    app.inject({
      method: 'GET',
      url: `/api/hearings/${h.id}/recordings/${id}/download`,
      headers: { ...(cookie ? { cookie } : {}), ...headers },
    });

  it('streams the whole file to the hearing’s judge and the court’s clerk, and is audited', async () => {
    for (const cookie of [c.cookies.judge, c.cookies.clerk]) {
      const res = await download(cookie);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toBe('video/mp4');
      expect(res.headers['accept-ranges']).toBe('bytes');
      expect(res.headers['content-length']).toBe('1000');
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="hearing-.+\.mp4"$/);
      expect(res.rawPayload.equals(content)).toBe(true);
    }
    expect((await auditOf(h.id)).filter((a) => a.action === 'recording.downloaded')).toHaveLength(2);
  });

  it('answers Range requests with 206 and the exact bytes, 416 past the end', async () => {
    const first = await download(c.cookies.clerk, { range: 'bytes=0-99' });
    expect(first.statusCode).toBe(206);
    expect(first.headers['content-range']).toBe('bytes 0-99/1000');
    expect(first.headers['content-length']).toBe('100');
    expect(first.rawPayload.equals(content.subarray(0, 100))).toBe(true);
    const open = await download(c.cookies.clerk, { range: 'bytes=900-' });
    expect(open.headers['content-range']).toBe('bytes 900-999/1000');
    expect(open.rawPayload.equals(content.subarray(900))).toBe(true);
    const suffix = await download(c.cookies.clerk, { range: 'bytes=-10' });
    expect(suffix.rawPayload.equals(content.subarray(990))).toBe(true);
    const past = await download(c.cookies.clerk, { range: 'bytes=5000-' });
    expect(past.statusCode).toBe(416);
    expect(past.headers['content-range']).toBe('bytes */1000');
    expect(past.json().error.code).toBe('range_not_satisfiable');
  });

  it('refuses staff of another court, another judge, a party and anonymous callers', async () => {
    const refusals = {
      otherCourtClerk: (await download(other.cookies.clerk)).statusCode,
      otherJudgeHere: (await download(c.cookies.judge2)).statusCode,
      party: (await download(otherParty.cookie)).statusCode,
      anonymous: (await download(undefined)).statusCode,
    };
    expect(refusals).toEqual({ otherCourtClerk: 404, otherJudgeHere: 404, party: 401, anonymous: 401 });
  });

  it('hashes the file into the record log before the first copy leaves, once; the row then cannot change', async () => {
    // The webhook came before Egress's volume showed the file; the first download above logged it.
    const sha256 = createHash('sha256').update(content).digest('hex');
    const row = () => t.db.selectFrom('recordings').selectAll().where('id', '=', rid).executeTakeFirstOrThrow();
    expect((await row()).file_sha256).toBe(sha256);
    const logged = () => auditOf(h.id).then((a) => a.filter((e) => e.action === 'recording.logged'));
    expect(await logged()).toEqual([
      expect.objectContaining({ actor_type: 'system', payload: expect.objectContaining({ recordingId: rid, sha256 }) }),
    ]);
    const inclusion = await app.inject({ method: 'GET', url: `/api/log/inclusion?sha256=${sha256}` });
    expect(inclusion.statusCode, inclusion.body).toBe(200);
    expect(inclusion.json()).toMatchObject({ kind: 'recording.file' });
    expect(JSON.parse(inclusion.json().entry)).toMatchObject({ ref: `recording:${rid}`, sha256 });

    expect((await download(c.cookies.clerk)).statusCode).toBe(200);
    expect(await logged()).toHaveLength(1);
    const leaves = await t.db.selectFrom('record_log_leaves').select('idx').where('sha256', '=', sha256).execute();
    expect(leaves).toHaveLength(1);

    // Not even with database access: the logged row neither points elsewhere, nor rehashes, nor goes away.
    const refused = /append-only/;
    await expect(
      t.db
        .updateTable('recordings')
        .set({ file_location: `/out/${h.id}/other.mp4` })
        .where('id', '=', rid)
        .execute(),
    ).rejects.toThrow(refused);
    await expect(
      t.db
        .updateTable('recordings')
        .set({ file_sha256: 'f'.repeat(64) })
        .where('id', '=', rid)
        .execute(),
    ).rejects.toThrow(refused);
    await expect(t.db.deleteFrom('recordings').where('id', '=', rid).execute()).rejects.toThrow(refused);
    expect((await row()).file_sha256).toBe(sha256);
  });

  it('logs a file Egress finished before its egress_ended webhook at the webhook', async () => {
    const live = await inSession();
    const id = (await expectOk(post(`/api/hearings/${live.id}/recordings/start`, c.cookies.judge), 201)).json()
      .recording.id;
    const egressId = (await recordingsOf(live.id))[0]!.egress_id;
    await expectOk(post(`/api/hearings/${live.id}/recordings/stop`, c.cookies.judge));
    const bytes = Buffer.from('a finished recording');
    mkdirSync(join(localDir, live.id), { recursive: true });
    writeFileSync(join(localDir, live.id, 'early.mp4'), bytes);
    await egressWebhook(
      'egress_ended',
      standin.updateEgress(egressId, {
        status: 'EGRESS_COMPLETE',
        endedAt: '1',
        fileResults: [{ filename: `/out/${live.id}/early.mp4`, size: String(bytes.length), duration: '1000000000' }],
      }),
    );
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const r = await t.db.selectFrom('recordings').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(r.file_sha256).toBe(sha256);
    expect((await auditOf(live.id)).map((e) => e.action)).toContain('recording.logged');
  });

  it('says clearly when the file is missing, and 404s an unknown recording', async () => {
    rmSync(join(localDir, h.id, 'rec.mp4'));
    const res = await download(c.cookies.clerk);
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('recording_file_missing');
    expect(res.json().error.message).toMatch(/RECORDING_LOCAL_DIR/);
    const unknown = await download(c.cookies.clerk, {}, '00000000-0000-4000-8000-000000000000');
    expect(unknown.json().error.code).toBe('not_found');
  });
});

describe('S3 output', () => {
  it('asks Egress to upload to the bucket and answers downloads with a 5-minute presigned URL', async () => {
    const s3app = await buildApp({
      config: testConfig({
        ...liveEnv(apiUrl),
        RECORDING_OUTPUT: 's3',
        S3_ENDPOINT: 'http://minio.test:9000',
        S3_BUCKET: 'court-recordings',
        S3_REGION: 'us-east-1',
        S3_ACCESS_KEY_ID: 'AKIATEST',
        S3_SECRET_ACCESS_KEY: 'secret-key',
        S3_FORCE_PATH_STYLE: 'true',
      }),
      db: t.db,
      passwords,
      logger: false,
      mailer: new CapturingMailer(),
    });
    try {
      const h = await inSession();
      const res = await call(s3app, 'POST', `/api/hearings/${h.id}/recordings/start`, { cookie: c.cookies.judge });
      expect(res.statusCode, res.body).toBe(201);
      const body = standin.callsOf('StartRoomCompositeEgress').at(-1)!.body;
      const file = (body.file ?? (body.fileOutputs as unknown[])[0]) as Record<string, unknown>;
      expect(file.filepath).toMatch(new RegExp(`^recordings/${h.id}/.+\\.mp4$`));
      expect(file.s3).toMatchObject({
        bucket: 'court-recordings',
        endpoint: 'http://minio.test:9000',
        forcePathStyle: true,
        accessKey: 'AKIATEST',
      });
      const rec = (await recordingsOf(h.id))[0]!;
      await t.db.updateTable('recordings').set({ status: 'complete' }).where('id', '=', rec.id).execute();
      const dl = await s3app.inject({
        method: 'GET',
        url: `/api/hearings/${h.id}/recordings/${rec.id}/download`,
        headers: { cookie: c.cookies.clerk },
      });
      expect(dl.statusCode).toBe(302);
      const url = new URL(String(dl.headers.location));
      expect(`${url.origin}${url.pathname}`).toBe(`http://minio.test:9000/court-recordings/${rec.file_location}`);
      expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
      expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^AKIATEST\/\d{8}\/us-east-1\/s3\/aws4_request$/);
      expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
      expect(url.searchParams.get('response-content-disposition')).toMatch(/^attachment; filename=/);
    } finally {
      await s3app.close();
    }
  });
});

describe('Range parsing', () => {
  it('reads single ranges and refuses the unsatisfiable', () => {
    expect(parseRange(undefined, 10)).toBe('whole');
    expect(parseRange('bytes=0-0', 10)).toEqual({ start: 0, end: 0 });
    expect(parseRange('bytes=2-100', 10)).toEqual({ start: 2, end: 9 });
    expect(parseRange('bytes=-3', 10)).toEqual({ start: 7, end: 9 });
    expect(parseRange('bytes=0-1,4-5', 10)).toBe('whole');
    expect(parseRange('bytes=5-2', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=10-', 10)).toBe('unsatisfiable');
    expect(parseRange('items=0-1', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=-', 10)).toBe('unsatisfiable');
  });
});
