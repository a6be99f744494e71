import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { TestDatabase } from '../../test/db.ts';
import { byCaller, registeredRoutes, statusByCaller } from '../../test/access.ts';
import { createStaff, ORIGIN } from '../../test/app.ts';
import { call, signInAs } from '../../test/scheduling.ts';
import {
  callerCookies,
  closeLive,
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
let partOther: Invited;
let adminHere: string;
let clerkHere: string;

interface Target {
  hearingId: string;
  entryId: string;
  sealId: string | null;
  /** The seal's SHA-256 (the one on the printout), when sealed. */
  sealSha256: string | null;
  plaintiff: Invited;
  agent: Invited;
  witness: Invited;
  observer: Invited;
}

/** An adjourned hearing with one entry, sealed unless asked otherwise. */
async function target(opts: { seal: boolean }): Promise<Target> {
  const hearingId = await scheduleHearing(app, c);
  const plaintiff = await invite(app, c, hearingId, 'plaintiff');
  const agent = await invite(app, c, hearingId, 'agent', { representsId: plaintiff.id });
  const witness = await invite(app, c, hearingId, 'witness');
  const observer = await invite(app, c, hearingId, 'observer');
  await setState(app, c, hearingId, 'open');
  await setState(app, c, hearingId, 'start');
  const entry = await expectOk(
    call(app, 'POST', `/api/hearings/${hearingId}/transcript/entries`, {
      cookie: c.cookies.clerk,
      payload: { speaker: 'Court', text: 'Let the record show the parties are present.' },
    }),
    201,
  );
  await setState(app, c, hearingId, 'adjourn');
  let sealId: string | null = null;
  let sealSha256: string | null = null;
  if (opts.seal) {
    const seal = await expectOk(
      call(app, 'POST', `/api/hearings/${hearingId}/transcript/seal`, { cookie: c.cookies.clerk }),
      201,
    );
    sealId = seal.json().seal.id as string;
    sealSha256 = seal.json().seal.sha256 as string;
  }
  return {
    hearingId,
    entryId: entry.json().entry.id as string,
    sealId,
    sealSha256,
    plaintiff,
    agent,
    witness,
    observer,
  };
}

const CALLERS = [
  'judgeOfHearing',
  'clerkOfHearing',
  'otherJudgeHere',
  'otherClerkHere',
  'adminHere',
  'staffOtherCourt',
  'plaintiff',
  'agent',
  'witness',
  'observer',
  'partOther',
  'anonymous',
] as const;
type Caller = (typeof CALLERS)[number];

type Statuses = [number, number, number, number, number, number, number, number, number, number, number, number];
const row = (s: Statuses) => byCaller(CALLERS, s);

//                                       judge clerk jdg2 clrk2 admin other plntf agent witns obsv pOth anon
const readers = (ok: number) => row([ok, ok, 404, ok, ok, 404, ok, ok, 403, 403, 404, 401]);
const bench = (ok: number) => row([ok, ok, 404, 403, 403, 404, 401, 401, 401, 401, 401, 401]);
const reviewers = (ok: number) => row([401, 401, 401, 401, 401, 401, ok, ok, 403, 403, 404, 401]);
const everyone = (ok: number) => row([ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok]);

interface Route {
  route: string;
  seal: boolean;
  /** `name`: the caller's invited name, when the caller is a participant (a signature must carry it). */
  request: (
    x: Target,
    name: string,
  ) => { method: 'GET' | 'POST' | 'PATCH'; url: string; payload?: unknown; contentType?: string };
  expected: Record<Caller, number>;
}

let n = 0;
const TABLE: Route[] = [
  {
    route: 'GET /api/hearings/:id/transcript',
    seal: false,
    request: (x) => ({ method: 'GET', url: `/api/hearings/${x.hearingId}/transcript` }),
    expected: readers(200),
  },
  {
    route: 'POST /api/hearings/:id/transcript/entries',
    seal: false,
    request: (x) => ({
      method: 'POST',
      url: `/api/hearings/${x.hearingId}/transcript/entries`,
      payload: { speaker: 'Court', text: 'Noted.' },
    }),
    expected: bench(201),
  },
  {
    route: 'PATCH /api/hearings/:id/transcript/entries/:eid',
    seal: false,
    request: (x) => ({
      method: 'PATCH',
      url: `/api/hearings/${x.hearingId}/transcript/entries/${x.entryId}`,
      payload: { text: `Corrected ${++n}.`, reason: 'Misheard' },
    }),
    expected: bench(200),
  },
  {
    route: 'POST /api/hearings/:id/transcript/import',
    seal: false,
    request: (x) => ({
      method: 'POST',
      url: `/api/hearings/${x.hearingId}/transcript/import`,
      payload: [{ speaker: 'Judge', start: 1, text: 'Be seated.' }],
    }),
    expected: bench(201),
  },
  {
    route: 'POST /api/hearings/:id/transcript/seal',
    seal: false,
    request: (x) => ({ method: 'POST', url: `/api/hearings/${x.hearingId}/transcript/seal` }),
    // Only the clerk of the hearing seals; judges and admins are refused by role before the hearing is looked up.
    expected: row([403, 201, 403, 403, 403, 404, 401, 401, 401, 401, 401, 401]),
  },
  {
    route: 'GET /api/hearings/:id/transcript/signatures',
    seal: true,
    request: (x) => ({ method: 'GET', url: `/api/hearings/${x.hearingId}/transcript/signatures` }),
    expected: readers(200),
  },
  {
    route: 'GET /api/transcripts/:sealId/pdf',
    seal: true,
    request: (x) => ({ method: 'GET', url: `/api/transcripts/${x.sealId}/pdf` }),
    expected: readers(200),
  },
  {
    route: 'POST /api/transcripts/:sealId/signatures',
    seal: true,
    request: (x, name) => ({
      method: 'POST',
      url: `/api/transcripts/${x.sealId}/signatures`,
      payload: { fullName: name, confirm: true },
    }),
    expected: reviewers(201),
  },
  {
    route: 'POST /api/transcripts/:sealId/objections',
    seal: true,
    request: (x) => ({
      method: 'POST',
      url: `/api/transcripts/${x.sealId}/objections`,
      payload: { text: 'Objection.' },
    }),
    expected: reviewers(201),
  },
  {
    route: 'POST /api/verify',
    seal: false,
    request: () => ({
      method: 'POST',
      url: '/api/verify',
      payload: Buffer.from('%PDF-1.7 not sealed'),
      contentType: 'application/pdf',
    }),
    expected: everyone(200),
  },
  {
    route: 'GET /api/verify/:sha256',
    seal: false,
    request: () => ({ method: 'GET', url: `/api/verify/${'a'.repeat(64)}` }),
    expected: everyone(200),
  },
  {
    // The first page drawn at sealing: for whoever holds the hash printed on the document.
    route: 'GET /api/verify/:sha256/first-page.png',
    seal: true,
    request: (x) => ({ method: 'GET', url: `/api/verify/${x.sealSha256}/first-page.png` }),
    expected: everyone(200),
  },
];

beforeAll(async () => {
  ({ t, app, c } = await openLive('TrAuth'));
  other = await liveCourt(app, t, 'TrOther');
  adminHere = await signInAs(app, await createStaff(t.db, 'admin', { courtId: c.f.court.id }));
  clerkHere = await signInAs(app, await createStaff(t.db, 'clerk', { courtId: c.f.court.id }));
  // A party of another hearing of the same court.
  const elsewhere = await scheduleHearing(app, c, c.f.judge2.id);
  partOther = await invite(app, c, elsewhere, 'plaintiff');
});
afterAll(closeLive);

function cookieOf(caller: Caller, x: Target): string | undefined {
  switch (caller) {
    case 'otherClerkHere':
      return clerkHere;
    case 'adminHere':
      return adminHere;
    case 'plaintiff':
    case 'agent':
    case 'witness':
    case 'observer':
      return x[caller].cookie;
    default:
      return callerCookies(c, other, partOther)[caller];
  }
}

describe('who may call each transcript route', () => {
  it('the table covers every route this feature registers', async () => {
    const mine = await registeredRoutes(app, (url) =>
      /^\/api\/(hearings\/:id\/transcript|transcripts|verify)/.test(url),
    );
    expect(mine).toEqual(TABLE.map((r) => r.route).sort());
  });

  for (const r of TABLE) {
    it(r.route, async () => {
      const x = await target({ seal: r.seal });
      const actual = await statusByCaller(CALLERS, async (caller) => {
        const invited = { plaintiff: x.plaintiff, agent: x.agent, witness: x.witness, observer: x.observer, partOther }[
          caller as string
        ];
        const name = invited
          ? (
              await t.db
                .selectFrom('participants')
                .select('display_name')
                .where('id', '=', invited.id)
                .executeTakeFirstOrThrow()
            ).display_name
          : 'Full Name';
        const req = r.request(x, name);
        const cookie = cookieOf(caller, x);
        return app.inject({
          method: req.method,
          url: req.url,
          headers: {
            origin: ORIGIN,
            ...(cookie ? { cookie } : {}),
            ...(req.contentType ? { 'content-type': req.contentType } : {}),
          },
          ...(req.payload !== undefined
            ? { payload: req.payload as object }
            : req.method === 'POST'
              ? { payload: {} }
              : {}),
        });
      });
      expect(actual).toEqual(r.expected);
    });
  }

  it('a sealed transcript of another court is not found, not forbidden', async () => {
    const x = await target({ seal: true });
    const res = await call(app, 'GET', `/api/transcripts/${x.sealId}/pdf`, { cookie: other.cookies.judge });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
  });

  it('rate-limits verification', async () => {
    let limited = 0;
    for (let i = 0; i < 40; i++) {
      const res = await app.inject({
        method: 'GET',
        url: `/api/verify/${'b'.repeat(64)}`,
        remoteAddress: '10.200.0.1',
      });
      if (res.statusCode === 429) limited++;
    }
    expect(limited).toBeGreaterThan(0);
  });
});
