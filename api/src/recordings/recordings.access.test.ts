import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { TestDatabase } from '../../test/db.ts';
import { byCaller, registeredRoutes, statusByCaller } from '../../test/access.ts';
import { createStaff, signIn } from '../../test/app.ts';
import { call } from '../../test/scheduling.ts';
import {
  admit,
  callerCookies,
  closeLive,
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

let t: TestDatabase;
let app: FastifyInstance;
let c: LiveCourt;
let other: LiveCourt;
let adminCookie: string;
let localDir: string;

interface Target {
  hearingId: string;
  party: Invited;
  recordingId: string;
}

/** A fresh hearing in session, with a finished recording whose file is on disk. */
async function target(): Promise<Target> {
  const hearingId = await scheduleHearing(app, c);
  const party = await invite(app, c, hearingId, 'plaintiff');
  await setState(app, c, hearingId, 'open');
  await enterLobby(app, hearingId, [party]);
  await admit(app, c, hearingId, 'all');
  await setState(app, c, hearingId, 'start');
  const h = await t.db
    .selectFrom('hearings')
    .select('livekit_room')
    .where('id', '=', hearingId)
    .executeTakeFirstOrThrow();
  const r = await t.db
    .insertInto('recordings')
    .values({
      hearing_id: hearingId,
      egress_id: `EG_done_${hearingId}`,
      room: h.livekit_room,
      status: 'complete',
      started_by: c.f.judge.id,
      output: 'file',
      ended_at: new Date(),
      file_location: `/out/${hearingId}/done.mp4`,
      size_bytes: 4,
      duration_ms: 1000,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  mkdirSync(join(localDir, hearingId), { recursive: true });
  writeFileSync(join(localDir, hearingId, 'done.mp4'), 'MP4!');
  return { hearingId, party, recordingId: r.id };
}

type Caller =
  'judgeOfHearing' | 'clerkOfHearing' | 'otherJudgeHere' | 'adminHere' | 'staffOtherCourt' | 'partyHere' | 'anonymous';
const CALLERS: Caller[] = [
  'judgeOfHearing',
  'clerkOfHearing',
  'otherJudgeHere',
  'adminHere',
  'staffOtherCourt',
  'partyHere',
  'anonymous',
];
const row = (statuses: [number, number, number, number, number, number, number]) => byCaller(CALLERS, statuses);

interface Row {
  route: string;
  request: (x: Target) => Promise<{ method: 'GET' | 'POST'; url: string; payload?: unknown }>;
  expected: Record<Caller, number>;
}

const TABLE: Row[] = [
  {
    route: 'POST /api/hearings/:id/recordings/start',
    request: async (x) => ({ method: 'POST', url: `/api/hearings/${x.hearingId}/recordings/start` }),
    //   judge clerk jdg2 admin other party anon
    expected: row([201, 201, 404, 403, 404, 401, 401]),
  },
  {
    route: 'POST /api/hearings/:id/recordings/stop',
    request: async (x) => {
      await expectOk(
        call(app, 'POST', `/api/hearings/${x.hearingId}/recordings/start`, { cookie: c.cookies.judge }),
        201,
      );
      return { method: 'POST', url: `/api/hearings/${x.hearingId}/recordings/stop` };
    },
    expected: row([200, 200, 404, 403, 404, 401, 401]),
  },
  {
    route: 'GET /api/hearings/:id/recordings',
    request: async (x) => ({ method: 'GET', url: `/api/hearings/${x.hearingId}/recordings` }),
    expected: row([200, 200, 404, 200, 404, 401, 401]),
  },
  {
    route: 'GET /api/hearings/:id/recordings/:rid/download',
    request: async (x) => ({ method: 'GET', url: `/api/hearings/${x.hearingId}/recordings/${x.recordingId}/download` }),
    expected: row([200, 200, 404, 200, 404, 401, 401]),
  },
];

beforeAll(async () => {
  localDir = mkdtempSync(join(tmpdir(), 'gavel-rec-access-'));
  ({ t, app, c } = await openLive('RecAuth', { env: { RECORDING_LOCAL_DIR: localDir } }));
  other = await liveCourt(app, t, 'RecAuthOther');
  const admin = await createStaff(t.db, 'admin', { courtId: c.f.court.id });
  adminCookie = await signIn(app, admin.email, admin.password);
});
afterAll(async () => {
  await closeLive();
  rmSync(localDir, { recursive: true, force: true });
});

function cookieOf(caller: Caller, x: Target): string | undefined {
  switch (caller) {
    case 'adminHere':
      return adminCookie;
    case 'partyHere':
      return x.party.cookie;
    default:
      return callerCookies(c, other)[caller];
  }
}

describe('who may call each recording route', () => {
  it('the table covers every route this feature registers', async () => {
    const mine = await registeredRoutes(app, (url) => url.includes('/recordings'));
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
