import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { byCaller, registeredRoutes, statusByCaller } from '../../test/access.ts';
import { ORIGIN, createStaff, signIn } from '../../test/app.ts';
import { call } from '../../test/scheduling.ts';
import { expectOk, liveCourt, startStandin, type LiveCourt } from '../../test/live.ts';
import type { LiveKitStandin } from '../../test/livekit-standin.ts';
import { exhibitsApp, hearingInSession, multipart, pdfBytes, upload, type Courtroom } from '../../test/exhibits.ts';

let t: TestDatabase;
let app: FastifyInstance;
let dataDir: string;
let standin: LiveKitStandin;
let c: LiveCourt;
let other: LiveCourt;
let adminCookie: string;
let pdf: Uint8Array;

beforeAll(async () => {
  t = await createTestDatabase();
  const s = await startStandin();
  standin = s.standin;
  ({ app, dataDir } = await exhibitsApp(t, s.apiUrl));
  c = await liveCourt(app, t, 'ExhAuth');
  other = await liveCourt(app, t, 'ExhAuthOther');
  const admin = await createStaff(t.db, 'admin', { courtId: c.f.court.id });
  adminCookie = await signIn(app, admin.email, admin.password);
  pdf = await pdfBytes(2);
});
afterAll(async () => {
  await app.close();
  await standin.stop();
  await t.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

type Caller =
  | 'judge'
  | 'clerk'
  | 'admin'
  | 'otherJudge'
  | 'otherCourt'
  | 'plaintiff'
  | 'pAgent'
  | 'defendant'
  | 'dAgent'
  | 'witness'
  | 'observer'
  | 'anonymous';
const CALLERS: Caller[] = [
  'judge',
  'clerk',
  'admin',
  'otherJudge',
  'otherCourt',
  'plaintiff',
  'pAgent',
  'defendant',
  'dAgent',
  'witness',
  'observer',
  'anonymous',
];

function cookieOf(caller: Caller, h: Courtroom): string | undefined {
  switch (caller) {
    case 'judge':
      return c.cookies.judge;
    case 'clerk':
      return c.cookies.clerk;
    case 'admin':
      return adminCookie;
    case 'otherJudge':
      return c.cookies.judge2;
    case 'otherCourt':
      return other.cookies.clerk;
    case 'plaintiff':
      return h.plaintiff.cookie;
    case 'pAgent':
      return h.agent.cookie;
    case 'defendant':
      return h.defendant.cookie;
    case 'dAgent':
      return h.defAgent.cookie;
    case 'witness':
      return h.witness.cookie;
    case 'observer':
      return h.observer.cookie;
    case 'anonymous':
      return undefined;
  }
}

/** A hearing in session with one exhibit in each state that matters to visibility. */
async function courtroomWithExhibits() {
  const h = await hearingInSession(app, c);
  const up = async (cookie: string, title: string, side?: string) =>
    (
      await expectOk(
        upload(app, h.id, cookie, { fileName: `${title}.pdf`, bytes: pdf }, { title, ...(side ? { side } : {}) }),
        201,
      )
    ).json().exhibit as { id: string; label: string };
  const rule = (id: string, ruling: string) =>
    expectOk(
      call(app, 'POST', `/api/hearings/${h.id}/exhibits/${id}/ruling`, {
        cookie: c.cookies.judge,
        payload: { ruling },
      }),
    );
  const pMarked = await up(h.agent.cookie, 'P marked'); // P-1
  const dMarked = await up(h.defendant.cookie, 'D marked'); // D-1
  const court = await up(c.cookies.clerk, 'Court marked'); // C-1
  const pAdmitted = await up(h.plaintiff.cookie, 'P admitted'); // P-2
  await rule(pAdmitted.id, 'admitted');
  const dRejected = await up(h.defAgent.cookie, 'D rejected'); // D-2
  await rule(dRejected.id, 'rejected');
  return { h, exhibits: { pMarked, dMarked, court, pAdmitted, dRejected } };
}

// Which labels each caller sees: staff of the hearing all; a side the court's, its own and admitted ones;
// witnesses and the public gallery admitted ones only; nobody else anything.
const VISIBLE: Record<Caller, string[] | number> = {
  judge: ['C-1', 'P-1', 'P-2', 'D-1', 'D-2'],
  clerk: ['C-1', 'P-1', 'P-2', 'D-1', 'D-2'],
  admin: ['C-1', 'P-1', 'P-2', 'D-1', 'D-2'],
  otherJudge: 404,
  otherCourt: 404,
  plaintiff: ['C-1', 'P-1', 'P-2'],
  pAgent: ['C-1', 'P-1', 'P-2'],
  defendant: ['C-1', 'P-2', 'D-1', 'D-2'],
  dAgent: ['C-1', 'P-2', 'D-1', 'D-2'],
  witness: ['P-2'],
  observer: ['P-2'],
  anonymous: 401,
};

describe('who sees which exhibit', () => {
  it('lists and serves exactly the exhibits each role may see (404 for the rest)', async () => {
    const { h, exhibits } = await courtroomWithExhibits();
    const all = Object.values(exhibits);
    const listed: Record<string, string[] | number> = {};
    const served: Record<string, string[] | number> = {};
    for (const caller of CALLERS) {
      const cookie = cookieOf(caller, h);
      const res = await call(app, 'GET', `/api/hearings/${h.id}/exhibits`, { cookie });
      listed[caller] =
        res.statusCode === 200 ? res.json().exhibits.map((e: { label: string }) => e.label) : res.statusCode;
      if (res.statusCode !== 200) expect(res.json().error.code).toEqual(expect.any(String));
      const files: string[] = [];
      for (const e of all) {
        for (const copy of ['stamped', 'original']) {
          const f = await call(app, 'GET', `/api/hearings/${h.id}/exhibits/${e.id}/file?copy=${copy}`, { cookie });
          if (f.statusCode === 200) files.push(`${e.label}:${copy}`);
          else expect([401, 404], `${caller} ${e.label}`).toContain(f.statusCode);
        }
      }
      served[caller] = typeof VISIBLE[caller] === 'number' ? res.statusCode : files;
    }
    expect(listed).toEqual(VISIBLE);
    const expectedFiles = Object.fromEntries(
      CALLERS.map((k) => [
        k,
        typeof VISIBLE[k] === 'number'
          ? VISIBLE[k]
          : all
              .filter((e) => (VISIBLE[k] as string[]).includes(e.label))
              .flatMap((e) => [`${e.label}:stamped`, `${e.label}:original`]),
      ]),
    );
    expect(served).toEqual(expectedFiles);
  });

  it('a participant of another hearing is told there is no such hearing', async () => {
    const { h } = await courtroomWithExhibits();
    const elsewhere = await hearingInSession(app, c, { start: false });
    const res = await call(app, 'GET', `/api/hearings/${h.id}/exhibits`, { cookie: elsewhere.plaintiff.cookie });
    expect(res.statusCode).toBe(404);
  });

  it('a witness still waiting in the lobby sees none of the room’s exhibits; a party may prepare theirs', async () => {
    const { h } = await courtroomWithExhibits();
    await expectOk(
      call(app, 'POST', `/api/hearings/${h.id}/participants/${h.witness.id}/return-to-lobby`, {
        cookie: c.cookies.judge,
      }),
    );
    const res = await call(app, 'GET', `/api/hearings/${h.id}/exhibits`, { cookie: h.witness.cookie });
    expect([res.statusCode, res.json().error.code]).toEqual([403, 'not_admitted']);
    await expectOk(
      call(app, 'POST', `/api/hearings/${h.id}/participants/${h.plaintiff.id}/return-to-lobby`, {
        cookie: c.cookies.judge,
      }),
    );
    const party = await expectOk(call(app, 'GET', `/api/hearings/${h.id}/exhibits`, { cookie: h.plaintiff.cookie }));
    // Their case's exhibits, but not what is on the room's screen.
    expect(party.json().exhibits.length).toBeGreaterThan(0);
    expect(party.json().presentation).toBeNull();
  });
});

type Req = { method: 'GET' | 'POST'; url: string; payload?: unknown; multipart?: boolean };
interface Row {
  route: string;
  request: (x: Awaited<ReturnType<typeof courtroomWithExhibits>>) => Req;
  expected: Record<Caller, number>;
}
const row = (s: number[]) => byCaller(CALLERS, s);

const TABLE: Row[] = [
  {
    route: 'GET /api/hearings/:id/exhibits',
    request: (x) => ({ method: 'GET', url: `/api/hearings/${x.h.id}/exhibits` }),
    //         judge clerk admin jdg2 other  P    PA   D    DA   wit  obs  anon
    expected: row([200, 200, 200, 404, 404, 200, 200, 200, 200, 200, 200, 401]),
  },
  {
    route: 'POST /api/hearings/:id/exhibits',
    request: (x) => ({ method: 'POST', url: `/api/hearings/${x.h.id}/exhibits`, multipart: true }),
    expected: row([403, 201, 403, 404, 404, 201, 201, 201, 201, 403, 403, 401]),
  },
  {
    route: 'GET /api/hearings/:id/exhibits/:eid/file',
    request: (x) => ({ method: 'GET', url: `/api/hearings/${x.h.id}/exhibits/${x.exhibits.pMarked.id}/file` }),
    expected: row([200, 200, 200, 404, 404, 200, 200, 404, 404, 404, 404, 401]),
  },
  {
    route: 'POST /api/hearings/:id/exhibits/:eid/ruling',
    request: (x) => ({
      method: 'POST',
      url: `/api/hearings/${x.h.id}/exhibits/${x.exhibits.court.id}/ruling`,
      payload: { ruling: 'admitted' },
    }),
    // The judge alone rules; a participant is told so before anything about the exhibit.
    expected: row([200, 403, 403, 404, 404, 403, 403, 403, 403, 403, 403, 401]),
  },
  {
    route: 'POST /api/hearings/:id/exhibits/:eid/present',
    request: (x) => ({
      method: 'POST',
      url: `/api/hearings/${x.h.id}/exhibits/${x.exhibits.pMarked.id}/present`,
      payload: { page: 1 },
    }),
    // The agent submitted P-1: they and the judge may present it.
    expected: row([200, 403, 403, 404, 404, 403, 200, 404, 404, 404, 404, 401]),
  },
  {
    route: 'POST /api/hearings/:id/exhibits/presentation/end',
    request: (x) => ({ method: 'POST', url: `/api/hearings/${x.h.id}/exhibits/presentation/end`, payload: {} }),
    // Nothing on screen: ending is a no-op for anyone who may see the hearing's exhibits.
    expected: row([200, 200, 200, 404, 404, 200, 200, 200, 200, 200, 200, 401]),
  },
];

describe('who may call each exhibits route', () => {
  it('the table covers every route this feature registers', async () => {
    const mine = await registeredRoutes(app, (url) => url.includes('/exhibits'));
    expect(mine).toEqual(TABLE.map((r) => r.route).sort());
  });

  for (const r of TABLE) {
    it(r.route, async () => {
      const x = await courtroomWithExhibits();
      const actual = await statusByCaller(CALLERS, async (caller) => {
        const req = r.request(x);
        const cookie = cookieOf(caller, x.h);
        const res = req.multipart
          ? await upload(app, x.h.id, cookie, { fileName: 'a.pdf', bytes: pdf })
          : await call(app, req.method, req.url, { cookie, payload: req.payload });
        // Rulings are once only: undo for the next caller by a fresh exhibit.
        if (r.route.endsWith('/ruling') && res.statusCode === 200) {
          const again = await call(app, req.method, req.url, { cookie, payload: req.payload });
          expect(again.statusCode).toBe(409);
        }
        return res;
      });
      expect(actual).toEqual(r.expected);
    });
  }
});

describe('write routes under arbitrary input', () => {
  it('answer bad ruling, present and upload bodies with a 4xx JSON error and change nothing', async () => {
    const { h, exhibits } = await courtroomWithExhibits();
    const snapshot = async () => ({
      exhibits: await t.db.selectFrom('exhibits').selectAll().where('hearing_id', '=', h.id).orderBy('id').execute(),
      audit: (await t.db.selectFrom('audit_events').select('id').where('stream', '=', h.id).execute()).length,
      shown: await t.db.selectFrom('exhibit_presentations').selectAll().where('hearing_id', '=', h.id).execute(),
    });
    const before = await snapshot();
    const bad = fc.oneof(
      fc.anything(),
      fc.record({ ruling: fc.anything(), page: fc.anything() }, { requiredKeys: [] }),
      fc.record({ ruling: fc.string(), extra: fc.anything() }),
      fc.record({ page: fc.oneof(fc.integer({ max: 0 }), fc.double(), fc.string(), fc.constant(null)) }),
    );
    const check = (res: { statusCode: number; json: () => { error: { code: unknown; message: unknown } } }) => {
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(typeof res.json().error.code).toBe('string');
      expect(typeof res.json().error.message).toBe('string');
    };
    await fc.assert(
      fc.asyncProperty(bad, fc.constantFrom('ruling', 'present'), async (body, what) => {
        const res = await app.inject({
          method: 'POST',
          url: `/api/hearings/${h.id}/exhibits/${exhibits.pMarked.id}/${what}`,
          headers: { origin: ORIGIN, 'content-type': 'application/json', cookie: c.cookies.judge },
          payload: JSON.stringify(body) ?? 'undefined',
        });
        check(res);
      }),
      { numRuns: 150 },
    );
    // Multipart bodies: junk bytes, junk fields, a junk file of any name.
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 2000 }),
        fc.dictionary(fc.constantFrom('title', 'side', 'x'), fc.string({ maxLength: 300 })),
        fc.string({ maxLength: 40 }),
        fc.boolean(),
        async (bytes, fields, name, raw) => {
          const m = raw
            ? { body: Buffer.from(bytes), contentType: 'multipart/form-data; boundary=xyz' }
            : multipart([
                ...Object.entries(fields).map(([n, value]) => ({ name: n, value })),
                { name: 'file', file: { fileName: name.replace(/["\r\n]/g, ''), bytes } },
              ]);
          const res = await app.inject({
            method: 'POST',
            url: `/api/hearings/${h.id}/exhibits`,
            headers: { origin: ORIGIN, 'content-type': m.contentType, cookie: h.agent.cookie },
            payload: m.body,
          });
          check(res);
        },
      ),
      { numRuns: 150 },
    );
    expect(await snapshot()).toEqual(before);
  });
});
