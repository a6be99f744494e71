import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import type { TestDatabase } from '../../test/db.ts';
import { expectBadBodiesRefused } from '../../test/property.ts';
import { ORIGIN } from '../../test/app.ts';
import { call } from '../../test/scheduling.ts';
import {
  closeLive,
  expectOk,
  invite,
  openLive,
  scheduleHearing,
  setState,
  type Invited,
  type LiveCourt,
} from '../../test/live.ts';
import { UNPRINTABLE } from '../platform/pdf/text.ts';

let t: TestDatabase;
let app: FastifyInstance;
let c: LiveCourt;
let live: string;
let entryId: string;
let adjourned: string;
let sealId: string;
let party: Invited;

beforeAll(async () => {
  ({ t, app, c } = await openLive('TrProps'));
  live = await scheduleHearing(app, c);
  await setState(app, c, live, 'open');
  const e = await expectOk(
    call(app, 'POST', `/api/hearings/${live}/transcript/entries`, {
      cookie: c.cookies.clerk,
      payload: { speaker: 'Court', text: 'On the record.' },
    }),
    201,
  );
  entryId = e.json().entry.id;
  adjourned = await scheduleHearing(app, c);
  party = await invite(app, c, adjourned, 'plaintiff');
  await setState(app, c, adjourned, 'open');
  await setState(app, c, adjourned, 'adjourn');
  const seal = await expectOk(
    call(app, 'POST', `/api/hearings/${adjourned}/transcript/seal`, { cookie: c.cookies.clerk }),
    201,
  );
  sealId = seal.json().seal.id;
});
afterAll(closeLive);

async function snapshot() {
  const out: Record<string, unknown> = {};
  for (const name of [
    'transcript_entries',
    'transcript_corrections',
    'transcript_seals',
    'transcript_signatures',
    'audit_events',
    'realtime_events',
  ] as const) {
    out[name] = (await t.db.selectFrom(name).select('id').execute()).length;
  }
  out.texts = (await t.db.selectFrom('transcript_entries').select('text').orderBy('id').execute()).map((r) => r.text);
  return JSON.stringify(out);
}

const anyJson = fc.jsonValue().map((v) => v as unknown);
const notObject = anyJson.filter((x) => typeof x !== 'object' || x === null || Array.isArray(x));
const withNul = fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 })).map(([a, b]) => `${a}\u0000${b}`);
const badText = fc.oneof(
  anyJson.filter((x) => typeof x !== 'string'),
  fc.constant(''),
  fc.constantFrom(' ', '\n\t '),
  fc.string({ minLength: 10001, maxLength: 10010 }),
  withNul,
);
const goodText = fc
  .string({ minLength: 1, maxLength: 40 })
  .filter((s) => /\S/.test(s) && !/[\t\n\r]/.test(s) && !UNPRINTABLE.test(s));

const ROUTES = [
  {
    name: 'POST entries',
    method: 'POST' as const,
    url: () => `/api/hearings/${live}/transcript/entries`,
    cookie: () => c.cookies.clerk,
    body: fc.oneof(
      notObject,
      fc.record({ speaker: goodText, text: badText }),
      fc.record({ speaker: badText, text: goodText }),
      fc.record({ speaker: goodText, text: goodText, spokenAt: fc.string({ maxLength: 30 }) }),
      fc.record({
        speaker: goodText,
        text: goodText,
        spokenAt: fc.constantFrom('2026-06-30T23:59:60Z', '0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z'),
      }),
      fc.record({ speaker: goodText, text: goodText, speakerParticipantId: fc.uuid() }),
      fc.record({ speaker: goodText, text: goodText, extra: anyJson }),
    ),
  },
  {
    name: 'PATCH entry',
    method: 'PATCH' as const,
    url: () => `/api/hearings/${live}/transcript/entries/${entryId}`,
    cookie: () => c.cookies.clerk,
    body: fc.oneof(
      notObject,
      fc.record({ text: badText, reason: goodText }),
      fc.record({ text: goodText, reason: badText }),
      fc.record({ text: goodText }),
      fc.record({ text: fc.constant('On the record.'), reason: goodText }),
    ),
  },
  {
    name: 'POST import',
    method: 'POST' as const,
    url: () => `/api/hearings/${live}/transcript/import`,
    cookie: () => c.cookies.clerk,
    body: fc.oneof(
      anyJson.filter((x) => !Array.isArray(x)),
      fc.constant([]),
      fc.array(
        fc.record({ speaker: goodText, start: fc.oneof(fc.double({ max: -0.001 }), fc.string()), text: goodText }),
        {
          minLength: 1,
          maxLength: 3,
        },
      ),
      fc.array(fc.record({ speaker: goodText, start: fc.nat(1000), text: badText }), { minLength: 1, maxLength: 3 }),
    ),
  },
  {
    name: 'POST seal',
    method: 'POST' as const,
    url: () => `/api/hearings/${adjourned}/transcript/seal`,
    cookie: () => c.cookies.clerk,
    body: anyJson.filter((x) => JSON.stringify(x) !== '{}'),
  },
  {
    name: 'POST signatures',
    method: 'POST' as const,
    url: () => `/api/transcripts/${sealId}/signatures`,
    cookie: () => party.cookie,
    body: fc.oneof(
      notObject,
      fc.record({ fullName: badText, confirm: fc.constant(true) }),
      fc.record({ fullName: goodText, confirm: anyJson.filter((x) => x !== true) }),
      fc.record({ fullName: goodText }),
    ),
  },
  {
    name: 'POST objections',
    method: 'POST' as const,
    url: () => `/api/transcripts/${sealId}/objections`,
    cookie: () => party.cookie,
    body: fc.oneof(notObject, fc.record({ text: badText }), fc.record({ text: goodText, extra: anyJson })),
  },
];

describe('bad bodies on every transcript write route', () => {
  for (const route of ROUTES) {
    it(`${route.name}: 4xx JSON, never 5xx, and nothing changes`, async () => {
      await expectBadBodiesRefused(app, route, snapshot, 60);
    });
  }

  it('WebVTT bodies of any text: 201 or a 4xx JSON, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.string({ maxLength: 100 }).map((s) => `WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n${s}`),
          fc.string({ maxLength: 60 }).map((s) => `WEBVTT\n\n${s} --> x\nHello`),
        ),
        async (vtt) => {
          const res = await app.inject({
            method: 'POST',
            url: `/api/hearings/${live}/transcript/import`,
            headers: { origin: ORIGIN, cookie: c.cookies.clerk, 'content-type': 'text/vtt' },
            payload: vtt,
          });
          expect(res.statusCode, `${JSON.stringify(vtt)} → ${res.body}`).toBeLessThan(500);
          if (res.statusCode !== 201) expect(res.json().error.code).toEqual(expect.any(String));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('verification of any bytes answers, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (bytes) => {
        const res = await app.inject({
          method: 'POST',
          url: '/api/verify',
          headers: { 'content-type': 'application/pdf' },
          payload: Buffer.from(bytes),
          remoteAddress: `10.9.${bytes.length & 255}.${bytes[0] ?? 0}`,
        });
        expect(res.statusCode).toBeLessThan(500);
        if (res.statusCode === 200) {
          // Random bytes match no seal, are in no log and carry no valid signature of the court.
          const body = res.json();
          expect(body).toMatchObject({ match: false, log: null });
          expect(body.courtSignature).toMatchObject({ valid: false, byThisCourt: false });
        }
      }),
      { numRuns: 40 },
    );
  });
});
