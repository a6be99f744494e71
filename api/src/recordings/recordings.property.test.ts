import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { AccessToken } from 'livekit-server-sdk';
import type { TestDatabase } from '../../test/db.ts';
import { expectBadBodiesRefused } from '../../test/property.ts';
import {
  LIVEKIT_KEY,
  LIVEKIT_SECRET,
  admit,
  closeLive,
  consult,
  enterLobby,
  invite,
  openLive,
  scheduleHearing,
  setState,
  type LiveCourt,
} from '../../test/live.ts';
import type { LiveKitStandin } from '../../test/livekit-standin.ts';

let t: TestDatabase;
let app: FastifyInstance;
let standin: LiveKitStandin;
let c: LiveCourt;
let hearingId: string;
let consultRoom: string;

beforeAll(async () => {
  ({ t, standin, app, c } = await openLive('RecProps'));
  hearingId = await scheduleHearing(app, c);
  const party = await invite(app, c, hearingId, 'plaintiff');
  const agent = await invite(app, c, hearingId, 'agent', { representsId: party.id });
  await setState(app, c, hearingId, 'open');
  await enterLobby(app, hearingId, [party, agent]);
  await admit(app, c, hearingId, 'all');
  await setState(app, c, hearingId, 'start');
  consultRoom = (await consult(app, hearingId, agent, party)).room;
});
afterAll(closeLive);

async function snapshot() {
  const out: Record<string, unknown> = {};
  for (const name of ['recordings', 'transcript_entries', 'audit_events', 'realtime_events'] as const) {
    out[name] = (await t.db.selectFrom(name).select('id').execute()).length;
  }
  out.egresses = standin.callsOf('StartRoomCompositeEgress').length + standin.callsOf('StopEgress').length;
  return JSON.stringify(out);
}

const anyJson = fc.jsonValue().map((v) => v as unknown);
const notEmptyObject = anyJson.filter((x) => JSON.stringify(x) !== '{}');

const ROUTES = [
  {
    name: 'start',
    url: () => `/api/hearings/${hearingId}/recordings/start`,
    body: fc.oneof(
      anyJson.filter((x) => typeof x !== 'object' || x === null || Array.isArray(x)),
      fc.record({ room: anyJson.filter((x) => typeof x !== 'string') }),
      fc.record({ room: fc.oneof(fc.constant(''), fc.string({ minLength: 201, maxLength: 220 })) }),
      fc.record({ room: fc.string({ minLength: 1, maxLength: 50 }).filter((r) => !r.startsWith('hearing-')) }),
      fc.constant(null).map(() => ({ room: consultRoom })),
      fc.record({ extra: anyJson }),
    ),
  },
  { name: 'stop', url: () => `/api/hearings/${hearingId}/recordings/stop`, body: notEmptyObject },
];

describe('bad bodies on every recording write route', () => {
  for (const route of ROUTES) {
    it(`${route.name}: 4xx JSON, never 5xx, and nothing changes`, async () => {
      await expectBadBodiesRefused(app, { ...route, cookie: () => c.cookies.judge }, snapshot, 60);
    });
  }

  it('a correctly signed egress webhook with any egress id or room never fails and adopts nothing foreign', async () => {
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          egressId: fc.string({ maxLength: 40 }),
          roomName: fc.string({ maxLength: 40 }),
          status: fc.constantFrom('EGRESS_STARTING', 'EGRESS_ACTIVE', 'EGRESS_COMPLETE', 'EGRESS_FAILED', 'BOGUS'),
          error: fc.string({ maxLength: 20 }),
        }),
        fc.constantFrom('egress_started', 'egress_updated', 'egress_ended'),
        async (info, event) => {
          const body = JSON.stringify({
            event,
            egressInfo: info,
            id: `EV_p_${Math.random()}`,
            createdAt: String(Math.floor(Date.now() / 1000)),
          });
          const at = new AccessToken(LIVEKIT_KEY, LIVEKIT_SECRET);
          at.sha256 = Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(body))).toString(
            'base64',
          );
          const res = await app.inject({
            method: 'POST',
            url: '/api/livekit/webhook',
            headers: { 'content-type': 'application/webhook+json', authorization: await at.toJwt() },
            payload: body,
          });
          expect([200, 401]).toContain(res.statusCode);
        },
      ),
      { numRuns: 60 },
    );
    expect(await snapshot()).toEqual(before);
  });
});
