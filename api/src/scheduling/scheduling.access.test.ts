import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { TestDatabase } from '../../test/db.ts';
import { registeredRoutes, statusByCaller } from '../../test/access.ts';
import {
  call,
  closeScheduling,
  createCourtFixture,
  hearingBody,
  openScheduling,
  participantCookie,
  signInAs,
  tokenOf,
  type CourtFixture,
} from '../../test/scheduling.ts';

let t: TestDatabase;
let app: FastifyInstance;
let f: CourtFixture;
let other: CourtFixture;
const cookies: Record<string, string> = {};

let slot = 0;
let ipCount = 0;
/** A fresh hour on the calendar, so no booking in this file ever conflicts. */
function nextSlot() {
  slot++;
  const start = new Date(Date.UTC(2027, 0, 1) + slot * 2 * 3_600_000);
  return { start: start.toISOString(), end: new Date(start.getTime() + 3_600_000).toISOString() };
}

interface Target {
  hearingId: string;
  participantId: string;
  token: string;
  participantCookie: string;
}

/** A fresh hearing of court f with one joined plaintiff: destructive calls never affect the next row. */
async function target(judgeId = f.judge.id): Promise<Target> {
  const s = nextSlot();
  const h = await call(app, 'POST', '/api/hearings', {
    cookie: cookies.clerk,
    payload: hearingBody(f, s.start, s.end, { judgeId }),
  });
  expect(h.statusCode, h.body).toBe(201);
  const hearingId = h.json().hearing.id as string;
  const p = await call(app, 'POST', `/api/hearings/${hearingId}/participants`, {
    cookie: cookies.clerk,
    payload: { role: 'plaintiff', displayName: 'Party' },
  });
  const token = tokenOf(p.json().inviteUrl);
  const joined = await app.inject({
    method: 'POST',
    url: '/api/join',
    remoteAddress: `10.9.${Math.floor(++ipCount / 200)}.${ipCount % 200}`,
    headers: { origin: 'http://gavel.test' },
    payload: { token },
  });
  return { hearingId, participantId: p.json().participant.id, token, participantCookie: participantCookie(joined) };
}

type Caller =
  'clerkHere' | 'judgeOfHearing' | 'otherJudgeHere' | 'clerkOtherCourt' | 'partHere' | 'partOther' | 'anonymous';
const CALLERS: Caller[] = [
  'clerkHere',
  'judgeOfHearing',
  'otherJudgeHere',
  'clerkOtherCourt',
  'partHere',
  'partOther',
  'anonymous',
];

interface Row {
  route: string;
  request: (t: Target) => { method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; url: string; payload?: unknown };
  expected: Record<Caller, number>;
}

const staffRead = (own: number, otherJudge: number, otherCourt: number): Record<Caller, number> => ({
  clerkHere: own,
  judgeOfHearing: own,
  otherJudgeHere: otherJudge,
  clerkOtherCourt: otherCourt,
  partHere: 401,
  partOther: 401,
  anonymous: 401,
});
const clerkWrite = (own: number, otherCourt: number): Record<Caller, number> => ({
  clerkHere: own,
  judgeOfHearing: 403,
  otherJudgeHere: 403,
  clerkOtherCourt: otherCourt,
  partHere: 401,
  partOther: 401,
  anonymous: 401,
});
const everyone = (status: number): Record<Caller, number> => ({
  clerkHere: status,
  judgeOfHearing: status,
  otherJudgeHere: status,
  clerkOtherCourt: status,
  partHere: status,
  partOther: status,
  anonymous: status,
});

const TABLE: Row[] = [
  {
    route: 'POST /api/cases',
    request: () => ({
      method: 'POST',
      url: '/api/cases',
      payload: { number: `AUTH-${++slot}`, caption: 'A v. B', caseType: 'civil' },
    }),
    // Another court's clerk opens the case in their own court.
    expected: clerkWrite(201, 201),
  },
  {
    route: 'GET /api/cases',
    request: () => ({ method: 'GET', url: '/api/cases?q=Auth' }),
    expected: staffRead(200, 200, 200),
  },
  {
    route: 'GET /api/hearings/options',
    request: () => ({ method: 'GET', url: '/api/hearings/options' }),
    expected: staffRead(200, 200, 200),
  },
  {
    route: 'GET /api/hearings/conflicts',
    request: () => {
      const s = nextSlot();
      return {
        method: 'GET',
        url: `/api/hearings/conflicts?start=${s.start}&end=${s.end}&judgeId=${f.judge.id}&courtroomId=${f.room.id}`,
      };
    },
    expected: staffRead(200, 200, 200),
  },
  {
    route: 'POST /api/hearings',
    request: () => {
      const s = nextSlot();
      return { method: 'POST', url: '/api/hearings', payload: hearingBody(f, s.start, s.end) };
    },
    // Another court's clerk cannot book this court's case, judge or courtroom.
    expected: clerkWrite(201, 400),
  },
  {
    route: 'GET /api/hearings',
    request: () => ({ method: 'GET', url: '/api/hearings?from=2027-01-01T00:00:00Z&to=2027-01-02T00:00:00Z' }),
    expected: staffRead(200, 200, 200),
  },
  {
    route: 'GET /api/hearings/:id',
    request: (x) => ({ method: 'GET', url: `/api/hearings/${x.hearingId}` }),
    expected: staffRead(200, 404, 404),
  },
  {
    route: 'PATCH /api/hearings/:id',
    request: (x) => ({ method: 'PATCH', url: `/api/hearings/${x.hearingId}`, payload: { notes: 'updated' } }),
    expected: clerkWrite(200, 404),
  },
  {
    route: 'POST /api/hearings/:id/cancel',
    request: (x) => ({ method: 'POST', url: `/api/hearings/${x.hearingId}/cancel`, payload: {} }),
    expected: clerkWrite(200, 404),
  },
  {
    route: 'GET /api/hearings/:id/calendar.ics',
    request: (x) => ({ method: 'GET', url: `/api/hearings/${x.hearingId}/calendar.ics` }),
    expected: staffRead(200, 404, 404),
  },
  {
    route: 'POST /api/hearings/:id/participants',
    request: (x) => ({
      method: 'POST',
      url: `/api/hearings/${x.hearingId}/participants`,
      payload: { role: 'witness', displayName: 'Witness' },
    }),
    expected: clerkWrite(201, 404),
  },
  {
    route: 'POST /api/hearings/:id/participants/:pid/invite',
    request: (x) => ({
      method: 'POST',
      url: `/api/hearings/${x.hearingId}/participants/${x.participantId}/invite`,
      payload: {},
    }),
    expected: clerkWrite(200, 404),
  },
  {
    route: 'DELETE /api/hearings/:id/participants/:pid',
    request: (x) => ({ method: 'DELETE', url: `/api/hearings/${x.hearingId}/participants/${x.participantId}` }),
    expected: clerkWrite(204, 404),
  },
  {
    route: 'GET /api/join/:token',
    request: (x) => ({ method: 'GET', url: `/api/join/${x.token}` }),
    expected: everyone(200),
  },
  {
    route: 'GET /api/join/:token/calendar.ics',
    request: (x) => ({ method: 'GET', url: `/api/join/${x.token}/calendar.ics` }),
    expected: everyone(200),
  },
  {
    route: 'POST /api/join',
    request: (x) => ({ method: 'POST', url: '/api/join', payload: { token: x.token } }),
    expected: everyone(200),
  },
  {
    route: 'GET /api/hearings/:id/me',
    request: (x) => ({ method: 'GET', url: `/api/hearings/${x.hearingId}/me` }),
    // Another hearing's participant: no such hearing for them.
    expected: { ...everyone(401), partHere: 200, partOther: 404 },
  },
];

let partOtherCookie: string;

beforeAll(async () => {
  ({ t, app, f, clerk: cookies.clerk } = await openScheduling('Auth', { timezone: 'Asia/Shanghai' }));
  other = await createCourtFixture(t.db, 'Other', { timezone: 'Europe/Paris' });
  cookies.judge = await signInAs(app, f.judge);
  cookies.judge2 = await signInAs(app, f.judge2);
  cookies.otherClerk = await signInAs(app, other.clerk);
  // A participant of another hearing of the same court.
  partOtherCookie = (await target(f.judge2.id)).participantCookie;
});
afterAll(closeScheduling);

function cookieOf(caller: Caller, x: Target): string | undefined {
  switch (caller) {
    case 'clerkHere':
      return cookies.clerk;
    case 'judgeOfHearing':
      return cookies.judge;
    case 'otherJudgeHere':
      return cookies.judge2;
    case 'clerkOtherCourt':
      return cookies.otherClerk;
    case 'partHere':
      return x.participantCookie;
    case 'partOther':
      return partOtherCookie;
    case 'anonymous':
      return undefined;
  }
}

describe('who may call each scheduling route', () => {
  it('the table covers every route this feature registers', async () => {
    const mine = await registeredRoutes(
      app,
      (url) =>
        /^\/api\/(cases|hearings|join)/.test(url) &&
        // The live hearing's and recordings' routes have their own tables (live/recordings.access.test.ts).
        !url.includes('/recordings') &&
        !url.includes('/transcript') &&
        !url.includes('/exhibits') &&
        // The audit trail and the export have theirs in exports/export.test.ts.
        !/\/(audit|export)(\/|$)/.test(url) &&
        !/\/(state|admit-all|lobby|leave|media-token|chat|consultations|consultation-requests|participants\/:pid\/(admit|return-to-lobby|remove|mute|screen-share))/.test(
          url,
        ),
    );
    expect(mine).toEqual(TABLE.map((r) => r.route).sort());
  });

  for (const row of TABLE) {
    it(`${row.route}`, async () => {
      const actual = await statusByCaller(CALLERS, async (caller) => {
        const x = await target();
        const req = row.request(x);
        return call(app, req.method, req.url, { cookie: cookieOf(caller, x), payload: req.payload });
      });
      expect(actual).toEqual(row.expected);
    });
  }

  it('another court’s staff see none of this court’s data in lists', async () => {
    const cases = await call(app, 'GET', '/api/cases?q=', { cookie: cookies.otherClerk });
    expect(cases.json().cases.every((c: { number: string }) => !c.number.startsWith('Auth'))).toBe(true);
    const docket = await call(app, 'GET', '/api/hearings?from=2027-01-01T00:00:00Z&to=2027-02-01T00:00:00Z', {
      cookie: cookies.otherClerk,
    });
    expect(docket.json().hearings).toEqual([]);
    const options = await call(app, 'GET', '/api/hearings/options', { cookie: cookies.otherClerk });
    expect(options.json().judges.map((j: { id: string }) => j.id)).not.toContain(f.judge.id);
  });
});
