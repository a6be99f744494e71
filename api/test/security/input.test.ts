import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { Ajv, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import { buildApp } from '../../src/app.ts';
import { CapturingMailer } from '../../src/platform/mail/mailer.ts';
import { createTestDatabase, type TestDatabase } from '../db.ts';
import { ORIGIN, createStaff, passwords, sessionCookie, testConfig } from '../app.ts';
import { enrolTotp } from '../admin.ts';
import { call, createCourtroom, tokenOf } from '../scheduling.ts';
import {
  expectOk,
  invite,
  liveCourt,
  liveEnv,
  scheduleHearing,
  setState,
  startStandin,
  type LiveCourt,
} from '../live.ts';
import type { LiveKitStandin } from '../livekit-standin.ts';
import { hearingInSession, pdfBytes, upload, multipart } from '../exhibits.ts';

// Hostile input on every route that takes a body: arbitrary and near-valid JSON (fast-check), bodies
// over the size limits, deeply nested JSON, unicode edge cases and prototype-pollution keys. Every
// request is made by a caller the route admits, so parsing, validation and the handler are reached.

const EXHIBIT_LIMIT = 200 * 1024;
const MiB = 1024 * 1024;

let t: TestDatabase;
let app: FastifyInstance;
let standin: LiveKitStandin;
let dataDir: string;
let c: LiveCourt;
/** A second court for the admin routes, so court settings and staff changes stay out of court A. */
let adminCourt: { id: string; cookie: string };
let spec: OpenApi;

interface OpenApi {
  paths: Record<
    string,
    Record<
      string,
      {
        requestBody?: { content: Record<string, { schema: JsonSchema }> };
        parameters?: Array<{ in: string; name: string }>;
      }
    >
  >;
}
interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
}

// Every request comes from its own address, so per-address limits (sign-in, invite links) of one
// route cannot starve another; limits per account or link still apply and answer 429.
let ipCounter = 0;
const nextIp = () => {
  ipCounter++;
  return `10.${100 + ((ipCounter >> 16) & 127)}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
};

async function signInFrom(email: string, password: string): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: nextIp(),
    headers: { origin: ORIGIN },
    payload: { email, password },
  });
  if (res.statusCode !== 200) throw new Error(`sign-in failed ${res.statusCode}: ${res.body}`);
  return sessionCookie(res);
}

beforeAll(async () => {
  t = await createTestDatabase();
  const s = await startStandin();
  standin = s.standin;
  dataDir = mkdtempSync(join(tmpdir(), 'gavel-input-'));
  app = await buildApp({
    config: testConfig({ ...liveEnv(s.apiUrl), DATA_DIR: dataDir, EXHIBIT_MAX_BYTES: String(EXHIBIT_LIMIT) }),
    db: t.db,
    passwords,
    logger: false,
    mailer: new CapturingMailer(),
  });
  c = await liveCourt(app, t, 'Fuzz');
  const courtB = await t.db
    .insertInto('courts')
    .values({ name: 'Fuzz Admin Court', timezone: 'Asia/Shanghai', locale: 'zh-CN' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const admin = await createStaff(t.db, 'admin', { courtId: courtB.id });
  adminCourt = { id: courtB.id, cookie: await signInFrom(admin.email, admin.password) };
  spec = app.swagger() as unknown as OpenApi;
});
afterAll(async () => {
  await app?.close();
  await standin?.stop();
  await t?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// Route targets: for each route that takes a body, a fresh object to call it on and an allowed caller.

interface Target {
  url: string;
  /** A fixed cookie, or a fresh one per request (routes that end their own session). */
  cookie?: string | (() => Promise<string>);
  /** Real ids that uuid fields may take, so well-formed bodies reach deeper than a 404. */
  ids?: string[];
  /** Puts back what a valid body may have changed that would lock the caller out of later runs. */
  reset?: () => Promise<void>;
}

type Prepare = () => Promise<Target>;

const freshCourtroom = () => createCourtroom(t.db, adminCourt.id, `Room ${Math.random().toString(36).slice(2, 7)}`);
/** A clerk of court A with a session of their own: account routes change (or end) it. */
async function freshAccount() {
  const user = await createStaff(t.db, 'clerk', { courtId: c.f.court.id });
  return { user, cookie: await signInFrom(user.email, user.password) };
}
const freshStaff = () => createStaff(t.db, 'clerk', { courtId: adminCourt.id });
/** A pending request, asked by another admin, to remove a second factor (of a fresh clerk of the admin's court). */
async function pendingReset(userId?: string, courtId = adminCourt.id) {
  const requester = await createStaff(t.db, 'admin', { courtId });
  const row = await t.db
    .insertInto('two_factor_resets')
    .values({
      court_id: courtId,
      user_id: userId ?? (await freshStaff()).id,
      requested_by: requester.id,
      requested_at: new Date(),
      mode: 'approval',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
const admin = (url: string): Target => ({ url, cookie: adminCourt.cookie });
const fixtureIds = () => [c.f.caseId, c.f.room.id, c.f.room2.id, c.f.judge.id, c.f.judge2.id, c.f.clerk.id];

async function scheduledWithParticipant() {
  const id = await scheduleHearing(app, c);
  const party = await invite(app, c, id, 'plaintiff');
  return { id, party };
}

async function adjournedWithEntry() {
  const h = await hearingInSession(app, c);
  await expectOk(
    call(app, 'POST', `/api/hearings/${h.id}/transcript/entries`, {
      cookie: c.cookies.clerk,
      payload: { speaker: 'Judge', text: 'The hearing is open.' },
    }),
    201,
  );
  await setState(app, c, h.id, 'adjourn');
  return h;
}

async function sealed() {
  const h = await adjournedWithEntry();
  const seal = await expectOk(
    call(app, 'POST', `/api/hearings/${h.id}/transcript/seal`, { cookie: c.cookies.clerk }),
    201,
  );
  return { h, sealId: seal.json().seal.id as string };
}

async function withExhibit() {
  const h = await hearingInSession(app, c);
  const res = await expectOk(
    upload(app, h.id, h.plaintiff.cookie, { fileName: 'contract.pdf', bytes: await pdfBytes(2) }),
    201,
  );
  return { h, eid: res.json().exhibit.id as string };
}

async function withRequest() {
  const h = await hearingInSession(app, c);
  const res = await expectOk(
    call(app, 'POST', `/api/hearings/${h.id}/consultation-requests`, {
      cookie: h.agent.cookie,
      payload: { participantIds: [h.plaintiff.id, h.agent.id] },
    }),
    201,
  );
  return { h, rid: res.json().request.id as string };
}

async function withConsultation() {
  const { h, rid } = await withRequest();
  const res = await expectOk(
    call(app, 'POST', `/api/hearings/${h.id}/consultation-requests/${rid}/accept`, { cookie: h.plaintiff.cookie }),
    201,
  );
  return { h, cid: res.json().consultation.id as string };
}

const ids = (h: Awaited<ReturnType<typeof hearingInSession>>) => [
  h.id,
  h.plaintiff.id,
  h.agent.id,
  h.defendant.id,
  h.defAgent.id,
  h.witness.id,
  h.observer.id,
];

/** Every route that takes a request body, keyed `METHOD url` as in app.routeAccess. */
const TARGETS: Record<string, Prepare> = {
  'POST /api/auth/login': async () => ({ url: '/api/auth/login', ids: [] }),
  'POST /api/auth/login/second-factor': async () => {
    const judge = await createStaff(t.db, 'judge', { courtId: c.f.court.id });
    await enrolTotp(app, await signInFrom(judge.email, judge.password), new Date());
    return { url: '/api/auth/login/second-factor', cookie: await signInFrom(judge.email, judge.password) };
  },
  'POST /api/auth/logout': async () => {
    const { user } = await freshAccount();
    return { url: '/api/auth/logout', cookie: () => signInFrom(user.email, user.password) };
  },
  'POST /api/admin/court': async () => ({
    url: '/api/admin/court',
    cookie: adminCourt.cookie,
    reset: async () => {
      await t.db
        .updateTable('courts')
        .set({ require_two_factor: false, session_idle_minutes: 30, session_absolute_minutes: 720 })
        .where('id', '=', adminCourt.id)
        .execute();
    },
  }),
  'POST /api/admin/courtrooms': async () => admin('/api/admin/courtrooms'),
  'POST /api/admin/courtrooms/:courtroomId/rename': async () =>
    admin(`/api/admin/courtrooms/${(await freshCourtroom()).id}/rename`),
  'POST /api/admin/courtrooms/:courtroomId/retire': async () =>
    admin(`/api/admin/courtrooms/${(await freshCourtroom()).id}/retire`),
  'POST /api/admin/courtrooms/:courtroomId/reinstate': async () =>
    admin(`/api/admin/courtrooms/${(await freshCourtroom()).id}/reinstate`),
  'POST /api/admin/staff': async () => admin('/api/admin/staff'),
  'POST /api/admin/staff/:userId/role': async () => admin(`/api/admin/staff/${(await freshStaff()).id}/role`),
  'POST /api/admin/staff/:userId/disable': async () => admin(`/api/admin/staff/${(await freshStaff()).id}/disable`),
  'POST /api/admin/staff/:userId/enable': async () => admin(`/api/admin/staff/${(await freshStaff()).id}/enable`),
  'POST /api/admin/staff/:userId/password-reset': async () =>
    admin(`/api/admin/staff/${(await freshStaff()).id}/password-reset`),
  'POST /api/admin/staff/:userId/two-factor-reset': async () =>
    admin(`/api/admin/staff/${(await freshStaff()).id}/two-factor-reset`),
  'POST /api/admin/two-factor-resets/:resetId/approve': async () =>
    admin(`/api/admin/two-factor-resets/${await pendingReset()}/approve`),
  'POST /api/admin/two-factor-resets/:resetId/cancel': async () =>
    admin(`/api/admin/two-factor-resets/${await pendingReset()}/cancel`),
  'POST /api/account/notices/:noticeId/dismiss': async () => {
    const { user, cookie } = await freshAccount();
    const n = await t.db
      .insertInto('account_notices')
      .values({ user_id: user.id, kind: 'password_reset', payload: '{}', created_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { url: `/api/account/notices/${n.id}/dismiss`, cookie };
  },
  'POST /api/account/two-factor-resets/:resetId/cancel': async () => {
    const { user, cookie } = await freshAccount();
    return { url: `/api/account/two-factor-resets/${await pendingReset(user.id, c.f.court.id)}/cancel`, cookie };
  },
  'POST /api/account/password': async () => ({
    url: '/api/account/password',
    cookie: (await freshAccount()).cookie,
  }),
  'POST /api/account/sessions/:sessionId/end': async () => {
    const { user, cookie } = await freshAccount();
    await signInFrom(user.email, user.password);
    const list = (await expectOk(call(app, 'GET', '/api/account/sessions', { cookie }))).json().sessions as Array<{
      id: string;
      current: boolean;
    }>;
    const other = list.find((s) => !s.current)!;
    return { url: `/api/account/sessions/${other.id}/end`, cookie };
  },
  ...Object.fromEntries(
    ['setup', 'confirm', 'recovery-codes', 'disable'].map((step) => [
      `POST /api/account/two-factor/${step}`,
      async (): Promise<Target> => ({
        url: `/api/account/two-factor/${step}`,
        cookie: (await freshAccount()).cookie,
      }),
    ]),
  ),
  'POST /api/account/set-password/inspect': async () => ({ url: '/api/account/set-password/inspect' }),
  'POST /api/account/set-password': async () => ({ url: '/api/account/set-password' }),
  'POST /api/cases': async () => ({ url: '/api/cases', cookie: c.cookies.clerk }),
  'POST /api/hearings': async () => ({ url: '/api/hearings', cookie: c.cookies.clerk, ids: fixtureIds() }),
  'PATCH /api/hearings/:id': async () => ({
    url: `/api/hearings/${await scheduleHearing(app, c)}`,
    cookie: c.cookies.clerk,
    ids: fixtureIds(),
  }),
  'POST /api/hearings/:id/cancel': async () => ({
    url: `/api/hearings/${await scheduleHearing(app, c)}/cancel`,
    cookie: c.cookies.clerk,
  }),
  'POST /api/hearings/:id/participants': async () => {
    const { id, party } = await scheduledWithParticipant();
    return { url: `/api/hearings/${id}/participants`, cookie: c.cookies.clerk, ids: [party.id] };
  },
  'POST /api/hearings/:id/participants/:pid/invite': async () => {
    const { id, party } = await scheduledWithParticipant();
    return { url: `/api/hearings/${id}/participants/${party.id}/invite`, cookie: c.cookies.clerk };
  },
  'DELETE /api/hearings/:id/participants/:pid': async () => {
    const { id, party } = await scheduledWithParticipant();
    return { url: `/api/hearings/${id}/participants/${party.id}`, cookie: c.cookies.clerk };
  },
  'POST /api/join': async () => ({ url: '/api/join' }),
  'POST /api/hearings/:id/state': async () => ({
    url: `/api/hearings/${await scheduleHearing(app, c)}/state`,
    cookie: c.cookies.judge,
  }),
  ...Object.fromEntries(
    ['admit', 'return-to-lobby', 'remove', 'mute', 'screen-share'].map((action) => [
      `POST /api/hearings/:id/participants/:pid/${action}`,
      async (): Promise<Target> => {
        const h = await hearingInSession(app, c);
        return {
          url: `/api/hearings/${h.id}/participants/${h.agent.id}/${action}`,
          cookie: action === 'admit' || action === 'return-to-lobby' ? c.cookies.clerk : c.cookies.judge,
        };
      },
    ]),
  ),
  'POST /api/hearings/:id/admit-all': async () => ({
    url: `/api/hearings/${(await hearingInSession(app, c)).id}/admit-all`,
    cookie: c.cookies.judge,
  }),
  ...Object.fromEntries(
    ['lobby', 'leave', 'media-token', 'chat'].map((path) => [
      `POST /api/hearings/:id/${path}`,
      async (): Promise<Target> => {
        const h = await hearingInSession(app, c);
        return { url: `/api/hearings/${h.id}/${path}`, cookie: h.plaintiff.cookie };
      },
    ]),
  ),
  'POST /api/hearings/:id/consultation-requests': async () => {
    const h = await hearingInSession(app, c);
    return { url: `/api/hearings/${h.id}/consultation-requests`, cookie: h.agent.cookie, ids: ids(h) };
  },
  ...Object.fromEntries(
    ['accept', 'decline', 'withdraw'].map((a) => [
      `POST /api/hearings/:id/consultation-requests/:rid/${a}`,
      async (): Promise<Target> => {
        const { h, rid } = await withRequest();
        return {
          url: `/api/hearings/${h.id}/consultation-requests/${rid}/${a}`,
          cookie: a === 'withdraw' ? h.agent.cookie : h.plaintiff.cookie,
        };
      },
    ]),
  ),
  'POST /api/hearings/:id/consultations/:cid/media-token': async () => {
    const { h, cid } = await withConsultation();
    return { url: `/api/hearings/${h.id}/consultations/${cid}/media-token`, cookie: h.plaintiff.cookie };
  },
  'POST /api/hearings/:id/consultations/:cid/leave': async () => {
    const { h, cid } = await withConsultation();
    return { url: `/api/hearings/${h.id}/consultations/${cid}/leave`, cookie: h.plaintiff.cookie };
  },
  'POST /api/livekit/webhook': async () => ({ url: '/api/livekit/webhook' }),
  'POST /api/hearings/:id/recordings/start': async () => ({
    url: `/api/hearings/${(await hearingInSession(app, c)).id}/recordings/start`,
    cookie: c.cookies.judge,
  }),
  'POST /api/hearings/:id/recordings/stop': async () => {
    const h = await hearingInSession(app, c);
    await expectOk(call(app, 'POST', `/api/hearings/${h.id}/recordings/start`, { cookie: c.cookies.judge }), 201);
    return { url: `/api/hearings/${h.id}/recordings/stop`, cookie: c.cookies.judge };
  },
  'POST /api/hearings/:id/transcript/entries': async () => {
    const h = await hearingInSession(app, c);
    return { url: `/api/hearings/${h.id}/transcript/entries`, cookie: c.cookies.clerk, ids: ids(h) };
  },
  'PATCH /api/hearings/:id/transcript/entries/:eid': async () => {
    const h = await hearingInSession(app, c);
    const e = await expectOk(
      call(app, 'POST', `/api/hearings/${h.id}/transcript/entries`, {
        cookie: c.cookies.clerk,
        payload: { speaker: 'Judge', text: 'Please be seated.' },
      }),
      201,
    );
    return { url: `/api/hearings/${h.id}/transcript/entries/${e.json().entry.id}`, cookie: c.cookies.clerk };
  },
  'POST /api/hearings/:id/transcript/import': async () => ({
    url: `/api/hearings/${(await hearingInSession(app, c)).id}/transcript/import`,
    cookie: c.cookies.clerk,
  }),
  'POST /api/hearings/:id/transcript/seal': async () => ({
    url: `/api/hearings/${(await adjournedWithEntry()).id}/transcript/seal`,
    cookie: c.cookies.clerk,
  }),
  'POST /api/transcripts/:sealId/signatures': async () => {
    const { h, sealId } = await sealed();
    return { url: `/api/transcripts/${sealId}/signatures`, cookie: h.plaintiff.cookie };
  },
  'POST /api/transcripts/:sealId/objections': async () => {
    const { h, sealId } = await sealed();
    return { url: `/api/transcripts/${sealId}/objections`, cookie: h.defendant.cookie };
  },
  'POST /api/verify': async () => ({ url: '/api/verify' }),
  'POST /api/hearings/:id/exhibits': async () => {
    const h = await hearingInSession(app, c);
    return { url: `/api/hearings/${h.id}/exhibits`, cookie: h.plaintiff.cookie };
  },
  'POST /api/hearings/:id/exhibits/:eid/ruling': async () => {
    const { h, eid } = await withExhibit();
    return { url: `/api/hearings/${h.id}/exhibits/${eid}/ruling`, cookie: c.cookies.judge };
  },
  'POST /api/hearings/:id/exhibits/:eid/present': async () => {
    const { h, eid } = await withExhibit();
    return { url: `/api/hearings/${h.id}/exhibits/${eid}/present`, cookie: h.plaintiff.cookie };
  },
  'POST /api/hearings/:id/exhibits/presentation/end': async () => {
    const h = await hearingInSession(app, c);
    return { url: `/api/hearings/${h.id}/exhibits/presentation/end`, cookie: c.cookies.judge };
  },
};

const prepared = new Map<string, Promise<Target>>();
/** The route's target, prepared once: later checks never reach a handler that could change it. */
function targetOf(key: string): Promise<Target> {
  if (!prepared.has(key)) prepared.set(key, TARGETS[key]!());
  return prepared.get(key)!;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const writeRoutes = () => app.routeAccess.filter((r) => WRITES.has(r.method)).map((r) => `${r.method} ${r.url}`);

/** The route's JSON body schema as the API documents it, or undefined when it takes no JSON body. */
function bodySchema(key: string): JsonSchema | undefined {
  const [method, url] = key.split(' ') as [string, string];
  const op = spec.paths[url.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];
  return op?.requestBody?.content['application/json']?.schema;
}

// The validator Fastify itself uses (Ajv 8 with ajv-formats), as an independent judge of validity.
const ajv = new Ajv({ allErrors: false, strict: false });
ajvFormats.default(ajv); // CommonJS: the module is the plugin, and also its own `default`
const validators = new Map<string, ValidateFunction>();
function isValid(key: string, body: unknown): boolean | undefined {
  const schema = bodySchema(key);
  if (!schema) return undefined;
  if (!validators.has(key)) validators.set(key, ajv.compile(schema));
  return validators.get(key)!(body);
}

async function send(
  target: Target,
  method: string,
  payload: string | Buffer | Readable,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  const cookie = typeof target.cookie === 'function' ? await target.cookie() : target.cookie;
  return app.inject({
    method: method as 'POST',
    url: target.url,
    remoteAddress: nextIp(),
    headers: { origin: ORIGIN, 'content-type': 'application/json', ...(cookie ? { cookie } : {}), ...headers },
    payload,
  });
}

/** 4xx answers carry the one error shape (a 410 adds whom to contact). */
function expectErrorShape(res: LightMyRequestResponse, context: string) {
  expect(res.headers['content-type'], context).toMatch(/^application\/json/);
  const body = res.json() as { error?: { code?: unknown; message?: unknown } };
  expect(typeof body.error?.code, `${context}: ${res.body}`).toBe('string');
  expect(typeof body.error?.message, `${context}: ${res.body}`).toBe('string');
}

// ---------------------------------------------------------------------------------------------
// Arbitraries built from each route's own schema.

const UNICODE_EDGES = [
  'a\uD800b',
  'a\uDC00b',
  '\uDE00\uD83D',
  'before\u0000after',
  'invoice\u202Egpj.exe',
  '\u2067مرحبا\u2069 hello',
  'Ze\u0301\u0301\u0301 Z̷̢̛a̸l̵g̶o̴',
  '👩🏽‍⚖️ 🏛️ 🇨🇳',
  '张三诉李四 (2026) 沪0101民初1234号',
  '\uFEFFstart\u200B\u200Dend',
  '𠀀𪚥 𝔊𝔞𝔳𝔢𝔩',
  'x\uFFFFy',
  'ring\u0007del\u007F',
  'a\u2028b\u2029c',
];

const anyJson = fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }).map((v) => v as unknown);

const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  anyJson,
  fc.constantFrom<unknown>(
    null,
    -1,
    0,
    -0,
    1.5,
    1e308,
    -1e308,
    2 ** 53 + 1,
    '',
    ' ',
    '\u0000',
    '\uD800',
    true,
    [],
    {},
    'x'.repeat(100_001),
  ),
);

function validString(s: JsonSchema, known: string[]): fc.Arbitrary<string> {
  const max = Math.min(s.maxLength ?? 80, 400);
  const min = s.minLength ?? 0;
  if (s.format === 'uuid') return known.length ? fc.oneof(fc.uuid(), fc.constantFrom(...known)) : fc.uuid();
  if (s.format === 'email') return fc.emailAddress().filter((e) => e.length <= max);
  if (s.format === 'date-time') {
    return fc
      .date({ min: new Date('2029-01-01T00:00:00Z'), max: new Date('2031-12-31T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString());
  }
  if (s.pattern && s.pattern !== '\\S') {
    return fc.stringMatching(new RegExp(s.pattern)).map((x) => x.slice(0, max));
  }
  return fc.oneof(
    fc.string({ minLength: Math.max(min, 1), maxLength: Math.min(max, 60) }),
    fc.string({ unit: 'binary', minLength: Math.max(min, 1), maxLength: Math.min(max, 40) }),
    fc.constantFrom(...UNICODE_EDGES),
    // Exactly the longest the schema allows, in characters outside the basic plane.
    fc.constant('𠀀'.repeat(Math.max(min, s.maxLength ?? 1))),
  );
}

function validValue(s: JsonSchema, known: string[]): fc.Arbitrary<unknown> {
  if (s.anyOf) return fc.oneof(...s.anyOf.map((x) => validValue(x, known)));
  if (s.enum) return fc.constantFrom(...s.enum);
  switch (s.type) {
    case 'string':
      return validString(s, known);
    case 'integer':
      return fc.integer({ min: s.minimum ?? -1_000_000, max: s.maximum ?? 1_000_000 });
    case 'number':
      return fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(validValue(s.items ?? {}, known), {
        minLength: s.minItems ?? 0,
        maxLength: Math.min(s.maxItems ?? 4, Math.max(s.minItems ?? 0, 4)),
      });
    case 'object':
      return objectOf(s, known, () => validValue);
    default:
      return anyJson;
  }
}

type Gen = (s: JsonSchema, known: string[]) => fc.Arbitrary<unknown>;

function objectOf(s: JsonSchema, known: string[], gen: () => Gen): fc.Arbitrary<unknown> {
  const props = Object.entries(s.properties ?? {});
  const model = Object.fromEntries(props.map(([k, v]) => [k, gen()(v, known)]));
  return fc.record(model, { requiredKeys: (s.required ?? []).filter((k) => k in model) });
}

/** The route's own keys, each either valid or of a wrong type, value or size; sometimes with a stranger. */
function nearValid(s: JsonSchema, known: string[]): fc.Arbitrary<unknown> {
  if (s.type !== 'object') return fc.oneof(validValue(s, known), wrongValue);
  const props = Object.entries(s.properties ?? {});
  const model = Object.fromEntries(
    props.map(([k, v]) => [
      k,
      fc.oneof({ weight: 2, arbitrary: validValue(v, known) }, { weight: 1, arbitrary: wrongValue }),
    ]),
  );
  return fc
    .tuple(
      fc.record(model, { requiredKeys: [] }),
      fc.option(fc.tuple(fc.constantFrom('constructor', 'prototype', 'extra', 'isAdmin', 'role'), wrongValue)),
    )
    .map(([o, extra]) => (extra ? { ...o, [extra[0]]: extra[1] } : o));
}

function bodyArbitrary(key: string, known: string[]): fc.Arbitrary<unknown> {
  const schema = bodySchema(key);
  if (!schema) return anyJson;
  return fc.oneof(
    { weight: 1, arbitrary: anyJson },
    { weight: 2, arbitrary: nearValid(schema, known) },
    { weight: 2, arbitrary: validValue(schema, known) },
  );
}

// ---------------------------------------------------------------------------------------------

describe('the fuzz table', () => {
  it('names every route that takes a body, and only those', () => {
    const routes = writeRoutes();
    expect(routes.filter((r) => !(r in TARGETS)).map((r) => `${r} has no target in input.test.ts`)).toEqual([]);
    expect(Object.keys(TARGETS).filter((k) => !routes.includes(k))).toEqual([]);
  });
});

describe('fast-check over every JSON route', () => {
  const RUNS = 20;
  // Listed up front (the app is built in beforeAll): the table is checked against the routes above.
  for (const key of Object.keys(TARGETS)) {
    it(`${key}: never 5xx; 4xx in the error shape; 2xx only for a valid body`, async () => {
      const target = await targetOf(key);
      const method = key.split(' ')[0]!;
      const stats = { ok: 0, refused: 0 };
      await fc.assert(
        fc.asyncProperty(bodyArbitrary(key, target.ids ?? []), async (body) => {
          const text = JSON.stringify(body);
          const res = await send(target, method, text);
          const context = `${key} ${text.slice(0, 300)} → ${res.statusCode} ${res.body.slice(0, 300)}`;
          expect(res.statusCode, context).toBeLessThan(500);
          if (res.statusCode >= 400) {
            stats.refused++;
            expectErrorShape(res, context);
          } else {
            stats.ok++;
            expect(isValid(key, body) ?? true, `accepted an invalid body: ${context}`).toBe(true);
          }
          await target.reset?.();
        }),
        { numRuns: RUNS },
      );
      expect(stats.ok + stats.refused).toBe(RUNS);
    });
  }

  it('refuses malformed JSON text, NaN-ish numbers and empty bodies with 400 in the error shape', async () => {
    const target = await targetOf('POST /api/cases');
    for (const text of [
      '',
      '{',
      '{"number": "1", }',
      'NaN',
      '{"number": NaN}',
      '{"number": Infinity}',
      '{"caseType": -Infinity}',
      "{'number': '1'}",
      '{"number":"1","caption":"c","caseType":"t"} trailing',
      '{"number":"\\ud800","caption":"c","caseType":"t"}',
      '{"number":"a\\u0000b","caption":"c","caseType":"t"}',
    ]) {
      const res = await send(target, 'POST', text);
      expect(res.statusCode, `${JSON.stringify(text)} → ${res.body}`).toBe(400);
      expectErrorShape(res, text);
    }
    // Numbers JSON can spell but no schema accepts.
    const present = await targetOf('POST /api/hearings/:id/exhibits/:eid/present');
    for (const text of ['{"page": 1e999}', '{"page": -1e999}', '{"page": 1e-999}', '{"page": 2.5}', '{"page": -0}']) {
      const res = await send(present, 'POST', text);
      expect(res.statusCode, `${text} → ${res.body}`).toBe(400);
      expectErrorShape(res, text);
    }
  });
});

// ---------------------------------------------------------------------------------------------

/** Every application table: row counts, and the full content of all but the session rows (touched by reads). */
async function fingerprint(): Promise<string> {
  const tables = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'kysely_%'
    order by table_name`.execute(t.db);
  const out: string[] = [];
  for (const { name } of tables.rows) {
    const content =
      name === 'sessions'
        ? sql<{ n: string; h: string }>`select count(*)::text as n, '' as h from sessions`
        : sql<{ n: string; h: string }>`select count(*)::text as n,
            coalesce(md5(string_agg(x::text, '|' order by x::text)), '') as h from ${sql.table(name)} x`;
    const { rows } = await content.execute(t.db);
    out.push(`${name}:${rows[0]!.n}:${rows[0]!.h}`);
  }
  return out.join('\n');
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** The body limit each route enforces (app.ts sets 1 MiB; a few routes set their own). */
function limitOf(key: string): number {
  if (key === 'POST /api/hearings/:id/transcript/import') return 5 * MiB;
  if (key === 'POST /api/hearings/:id/exhibits') return EXHIBIT_LIMIT + 64 * 1024;
  if (key === 'POST /api/verify') return 50 * MiB;
  return MiB;
}

/** `{"text":"xxxx…"}` exactly `size` bytes long. */
const jsonOfSize = (size: number) => `{"text":"${'x'.repeat(size - 11)}"}`;

describe('oversized bodies', () => {
  let targets: Array<[string, Target]>;
  beforeAll(async () => {
    targets = [];
    for (const key of Object.keys(TARGETS)) {
      const target = await targetOf(key);
      // One session, taken before the fingerprint: signing in is itself recorded.
      const cookie = typeof target.cookie === 'function' ? await target.cookie() : target.cookie;
      targets.push([key, { ...target, ...(cookie ? { cookie } : {}) }]);
    }
  }, 120_000);

  it('answer 413 in the error shape on every route, one byte over its limit, and store nothing', async () => {
    const before = await fingerprint();
    const filesBefore = filesUnder(dataDir).length;
    for (const [key, target] of targets) {
      if (key === 'POST /api/verify') continue; // streamed below: 50 MiB is not worth holding twice
      const body = jsonOfSize(limitOf(key) + 1);
      expect(Buffer.byteLength(body)).toBe(limitOf(key) + 1);
      const res = await send(target, key.split(' ')[0]!, body);
      expect(res.statusCode, `${key} → ${res.body.slice(0, 200)}`).toBe(413);
      expectErrorShape(res, key);
      expect(res.json().error.code).toBe('payload_too_large');
    }
    expect(await fingerprint()).toBe(before);
    expect(filesUnder(dataDir).length).toBe(filesBefore);
  });

  it('answer 413 to a body streamed without Content-Length, counted as it arrives', async () => {
    const before = await fingerprint();
    const streamOf = (size: number) => {
      let sent = 0;
      return new Readable({
        read() {
          if (sent >= size) return this.push(null);
          const n = Math.min(256 * 1024, size - sent);
          sent += n;
          this.push(Buffer.alloc(n, sent === n ? 0x5b : 0x20)); // '[' then spaces
        },
      });
    };
    for (const key of [
      'POST /api/cases',
      'POST /api/hearings/:id/chat',
      'POST /api/hearings/:id/transcript/import',
      'POST /api/verify',
    ]) {
      const target = targets.find(([k]) => k === key)![1];
      const res = await send(target, 'POST', streamOf(limitOf(key) + 1), {
        'content-type': key === 'POST /api/verify' ? 'application/pdf' : 'application/json',
      });
      expect(res.statusCode, `${key} → ${res.body.slice(0, 200)}`).toBe(413);
      expect(res.json().error.code).toBe('payload_too_large');
    }
    expect(await fingerprint()).toBe(before);
  });

  it('answers 413 to an exhibit over EXHIBIT_MAX_BYTES, whether the body or only the file is over, keeping nothing', async () => {
    const target = targets.find(([k]) => k === 'POST /api/hearings/:id/exhibits')![1];
    const before = await fingerprint();
    const filesBefore = filesUnder(dataDir).length;
    const pdf = Buffer.from(await pdfBytes(1));
    for (const size of [EXHIBIT_LIMIT + 1, EXHIBIT_LIMIT + 64 * 1024 + 1, EXHIBIT_LIMIT * 4]) {
      const bytes = Buffer.concat([pdf, Buffer.alloc(size - pdf.length, 0x20)]);
      const m = multipart([
        { name: 'title', value: 'Too big' },
        { name: 'file', file: { fileName: 'big.pdf', bytes, contentType: 'application/pdf' } },
      ]);
      const res = await send(target, 'POST', m.body, { 'content-type': m.contentType });
      expect(res.statusCode, `${size} bytes → ${res.body}`).toBe(413);
      expect(res.json().error.code).toBe('payload_too_large');
    }
    expect(await fingerprint()).toBe(before);
    expect(filesUnder(dataDir).length).toBe(filesBefore);
  });
});

// ---------------------------------------------------------------------------------------------

describe('deeply nested JSON', () => {
  it('is refused with 400 too_deep on every route, before parsing; the server answers after', async () => {
    const levels = 10_000;
    let slowest = 0;
    const bodies = {
      objects: `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`,
      arrays: `${'['.repeat(levels)}${']'.repeat(levels)}`,
      // secure-json-parse walks bodies that mention these keys: make it walk all the way down.
      'poisoned deep down': `${'{"a":'.repeat(levels)}{"constructor":{"prototype":{"polluted":1}}}${'}'.repeat(levels)}`,
      // As deep as the 1 MiB limit allows.
      'half a million arrays': `${'['.repeat(500_000)}${']'.repeat(500_000)}`,
    };
    for (const key of Object.keys(TARGETS)) {
      const target = await targetOf(key);
      const method = key.split(' ')[0]!;
      for (const [name, text] of Object.entries(bodies)) {
        const started = performance.now();
        const res = await send(target, method, text);
        const context = `${key} ${name} → ${res.statusCode} ${res.body.slice(0, 200)}`;
        expectErrorShape(res, context);
        if (Buffer.byteLength(text) > limitOf(key)) {
          expect(res.statusCode, context).toBe(413);
        } else {
          expect(res.statusCode, context).toBe(400);
          expect(res.json().error.code, context).toBe('too_deep');
        }
        slowest = Math.max(slowest, performance.now() - started);
      }
    }
    expect((await app.inject({ url: '/api/health' })).statusCode).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Refused by a scan of the text, not by parsing it: a 1 MiB bracket bomb cannot hold the event loop.
    expect(slowest).toBeLessThan(2_000);
    console.log(`deeply nested JSON: slowest refusal ${Math.round(slowest)} ms`);
  }, 120_000);

  it('accepts JSON nested up to the limit and parses it as before', async () => {
    const target = await targetOf('POST /api/cases');
    // 64 levels inside a valid body: parsed, then refused by the schema (an unknown key), not by the depth scan.
    const deepValue = `${'['.repeat(63)}${']'.repeat(63)}`;
    const res = await send(target, 'POST', `{"number":"D-1","caption":"c","caseType":"t","extra":${deepValue}}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('validation');
    // Brackets inside strings are text, not nesting.
    const ok = await send(
      target,
      'POST',
      JSON.stringify({ number: 'D-2', caption: '['.repeat(400), caseType: '{"x":' }),
    );
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().case.caption).toBe('['.repeat(400));
  });
});

// ---------------------------------------------------------------------------------------------

const EDGE_CASES: Record<string, string> = {
  'lone high surrogate': 'a\uD800b',
  'lone low surrogate': 'a\uDC00b',
  'reversed surrogate pair': 'x\uDE00\uD83Dy',
  NUL: 'before\u0000after',
  'RTL override': 'invoice\u202Egpj.exe',
  'bidi isolates': '\u2067مرحبا\u2069 hello',
  'combining marks': 'Ze\u0301\u0301\u0301 Z̷̢̛a̸l̵g̶o̴',
  'emoji with ZWJ and flags': '👩🏽‍⚖️ 🏛️ 🇨🇳',
  'zh-CN': '张三诉李四 (2026) 沪0101民初1234号',
  'zero-width inside': 'start\uFEFF\u200B\u200Dend',
  'leading BOM': '\uFEFFstart',
  'outside the basic plane': '𠀀𪚥 𝔊𝔞𝔳𝔢𝔩',
  noncharacter: 'x\uFFFFy',
  'bell and DEL': 'ring\u0007del\u007F',
  'line and paragraph separators': 'a\u2028b\u2029c',
};
/** Must be refused: PostgreSQL cannot store NUL, and UTF-8 cannot carry an unpaired surrogate. */
const UNSTORABLE = new Set(['lone high surrogate', 'lone low surrogate', 'reversed surrogate pair', 'NUL']);

/** Whether any string inside `value` is exactly `s`. */
function containsExactly(value: unknown, s: string): boolean {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (v === s) return true;
    if (v && typeof v === 'object') stack.push(...Object.values(v as Record<string, unknown>));
  }
  return false;
}

interface TextField {
  name: string;
  /** Sends the text in the field; returns the answer and where to read it back. */
  write(text: string, n: number): Promise<{ res: LightMyRequestResponse; readBack: () => Promise<unknown> }>;
}

let unicodeHearing: Awaited<ReturnType<typeof hearingInSession>>;

const TEXT_FIELDS: TextField[] = [
  ...(['number', 'caption', 'caseType'] as const).map((field): TextField => ({
    name: `case ${field}`,
    async write(text, n) {
      const payload = { number: `U-${field}-${n}`, caption: 'Zhang v. Li', caseType: 'civil', [field]: text };
      const res = await call(app, 'POST', '/api/cases', { cookie: c.cookies.clerk, payload });
      return {
        res,
        readBack: async () => [
          await t.db.selectFrom('cases').selectAll().where('number', '=', payload.number).execute(),
          (
            await call(app, 'GET', `/api/cases?q=${encodeURIComponent(payload.number)}`, { cookie: c.cookies.clerk })
          ).json(),
        ],
      };
    },
  })),
  ...(['title', 'notes'] as const).map((field): TextField => ({
    name: `hearing ${field}`,
    async write(text) {
      const id = await scheduleHearing(app, c);
      const res = await call(app, 'PATCH', `/api/hearings/${id}`, {
        cookie: c.cookies.clerk,
        payload: { [field]: text },
      });
      return {
        res,
        readBack: async () => (await call(app, 'GET', `/api/hearings/${id}`, { cookie: c.cookies.clerk })).json(),
      };
    },
  })),
  {
    name: 'participant displayName',
    async write(text) {
      const id = await scheduleHearing(app, c);
      const res = await call(app, 'POST', `/api/hearings/${id}/participants`, {
        cookie: c.cookies.clerk,
        payload: { role: 'witness', displayName: text },
      });
      return {
        res,
        readBack: async () => {
          const token = res.statusCode === 201 ? tokenOf(res.json().inviteUrl as string) : '';
          const landing = await app.inject({ url: `/api/join/${token}`, remoteAddress: nextIp() });
          const detail = await call(app, 'GET', `/api/hearings/${id}`, { cookie: c.cookies.clerk });
          return [landing.json(), detail.json()];
        },
      };
    },
  },
  {
    name: 'chat text',
    async write(text) {
      const url = `/api/hearings/${unicodeHearing.id}/chat`;
      const res = await call(app, 'POST', url, {
        cookie: unicodeHearing.plaintiff.cookie,
        payload: { text, to: 'all' },
      });
      return {
        res,
        readBack: async () => (await call(app, 'GET', url, { cookie: unicodeHearing.defendant.cookie })).json(),
      };
    },
  },
  ...(['speaker', 'text'] as const).map((field): TextField => ({
    name: `transcript entry ${field}`,
    async write(text) {
      const res = await call(app, 'POST', `/api/hearings/${unicodeHearing.id}/transcript/entries`, {
        cookie: c.cookies.clerk,
        payload: { speaker: 'Judge', text: 'Entry.', [field]: text },
      });
      return {
        res,
        readBack: async () =>
          (await call(app, 'GET', `/api/hearings/${unicodeHearing.id}/transcript`, { cookie: c.cookies.clerk })).json(),
      };
    },
  })),
  {
    name: 'court name and pre-join rules',
    async write(text) {
      const res = await call(app, 'POST', '/api/admin/court', {
        cookie: adminCourt.cookie,
        payload: { name: text, rulesText: { en: text, 'zh-CN': text } },
      });
      return {
        res,
        readBack: async () => (await call(app, 'GET', '/api/admin/court', { cookie: adminCourt.cookie })).json(),
      };
    },
  },
  {
    name: 'courtroom name',
    async write(text) {
      const res = await call(app, 'POST', '/api/admin/courtrooms', {
        cookie: adminCourt.cookie,
        payload: { name: text },
      });
      return {
        res,
        readBack: async () => (await call(app, 'GET', '/api/admin/courtrooms', { cookie: adminCourt.cookie })).json(),
      };
    },
  },
  {
    name: 'staff name',
    async write(text, n) {
      const res = await call(app, 'POST', '/api/admin/staff', {
        cookie: adminCourt.cookie,
        payload: { email: `unicode-${n}@court.test`, name: text, role: 'clerk' },
      });
      return {
        res,
        readBack: async () => (await call(app, 'GET', '/api/admin/staff', { cookie: adminCourt.cookie })).json(),
      };
    },
  },
];

describe('unicode edge cases in stored text', () => {
  beforeAll(async () => {
    unicodeHearing = await hearingInSession(app, c);
  }, 60_000);

  let n = 0;
  for (const field of TEXT_FIELDS) {
    it(`${field.name}: stored and returned exactly, or refused with 400; NUL and lone surrogates refused`, async () => {
      for (const [name, edge] of Object.entries(EDGE_CASES)) {
        // Unique, so names that must be unique (case numbers, courtrooms) do not collide.
        const text = `${edge} #${++n}`;
        // By design surrounding whitespace is trimmed, and names collapse runs of whitespace; JavaScript's
        // trim() and \s count U+FEFF as whitespace. Anything else must come back as sent.
        const exact = (v: unknown) =>
          containsExactly(v, text) ||
          containsExactly(v, text.trim()) ||
          containsExactly(v, text.trim().replace(/\s+/g, ' '));
        const { res, readBack } = await field.write(text, n);
        const context = `${field.name} with ${name} → ${res.statusCode} ${res.body.slice(0, 300)}`;
        if (UNSTORABLE.has(name)) {
          expect(res.statusCode, context).toBe(400);
        } else {
          expect([200, 201, 400], context).toContain(res.statusCode);
        }
        if (res.statusCode === 400) {
          expectErrorShape(res, context);
          continue;
        }
        expect(exact(res.json()), `the answer does not carry it exactly: ${context}`).toBe(true);
        expect(exact(await readBack()), `not read back exactly: ${context}`).toBe(true);
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------

describe('prototype pollution', () => {
  const POISON = [
    '{"__proto__":{"polluted":"yes"}}',
    '{"a":{"b":{"__proto__":{"polluted":"yes"}}}}',
    '{"constructor":{"prototype":{"polluted":"yes"}}}',
    '{"x":[{"constructor":{"prototype":{"polluted":"yes"}}}]}',
    '[{"__proto__":{"polluted":"yes"}}]',
    '{"prototype":{"polluted":"yes"}}',
    '{"constructor":"yes"}',
    '{"text":"hi","to":"all","__proto__":{"to":"bench","polluted":"yes"}}',
    '{"speaker":"J","text":"t","constructor":{"prototype":{"polluted":"yes"}}}',
    '{"name":"x","__proto__":{"isAdmin":true,"polluted":"yes"}}',
  ];
  const protoNames = () => Object.getOwnPropertyNames(Object.prototype).sort().join(',');

  it('__proto__, constructor and prototype keys are refused with 400 on every JSON route; Object.prototype is untouched', async () => {
    const names = protoNames();
    for (const key of Object.keys(TARGETS)) {
      const target = await targetOf(key);
      const takesJson = bodySchema(key) !== undefined;
      for (const text of POISON) {
        const res = await send(target, key.split(' ')[0]!, text);
        const context = `${key} ${text} → ${res.statusCode} ${res.body.slice(0, 200)}`;
        if (takesJson) expect(res.statusCode, context).toBe(400);
        else expect(res.statusCode, context).toBeLessThan(500);
        if (res.statusCode >= 400) expectErrorShape(res, context);
        expect(({} as Record<string, unknown>).polluted, context).toBeUndefined();
        expect(({} as Record<string, unknown>).isAdmin, context).toBeUndefined();
      }
    }
    expect(protoNames()).toBe(names);
  }, 120_000);

  it('in query strings and multipart fields: never 5xx, never polluting', async () => {
    const names = protoNames();
    for (const url of [
      '/api/hearings?__proto__[polluted]=yes',
      '/api/hearings?constructor[prototype][polluted]=yes',
      '/api/hearings?__proto__.polluted=yes&q=x',
      '/api/cases?__proto__=x&__proto__=y',
    ]) {
      const res = await call(app, 'GET', url, { cookie: c.cookies.clerk });
      expect(res.statusCode, `${url} → ${res.body}`).toBeLessThan(500);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
    const h = await hearingInSession(app, c);
    for (const field of ['__proto__', 'constructor', 'prototype']) {
      const m = multipart([
        { name: field, value: '{"polluted":"yes"}' },
        { name: 'title', value: 'Poisoned fields' },
        { name: 'file', file: { fileName: 'a.pdf', bytes: await pdfBytes(1), contentType: 'application/pdf' } },
      ]);
      const res = await app.inject({
        method: 'POST',
        url: `/api/hearings/${h.id}/exhibits`,
        headers: { origin: ORIGIN, cookie: h.plaintiff.cookie, 'content-type': m.contentType },
        payload: m.body,
      });
      expect(res.statusCode, `${field} → ${res.body}`).toBeLessThan(500);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
    expect(protoNames()).toBe(names);
  });
});

// ---------------------------------------------------------------------------------------------

describe('hostile query strings and path parameters', () => {
  // A uuid in URN form passes the JSON-schema "uuid" format, and PostgreSQL refuses it as a uuid.
  const HOSTILE = [
    '%00',
    'a%00b',
    '%ED%A0%80',
    '%FF%FE',
    '%E2%80%AE',
    'x'.repeat(5000),
    '%25',
    '..%2F..%2Fetc',
    'urn:uuid:00000000-0000-4000-8000-000000000000',
    'URN:UUID:00000000-0000-4000-8000-000000000000',
  ];

  it('every GET route, with each of its query parameters hostile: never 5xx, errors in the error shape', async () => {
    const h = await hearingInSession(app, c);
    const fill = (url: string) =>
      url
        .replace(':id', h.id)
        .replace(':token', 'x'.repeat(43))
        .replace(/:(\w+)/g, '00000000-0000-4000-8000-000000000000');
    for (const r of app.routeAccess.filter((x) => x.method === 'GET' && x.url !== '/api/ws')) {
      const op = spec.paths[r.url.replace(/:(\w+)/g, '{$1}')]?.get;
      const params = (op?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      for (const name of [...params, 'unknown']) {
        for (const v of HOSTILE) {
          const url = `${fill(r.url)}?${name}=${v}`;
          const res = await call(app, 'GET', url, { cookie: c.cookies.clerk });
          expect(res.statusCode, `${url} → ${res.body.slice(0, 200)}`).toBeLessThan(500);
          if (res.statusCode >= 400) expectErrorShape(res, url);
        }
      }
    }
  }, 120_000);

  it('every route with a path parameter, the parameter hostile: never 5xx', async () => {
    for (const r of app.routeAccess.filter((x) => /:\w+/.test(x.url))) {
      for (const v of HOSTILE) {
        const url = r.url.replace(/:(\w+)/g, v);
        const res = await app.inject({
          method: r.method as 'GET',
          url,
          remoteAddress: nextIp(),
          headers: { origin: ORIGIN, cookie: c.cookies.clerk, 'content-type': 'application/json' },
          ...(r.method === 'GET' || r.method === 'DELETE' ? {} : { payload: '{}' }),
        });
        expect(res.statusCode, `${r.method} ${url} → ${res.body.slice(0, 200)}`).toBeLessThan(500);
      }
    }
  }, 120_000);
});
