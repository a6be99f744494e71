import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { ORIGIN, createStaff, signIn } from '../../test/app.ts';
import { adminTestApp, createCourtWithStaff, enrolTotp, passwordStep, type CourtFixture } from '../../test/admin.ts';
import { CourtroomBody, UpdateCourtBody } from './court.schema.ts';
import { EmptyBody, InviteBody, RoleBody } from './staff.schema.ts';
import { ChangePasswordBody, CodeBody, PasswordBody, SetPasswordBody, TokenBody } from '../accounts/account.schema.ts';
import { SecondFactorBody } from '../accounts/auth.schema.ts';

let t: TestDatabase;
let app: FastifyInstance;
let court: CourtFixture;
let adminCookie: string;
let pendingCookie: string;
let ip = 0;

beforeAll(async () => {
  t = await createTestDatabase();
  app = await adminTestApp(t.db);
  court = await createCourtWithStaff(t.db, 'Property Court');
  adminCookie = await signIn(app, court.admin.email, court.admin.password);
  // A judge with TOTP whose sign-in waits for its code: the second-factor route's caller.
  const judge = await createStaff(t.db, 'judge', { courtId: court.court.id });
  await enrolTotp(app, await signIn(app, judge.email, judge.password), new Date());
  pendingCookie = (await passwordStep(app, judge.email, judge.password)).cookie;
});
afterAll(async () => {
  await app.close();
  await t.drop();
});

/** Everything a bad request could have touched. */
const snapshot = async () => ({
  courts: await t.db.selectFrom('courts').selectAll().orderBy('id').execute(),
  courtrooms: await t.db.selectFrom('courtrooms').selectAll().orderBy('id').execute(),
  users: await t.db.selectFrom('users').selectAll().orderBy('id').execute(),
  sessions: (await t.db.selectFrom('sessions').select('id').orderBy('id').execute()).length,
  links: await t.db.selectFrom('password_links').selectAll().orderBy('id').execute(),
  twoFactor: await t.db.selectFrom('two_factor').selectAll().orderBy('user_id').execute(),
  recovery: await t.db.selectFrom('recovery_codes').selectAll().orderBy('id').execute(),
  audit: (await t.db.selectFrom('audit_events').select('id').execute()).length,
  resets: await t.db.selectFrom('two_factor_resets').selectAll().orderBy('id').execute(),
  notices: await t.db.selectFrom('account_notices').selectAll().orderBy('id').execute(),
});

// Wrong types, wrong fields, extra fields, junk: anything the route's schema does not accept.
const values = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.constantFrom('admin', 'judge', 'clerk', 'Asia/Shanghai', 'en', 'zh-CN', '000000', ''),
);
const keys = fc.constantFrom(
  'name',
  'email',
  'role',
  'timezone',
  'locale',
  'rulesText',
  'sessionIdleMinutes',
  'inviteGraceMinutes',
  'requireTwoFactor',
  'code',
  'password',
  'token',
  'currentPassword',
  'newPassword',
  'extra',
  '__proto__',
);
const badBody = (schema: TSchema) =>
  fc
    .oneof(
      fc.anything(),
      fc.dictionary(keys, values, { maxKeys: 4 }),
      fc.dictionary(keys, fc.anything(), { maxKeys: 3 }),
    )
    // Judged as sent: JSON drops undefined members, so {"": undefined} arrives as {}.
    .filter((body) => {
      const sent = JSON.stringify(body);
      return sent === undefined || !Value.Check(schema, JSON.parse(sent));
    });

const uuid = '00000000-0000-4000-8000-000000000000';
const WRITES: Array<{ url: () => string; schema: TSchema; cookie: () => string | undefined }> = [
  { url: () => '/api/admin/court', schema: UpdateCourtBody, cookie: () => adminCookie },
  { url: () => '/api/admin/courtrooms', schema: CourtroomBody, cookie: () => adminCookie },
  { url: () => `/api/admin/courtrooms/${court.courtroom.id}/rename`, schema: CourtroomBody, cookie: () => adminCookie },
  { url: () => `/api/admin/courtrooms/${court.courtroom.id}/retire`, schema: EmptyBody, cookie: () => adminCookie },
  { url: () => `/api/admin/courtrooms/${court.courtroom.id}/reinstate`, schema: EmptyBody, cookie: () => adminCookie },
  { url: () => '/api/admin/staff', schema: InviteBody, cookie: () => adminCookie },
  { url: () => `/api/admin/staff/${court.clerk.id}/role`, schema: RoleBody, cookie: () => adminCookie },
  { url: () => `/api/admin/staff/${court.clerk.id}/disable`, schema: EmptyBody, cookie: () => adminCookie },
  { url: () => `/api/admin/staff/${court.clerk.id}/enable`, schema: EmptyBody, cookie: () => adminCookie },
  { url: () => `/api/admin/staff/${court.clerk.id}/password-reset`, schema: EmptyBody, cookie: () => adminCookie },
  { url: () => `/api/admin/staff/${court.clerk.id}/two-factor-reset`, schema: EmptyBody, cookie: () => adminCookie },
  { url: () => `/api/admin/two-factor-resets/${uuid}/approve`, schema: EmptyBody, cookie: () => adminCookie },
  { url: () => `/api/admin/two-factor-resets/${uuid}/cancel`, schema: EmptyBody, cookie: () => adminCookie },
  { url: () => `/api/account/notices/${uuid}/dismiss`, schema: EmptyBody, cookie: () => adminCookie },
  { url: () => `/api/account/two-factor-resets/${uuid}/cancel`, schema: EmptyBody, cookie: () => adminCookie },
  { url: () => '/api/account/password', schema: ChangePasswordBody, cookie: () => adminCookie },
  { url: () => `/api/account/sessions/${uuid}/end`, schema: EmptyBody, cookie: () => adminCookie },
  { url: () => '/api/account/two-factor/setup', schema: EmptyBody, cookie: () => adminCookie },
  { url: () => '/api/account/two-factor/confirm', schema: CodeBody, cookie: () => adminCookie },
  { url: () => '/api/account/two-factor/recovery-codes', schema: PasswordBody, cookie: () => adminCookie },
  { url: () => '/api/account/two-factor/disable', schema: PasswordBody, cookie: () => adminCookie },
  { url: () => '/api/account/set-password/inspect', schema: TokenBody, cookie: () => undefined },
  { url: () => '/api/account/set-password', schema: SetPasswordBody, cookie: () => undefined },
  { url: () => '/api/auth/login/second-factor', schema: SecondFactorBody, cookie: () => pendingCookie },
];

describe('every write route under arbitrary bodies', () => {
  it('covers every write route of the feature', async () => {
    await app.ready();
    const mine = app.routeAccess
      .filter((r) => r.method === 'POST')
      .filter((r) => /^\/api\/(admin|account)/.test(r.url) || r.url === '/api/auth/login/second-factor');
    expect(mine).toHaveLength(WRITES.length);
  });

  for (const route of WRITES) {
    it(`POST ${route.url.toString().replace(/^\(\) => /, '')} answers 4xx JSON and changes nothing`, async () => {
      const before = await snapshot();
      await fc.assert(
        fc.asyncProperty(badBody(route.schema), async (body) => {
          const cookie = route.cookie();
          const res = await app.inject({
            method: 'POST',
            url: route.url(),
            // A fresh address each time, so per-address rate limits do not hide the validation.
            remoteAddress: `198.51.100.${(ip++ % 250) + 1}`,
            headers: { origin: ORIGIN, 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
            payload: JSON.stringify(body) ?? 'undefined',
          });
          expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
          expect(res.statusCode, res.body).toBeLessThan(500);
          expect(typeof res.json().error.code).toBe('string');
        }),
        { numRuns: 40 },
      );
      expect(await snapshot()).toEqual(before);
    });
  }
});
