import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import type { TestDatabase } from '../../test/db.ts';
import {
  call,
  closeScheduling,
  hearingBody,
  openScheduling,
  tokenOf,
  type CourtFixture,
} from '../../test/scheduling.ts';

let t: TestDatabase;
let app: FastifyInstance;
let f: CourtFixture;
let clerk: string;
let hearingId: string;
let partyId: string;
let token: string;

beforeAll(async () => {
  ({ t, app, f, clerk } = await openScheduling('Props', { timezone: 'Asia/Shanghai' }));
  // Occupies the slot so a body that only moved the hearing into it would be refused too.
  const h = await call(app, 'POST', '/api/hearings', {
    cookie: clerk,
    payload: hearingBody(f, '2027-03-01T02:00:00Z', '2027-03-01T03:00:00Z'),
  });
  hearingId = h.json().hearing.id;
  const p = await call(app, 'POST', `/api/hearings/${hearingId}/participants`, {
    cookie: clerk,
    payload: { role: 'plaintiff', displayName: 'Zhang San' },
  });
  partyId = p.json().participant.id;
  token = tokenOf(p.json().inviteUrl);
});
afterAll(closeScheduling);

/** Everything a write could change, row by row. */
async function snapshot(opts: { withAttempts: boolean }) {
  const tables = ['cases', 'hearings', 'participants', 'participant_sessions', 'audit_events'] as const;
  const out: Record<string, unknown> = {};
  for (const name of tables) out[name] = await t.db.selectFrom(name).selectAll().orderBy('id').execute();
  if (opts.withAttempts)
    out.invite_attempts = await t.db.selectFrom('invite_attempts').selectAll().orderBy('id').execute();
  return JSON.stringify(out);
}

// What the server receives is the JSON: { a: undefined } arrives as {}.
const isEmptyObject = (x: unknown) => JSON.stringify(x) === '{}';

// Values that are wrong for a field of each kind.
const badText = fc.oneof(
  fc.constantFrom(null, 0, 1.5, true, [], {}, '', '   ', '\n\t'),
  fc.string({ minLength: 5001, maxLength: 5100 }),
  fc.array(fc.string(), { minLength: 1, maxLength: 3 }),
);
const badNotes = fc.oneof(fc.constantFrom(null, 0, true, [], {}), fc.string({ minLength: 5001, maxLength: 5100 }));
const badId = fc.oneof(fc.constantFrom(null, 0, '', 'not-a-uuid', '00000000-0000-0000-0000-00000000000g'), fc.uuid());
const badInstant = fc.constantFrom(
  null,
  0,
  '',
  '2027-03-01',
  '2027-03-01T10:00:00',
  '2027-13-01T00:00:00Z',
  '2027-02-30T00:00:00Z',
  'tomorrow at nine',
  '2027-03-01T10:00:00+25:00',
);
const badBool = fc.constantFrom(null, 0, 1, 'true', 'yes', [], {});

/** Bad bodies for a route: junk of any shape, or its valid body with one thing wrong. */
function badBodies(
  valid: Record<string, unknown>,
  fields: Record<string, fc.Arbitrary<unknown>>,
  required: string[],
  also: unknown[] = [],
) {
  const keys = Object.keys(fields);
  return fc.oneof(
    fc.anything().filter((x) => !isEmptyObject(x)),
    fc
      .tuple(fc.constantFrom(...keys), fc.constant(null))
      .chain(([k]) => (fields[k] as fc.Arbitrary<unknown>).map((v) => ({ ...valid, [k]: v }))),
    ...(required.length > 0
      ? [
          fc.constantFrom(...required).map((k) => {
            const copy = { ...valid };
            delete copy[k];
            return copy;
          }),
        ]
      : []),
    fc
      .tuple(fc.string({ minLength: 1, maxLength: 12 }), fc.anything())
      // (An undefined value would vanish in JSON and leave the valid body.)
      .filter(([k, v]) => !(k in fields) && k !== '__proto__' && v !== undefined)
      .map(([k, v]) => ({ ...valid, [k]: v })),
    ...(also.length > 0 ? [fc.constantFrom(...also)] : []),
  );
}

interface WriteRoute {
  name: string;
  method: 'POST' | 'PATCH';
  url: () => string;
  bodies: () => fc.Arbitrary<unknown>;
  /** POST /api/join counts failed links for rate limiting, by design. */
  countsAttempts?: boolean;
}

const hearingFields = {
  caseId: badId,
  courtroomId: badId,
  judgeId: badId,
  clerkId: badId,
  title: badText,
  scheduledStart: badInstant,
  scheduledEnd: badInstant,
  public: badBool,
  recordingRequired: badBool,
  notes: badNotes,
};

const ROUTES: WriteRoute[] = [
  {
    name: 'POST /api/cases',
    method: 'POST',
    url: () => '/api/cases',
    bodies: () =>
      badBodies(
        // Already exists: even the "valid" base is refused (409), so nothing can slip through.
        { number: 'Props-2026-001', caption: 'Zhang v. Li', caseType: 'civil' },
        { number: badText, caption: badText, caseType: badText },
        ['number', 'caption', 'caseType'],
      ),
  },
  {
    name: 'POST /api/hearings',
    method: 'POST',
    url: () => '/api/hearings',
    bodies: () =>
      badBodies(
        // The valid base would clash with the existing hearing: every variant must still be refused.
        hearingBody(f, '2027-03-01T02:00:00Z', '2027-03-01T03:00:00Z'),
        hearingFields,
        ['caseId', 'courtroomId', 'judgeId', 'title', 'scheduledStart', 'scheduledEnd'],
        [
          hearingBody(f, '2027-03-02T03:00:00Z', '2027-03-02T02:00:00Z'),
          hearingBody(f, '2027-03-02T02:00:00Z', '2027-03-02T02:00:00Z'),
          hearingBody(f, '2027-03-02T02:00:00Z', '2027-03-20T02:00:00Z'),
          hearingBody(f, '2027-03-02T02:00:00Z', '2027-03-02T03:00:00Z', { courtroomId: f.retiredRoom.id }),
          hearingBody(f, '2027-03-02T02:00:00Z', '2027-03-02T03:00:00Z', { judgeId: f.clerk.id }),
        ],
      ),
  },
  {
    name: 'PATCH /api/hearings/:id',
    method: 'PATCH',
    url: () => `/api/hearings/${hearingId}`,
    bodies: () =>
      fc.oneof(
        fc.anything(),
        fc
          .constantFrom(...Object.keys(hearingFields).filter((k) => k !== 'caseId'))
          .chain((k) =>
            (hearingFields[k as keyof typeof hearingFields] as fc.Arbitrary<unknown>).map((v) => ({ [k]: v })),
          ),
        fc.constantFrom(
          {},
          { caseId: f.caseId },
          { scheduledStart: '2027-03-01T04:00:00Z' },
          { scheduledEnd: '2027-03-01T01:00:00Z' },
          { judgeId: f.clerk.id },
          { courtroomId: f.retiredRoom.id },
        ),
      ),
  },
  {
    name: 'POST /api/hearings/:id/participants',
    method: 'POST',
    url: () => `/api/hearings/${hearingId}/participants`,
    bodies: () =>
      badBodies(
        { role: 'agent', displayName: 'Counsel', representsId: partyId },
        {
          role: fc.constantFrom(null, '', 'judge', 'clerk', 'Plaintiff', 'lawyer', 0),
          displayName: badText,
          email: fc.constantFrom(null, '', 'not-an-email', 'a@', 0),
          phone: fc.constantFrom(null, '', 'call me', '12', 0),
          representsId: badId,
          interpretsForId: badId,
          language: badText,
          accessCode: badBool,
        },
        ['role', 'displayName', 'representsId'],
        [
          { role: 'interpreter', displayName: 'I', interpretsForId: partyId },
          { role: 'interpreter', displayName: 'I', language: 'en' },
          { role: 'witness', displayName: 'W', representsId: partyId },
        ],
      ),
  },
  {
    name: 'POST /api/hearings/:id/participants/:pid/invite',
    method: 'POST',
    url: () => `/api/hearings/${hearingId}/participants/${partyId}/invite`,
    bodies: () => fc.anything().filter((x) => !isEmptyObject(x)),
  },
  {
    name: 'POST /api/hearings/:id/cancel',
    method: 'POST',
    url: () => `/api/hearings/${hearingId}/cancel`,
    bodies: () => fc.anything().filter((x) => !isEmptyObject(x)),
  },
  {
    name: 'POST /api/join',
    method: 'POST',
    url: () => '/api/join',
    countsAttempts: true,
    bodies: () =>
      badBodies(
        { token: Buffer.alloc(32, 7).toString('base64url') },
        { token: fc.oneof(badText, fc.string({ minLength: 201, maxLength: 300 })), accessCode: badBool },
        ['token'],
        [
          { token, accessCode: 1234567 },
          { token, extra: true },
        ],
      ),
  },
];

describe('write routes under arbitrary bodies', () => {
  for (const route of ROUTES) {
    it(`${route.name}: always a 4xx JSON error, never 5xx, and the database unchanged`, async () => {
      const before = await snapshot({ withAttempts: !route.countsAttempts });
      let n = 0;
      await fc.assert(
        fc.asyncProperty(route.bodies(), async (body) => {
          const res = await app.inject({
            method: route.method,
            url: route.url(),
            // A fresh address per try, so the per-address rate limit is not what answers.
            remoteAddress: `10.77.${Math.floor(++n / 250)}.${n % 250}`,
            headers: { origin: 'http://gavel.test', cookie: clerk, 'content-type': 'application/json' },
            payload: JSON.stringify(body) ?? 'undefined',
          });
          expect(res.statusCode, `${JSON.stringify(body)} → ${res.body}`).toBeGreaterThanOrEqual(400);
          expect(res.statusCode, `${JSON.stringify(body)} → ${res.body}`).toBeLessThan(500);
          const json = res.json();
          expect(typeof json.error.code).toBe('string');
          expect(typeof json.error.message).toBe('string');
        }),
        { numRuns: 120 },
      );
      expect(await snapshot({ withAttempts: !route.countsAttempts })).toBe(before);
    });
  }

  it('DELETE /api/hearings/:id/participants/:pid: bad or unknown ids are 4xx and change nothing', async () => {
    const before = await snapshot({ withAttempts: true });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.uuid(), fc.string({ maxLength: 40 }).map(encodeURIComponent), fc.constant(hearingId)),
        fc.oneof(fc.uuid(), fc.string({ maxLength: 40 }).map(encodeURIComponent)),
        async (hid, pid) => {
          const res = await call(app, 'DELETE', `/api/hearings/${hid}/participants/${pid}`, { cookie: clerk });
          expect(res.statusCode).toBeGreaterThanOrEqual(400);
          expect(res.statusCode).toBeLessThan(500);
          expect(typeof res.json().error.code).toBe('string');
        },
      ),
      { numRuns: 100 },
    );
    expect(await snapshot({ withAttempts: true })).toBe(before);
  });
});
