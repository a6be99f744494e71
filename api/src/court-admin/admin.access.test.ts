import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { createStaff, signIn } from '../../test/app.ts';
import { adminTestApp, call, createCourtWithStaff, type CourtFixture } from '../../test/admin.ts';

let t: TestDatabase;
let app: FastifyInstance;
let here: CourtFixture;
let there: CourtFixture;
const cookies: Record<Caller, string> = { adminHere: '', clerkHere: '', judgeHere: '', adminThere: '', anonymous: '' };

type Caller = 'adminHere' | 'clerkHere' | 'judgeHere' | 'adminThere' | 'anonymous';
const CALLERS: Caller[] = ['adminHere', 'clerkHere', 'judgeHere', 'adminThere', 'anonymous'];

beforeAll(async () => {
  t = await createTestDatabase();
  app = await adminTestApp(t.db);
  here = await createCourtWithStaff(t.db, 'Here District Court');
  there = await createCourtWithStaff(t.db, 'There District Court');
  cookies.adminHere = await signIn(app, here.admin.email, here.admin.password);
  cookies.clerkHere = await signIn(app, here.clerk.email, here.clerk.password);
  cookies.judgeHere = await signIn(app, here.judge.email, here.judge.password);
  cookies.adminThere = await signIn(app, there.admin.email, there.admin.password);
});
afterAll(async () => {
  await app.close();
  await t.drop();
});

const unique = () => randomBytes(4).toString('hex');
/** A fresh clerk of "here" for each call, so one caller's change does not decide the next one's answer. */
const freshClerk = async () => (await createStaff(t.db, 'clerk', { courtId: here.court.id })).id;
const freshCourtroom = async () =>
  (
    await t.db
      .insertInto('courtrooms')
      .values({ court_id: here.court.id, name: `Room ${unique()}` })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;

/** A pending request to remove the second factor of `userId` (a fresh clerk by default), asked by the judge. */
const freshReset = async (userId?: string) =>
  (
    await t.db
      .insertInto('two_factor_resets')
      .values({
        court_id: here.court.id,
        user_id: userId ?? (await freshClerk()),
        requested_by: here.judge.id,
        requested_at: new Date(),
        mode: 'approval',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;

interface Row {
  method: 'GET' | 'POST';
  route: string;
  /** The concrete request; ids always belong to the court "here". */
  request: (caller: Caller) => Promise<{ url: string; body?: unknown }>;
  expect: Record<Caller, number>;
}

const admin = (adminThere: number, ok = 200): Record<Caller, number> => ({
  adminHere: ok,
  clerkHere: 403,
  judgeHere: 403,
  adminThere,
  anonymous: 401,
});
const anyStaff = (ok: number): Record<Caller, number> => ({
  adminHere: ok,
  clerkHere: ok,
  judgeHere: ok,
  adminThere: ok,
  anonymous: 401,
});
const everyone = (status: number): Record<Caller, number> => ({
  adminHere: status,
  clerkHere: status,
  judgeHere: status,
  adminThere: status,
  anonymous: status,
});

const fixed = (url: string, body?: unknown) => async () => ({ url, body });

const TABLE: Row[] = [
  // Court settings and courtrooms: another court's admin reaches only their own court.
  { method: 'GET', route: '/api/admin/court', request: fixed('/api/admin/court'), expect: admin(200) },
  {
    method: 'POST',
    route: '/api/admin/court',
    request: fixed('/api/admin/court', { inviteGraceMinutes: 90 }),
    expect: admin(200),
  },
  { method: 'GET', route: '/api/admin/courtrooms', request: fixed('/api/admin/courtrooms'), expect: admin(200) },
  {
    method: 'POST',
    route: '/api/admin/courtrooms',
    request: async () => ({ url: '/api/admin/courtrooms', body: { name: `Room ${unique()}` } }),
    expect: admin(201, 201),
  },
  {
    method: 'POST',
    route: '/api/admin/courtrooms/:courtroomId/rename',
    request: async () => ({
      url: `/api/admin/courtrooms/${await freshCourtroom()}/rename`,
      body: { name: `Renamed ${unique()}` },
    }),
    expect: admin(404),
  },
  {
    method: 'POST',
    route: '/api/admin/courtrooms/:courtroomId/retire',
    request: async () => ({ url: `/api/admin/courtrooms/${await freshCourtroom()}/retire` }),
    expect: admin(404),
  },
  {
    method: 'POST',
    route: '/api/admin/courtrooms/:courtroomId/reinstate',
    request: async () => ({ url: `/api/admin/courtrooms/${await freshCourtroom()}/reinstate` }),
    expect: admin(404),
  },
  // Staff accounts.
  { method: 'GET', route: '/api/admin/staff', request: fixed('/api/admin/staff?role=clerk'), expect: admin(200) },
  {
    method: 'POST',
    route: '/api/admin/staff',
    request: async () => ({
      url: '/api/admin/staff',
      body: { email: `invitee-${unique()}@court.test`, name: 'New Clerk', role: 'clerk' },
    }),
    expect: admin(201, 201),
  },
  {
    method: 'POST',
    route: '/api/admin/staff/:userId/role',
    request: async () => ({ url: `/api/admin/staff/${await freshClerk()}/role`, body: { role: 'judge' } }),
    expect: admin(404),
  },
  {
    method: 'POST',
    route: '/api/admin/staff/:userId/disable',
    request: async () => ({ url: `/api/admin/staff/${await freshClerk()}/disable` }),
    expect: admin(404),
  },
  {
    method: 'POST',
    route: '/api/admin/staff/:userId/enable',
    request: async () => ({ url: `/api/admin/staff/${await freshClerk()}/enable` }),
    expect: admin(404),
  },
  {
    method: 'POST',
    route: '/api/admin/staff/:userId/password-reset',
    request: async () => ({ url: `/api/admin/staff/${await freshClerk()}/password-reset` }),
    expect: admin(404),
  },
  {
    method: 'POST',
    route: '/api/admin/staff/:userId/two-factor-reset',
    request: async () => ({ url: `/api/admin/staff/${await freshClerk()}/two-factor-reset` }),
    expect: admin(404),
  },
  {
    method: 'GET',
    route: '/api/admin/two-factor-resets',
    request: fixed('/api/admin/two-factor-resets'),
    expect: admin(200),
  },
  {
    method: 'POST',
    route: '/api/admin/two-factor-resets/:resetId/approve',
    request: async () => ({ url: `/api/admin/two-factor-resets/${await freshReset()}/approve` }),
    expect: admin(404),
  },
  {
    method: 'POST',
    route: '/api/admin/two-factor-resets/:resetId/cancel',
    request: async () => ({ url: `/api/admin/two-factor-resets/${await freshReset()}/cancel` }),
    expect: admin(404),
  },
  // One's own account: every staff member, whatever the court, and nobody anonymous.
  { method: 'GET', route: '/api/account/notices', request: fixed('/api/account/notices'), expect: anyStaff(200) },
  {
    method: 'POST',
    route: '/api/account/notices/:noticeId/dismiss',
    // The judge's own notice; nobody else may dismiss it.
    request: async () => {
      const { id } = await t.db
        .insertInto('account_notices')
        .values({ user_id: here.judge.id, kind: 'password_reset', payload: '{}', created_at: new Date() })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { url: `/api/account/notices/${id}/dismiss` };
    },
    expect: { adminHere: 404, clerkHere: 404, judgeHere: 204, adminThere: 404, anonymous: 401 },
  },
  {
    method: 'POST',
    route: '/api/account/two-factor-resets/:resetId/cancel',
    // Only the account's owner cancels from their account page.
    request: async (caller) => ({
      url: `/api/account/two-factor-resets/${await freshReset(caller === 'clerkHere' ? here.clerk.id : undefined)}/cancel`,
    }),
    expect: { adminHere: 404, clerkHere: 204, judgeHere: 404, adminThere: 404, anonymous: 401 },
  },
  { method: 'GET', route: '/api/account', request: fixed('/api/account'), expect: anyStaff(200) },
  {
    method: 'POST',
    route: '/api/account/password',
    request: fixed('/api/account/password', {
      currentPassword: 'not the current one',
      newPassword: 'a long unusual passphrase 42',
    }),
    expect: anyStaff(400),
  },
  { method: 'GET', route: '/api/account/sessions', request: fixed('/api/account/sessions'), expect: anyStaff(200) },
  {
    method: 'POST',
    route: '/api/account/sessions/:sessionId/end',
    // Another person's session (the judge's of "here", signed in afresh): nobody else may end it.
    request: async () => {
      await signIn(app, here.judge.email, here.judge.password);
      const newest = await t.db
        .selectFrom('sessions')
        .select('id')
        .where('user_id', '=', here.judge.id)
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .limit(1)
        .executeTakeFirstOrThrow();
      return { url: `/api/account/sessions/${newest.id}/end` };
    },
    expect: { adminHere: 404, clerkHere: 404, judgeHere: 204, adminThere: 404, anonymous: 401 },
  },
  {
    method: 'POST',
    route: '/api/account/two-factor/setup',
    request: fixed('/api/account/two-factor/setup'),
    expect: anyStaff(200),
  },
  {
    method: 'POST',
    route: '/api/account/two-factor/confirm',
    request: fixed('/api/account/two-factor/confirm', { code: '000000' }),
    expect: anyStaff(400),
  },
  {
    method: 'POST',
    route: '/api/account/two-factor/recovery-codes',
    request: fixed('/api/account/two-factor/recovery-codes', { password: 'not the current one' }),
    expect: anyStaff(400),
  },
  {
    method: 'POST',
    route: '/api/account/two-factor/disable',
    request: fixed('/api/account/two-factor/disable', { password: 'not the current one' }),
    expect: anyStaff(409),
  },
  // Public: the link decides, not the caller.
  {
    method: 'POST',
    route: '/api/account/set-password/inspect',
    request: fixed('/api/account/set-password/inspect', { token: randomBytes(32).toString('base64url') }),
    expect: everyone(404),
  },
  {
    method: 'POST',
    route: '/api/account/set-password',
    request: fixed('/api/account/set-password', {
      token: randomBytes(32).toString('base64url'),
      password: 'a long unusual passphrase 42',
    }),
    expect: everyone(404),
  },
  // Only for a session that owes its code; a signed-in one owes nothing.
  {
    method: 'POST',
    route: '/api/auth/login/second-factor',
    request: fixed('/api/auth/login/second-factor', { code: '123456' }),
    expect: anyStaff(409),
  },
];

describe('authorization table: every admin and account route × who calls it', () => {
  it('lists every route of the feature', async () => {
    await app.ready();
    const mine = app.routeAccess
      .filter(
        (r) =>
          r.url.startsWith('/api/admin') ||
          r.url.startsWith('/api/account') ||
          r.url === '/api/auth/login/second-factor',
      )
      .map((r) => `${r.method} ${r.url}`)
      .sort();
    expect(TABLE.map((r) => `${r.method} ${r.route}`).sort()).toEqual(mine);
  });

  for (const row of TABLE) {
    it(`${row.method} ${row.route}`, async () => {
      for (const caller of CALLERS) {
        const { url, body } = await row.request(caller);
        const res = await call(app, row.method, url, cookies[caller] || undefined, body);
        expect(res.statusCode, `${caller}: ${res.body}`).toBe(row.expect[caller]);
        if (res.statusCode >= 400) expect(res.json().error.code, caller).toEqual(expect.any(String));
      }
    });
  }
});

describe('isolation between two courts', () => {
  it('an admin lists only their own court’s staff, courtrooms and settings', async () => {
    const staff = (await call(app, 'GET', '/api/admin/staff', cookies.adminThere)).json().staff as { id: string }[];
    const ids = staff.map((s) => s.id);
    expect(ids).toEqual(expect.arrayContaining([there.admin.id, there.clerk.id, there.judge.id]));
    for (const u of [here.admin, here.clerk, here.judge]) expect(ids).not.toContain(u.id);
    const rooms = (await call(app, 'GET', '/api/admin/courtrooms', cookies.adminThere)).json().courtrooms as {
      id: string;
    }[];
    expect(rooms.map((r) => r.id)).toContain(there.courtroom.id);
    expect(rooms.map((r) => r.id)).not.toContain(here.courtroom.id);
    expect((await call(app, 'GET', '/api/admin/court', cookies.adminThere)).json().court.id).toBe(there.court.id);
  });

  it('changing settings, inviting and changing staff stay inside the admin’s court', async () => {
    const before = await t.db
      .selectFrom('courts')
      .selectAll()
      .where('id', '=', here.court.id)
      .executeTakeFirstOrThrow();
    await call(app, 'POST', '/api/admin/court', cookies.adminThere, { name: 'There Renamed', requireTwoFactor: false });
    const after = await t.db.selectFrom('courts').selectAll().where('id', '=', here.court.id).executeTakeFirstOrThrow();
    expect(after).toEqual(before);

    const invite = await call(app, 'POST', '/api/admin/staff', cookies.adminThere, {
      email: `cross-${unique()}@court.test`,
      name: 'Cross Court',
      role: 'judge',
    });
    const invited = await t.db
      .selectFrom('users')
      .select('court_id')
      .where('id', '=', invite.json().staff.id)
      .executeTakeFirstOrThrow();
    expect(invited.court_id).toBe(there.court.id);

    // Ids of the other court are answered exactly like ids that do not exist, and change nothing.
    const judge = await t.db.selectFrom('users').selectAll().where('id', '=', here.judge.id).executeTakeFirstOrThrow();
    for (const action of ['role', 'disable', 'password-reset', 'two-factor-reset']) {
      const res = await call(app, 'POST', `/api/admin/staff/${here.judge.id}/${action}`, cookies.adminThere, {
        ...(action === 'role' ? { role: 'clerk' } : {}),
      });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ error: { code: 'not_found', message: 'Staff member not found.' } });
    }
    expect(
      await t.db.selectFrom('users').selectAll().where('id', '=', here.judge.id).executeTakeFirstOrThrow(),
    ).toEqual(judge);
    expect((await call(app, 'GET', '/api/auth/me', cookies.judgeHere)).statusCode).toBe(200);
  });

  it('writes each court’s events on its own audit stream', async () => {
    const streams = await t.db
      .selectFrom('audit_events')
      .select(['stream', 'actor_id'])
      .where('stream', 'like', 'court:%')
      .execute();
    for (const e of streams) {
      if (e.actor_id === there.admin.id) expect(e.stream).toBe(`court:${there.court.id}`);
      if (e.actor_id === here.admin.id) expect(e.stream).toBe(`court:${here.court.id}`);
    }
    expect(streams.some((e) => e.stream === `court:${there.court.id}`)).toBe(true);
  });
});
