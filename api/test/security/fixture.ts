// The shared fixture of the security suite (docs/security.md): two courts with their staff, hearings in
// each state that matters with their participants signed in, ids of everything a route parameter can
// name, and one sample request per route that an allowed caller can make succeed.
//
// Other suites import it for their own route walks: keep its exports stable.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { AccessToken } from 'livekit-server-sdk';
import { sql } from 'kysely';
import { inject as vitestInject } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { CapturingMailer } from '../../src/platform/mail/mailer.ts';
import { issueLink } from '../../src/accounts/password-link.service.ts';
import { hashRecoveryCode, normalizeRecoveryCode, totpCode } from '../../src/accounts/two-factor.ts';
import { createDb } from '../../src/platform/db/connect.ts';
import type { DeclaredRoute } from '../../src/platform/http/access.ts';
import { multipart, pdfBytes } from '../exhibits.ts';
import { createTestDatabase, type TestDatabase } from '../db.ts';
import { ORIGIN, createStaff, passwords, testConfig } from '../app.ts';
import { createCourtFixture, createCourtroom, hearingBody, tokenOf, type CourtFixture } from '../scheduling.ts';
import { LIVEKIT_KEY, LIVEKIT_SECRET, liveEnv, startStandin } from '../live.ts';
import type { LiveKitStandin } from '../livekit-standin.ts';

// ---------------------------------------------------------------------------------------------
// Who calls

/** Staff members with a full session. "A" is the court of the hearings; "B" is another court. */
export const STAFF_CALLERS = [
  'adminA',
  /** The judge of every hearing of the fixture's scenes. */
  'judgeA',
  /** Another judge of the same court. */
  'otherJudgeA',
  /** The clerk of every hearing of the fixture's scenes (they scheduled it). */
  'clerkA',
  /** Another clerk of the same court. */
  'otherClerkA',
  'adminB',
  'judgeB',
  'clerkB',
] as const;

/** Participants of the hearing a request is about, signed in through their invitation link. */
export const PARTICIPANT_CALLERS = [
  'plaintiff',
  /** The plaintiff's agent (represents the plaintiff). */
  'agent',
  'defendant',
  'witness',
  'observer',
] as const;

export const CALLERS = [
  'anonymous',
  /** judgeA's session after the password, with the second factor still owed. */
  'halfSignedIn',
  ...STAFF_CALLERS,
  ...PARTICIPANT_CALLERS,
  /** A plaintiff of another hearing of the same court. */
  'partOther',
] as const;

export type StaffCaller = (typeof STAFF_CALLERS)[number];
export type ParticipantCaller = (typeof PARTICIPANT_CALLERS)[number];
export type Caller = (typeof CALLERS)[number];

export const isStaffCaller = (c: Caller): c is StaffCaller => (STAFF_CALLERS as readonly string[]).includes(c);
export const isParticipantCaller = (c: Caller): c is ParticipantCaller =>
  (PARTICIPANT_CALLERS as readonly string[]).includes(c);

// ---------------------------------------------------------------------------------------------
// What they call about

export type SceneState = 'scheduled' | 'open' | 'in_session' | 'adjourned';

export interface SceneParticipant {
  id: string;
  /** The invitation token (its link is /join/<token>). */
  token: string;
  /** `gavel_participant=…`, from opening the link. */
  cookie: string;
}

/** A hearing of court A (judgeA presides unless asked otherwise; clerkA scheduled it) with one participant of each role. */
export interface Scene {
  hearingId: string;
  state: SceneState;
  participants: Record<ParticipantCaller, SceneParticipant>;
}

export interface SceneOptions {
  /** Default 'in_session'. */
  state?: SceneState;
  /** From 'open' on: are the participants admitted (default) or still waiting in the lobby? */
  admitted?: boolean;
  /** Adds one transcript entry (before adjourning, for adjourned scenes). */
  entry?: boolean;
  /** Seals the record of an adjourned scene (implies an entry). */
  sealed?: boolean;
  /** Who presides: judgeA (default) or otherJudgeA. The clerk is clerkA either way. */
  judge?: 'judgeA' | 'otherJudgeA';
}

export interface StaffMember {
  id: string;
  email: string;
  password: string;
  role: 'admin' | 'judge' | 'clerk';
  courtId: string;
}

/** A request as a sample builds it; the caller's cookie is added unless `cookie` says otherwise. */
export interface Req {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  /** A JSON body (or a Buffer with `contentType`); POST without one sends {} as the web app does. */
  payload?: unknown;
  contentType?: string;
  /** Added over Gavel's Origin; an empty value means the header is not sent at all. */
  headers?: Record<string, string>;
  /** Replaces the caller's cookie (null: send none). */
  cookie?: string | null;
}

/** What one request acts on: the scene whose participants call, and the ids the URL names. */
export interface Target {
  scene: Scene;
  ids: Record<string, string>;
}

/**
 * One route's sample request. `target` builds what it acts on; `request` the call a given caller
 * makes. An allowed caller's call reaches the handler and succeeds (or fails on the state, never
 * on who calls). `fresh`: an allowed call uses up its target, so each allowed caller gets a new one.
 */
export interface Sample {
  target: (fx: SecurityFixture) => Promise<Target>;
  request: (fx: SecurityFixture, x: Target, caller: Caller) => Req | Promise<Req>;
  fresh?: boolean;
}

export interface Fingerprint {
  tables: Record<string, string>;
  files: string;
  livekitCalls: number;
  mails: number;
}

export interface SecurityFixture {
  t: TestDatabase;
  app: FastifyInstance;
  standin: LiveKitStandin;
  mailer: CapturingMailer;
  dataDir: string;
  /** Court A (the hearings') and B (another court): court, clerk, judge, judge2, rooms, case. */
  courtA: CourtFixture;
  courtB: CourtFixture;
  staff: Record<StaffCaller, StaffMember>;
  /** A clerk of court A whose credentials the login sample uses. */
  loginProbe: StaffMember;
  /** Cookies of the callers that do not depend on the scene. */
  cookies: Record<StaffCaller | 'halfSignedIn' | 'partOther', string>;
  /** judgeA's TOTP secret and unused recovery codes (judgeA signs in with a second factor). */
  judgeTotp: { secret: string; recoveryCodes: string[] };

  /** In session, everyone admitted; with a transcript entry, exhibits and a finished recording. */
  hearing: Scene;
  /** Adjourned with a sealed record. */
  sealed: Scene;
  /** Scheduled; its participants joined but nothing started. For changes that need no live hearing. */
  scratch: Scene;
  /** Another hearing of court A (otherJudgeA presides) with partOther as its plaintiff. */
  elsewhere: { hearingId: string; partOther: SceneParticipant };
  /** A scheduled hearing of court B. */
  hearingB: string;

  /** Ids of everything a route parameter can name, all of court A and of fx.hearing unless said. */
  ids: {
    hearingId: string;
    participantId: string;
    entryId: string;
    /** P-1, marked, submitted by the plaintiff's agent. */
    exhibitId: string;
    /** C-1, marked, submitted by the clerk. */
    courtExhibitId: string;
    recordingId: string;
    /** The seal of fx.sealed. */
    sealId: string;
    sealSha256: string;
    /** The sealed PDF's own SHA-256: the record log's first leaf. */
    sealPdfSha256: string;
    /** An open consultation of the plaintiff and their agent, in its own scene (fx.consultation.scene). */
    consultationId: string;
    courtroomId: string;
    /** clerkA's user id. */
    userId: string;
    /** clerkA's session. */
    sessionId: string;
    /** An invitation token of a participant of fx.scratch that nobody else uses. */
    inviteToken: string;
    caseId: string;
  };
  consultation: { scene: Scene; id: string };

  /** app.inject with Gavel's Origin, the cookie, and a remote address of its own (rate limits are per address). */
  inject(req: Req & { cookie?: string | null }): Promise<LightMyRequestResponse>;
  /** The cookie a caller sends, for a request about `scene` (participants are the scene's). */
  cookieOf(caller: Caller, scene?: Scene): string | undefined;
  /** A new session of a staff caller, or a new half-signed-in one of judgeA. */
  newSession(caller: StaffCaller | 'halfSignedIn'): Promise<string>;
  scene(opts?: SceneOptions): Promise<Scene>;
  /** Invites someone to the scene's hearing without opening the link: { id, token }. */
  spare(scene: Scene, role?: string): Promise<{ id: string; token: string }>;
  freshClerk(opts?: { disabled?: boolean }): Promise<string>;
  /** A pending request (asked by judgeA) to remove the second factor of `userId`, or of a fresh clerk; its id. */
  freshReset(userId?: string): Promise<string>;
  freshCourtroom(opts?: { retired?: boolean }): Promise<string>;
  /** A set-password link of a new invited account: its token. */
  passwordLink(): Promise<string>;
  /** Uploads a PDF exhibit with the given cookie; returns its id. */
  exhibit(scene: Scene, cookie: string, title?: string): Promise<string>;
  /** Opens a consultation of the scene's plaintiff and agent; returns its id. */
  openConsultation(scene: Scene): Promise<string>;
  /** The scene's agent (or plaintiff) asks the other to consult; returns the asking's id. */
  askConsultation(scene: Scene, by?: 'agent' | 'plaintiff'): Promise<string>;
  /** A finished recording of the scene's hearing with its file on disk; returns its id. */
  recording(scene: Scene): Promise<string>;
  /** A webhook body and the Authorization LiveKit would send with it. */
  signedWebhook(event: Record<string, unknown>): Promise<{ body: string; authorization: string }>;
  /** Row count and content hash of every table, the files under DATA_DIR, LiveKit calls and mails sent. */
  fingerprint(): Promise<Fingerprint>;
  /** One of judgeA's recovery codes that has not been used yet. */
  recoveryCode(): Promise<string>;
  close(): Promise<void>;
}

// Columns a request may change without changing anything: a session's "last seen" is touched at most once a minute.
const VOLATILE_COLUMNS = ['last_seen_at', 'idle_expires_at'];

let slot = 0;
/** A fresh hour in 2031, so no two bookings of the fixture conflict. */
export function nextSlot(): { start: string; end: string } {
  slot++;
  const start = new Date(Date.UTC(2031, 0, 1) + slot * 2 * 3_600_000);
  return { start: start.toISOString(), end: new Date(start.getTime() + 3_600_000).toISOString() };
}

let address = 0;
/** A remote address no other request of this process used: rate limits never decide a test. */
export function nextAddress(): string {
  address++;
  return `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}`;
}

let unique = 0;
export const uniq = (prefix: string) => `${prefix}-${process.pid}-${++unique}`;

function cookieFrom(res: LightMyRequestResponse, name: string): string {
  const c = res.cookies.find((x) => x.name.endsWith(name));
  if (!c) throw new Error(`no ${name} cookie in response ${res.statusCode}: ${res.body}`);
  return `${c.name}=${c.value}`;
}

function filesUnder(dir: string): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(`${p.slice(dir.length)}:${statSync(p).size}`);
    }
  };
  walk(dir);
  return out.sort().join('|');
}

/** Builds the whole fixture on a fresh database. `listen` also puts the app on a loopback port (websockets). */
export async function createSecurityFixture(opts: { listen?: boolean } = {}): Promise<SecurityFixture> {
  const t = await createTestDatabase();
  const { standin, apiUrl } = await startStandin();
  const dataDir = mkdtempSync(join(tmpdir(), 'gavel-security-'));
  const mailer = new CapturingMailer();
  const app = await buildApp({
    config: testConfig({ ...liveEnv(apiUrl), DATA_DIR: dataDir }),
    db: t.db,
    passwords,
    logger: false,
    mailer,
    databaseUrl: t.url,
  });
  if (opts.listen) await app.listen({ port: 0, host: '127.0.0.1' });
  const recordingDir = join(dataDir, 'recordings');

  const inject = (req: Req): Promise<LightMyRequestResponse> => {
    const headers: Record<string, string> = { origin: ORIGIN, ...(req.cookie ? { cookie: req.cookie } : {}) };
    if (req.contentType) headers['content-type'] = req.contentType;
    Object.assign(headers, req.headers);
    for (const [k, v] of Object.entries(headers)) if (v === '') delete headers[k];
    const o: InjectOptions = { method: req.method, url: req.url, headers, remoteAddress: nextAddress() };
    if (req.payload !== undefined) o.payload = req.payload as InjectOptions['payload'];
    else if (req.method === 'POST') o.payload = {};
    return app.inject(o);
  };
  const ok = async (req: Req, status = 200) => {
    const res = await inject(req);
    if (res.statusCode !== status) {
      throw new Error(`${req.method} ${req.url}: expected ${status}, got ${res.statusCode}: ${res.body}`);
    }
    return res;
  };

  // Staff of both courts.
  const courtA = await createCourtFixture(t.db, uniq('SecA'));
  const courtB = await createCourtFixture(t.db, uniq('SecB'));
  const member = async (role: StaffMember['role'], courtId: string): Promise<StaffMember> => {
    const u = await createStaff(t.db, role, { courtId, email: `${uniq(role)}@security.test` });
    return { id: u.id, email: u.email, password: u.password, role, courtId };
  };
  const asMember = (u: CourtFixture['clerk'], role: StaffMember['role'], courtId: string): StaffMember => ({
    id: u.id,
    email: u.email,
    password: u.password,
    role,
    courtId,
  });
  const staff: Record<StaffCaller, StaffMember> = {
    adminA: await member('admin', courtA.court.id),
    judgeA: asMember(courtA.judge, 'judge', courtA.court.id),
    otherJudgeA: asMember(courtA.judge2, 'judge', courtA.court.id),
    clerkA: asMember(courtA.clerk, 'clerk', courtA.court.id),
    otherClerkA: await member('clerk', courtA.court.id),
    adminB: await member('admin', courtB.court.id),
    judgeB: asMember(courtB.judge, 'judge', courtB.court.id),
    clerkB: asMember(courtB.clerk, 'clerk', courtB.court.id),
  };
  const loginProbe = await member('clerk', courtA.court.id);

  const passwordStep = async (u: StaffMember) =>
    cookieFrom(
      await ok({ method: 'POST', url: '/api/auth/login', payload: { email: u.email, password: u.password } }),
      'gavel_session',
    );

  const cookies = {} as SecurityFixture['cookies'];
  for (const c of STAFF_CALLERS) cookies[c] = await passwordStep(staff[c]);
  // judgeA turns on two-factor sign-in with the session above (which stays fully signed in); from then
  // on a password alone gives a session that owes its code.
  const setup = await ok({ method: 'POST', url: '/api/account/two-factor/setup', cookie: cookies.judgeA });
  const secret = (setup.json() as { secret: string }).secret;
  const confirm = await ok({
    method: 'POST',
    url: '/api/account/two-factor/confirm',
    cookie: cookies.judgeA,
    payload: { code: totpCode(secret, new Date()) },
  });
  const judgeTotp = { secret, recoveryCodes: (confirm.json() as { recoveryCodes: string[] }).recoveryCodes };
  const halfSession = async () => {
    const res = await ok({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: staff.judgeA.email, password: staff.judgeA.password },
    });
    if ((res.json() as { step?: string }).step !== 'second_factor') throw new Error(`not half signed in: ${res.body}`);
    return cookieFrom(res, 'gavel_session');
  };
  cookies.halfSignedIn = await halfSession();

  const clerk = cookies.clerkA;
  const judge = cookies.judgeA;

  const openLink = async (token: string) =>
    cookieFrom(await ok({ method: 'POST', url: '/api/join', payload: { token } }), 'gavel_participant');
  const invite = async (hearingId: string, role: string, extra: Record<string, unknown> = {}) => {
    const res = await ok(
      {
        method: 'POST',
        url: `/api/hearings/${hearingId}/participants`,
        cookie: clerk,
        payload: { role, displayName: `${role} ${++unique}`, ...extra },
      },
      201,
    );
    const body = res.json() as { participant: { id: string }; inviteUrl: string };
    return { id: body.participant.id, token: tokenOf(body.inviteUrl) };
  };
  const schedule = async (f: CourtFixture, cookie: string, judgeId: string) => {
    const s = nextSlot();
    const res = await ok(
      { method: 'POST', url: '/api/hearings', cookie, payload: hearingBody(f, s.start, s.end, { judgeId }) },
      201,
    );
    return (res.json() as { hearing: { id: string } }).hearing.id;
  };
  const setState = (hearingId: string, action: string, cookie = judge) =>
    ok({ method: 'POST', url: `/api/hearings/${hearingId}/state`, cookie, payload: { action } });
  const addEntry = async (hearingId: string) =>
    (
      (
        await ok(
          {
            method: 'POST',
            url: `/api/hearings/${hearingId}/transcript/entries`,
            cookie: clerk,
            payload: { speaker: 'Court', text: 'Let the record show the parties are present.' },
          },
          201,
        )
      ).json() as { entry: { id: string } }
    ).entry.id;

  const scene = async (o: SceneOptions = {}): Promise<Scene> => {
    const state = o.state ?? 'in_session';
    const presiding = o.judge ?? 'judgeA';
    const judge = cookies[presiding];
    const hearingId = await schedule(courtA, clerk, staff[presiding].id);
    const invited = async (role: string, extra: Record<string, unknown> = {}) => {
      const p = await invite(hearingId, role, extra);
      return { ...p, cookie: await openLink(p.token) };
    };
    const plaintiff = await invited('plaintiff');
    const participants: Scene['participants'] = {
      plaintiff,
      agent: await invited('agent', { representsId: plaintiff.id }),
      defendant: await invited('defendant'),
      witness: await invited('witness'),
      observer: await invited('observer'),
    };
    if (state !== 'scheduled') {
      await setState(hearingId, 'open', judge);
      for (const p of Object.values(participants)) {
        await ok({ method: 'POST', url: `/api/hearings/${hearingId}/lobby`, cookie: p.cookie });
      }
      if (o.admitted !== false) {
        await ok({ method: 'POST', url: `/api/hearings/${hearingId}/admit-all`, cookie: judge });
        // A witness waits until called: the judge calls them in.
        const witness = await t.db
          .selectFrom('participants')
          .select('presence')
          .where('id', '=', participants.witness.id)
          .executeTakeFirstOrThrow();
        if (witness.presence === 'in_lobby') {
          await ok({
            method: 'POST',
            url: `/api/hearings/${hearingId}/participants/${participants.witness.id}/admit`,
            cookie: judge,
          });
        }
      }
      if (state === 'in_session' || state === 'adjourned') await setState(hearingId, 'start', judge);
      if (o.entry || o.sealed) await addEntry(hearingId);
      if (state === 'adjourned') await setState(hearingId, 'adjourn', judge);
      if (o.sealed) {
        await ok({ method: 'POST', url: `/api/hearings/${hearingId}/transcript/seal`, cookie: clerk }, 201);
      }
    }
    return { hearingId, state, participants };
  };

  const exhibit = async (s: Scene, cookie: string, title = 'Contract of sale'): Promise<string> => {
    const m = multipart([
      { name: 'title', value: title },
      { name: 'file', file: { fileName: 'exhibit.pdf', bytes: await pdfBytes(2) } },
    ]);
    const res = await ok(
      {
        method: 'POST',
        url: `/api/hearings/${s.hearingId}/exhibits`,
        cookie,
        payload: m.body,
        contentType: m.contentType,
      },
      201,
    );
    return (res.json() as { exhibit: { id: string } }).exhibit.id;
  };
  const askConsultation = async (s: Scene, by: 'agent' | 'plaintiff' = 'agent'): Promise<string> => {
    const res = await ok(
      {
        method: 'POST',
        url: `/api/hearings/${s.hearingId}/consultation-requests`,
        cookie: s.participants[by].cookie,
        payload: { participantIds: [s.participants.plaintiff.id, s.participants.agent.id] },
      },
      201,
    );
    return (res.json() as { request: { id: string } }).request.id;
  };
  const openConsultation = async (s: Scene): Promise<string> => {
    const rid = await askConsultation(s);
    const res = await ok(
      {
        method: 'POST',
        url: `/api/hearings/${s.hearingId}/consultation-requests/${rid}/accept`,
        cookie: s.participants.plaintiff.cookie,
      },
      201,
    );
    return (res.json() as { consultation: { id: string } }).consultation.id;
  };
  const recording = async (s: Scene): Promise<string> => {
    const h = await t.db
      .selectFrom('hearings')
      .select('livekit_room')
      .where('id', '=', s.hearingId)
      .executeTakeFirstOrThrow();
    const r = await t.db
      .insertInto('recordings')
      .values({
        hearing_id: s.hearingId,
        egress_id: `EG_done_${s.hearingId}`,
        room: h.livekit_room,
        status: 'complete',
        started_by: staff.judgeA.id,
        output: 'file',
        ended_at: new Date(),
        file_location: `/out/${s.hearingId}/done.mp4`,
        size_bytes: 4,
        duration_ms: 1000,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    mkdirSync(join(recordingDir, s.hearingId), { recursive: true });
    writeFileSync(join(recordingDir, s.hearingId, 'done.mp4'), 'MP4!');
    return r.id;
  };

  // The scenes.
  const hearing = await scene({ state: 'in_session', entry: true });
  const exhibitId = await exhibit(hearing, hearing.participants.agent.cookie, 'Agent’s contract');
  const courtExhibitId = await exhibit(hearing, clerk, 'Court’s map');
  const recordingId = await recording(hearing);
  const entryId = (
    await t.db
      .selectFrom('transcript_entries')
      .select('id')
      .where('hearing_id', '=', hearing.hearingId)
      // A spoken entry: Gavel's own procedural notes cannot be corrected.
      .where('source', '<>', 'procedural')
      .orderBy('seq')
      .limit(1)
      .executeTakeFirstOrThrow()
  ).id;
  const sealed = await scene({ state: 'adjourned', sealed: true });
  const seal = await t.db
    .selectFrom('transcript_seals')
    .select(['id', 'sha256', 'pdf_sha256'])
    .where('hearing_id', '=', sealed.hearingId)
    .executeTakeFirstOrThrow();
  const scratch = await scene({ state: 'scheduled' });
  const consultationScene = await scene({ state: 'in_session' });
  const consultationId = await openConsultation(consultationScene);
  const elsewhereId = await schedule(courtA, clerk, staff.otherJudgeA.id);
  const other = await invite(elsewhereId, 'plaintiff');
  const partOther = { ...other, cookie: await openLink(other.token) };
  cookies.partOther = partOther.cookie;
  const hearingB = await schedule(courtB, cookies.clerkB, staff.judgeB.id);
  const spareInvite = await invite(scratch.hearingId, 'observer');
  const clerkSession = await t.db
    .selectFrom('sessions')
    .select('id')
    .where('user_id', '=', staff.clerkA.id)
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirstOrThrow();

  // The content of every table, as one query.
  const tables = (
    await sql<{ name: string }>`
      select table_name as name from information_schema.tables
      where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'kysely_%'
      order by table_name`.execute(t.db)
  ).rows.map((r) => r.name);
  const drop = VOLATILE_COLUMNS.map((c) => ` - '${c}'`).join('');
  const fingerprintQuery = tables
    .map(
      (name) =>
        `select '${name}' as name, count(*)::text || ':' || coalesce(sum(hashtextextended((to_jsonb(x)${drop})::text, 0)), 0)::text as h from "${name}" x`,
    )
    .join(' union all ');

  const fx: SecurityFixture = {
    t,
    app,
    standin,
    mailer,
    dataDir,
    courtA,
    courtB,
    staff,
    loginProbe,
    cookies,
    judgeTotp,
    hearing,
    sealed,
    scratch,
    elsewhere: { hearingId: elsewhereId, partOther },
    hearingB,
    ids: {
      hearingId: hearing.hearingId,
      participantId: hearing.participants.plaintiff.id,
      entryId,
      exhibitId,
      courtExhibitId,
      recordingId,
      sealId: seal.id,
      sealSha256: seal.sha256,
      sealPdfSha256: seal.pdf_sha256,
      consultationId,
      courtroomId: courtA.room.id,
      userId: staff.clerkA.id,
      sessionId: clerkSession.id,
      inviteToken: spareInvite.token,
      caseId: courtA.caseId,
    },
    consultation: { scene: consultationScene, id: consultationId },
    inject,
    cookieOf(caller, s = hearing) {
      if (caller === 'anonymous') return undefined;
      if (isParticipantCaller(caller)) return s.participants[caller].cookie;
      return cookies[caller];
    },
    async newSession(caller) {
      return caller === 'halfSignedIn' ? halfSession() : passwordStep(staff[caller]);
    },
    scene,
    spare: (s, role = 'observer') => invite(s.hearingId, role),
    freshClerk: async (o = {}) =>
      (await createStaff(t.db, 'clerk', { courtId: courtA.court.id, disabled: o.disabled ?? false })).id,
    async freshReset(userId) {
      const target = userId ?? (await createStaff(t.db, 'clerk', { courtId: courtA.court.id })).id;
      // One open request per account: an earlier one left open by a refused caller goes first.
      await t.db
        .updateTable('two_factor_resets')
        .set({ cancelled_at: new Date() })
        .where('user_id', '=', target)
        .where('cancelled_at', 'is', null)
        .where('done_at', 'is', null)
        .execute();
      const row = await t.db
        .insertInto('two_factor_resets')
        .values({
          court_id: courtA.court.id,
          user_id: target,
          requested_by: staff.judgeA.id,
          requested_at: new Date(),
          mode: 'approval',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },
    freshCourtroom: async (o = {}) =>
      (await createCourtroom(t.db, courtA.court.id, uniq('Room'), o.retired ?? false)).id,
    async passwordLink() {
      const u = await member('clerk', courtA.court.id);
      return t.db
        .transaction()
        .execute(
          async (trx) =>
            (await issueLink(trx, { userId: u.id, purpose: 'invite', createdBy: null, now: new Date() })).token,
        );
    },
    exhibit,
    openConsultation,
    askConsultation,
    recording,
    async signedWebhook(event) {
      // As LiveKit sends them: a fresh id and the time it was made.
      const body = JSON.stringify({ id: uniq('EV'), createdAt: String(Math.floor(Date.now() / 1000)), ...event });
      const at = new AccessToken(LIVEKIT_KEY, LIVEKIT_SECRET);
      at.sha256 = Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(body))).toString('base64');
      return { body, authorization: await at.toJwt() };
    },
    async fingerprint() {
      const rows = (await sql.raw<{ name: string; h: string }>(fingerprintQuery).execute(t.db)).rows;
      return {
        tables: Object.fromEntries(rows.map((r) => [r.name, r.h])),
        files: filesUnder(dataDir),
        livekitCalls: standin.calls.length,
        mails: mailer.sent.length,
      };
    },
    async recoveryCode() {
      const unused = new Set(
        (
          await t.db
            .selectFrom('recovery_codes')
            .select('code_hash')
            .where('user_id', '=', staff.judgeA.id)
            .where('used_at', 'is', null)
            .execute()
        ).map((r) => r.code_hash),
      );
      const c = judgeTotp.recoveryCodes.find((code) => unused.has(hashRecoveryCode(normalizeRecoveryCode(code) ?? '')));
      if (!c) throw new Error('judgeA has no recovery code left');
      return c;
    },
    async close() {
      await app.close();
      await standin.stop();
      await t.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return fx;
}

/**
 * The app's route table (every /api route with its declared access), from an app built on a database
 * handle it never uses: routes register without a query, so a test file can read it while it is
 * collected and declare one test per route.
 */
export async function routeTable(): Promise<DeclaredRoute[]> {
  const db = createDb(vitestInject('adminDatabaseUrl'), 1);
  try {
    const app = await buildApp({ config: testConfig(), db, passwords, logger: false });
    await app.ready();
    const table = app.routeAccess.map((r) => ({ ...r }));
    await app.close();
    return table;
  } finally {
    await db.destroy();
  }
}

export const routeKey = (r: { method: string; url: string }) => `${r.method} ${r.url}`;

/** The fields of two fingerprints that differ (empty when nothing changed). */
export function changes(before: Fingerprint, after: Fingerprint): string[] {
  const out: string[] = [];
  for (const [name, h] of Object.entries(after.tables)) if (before.tables[name] !== h) out.push(name);
  for (const name of Object.keys(before.tables)) if (!(name in after.tables)) out.push(name);
  if (before.files !== after.files) out.push('files');
  if (before.livekitCalls !== after.livekitCalls) out.push('livekit calls');
  if (before.mails !== after.mails) out.push('mails');
  return out;
}

// ---------------------------------------------------------------------------------------------
// One sample request per route

const main = async (fx: SecurityFixture): Promise<Target> => ({ scene: fx.hearing, ids: {} });
const on =
  (scene: (fx: SecurityFixture) => Scene, ids: (fx: SecurityFixture) => Record<string, string> = () => ({})) =>
  async (fx: SecurityFixture): Promise<Target> => ({ scene: scene(fx), ids: ids(fx) });
const get = (url: (fx: SecurityFixture, x: Target) => string): Sample => ({
  target: main,
  request: (fx, x) => ({ method: 'GET', url: url(fx, x) }),
});
const H = (x: Target) => `/api/hearings/${x.scene.hearingId}`;
const WRONG_PASSWORD = 'not the current password';
const NEW_PASSWORD = 'a long unusual passphrase 42';
const range = '?from=2031-01-01T00:00:00Z&to=2031-02-01T00:00:00Z';

/** A fresh hearing in session, and a participant of it by role. */
const liveScene = (fx: SecurityFixture) => fx.scene({ state: 'in_session' });

export const SAMPLES: Record<string, Sample> = {
  'GET /api/openapi.json': get(() => '/api/openapi.json'),
  'GET /api/health': get(() => '/api/health'),

  // Sign-in.
  'POST /api/auth/login': {
    target: main,
    request: (fx) => ({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: fx.loginProbe.email, password: fx.loginProbe.password },
    }),
  },
  'POST /api/auth/login/second-factor': {
    target: main,
    // The half-signed-in caller finishes a session of its own with one of judgeA's recovery codes.
    request: async (fx, _x, caller) =>
      caller === 'halfSignedIn'
        ? {
            method: 'POST',
            url: '/api/auth/login/second-factor',
            cookie: await fx.newSession('halfSignedIn'),
            payload: { code: await fx.recoveryCode() },
          }
        : { method: 'POST', url: '/api/auth/login/second-factor', payload: { code: await fx.recoveryCode() } },
  },
  'POST /api/auth/logout': {
    target: main,
    // Staff sign out of a session of their own, so the fixture's stay.
    request: async (fx, _x, caller) => ({
      method: 'POST',
      url: '/api/auth/logout',
      ...(isStaffCaller(caller) || caller === 'halfSignedIn' ? { cookie: await fx.newSession(caller) } : {}),
    }),
  },
  'GET /api/auth/me': get(() => '/api/auth/me'),

  // Court administration: ids are court A's.
  'GET /api/admin/court': get(() => '/api/admin/court'),
  'POST /api/admin/court': {
    target: main,
    request: () => ({ method: 'POST', url: '/api/admin/court', payload: { inviteGraceMinutes: 90 } }),
  },
  'GET /api/admin/courtrooms': get(() => '/api/admin/courtrooms'),
  'POST /api/admin/courtrooms': {
    target: main,
    request: () => ({ method: 'POST', url: '/api/admin/courtrooms', payload: { name: uniq('Room') } }),
  },
  'POST /api/admin/courtrooms/:courtroomId/rename': {
    target: async (fx) => ({ scene: fx.hearing, ids: { courtroomId: await fx.freshCourtroom() } }),
    request: (_fx, x) => ({
      method: 'POST',
      url: `/api/admin/courtrooms/${x.ids.courtroomId}/rename`,
      payload: { name: uniq('Renamed') },
    }),
  },
  'POST /api/admin/courtrooms/:courtroomId/retire': {
    target: async (fx) => ({ scene: fx.hearing, ids: { courtroomId: await fx.freshCourtroom() } }),
    request: (_fx, x) => ({ method: 'POST', url: `/api/admin/courtrooms/${x.ids.courtroomId}/retire` }),
    fresh: true,
  },
  'POST /api/admin/courtrooms/:courtroomId/reinstate': {
    target: async (fx) => ({ scene: fx.hearing, ids: { courtroomId: await fx.freshCourtroom({ retired: true }) } }),
    request: (_fx, x) => ({ method: 'POST', url: `/api/admin/courtrooms/${x.ids.courtroomId}/reinstate` }),
    fresh: true,
  },
  'GET /api/admin/staff': get(() => '/api/admin/staff?role=clerk'),
  'POST /api/admin/staff': {
    target: main,
    request: () => ({
      method: 'POST',
      url: '/api/admin/staff',
      payload: { email: `${uniq('invitee')}@security.test`, name: 'New Clerk', role: 'clerk' },
    }),
  },
  ...Object.fromEntries(
    (['role', 'disable', 'enable', 'password-reset', 'two-factor-reset'] as const).map((action) => [
      `POST /api/admin/staff/:userId/${action}`,
      {
        target: async (fx: SecurityFixture) => ({
          scene: fx.hearing,
          ids: { userId: await fx.freshClerk({ disabled: action === 'enable' }) },
        }),
        request: (_fx: SecurityFixture, x: Target): Req => ({
          method: 'POST',
          url: `/api/admin/staff/${x.ids.userId}/${action}`,
          payload: action === 'role' ? { role: 'judge' } : {},
        }),
        fresh: true,
      } satisfies Sample,
    ]),
  ),

  'GET /api/admin/two-factor-resets': get(() => '/api/admin/two-factor-resets'),
  ...Object.fromEntries(
    (['approve', 'cancel'] as const).map((action) => [
      `POST /api/admin/two-factor-resets/:resetId/${action}`,
      {
        target: async (fx: SecurityFixture) => ({ scene: fx.hearing, ids: { resetId: await fx.freshReset() } }),
        request: (_fx: SecurityFixture, x: Target): Req => ({
          method: 'POST',
          url: `/api/admin/two-factor-resets/${x.ids.resetId}/${action}`,
          payload: {},
        }),
        fresh: true,
      } satisfies Sample,
    ]),
  ),

  // One's own account.
  'GET /api/account': get(() => '/api/account'),
  'GET /api/account/notices': get(() => '/api/account/notices'),
  'POST /api/account/notices/:noticeId/dismiss': {
    target: async (fx) => {
      const n = await fx.t.db
        .insertInto('account_notices')
        .values({ user_id: fx.staff.judgeA.id, kind: 'password_reset', payload: '{}', created_at: new Date() })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { scene: fx.hearing, ids: { noticeId: n.id } };
    },
    request: (_fx, x) => ({ method: 'POST', url: `/api/account/notices/${x.ids.noticeId}/dismiss`, payload: {} }),
    fresh: true,
  },
  'POST /api/account/two-factor-resets/:resetId/cancel': {
    target: async (fx) => ({ scene: fx.hearing, ids: { resetId: await fx.freshReset(fx.staff.judgeA.id) } }),
    request: (_fx, x) => ({
      method: 'POST',
      url: `/api/account/two-factor-resets/${x.ids.resetId}/cancel`,
      payload: {},
    }),
    fresh: true,
  },
  'POST /api/account/password': {
    target: main,
    // The current password is wrong: allowed callers get 400, and no session ends.
    request: () => ({
      method: 'POST',
      url: '/api/account/password',
      payload: { currentPassword: WRONG_PASSWORD, newPassword: NEW_PASSWORD },
    }),
  },
  'GET /api/account/sessions': get(() => '/api/account/sessions'),
  'POST /api/account/sessions/:sessionId/end': {
    // Another session of judgeA's: only judgeA may end it.
    target: async (fx) => {
      await fx.newSession('halfSignedIn');
      const s = await fx.t.db
        .selectFrom('sessions')
        .select('id')
        .where('user_id', '=', fx.staff.judgeA.id)
        .orderBy('created_at', 'desc')
        .limit(1)
        .executeTakeFirstOrThrow();
      return { scene: fx.hearing, ids: { sessionId: s.id } };
    },
    request: (_fx, x) => ({ method: 'POST', url: `/api/account/sessions/${x.ids.sessionId}/end` }),
    fresh: true,
  },
  'POST /api/account/two-factor/setup': {
    target: main,
    request: () => ({ method: 'POST', url: '/api/account/two-factor/setup' }),
  },
  'POST /api/account/two-factor/confirm': {
    // Every staff caller but judgeA (whose two-factor sign-in is on) has started setting it up.
    target: async (fx) => {
      for (const c of STAFF_CALLERS.filter((s) => s !== 'judgeA')) {
        const res = await fx.inject({ method: 'POST', url: '/api/account/two-factor/setup', cookie: fx.cookies[c] });
        if (res.statusCode !== 200) throw new Error(`setup failed for ${c}: ${res.body}`);
      }
      return { scene: fx.hearing, ids: {} };
    },
    request: () => ({ method: 'POST', url: '/api/account/two-factor/confirm', payload: { code: '000000' } }),
  },
  'POST /api/account/two-factor/recovery-codes': {
    target: main,
    request: () => ({
      method: 'POST',
      url: '/api/account/two-factor/recovery-codes',
      payload: { password: WRONG_PASSWORD },
    }),
  },
  'POST /api/account/two-factor/disable': {
    target: main,
    request: () => ({ method: 'POST', url: '/api/account/two-factor/disable', payload: { password: WRONG_PASSWORD } }),
  },
  'POST /api/account/set-password/inspect': {
    target: async (fx) => ({ scene: fx.hearing, ids: { token: await fx.passwordLink() } }),
    request: (_fx, x) => ({
      method: 'POST',
      url: '/api/account/set-password/inspect',
      payload: { token: x.ids.token },
    }),
  },
  'POST /api/account/set-password': {
    target: async (fx) => ({ scene: fx.hearing, ids: { token: await fx.passwordLink() } }),
    request: (_fx, x) => ({
      method: 'POST',
      url: '/api/account/set-password',
      payload: { token: x.ids.token, password: NEW_PASSWORD },
    }),
    fresh: true,
  },

  // Scheduling: court A's case, courtroom and judge.
  'POST /api/cases': {
    target: main,
    request: () => ({
      method: 'POST',
      url: '/api/cases',
      payload: { number: uniq('CASE'), caption: 'Zhang v. Li', caseType: 'civil' },
    }),
  },
  'GET /api/cases': get(() => '/api/cases?q=Sec'),
  'GET /api/hearings/options': get(() => '/api/hearings/options'),
  'GET /api/hearings/conflicts': get((fx) => {
    const s = nextSlot();
    return `/api/hearings/conflicts?start=${s.start}&end=${s.end}&judgeId=${fx.staff.judgeA.id}&courtroomId=${fx.courtA.room.id}`;
  }),
  'POST /api/hearings': {
    target: main,
    request: (fx) => {
      const s = nextSlot();
      return { method: 'POST', url: '/api/hearings', payload: hearingBody(fx.courtA, s.start, s.end) };
    },
  },
  'GET /api/hearings': get(() => `/api/hearings${range}`),
  'GET /api/hearings/:id': get((_fx, x) => H(x)),
  'PATCH /api/hearings/:id': {
    target: main,
    request: (_fx, x) => ({ method: 'PATCH', url: H(x), payload: { notes: uniq('Notes') } }),
  },
  'POST /api/hearings/:id/cancel': {
    target: async (fx) => ({ scene: await fx.scene({ state: 'scheduled' }), ids: {} }),
    request: (_fx, x) => ({ method: 'POST', url: `${H(x)}/cancel` }),
    fresh: true,
  },
  'GET /api/hearings/:id/calendar.ics': get((_fx, x) => `${H(x)}/calendar.ics`),
  'POST /api/hearings/:id/participants': {
    target: on((fx) => fx.scratch),
    request: (_fx, x) => ({
      method: 'POST',
      url: `${H(x)}/participants`,
      payload: { role: 'witness', displayName: uniq('Witness') },
    }),
  },
  'POST /api/hearings/:id/participants/:pid/invite': {
    target: async (fx) => ({ scene: fx.scratch, ids: { pid: (await fx.spare(fx.scratch)).id } }),
    request: (_fx, x) => ({ method: 'POST', url: `${H(x)}/participants/${x.ids.pid}/invite` }),
  },
  'DELETE /api/hearings/:id/participants/:pid': {
    target: async (fx) => ({ scene: fx.scratch, ids: { pid: (await fx.spare(fx.scratch)).id } }),
    request: (_fx, x) => ({ method: 'DELETE', url: `${H(x)}/participants/${x.ids.pid}` }),
    fresh: true,
  },

  // Invitation links: the link decides, not the caller.
  'GET /api/join/:token': {
    target: async (fx) => ({ scene: fx.scratch, ids: { token: (await fx.spare(fx.scratch)).token } }),
    request: (_fx, x) => ({ method: 'GET', url: `/api/join/${x.ids.token}` }),
  },
  'GET /api/join/:token/calendar.ics': {
    target: async (fx) => ({ scene: fx.scratch, ids: { token: (await fx.spare(fx.scratch)).token } }),
    request: (_fx, x) => ({ method: 'GET', url: `/api/join/${x.ids.token}/calendar.ics` }),
  },
  'POST /api/join': {
    target: async (fx) => ({ scene: fx.scratch, ids: { token: (await fx.spare(fx.scratch)).token } }),
    request: (_fx, x) => ({ method: 'POST', url: '/api/join', payload: { token: x.ids.token } }),
  },
  'GET /api/hearings/:id/me': get((_fx, x) => `${H(x)}/me`),

  // The live hearing.
  'POST /api/hearings/:id/state': {
    target: async (fx) => ({ scene: await liveScene(fx), ids: {} }),
    request: (_fx, x) => ({ method: 'POST', url: `${H(x)}/state`, payload: { action: 'recess' } }),
    fresh: true,
  },
  'POST /api/hearings/:id/participants/:pid/admit': {
    target: async (fx) => {
      const s = await fx.scene({ state: 'open', admitted: false });
      return { scene: s, ids: { pid: s.participants.defendant.id } };
    },
    request: (_fx, x) => ({ method: 'POST', url: `${H(x)}/participants/${x.ids.pid}/admit` }),
    fresh: true,
  },
  'POST /api/hearings/:id/participants/:pid/return-to-lobby': {
    target: async (fx) => {
      const s = await liveScene(fx);
      return { scene: s, ids: { pid: s.participants.defendant.id } };
    },
    request: (_fx, x) => ({ method: 'POST', url: `${H(x)}/participants/${x.ids.pid}/return-to-lobby` }),
    fresh: true,
  },
  'POST /api/hearings/:id/participants/:pid/remove': {
    target: async (fx) => {
      const s = await liveScene(fx);
      return { scene: s, ids: { pid: s.participants.defendant.id } };
    },
    request: (_fx, x) => ({ method: 'POST', url: `${H(x)}/participants/${x.ids.pid}/remove` }),
    fresh: true,
  },
  'POST /api/hearings/:id/admit-all': {
    target: async (fx) => ({ scene: await fx.scene({ state: 'open', admitted: false }), ids: {} }),
    request: (_fx, x) => ({ method: 'POST', url: `${H(x)}/admit-all` }),
    fresh: true,
  },
  'POST /api/hearings/:id/participants/:pid/mute': {
    target: main,
    request: (_fx, x) => ({
      method: 'POST',
      url: `${H(x)}/participants/${x.scene.participants.defendant.id}/mute`,
      payload: { trackSid: 'TR_microphone' },
    }),
  },
  'POST /api/hearings/:id/participants/:pid/screen-share': {
    target: main,
    request: (_fx, x) => ({
      method: 'POST',
      url: `${H(x)}/participants/${x.scene.participants.defendant.id}/screen-share`,
      payload: { allowed: true },
    }),
  },
  'POST /api/hearings/:id/lobby': {
    // Everyone of the scene waits in the lobby: entering again changes nothing, leaving it does.
    target: async (fx) => ({ scene: await fx.scene({ state: 'open', admitted: false }), ids: {} }),
    request: (_fx, x) => ({ method: 'POST', url: `${H(x)}/lobby` }),
  },
  'POST /api/hearings/:id/leave': {
    // Each participant leaves for themselves: the allowed calls share one scene of their own.
    target: async (fx) => ({ scene: await liveScene(fx), ids: {} }),
    request: (_fx, x) => ({ method: 'POST', url: `${H(x)}/leave` }),
  },
  'POST /api/hearings/:id/media-token': {
    target: main,
    request: (_fx, x) => ({ method: 'POST', url: `${H(x)}/media-token` }),
  },
  'POST /api/livekit/webhook': {
    target: main,
    // LiveKit's signature opens it, whoever else calls: a room that is not Gavel's changes nothing.
    request: async (fx) => {
      const w = await fx.signedWebhook({ event: 'room_started', room: { name: 'not-a-gavel-room' }, id: uniq('EV') });
      return {
        method: 'POST',
        url: '/api/livekit/webhook',
        payload: w.body,
        contentType: 'application/webhook+json',
        headers: { authorization: w.authorization },
      };
    },
  },
  'POST /api/hearings/:id/chat': {
    target: main,
    request: (_fx, x) => ({ method: 'POST', url: `${H(x)}/chat`, payload: { text: 'Good morning.', to: 'all' } }),
  },
  'GET /api/hearings/:id/chat': get((_fx, x) => `${H(x)}/chat`),
  'POST /api/hearings/:id/consultation-requests': {
    target: async (fx) => ({ scene: await liveScene(fx), ids: {} }),
    request: (_fx, x) => ({
      method: 'POST',
      url: `${H(x)}/consultation-requests`,
      payload: { participantIds: [x.scene.participants.plaintiff.id, x.scene.participants.agent.id] },
    }),
    fresh: true,
  },
  ...Object.fromEntries(
    (['accept', 'decline', 'withdraw'] as const).map((a) => [
      `POST /api/hearings/:id/consultation-requests/:rid/${a}`,
      {
        // The agent asks, the plaintiff answers; for withdrawing, the plaintiff asks.
        target: async (fx: SecurityFixture) => {
          const s = await liveScene(fx);
          return { scene: s, ids: { rid: await fx.askConsultation(s, a === 'withdraw' ? 'plaintiff' : 'agent') } };
        },
        request: (_fx: SecurityFixture, x: { scene: Scene; ids: Record<string, string> }) => ({
          method: 'POST',
          url: `${H(x)}/consultation-requests/${x.ids.rid}/${a}`,
        }),
        fresh: true,
      },
    ]),
  ),
  'POST /api/hearings/:id/consultations/:cid/media-token': {
    target: on(
      (fx) => fx.consultation.scene,
      (fx) => ({ cid: fx.consultation.id }),
    ),
    request: (_fx, x) => ({ method: 'POST', url: `${H(x)}/consultations/${x.ids.cid}/media-token` }),
  },
  'POST /api/hearings/:id/consultations/:cid/leave': {
    target: async (fx) => {
      const s = await liveScene(fx);
      return { scene: s, ids: { cid: await fx.openConsultation(s) } };
    },
    request: (_fx, x) => ({ method: 'POST', url: `${H(x)}/consultations/${x.ids.cid}/leave` }),
    fresh: true,
  },
  // Without an upgrade it is not a websocket (ws-origin.test.ts connects for real).
  'GET /api/ws': get(() => '/api/ws'),

  // Recordings.
  'POST /api/hearings/:id/recordings/start': {
    target: async (fx) => ({ scene: await liveScene(fx), ids: {} }),
    request: (_fx, x) => ({ method: 'POST', url: `${H(x)}/recordings/start` }),
    fresh: true,
  },
  'POST /api/hearings/:id/recordings/stop': {
    target: async (fx) => {
      const s = await liveScene(fx);
      const res = await fx.inject({
        method: 'POST',
        url: `/api/hearings/${s.hearingId}/recordings/start`,
        cookie: fx.cookies.judgeA,
      });
      if (res.statusCode !== 201) throw new Error(`recording did not start: ${res.body}`);
      return { scene: s, ids: {} };
    },
    request: (_fx, x) => ({ method: 'POST', url: `${H(x)}/recordings/stop` }),
    fresh: true,
  },
  'GET /api/hearings/:id/recordings': get((_fx, x) => `${H(x)}/recordings`),
  'GET /api/hearings/:id/recordings/:rid/download': get((fx, x) => `${H(x)}/recordings/${fx.ids.recordingId}/download`),

  // The record.
  'GET /api/hearings/:id/transcript': get((_fx, x) => `${H(x)}/transcript`),
  'POST /api/hearings/:id/transcript/entries': {
    target: main,
    request: (_fx, x) => ({
      method: 'POST',
      url: `${H(x)}/transcript/entries`,
      payload: { speaker: 'Court', text: 'Noted.' },
    }),
  },
  'PATCH /api/hearings/:id/transcript/entries/:eid': {
    target: main,
    request: (fx, x) => ({
      method: 'PATCH',
      url: `${H(x)}/transcript/entries/${fx.ids.entryId}`,
      payload: { text: `Corrected ${uniq('text')}.`, reason: 'Misheard' },
    }),
  },
  'POST /api/hearings/:id/transcript/import': {
    target: main,
    request: (_fx, x) => ({
      method: 'POST',
      url: `${H(x)}/transcript/import`,
      payload: [{ speaker: 'Judge', start: 1, text: 'Be seated.' }],
    }),
  },
  'POST /api/hearings/:id/transcript/seal': {
    target: async (fx) => ({ scene: await fx.scene({ state: 'adjourned', entry: true }), ids: {} }),
    request: (_fx, x) => ({ method: 'POST', url: `${H(x)}/transcript/seal` }),
    fresh: true,
  },
  'GET /api/hearings/:id/transcript/signatures': {
    target: on((fx) => fx.sealed),
    request: (_fx, x) => ({ method: 'GET', url: `${H(x)}/transcript/signatures` }),
  },
  'GET /api/transcripts/:sealId/pdf': {
    target: on((fx) => fx.sealed),
    request: (fx) => ({ method: 'GET', url: `/api/transcripts/${fx.ids.sealId}/pdf` }),
  },
  'POST /api/transcripts/:sealId/signatures': {
    // Each allowed participant signs once, for themselves.
    target: async (fx) => ({ scene: await fx.scene({ state: 'adjourned', sealed: true }), ids: {} }),
    request: async (fx, x, caller) => {
      // A signature carries the name the court invited the signer by.
      const who = (x.scene.participants as Record<string, SceneParticipant | undefined>)[caller];
      const invited = who
        ? await fx.t.db.selectFrom('participants').select('display_name').where('id', '=', who.id).executeTakeFirst()
        : undefined;
      return {
        method: 'POST',
        url: `/api/transcripts/${await sealOf(fx, x)}/signatures`,
        payload: { fullName: invited?.display_name ?? 'Full Name', confirm: true },
      };
    },
  },
  'POST /api/transcripts/:sealId/objections': {
    target: on((fx) => fx.sealed),
    request: (fx) => ({
      method: 'POST',
      url: `/api/transcripts/${fx.ids.sealId}/objections`,
      payload: { text: 'The time of the adjournment is wrong.' },
    }),
  },
  'POST /api/verify': {
    target: main,
    request: () => ({
      method: 'POST',
      url: '/api/verify',
      payload: Buffer.from('%PDF-1.7 not a sealed transcript'),
      contentType: 'application/pdf',
    }),
  },
  'GET /api/verify/:sha256': get((fx) => `/api/verify/${fx.ids.sealSha256}`),
  'GET /api/verify/:sha256/first-page.png': get((fx) => `/api/verify/${fx.ids.sealSha256}/first-page.png`),
  'GET /api/court-certificate': get(() => '/api/court-certificate'),
  // The fixture's sealed transcript PDF is the log's first leaf.
  'GET /api/log/sth': get(() => '/api/log/sth'),
  'GET /api/log/sth/:treeSize': get(() => '/api/log/sth/1'),
  'GET /api/log/inclusion': get((fx) => `/api/log/inclusion?sha256=${fx.ids.sealPdfSha256}`),
  'GET /api/log/consistency': get(() => '/api/log/consistency?first=1&second=1'),

  // Exhibits of fx.hearing: P-1 is the plaintiff's agent's, C-1 the clerk's; both marked.
  'GET /api/hearings/:id/exhibits': get((_fx, x) => `${H(x)}/exhibits`),
  'POST /api/hearings/:id/exhibits': {
    target: main,
    request: async (_fx, x) => {
      const m = multipart([
        { name: 'title', value: 'Receipt' },
        { name: 'file', file: { fileName: 'receipt.pdf', bytes: await pdfBytes(1) } },
      ]);
      return { method: 'POST', url: `${H(x)}/exhibits`, payload: m.body, contentType: m.contentType };
    },
  },
  'GET /api/hearings/:id/exhibits/:eid/file': get((fx, x) => `${H(x)}/exhibits/${fx.ids.exhibitId}/file`),
  'POST /api/hearings/:id/exhibits/:eid/ruling': {
    target: async (fx) => ({
      scene: fx.hearing,
      ids: { eid: await fx.exhibit(fx.hearing, fx.cookies.clerkA, uniq('To rule on')) },
    }),
    request: (_fx, x) => ({
      method: 'POST',
      url: `${H(x)}/exhibits/${x.ids.eid}/ruling`,
      payload: { ruling: 'admitted' },
    }),
    fresh: true,
  },
  'POST /api/hearings/:id/exhibits/:eid/present': {
    target: main,
    request: (fx, x) => ({
      method: 'POST',
      url: `${H(x)}/exhibits/${fx.ids.exhibitId}/present`,
      payload: { page: 1 },
    }),
  },
  'POST /api/hearings/:id/exhibits/presentation/end': {
    // The agent presents their own exhibit: the judge or they may take it down.
    target: async (fx) => {
      const s = await liveScene(fx);
      const eid = await fx.exhibit(s, s.participants.agent.cookie);
      const res = await fx.inject({
        method: 'POST',
        url: `/api/hearings/${s.hearingId}/exhibits/${eid}/present`,
        cookie: s.participants.agent.cookie,
        payload: { page: 1 },
      });
      if (res.statusCode !== 200) throw new Error(`could not present: ${res.body}`);
      return { scene: s, ids: { eid } };
    },
    request: (_fx, x) => ({ method: 'POST', url: `${H(x)}/exhibits/presentation/end` }),
    fresh: true,
  },

  // Audit trail and exports.
  'GET /api/hearings/:id/audit': get((_fx, x) => `${H(x)}/audit`),
  'GET /api/hearings/:id/audit/verify': get((_fx, x) => `${H(x)}/audit/verify`),
  'GET /api/hearings/:id/export': get((_fx, x) => `${H(x)}/export`),
  'GET /api/dockets/export.csv': get(() => `/api/dockets/export.csv${range}`),
};

async function sealOf(fx: SecurityFixture, x: Target): Promise<string> {
  const s = await fx.t.db
    .selectFrom('transcript_seals')
    .select('id')
    .where('hearing_id', '=', x.scene.hearingId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  return s.id;
}
