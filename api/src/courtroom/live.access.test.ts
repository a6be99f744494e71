import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { byCaller, registeredRoutes, statusByCaller } from '../../test/access.ts';
import { call } from '../../test/scheduling.ts';
import {
  admit,
  callerCookies,
  closeLive,
  consult,
  enterLobby,
  expectOk,
  invite,
  liveCourt,
  openLive,
  scheduleHearing,
  setState,
  type Invited,
  type LiveCourt,
} from '../../test/live.ts';

let app: FastifyInstance;
let c: LiveCourt;
let other: LiveCourt;
let partOther: Invited;

interface Target {
  hearingId: string;
  /** Admitted defendant: "participant of this hearing". */
  party: Invited;
  /** Admitted agent of the defendant. */
  agent: Invited;
  /** Waiting plaintiff. */
  waiting: Invited;
  /** Waiting observer. */
  observer: Invited;
}

/** A fresh open hearing per call, so destructive calls never affect the next one. */
async function target(): Promise<Target> {
  const hearingId = await scheduleHearing(app, c);
  const party = await invite(app, c, hearingId, 'defendant');
  const agent = await invite(app, c, hearingId, 'agent', { representsId: party.id });
  const waiting = await invite(app, c, hearingId, 'plaintiff');
  const observer = await invite(app, c, hearingId, 'observer');
  await setState(app, c, hearingId, 'open');
  await enterLobby(app, hearingId, [party, agent, waiting, observer]);
  await admit(app, c, hearingId, [party, agent]);
  return { hearingId, party, agent, waiting, observer };
}

type Caller =
  | 'judgeOfHearing'
  | 'clerkOfHearing'
  | 'otherJudgeHere'
  | 'staffOtherCourt'
  | 'partyHere'
  | 'observerHere'
  | 'partOther'
  | 'anonymous';
const CALLERS: Caller[] = [
  'judgeOfHearing',
  'clerkOfHearing',
  'otherJudgeHere',
  'staffOtherCourt',
  'partyHere',
  'observerHere',
  'partOther',
  'anonymous',
];

interface Row {
  route: string;
  request: (x: Target) => Promise<{ method: 'GET' | 'POST'; url: string; payload?: unknown }>;
  expected: Record<Caller, number>;
}

const row = (statuses: [number, number, number, number, number, number, number, number]) => byCaller(CALLERS, statuses);

//                                 judge clerk jdg2 other party obs  pOth anon
const judgeOnly = (ok: number) => row([ok, 403, 404, 403, 401, 401, 401, 401]);
const bench = (ok: number) => row([ok, ok, 404, 404, 401, 401, 401, 401]);

/** One of the target's party and agent asks the other to consult; returns the asking's id. */
async function asking(x: Target, by: 'party' | 'agent' = 'agent'): Promise<string> {
  const res = await expectOk(
    call(app, 'POST', `/api/hearings/${x.hearingId}/consultation-requests`, {
      cookie: x[by].cookie,
      payload: { participantIds: [x.party.id, x.agent.id] },
    }),
    201,
  );
  return res.json().request.id as string;
}

/** Opens a consultation of the target's defendant and their agent (asked and accepted); returns its id. */
async function consultation(x: Target): Promise<string> {
  return (await consult(app, x.hearingId, x.agent, x.party)).id;
}

const TABLE: Row[] = [
  {
    route: 'POST /api/hearings/:id/state',
    request: async (x) => ({ method: 'POST', url: `/api/hearings/${x.hearingId}/state`, payload: { action: 'start' } }),
    expected: judgeOnly(200),
  },
  {
    route: 'POST /api/hearings/:id/participants/:pid/admit',
    request: async (x) => ({ method: 'POST', url: `/api/hearings/${x.hearingId}/participants/${x.waiting.id}/admit` }),
    expected: bench(200),
  },
  {
    route: 'POST /api/hearings/:id/participants/:pid/return-to-lobby',
    request: async (x) => ({
      method: 'POST',
      url: `/api/hearings/${x.hearingId}/participants/${x.party.id}/return-to-lobby`,
    }),
    expected: bench(200),
  },
  {
    route: 'POST /api/hearings/:id/participants/:pid/remove',
    request: async (x) => ({ method: 'POST', url: `/api/hearings/${x.hearingId}/participants/${x.party.id}/remove` }),
    expected: judgeOnly(200),
  },
  {
    route: 'POST /api/hearings/:id/admit-all',
    request: async (x) => ({ method: 'POST', url: `/api/hearings/${x.hearingId}/admit-all` }),
    expected: bench(200),
  },
  {
    route: 'POST /api/hearings/:id/participants/:pid/mute',
    request: async (x) => ({
      method: 'POST',
      url: `/api/hearings/${x.hearingId}/participants/${x.party.id}/mute`,
      payload: { trackSid: 'TR_x' },
    }),
    expected: judgeOnly(200),
  },
  {
    route: 'POST /api/hearings/:id/participants/:pid/screen-share',
    request: async (x) => ({
      method: 'POST',
      url: `/api/hearings/${x.hearingId}/participants/${x.party.id}/screen-share`,
      payload: { allowed: true },
    }),
    expected: judgeOnly(200),
  },
  {
    route: 'POST /api/hearings/:id/lobby',
    request: async (x) => ({ method: 'POST', url: `/api/hearings/${x.hearingId}/lobby` }),
    expected: row([401, 401, 401, 401, 200, 200, 404, 401]),
  },
  {
    route: 'POST /api/hearings/:id/leave',
    request: async (x) => ({ method: 'POST', url: `/api/hearings/${x.hearingId}/leave` }),
    expected: row([401, 401, 401, 401, 200, 200, 404, 401]),
  },
  {
    route: 'POST /api/hearings/:id/media-token',
    request: async (x) => ({ method: 'POST', url: `/api/hearings/${x.hearingId}/media-token` }),
    // The observer is still in the lobby: 403 in_lobby. Another hearing's participant: no such hearing (404).
    expected: row([200, 200, 404, 404, 200, 403, 404, 401]),
  },
  {
    route: 'POST /api/hearings/:id/consultation-requests',
    request: async (x) => ({
      method: 'POST',
      url: `/api/hearings/${x.hearingId}/consultation-requests`,
      payload: { participantIds: [x.party.id, x.agent.id] },
    }),
    expected: row([403, 403, 404, 404, 201, 403, 404, 401]),
  },
  {
    route: 'POST /api/hearings/:id/consultation-requests/:rid/accept',
    // Asked by the agent: the party accepts; the bench never takes part, the gallery never consults.
    request: async (x) => ({
      method: 'POST',
      url: `/api/hearings/${x.hearingId}/consultation-requests/${await asking(x)}/accept`,
    }),
    expected: row([403, 403, 404, 404, 201, 403, 404, 401]),
  },
  {
    route: 'POST /api/hearings/:id/consultation-requests/:rid/decline',
    request: async (x) => ({
      method: 'POST',
      url: `/api/hearings/${x.hearingId}/consultation-requests/${await asking(x)}/decline`,
    }),
    expected: row([403, 403, 404, 404, 200, 403, 404, 401]),
  },
  {
    route: 'POST /api/hearings/:id/consultation-requests/:rid/withdraw',
    // Asked by the party, who alone may withdraw it.
    request: async (x) => ({
      method: 'POST',
      url: `/api/hearings/${x.hearingId}/consultation-requests/${await asking(x, 'party')}/withdraw`,
    }),
    expected: row([403, 403, 404, 404, 200, 403, 404, 401]),
  },
  {
    route: 'POST /api/hearings/:id/consultations/:cid/media-token',
    request: async (x) => ({
      method: 'POST',
      url: `/api/hearings/${x.hearingId}/consultations/${await consultation(x)}/media-token`,
    }),
    // Consultations are the parties' and their agents' (403 for the observer); another party's is not found.
    expected: row([403, 403, 404, 404, 200, 403, 404, 401]),
  },
  {
    route: 'POST /api/hearings/:id/consultations/:cid/leave',
    request: async (x) => ({
      method: 'POST',
      url: `/api/hearings/${x.hearingId}/consultations/${await consultation(x)}/leave`,
    }),
    expected: row([403, 403, 404, 404, 200, 403, 404, 401]),
  },
  {
    route: 'POST /api/hearings/:id/chat',
    request: async (x) => ({
      method: 'POST',
      url: `/api/hearings/${x.hearingId}/chat`,
      payload: { text: 'Good morning.', to: 'all' },
    }),
    // Observers read but do not write.
    expected: row([201, 201, 404, 404, 201, 403, 404, 401]),
  },
  {
    route: 'GET /api/hearings/:id/chat',
    request: async (x) => ({ method: 'GET', url: `/api/hearings/${x.hearingId}/chat` }),
    expected: row([200, 200, 404, 404, 200, 200, 404, 401]),
  },
  {
    route: 'POST /api/livekit/webhook',
    // Only LiveKit's signature opens it, never a session: JSON without it is refused (415 before 401).
    request: async () => ({ method: 'POST', url: '/api/livekit/webhook', payload: { event: 'room_started' } }),
    expected: row([415, 415, 415, 415, 415, 415, 415, 415]),
  },
  {
    route: 'GET /api/ws',
    request: async () => ({ method: 'GET', url: '/api/ws' }),
    // Without an upgrade it is not a websocket; the socket tests check sessions.
    expected: row([426, 426, 426, 426, 426, 426, 426, 426]),
  },
];

beforeAll(async () => {
  const live = await openLive('LiveAuth');
  ({ app, c } = live);
  other = await liveCourt(app, live.t, 'LiveOther');
  // A participant of another hearing of the same court.
  const elsewhere = await scheduleHearing(app, c, c.f.judge2.id);
  partOther = await invite(app, c, elsewhere, 'plaintiff');
});
afterAll(closeLive);

function cookieOf(caller: Caller, x: Target): string | undefined {
  switch (caller) {
    case 'partyHere':
      return x.party.cookie;
    case 'observerHere':
      return x.observer.cookie;
    default:
      return callerCookies(c, other, partOther)[caller];
  }
}

describe('who may call each live-hearing route', () => {
  it('the table covers every route this feature registers', async () => {
    const live =
      /^\/api\/(hearings\/:id\/(state|admit-all|lobby|leave|media-token|chat|consultations|consultation-requests|participants\/:pid\/(admit|return-to-lobby|remove|mute|screen-share))|livekit|ws)/;
    const mine = await registeredRoutes(app, (url) => live.test(url));
    expect(mine).toEqual(TABLE.map((r) => r.route).sort());
  });

  for (const r of TABLE) {
    it(r.route, async () => {
      const actual = await statusByCaller(CALLERS, async (caller) => {
        const x = await target();
        const req = await r.request(x);
        return call(app, req.method, req.url, { cookie: cookieOf(caller, x), payload: req.payload });
      });
      expect(actual).toEqual(r.expected);
    });
  }
});
