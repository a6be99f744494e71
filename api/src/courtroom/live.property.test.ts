import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import type { TestDatabase } from '../../test/db.ts';
import { expectBadBodiesRefused } from '../../test/property.ts';
import {
  admit,
  closeLive,
  consult,
  enterLobby,
  invite,
  openLive,
  scheduleHearing,
  setState,
  type Invited,
  type LiveCourt,
} from '../../test/live.ts';

let t: TestDatabase;
let app: FastifyInstance;
let c: LiveCourt;
let hearingId: string;
let party: Invited;
let agent: Invited;
let waiting: Invited;
let consultationId: string;

beforeAll(async () => {
  ({ t, app, c } = await openLive('LiveProps'));
  hearingId = await scheduleHearing(app, c);
  party = await invite(app, c, hearingId, 'plaintiff');
  agent = await invite(app, c, hearingId, 'agent', { representsId: party.id });
  waiting = await invite(app, c, hearingId, 'defendant');
  await setState(app, c, hearingId, 'open');
  await enterLobby(app, hearingId, [party, agent, waiting]);
  await admit(app, c, hearingId, [party, agent]);
  // A consultation of someone else's, so its routes have a real id to be called with.
  const other = await invite(app, c, hearingId, 'agent', { representsId: waiting.id });
  await enterLobby(app, hearingId, [other]);
  await admit(app, c, hearingId, 'all');
  consultationId = (await consult(app, hearingId, other, waiting)).id;
});
afterAll(closeLive);

/** Everything a live-hearing write could change. */
async function snapshot() {
  const tables = [
    'hearings',
    'participants',
    'chat_messages',
    'consultations',
    'consultation_members',
    'consultation_requests',
    'realtime_events',
    'audit_events',
  ] as const;
  const out: Record<string, unknown> = {};
  for (const name of tables)
    out[name] = await t.db
      .selectFrom(name)
      .selectAll()
      .execute()
      .then((rows) => rows.length);
  out.detail = await t.db
    .selectFrom('participants')
    .select(['id', 'presence', 'screen_share_allowed'])
    .orderBy('id')
    .execute();
  out.state = await t.db.selectFrom('hearings').select(['id', 'state']).orderBy('id').execute();
  return JSON.stringify(out);
}

const anyJson = fc.jsonValue().map((v) => v as unknown);
const notEmptyObject = anyJson.filter((x) => JSON.stringify(x) !== '{}');
const badAction = fc
  .oneof(anyJson, fc.string())
  .filter((a) => !['open', 'start', 'recess', 'resume', 'adjourn'].includes(a as string));
const badText = fc.oneof(
  fc.constant(''),
  fc.constant('   '),
  fc.string({ minLength: 2001, maxLength: 2100 }),
  fc.integer(),
  fc.constant(null),
);

interface WriteRoute {
  name: string;
  url: () => string;
  cookie: () => string;
  body: fc.Arbitrary<unknown>;
}

const ROUTES: WriteRoute[] = [
  {
    name: 'state',
    url: () => `/api/hearings/${hearingId}/state`,
    cookie: () => c.cookies.judge,
    body: fc.oneof(
      notEmptyObject.filter((x) => typeof x !== 'object' || x === null || Array.isArray(x)),
      badAction.map((action) => ({ action })),
      fc.record({ action: fc.constant('start'), extra: anyJson }),
    ),
  },
  ...(['admit', 'return-to-lobby', 'remove'] as const).map((path) => ({
    name: path,
    url: () => `/api/hearings/${hearingId}/participants/${party.id}/${path}`,
    cookie: () => c.cookies.judge,
    body: notEmptyObject,
  })),
  {
    name: 'admit-all',
    url: () => `/api/hearings/${hearingId}/admit-all`,
    cookie: () => c.cookies.judge,
    body: notEmptyObject,
  },
  {
    name: 'mute',
    url: () => `/api/hearings/${hearingId}/participants/${party.id}/mute`,
    cookie: () => c.cookies.judge,
    body: fc.oneof(
      notEmptyObject.filter((x) => typeof x !== 'object' || x === null || Array.isArray(x)),
      fc.record({
        trackSid: fc.oneof(fc.constant(''), fc.string({ minLength: 101 }), fc.integer(), fc.constant('a b')),
      }),
    ),
  },
  {
    name: 'screen-share',
    url: () => `/api/hearings/${hearingId}/participants/${agent.id}/screen-share`,
    cookie: () => c.cookies.judge,
    body: fc.oneof(
      fc.constant({}),
      fc.record({ allowed: anyJson.filter((x) => typeof x !== 'boolean') }),
      fc.record({ allowed: fc.boolean(), more: anyJson }),
    ),
  },
  { name: 'lobby', url: () => `/api/hearings/${hearingId}/lobby`, cookie: () => waiting.cookie, body: notEmptyObject },
  { name: 'leave', url: () => `/api/hearings/${hearingId}/leave`, cookie: () => party.cookie, body: notEmptyObject },
  {
    name: 'media-token',
    url: () => `/api/hearings/${hearingId}/media-token`,
    cookie: () => party.cookie,
    body: notEmptyObject,
  },
  {
    name: 'consultation-requests',
    url: () => `/api/hearings/${hearingId}/consultation-requests`,
    cookie: () => agent.cookie,
    body: fc.oneof(
      fc.constant({}),
      fc.record({ participantIds: anyJson.filter((x) => !Array.isArray(x)) }),
      fc.record({ participantIds: fc.array(fc.string(), { minLength: 2, maxLength: 3 }) }),
      fc.constant({ participantIds: [] }),
      fc.uuid().map((id) => ({ participantIds: [id] })),
      fc.array(fc.uuid(), { minLength: 11, maxLength: 12 }).map((participantIds) => ({ participantIds })),
      // Well-formed but not a party with their own agent.
      fc.constant(null).map(() => ({ participantIds: [party.id, waiting.id] })),
      fc.constant(null).map(() => ({ participantIds: [party.id, party.id] })),
    ),
  },
  {
    name: 'consultation media-token',
    url: () => `/api/hearings/${hearingId}/consultations/${consultationId}/media-token`,
    cookie: () => party.cookie,
    body: anyJson,
  },
  {
    name: 'consultation leave',
    url: () => `/api/hearings/${hearingId}/consultations/${consultationId}/leave`,
    cookie: () => party.cookie,
    body: anyJson,
  },
  {
    name: 'chat',
    url: () => `/api/hearings/${hearingId}/chat`,
    cookie: () => party.cookie,
    body: fc.oneof(
      fc.constant({}),
      badText.map((text) => ({ text, to: 'all' })),
      fc.record({ text: fc.constant('hello'), to: anyJson.filter((x) => x !== 'all' && x !== 'bench') }),
      fc.record({ text: fc.constant('hello'), to: fc.constant('all'), from: anyJson }),
    ),
  },
];

describe('bad bodies on every live-hearing write route', () => {
  for (const route of ROUTES) {
    it(`${route.name}: 4xx JSON, never 5xx, and nothing changes`, async () => {
      await expectBadBodiesRefused(app, route, snapshot, 40);
    });
  }

  it('a malformed webhook body never gets past the signature check', async () => {
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.option(fc.string(), { nil: undefined }), async (body, authorization) => {
        const res = await app.inject({
          method: 'POST',
          url: '/api/livekit/webhook',
          headers: { 'content-type': 'application/webhook+json', ...(authorization ? { authorization } : {}) },
          payload: body,
        });
        expect(res.statusCode).toBe(401);
      }),
      { numRuns: 50 },
    );
    expect(await snapshot()).toEqual(before);
  });
});
