import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { totpCode } from '../../src/accounts/two-factor.ts';
import { CapturingMailer } from '../../src/platform/mail/mailer.ts';
import { createTestDatabase, type TestDatabase } from '../db.ts';
import { ORIGIN, createStaff, passwords, sessionCookie, testConfig } from '../app.ts';
import { enrolTotp } from '../admin.ts';
import { call, createCourtFixture, hearingBody, participantCookie, tokenOf, type CourtFixture } from '../scheduling.ts';
import { connectSocket, wsUrl, type SocketClient } from '../live.ts';

// Sessions under attack, beyond api/src/accounts/auth.test.ts (default timeouts, one sign-out, one disabled
// account) and the account and staff tests (one session ended, password change): fixation at every
// step of sign-in, ending every session by each route that should, court-set timeouts, and the
// expiry of participant sessions when their hearing moves.

let t: TestDatabase;
let app: FastifyInstance;
let f: CourtFixture;
let admin: Awaited<ReturnType<typeof createStaff>>;
let adminCookie: string;
const START = new Date('2026-12-01T09:00:00Z');
let clock = START;
const advance = (minutes: number) => (clock = new Date(clock.getTime() + minutes * 60_000));

// Each sign-in from its own address: the in-memory limit of 30 sign-ins a minute is per address.
let ips = 0;
const nextIp = () => `10.60.${(++ips >> 8) & 255}.${ips & 255}`;

function login(email: string, password: string, cookie?: string) {
  return app.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: nextIp(),
    headers: { origin: ORIGIN, ...(cookie ? { cookie } : {}) },
    payload: { email, password },
  });
}
async function signIn(u: { email: string; password: string }) {
  const res = await login(u.email, u.password);
  expect(res.statusCode, res.body).toBe(200);
  return sessionCookie(res);
}
const me = (cookie: string) => app.inject({ url: '/api/auth/me', headers: { cookie } });
const valueOf = (cookie: string) => cookie.slice(cookie.indexOf('=') + 1);
const status = async (res: Promise<LightMyRequestResponse>) => (await res).statusCode;

beforeAll(async () => {
  t = await createTestDatabase();
  app = await buildApp({
    config: testConfig(),
    db: t.db,
    passwords,
    logger: false,
    mailer: new CapturingMailer(),
    now: () => clock,
    // Sockets re-check their session at every heartbeat.
    realtime: { heartbeatMs: 2000 },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  f = await createCourtFixture(t.db, 'Sessions');
  admin = await createStaff(t.db, 'admin', { courtId: f.court.id });
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});
beforeEach(async () => {
  clock = START;
  await t.db
    .updateTable('courts')
    .set({ session_idle_minutes: 30, session_absolute_minutes: 720, invite_grace_minutes: 120 })
    .where('id', '=', f.court.id)
    .execute();
  await t.db.deleteFrom('login_failures').execute();
  adminCookie = await signIn(admin);
});

const newJudge = () => createStaff(t.db, 'judge', { courtId: f.court.id });
const sessionRows = async (userId: string) =>
  t.db.selectFrom('sessions').select('id').where('user_id', '=', userId).execute();

describe('session fixation', () => {
  it('a cookie planted before sign-in is not adopted: sign-in sets a fresh id, and the planted one is no one', async () => {
    const judge = await newJudge();
    const planted = randomBytes(32).toString('base64url');
    const res = await login(judge.email, judge.password, `gavel_session=${planted}`);
    expect(res.statusCode).toBe(200);
    const fresh = sessionCookie(res);
    expect(valueOf(fresh)).not.toBe(planted);
    expect(valueOf(fresh)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await status(me(`gavel_session=${planted}`))).toBe(401);
    expect((await me(fresh)).json().user.id).toBe(judge.id);
    const hashes = await t.db.selectFrom('sessions').select('token_hash').execute();
    expect(hashes.map((h) => h.token_hash)).not.toContain(app.auth.tokenHash(planted));
  });

  it('an attacker’s own session planted in the victim’s browser is never upgraded to the victim’s account', async () => {
    const attacker = await createStaff(t.db, 'clerk', { courtId: f.court.id });
    const victim = await newJudge();
    const planted = await signIn(attacker);
    const res = await login(victim.email, victim.password, planted);
    expect(res.statusCode).toBe(200);
    const victimCookie = sessionCookie(res);
    expect(valueOf(victimCookie)).not.toBe(valueOf(planted));
    expect((await me(victimCookie)).json().user.id).toBe(victim.id);
    // What the attacker kept a copy of is still only the attacker: it never leads to the victim's account.
    expect((await me(planted)).json().user.id).toBe(attacker.id);
    expect(await sessionRows(victim.id)).toHaveLength(1);
  });

  it('signing in again in the same browser ends the session it replaces', async () => {
    const judge = await newJudge();
    const first = await signIn(judge);
    const res = await login(judge.email, judge.password, first);
    const second = sessionCookie(res);
    expect(valueOf(second)).not.toBe(valueOf(first));
    expect(await status(me(first))).toBe(401);
    expect(await status(me(second))).toBe(200);
    expect(await sessionRows(judge.id)).toHaveLength(1);
  });

  it('with two-factor sign-in the id changes again when the code is accepted; the password-only id is dead', async () => {
    const judge = await newJudge();
    const { secret } = await enrolTotp(app, await signIn(judge), clock);
    advance(1); // a fresh TOTP step
    const pending = await signIn(judge);
    expect((await me(pending)).json().error.code).toBe('second_factor_required');
    const done = await call(app, 'POST', '/api/auth/login/second-factor', {
      cookie: pending,
      payload: { code: totpCode(secret, clock) },
    });
    expect(done.statusCode, done.body).toBe(200);
    // Someone who planted (or read) the half-signed-in cookie gains nothing once the owner types the code.
    const full = sessionCookie(done);
    expect(valueOf(full)).not.toBe(valueOf(pending));
    expect(await status(me(pending))).toBe(401);
    expect((await me(full)).json().user.id).toBe(judge.id);
    expect(await sessionRows(judge.id)).toHaveLength(2); // the enrolment session and this one
  });
});

describe('logging out everywhere', () => {
  /** A judge signed in on three devices. */
  async function threeDevices() {
    const judge = await newJudge();
    return { judge, devices: [await signIn(judge), await signIn(judge), await signIn(judge)] };
  }
  const alive = async (cookies: string[]) => Promise.all(cookies.map(async (c) => (await me(c)).statusCode));

  it('signing out ends this session on the server only; a replayed cookie gets 401', async () => {
    const { devices } = await threeDevices();
    const out = await call(app, 'POST', '/api/auth/logout', { cookie: devices[0] });
    expect(out.statusCode).toBe(204);
    expect(await alive(devices)).toEqual([401, 200, 200]);
  });

  it('ending the other devices’ sessions from the account page leaves only this one', async () => {
    const { judge, devices } = await threeDevices();
    const list = (await call(app, 'GET', '/api/account/sessions', { cookie: devices[0] })).json().sessions as Array<{
      id: string;
      current: boolean;
    }>;
    expect(list).toHaveLength(3);
    for (const s of list.filter((x) => !x.current)) {
      expect((await call(app, 'POST', `/api/account/sessions/${s.id}/end`, { cookie: devices[0] })).statusCode).toBe(
        204,
      );
    }
    expect(await alive(devices)).toEqual([200, 401, 401]);
    expect(await sessionRows(judge.id)).toHaveLength(1);
  });

  it('changing the password ends every other session; this one stays', async () => {
    const { judge, devices } = await threeDevices();
    const res = await call(app, 'POST', '/api/account/password', {
      cookie: devices[1],
      payload: { currentPassword: judge.password, newPassword: 'a much longer new passphrase 2026' },
    });
    expect(res.statusCode, res.body).toBe(204);
    expect(await alive(devices)).toEqual([401, 200, 401]);
  });

  it('an admin’s forced password reset ends every session of the account, and the old password stops working', async () => {
    const { judge, devices } = await threeDevices();
    const res = await call(app, 'POST', `/api/admin/staff/${judge.id}/password-reset`, { cookie: adminCookie });
    expect(res.statusCode, res.body).toBe(200);
    expect(await alive(devices)).toEqual([401, 401, 401]);
    expect(await sessionRows(judge.id)).toEqual([]);
    expect(await status(login(judge.email, judge.password))).toBe(401);
  });

  it('disabling ends every session at once, and enabling again brings none of them back', async () => {
    const { judge, devices } = await threeDevices();
    expect((await call(app, 'POST', `/api/admin/staff/${judge.id}/disable`, { cookie: adminCookie })).statusCode).toBe(
      200,
    );
    expect(await alive(devices)).toEqual([401, 401, 401]);
    expect((await call(app, 'POST', `/api/admin/staff/${judge.id}/enable`, { cookie: adminCookie })).statusCode).toBe(
      200,
    );
    expect(await alive(devices)).toEqual([401, 401, 401]);
    expect(await sessionRows(judge.id)).toEqual([]);
  });
});

describe('idle and absolute timeouts', () => {
  const setCourt = (changes: Record<string, unknown>) =>
    call(app, 'POST', '/api/admin/court', { cookie: adminCookie, payload: changes });

  it('the court’s idle timeout: activity keeps a session alive, a longer silence ends it and deletes it', async () => {
    expect((await setCourt({ sessionIdleMinutes: 10 })).statusCode).toBe(200);
    const judge = await newJudge();
    const cookie = await signIn(judge);
    for (let i = 0; i < 4; i++) {
      advance(9);
      expect(await status(me(cookie))).toBe(200);
    }
    advance(10);
    expect(await status(me(cookie))).toBe(401);
    expect(await sessionRows(judge.id)).toEqual([]);
  });

  it('the court’s absolute timeout: even a busy session ends then', async () => {
    expect((await setCourt({ sessionAbsoluteMinutes: 60 })).statusCode).toBe(200);
    const judge = await newJudge();
    const cookie = await signIn(judge);
    const seen: number[] = [];
    for (let m = 5; m <= 65; m += 5) {
      advance(5);
      seen.push(await status(me(cookie)));
    }
    // 5 … 55 minutes answer; at 60 it is over.
    expect(seen).toEqual([...Array(11).fill(200), 401, 401]);
  });

  it('a shorter setting applies at once to sessions begun under a longer one', async () => {
    const judge = await newJudge();
    const idle = await signIn(judge);
    const busy = await signIn(judge);
    advance(20);
    expect(await status(me(idle))).toBe(200);
    expect(await status(me(busy))).toBe(200);
    expect((await setCourt({ sessionIdleMinutes: 5, sessionAbsoluteMinutes: 30 })).statusCode).toBe(200);
    advance(4); // 24 minutes after sign-in
    expect(await status(me(busy))).toBe(200);
    advance(2); // idle has been silent for 6 minutes, busy for 2
    expect(await status(me(idle))).toBe(401);
    expect(await status(me(busy))).toBe(200);
    advance(3); // 29 minutes
    expect(await status(me(busy))).toBe(200);
    advance(1); // 30 minutes since sign-in: the new absolute limit
    expect(await status(me(busy))).toBe(401);
  });

  it('a sign-in waiting for its second factor lapses after 10 minutes, even with the right code', async () => {
    const judge = await newJudge();
    const { secret } = await enrolTotp(app, await signIn(judge), clock);
    advance(1);
    const pending = await signIn(judge);
    advance(11);
    const late = await call(app, 'POST', '/api/auth/login/second-factor', {
      cookie: pending,
      payload: { code: totpCode(secret, clock) },
    });
    expect(late.statusCode).toBe(401);
  });
});

describe('participant sessions expire too', () => {
  let clerk: string;
  let day = 0;
  /** A hearing two days ahead of the clock, one hour long, with a plaintiff who joined. */
  async function joinedHearing() {
    clerk = await signIn(f.clerk);
    day++;
    const start = new Date(Date.UTC(2027, 0, day, 2));
    const end = new Date(start.getTime() + 3_600_000);
    const h = await call(app, 'POST', '/api/hearings', {
      cookie: clerk,
      payload: hearingBody(f, start.toISOString(), end.toISOString()),
    });
    expect(h.statusCode, h.body).toBe(201);
    const id = h.json().hearing.id as string;
    const p = await call(app, 'POST', `/api/hearings/${id}/participants`, {
      cookie: clerk,
      payload: { role: 'plaintiff', displayName: 'Zhang San' },
    });
    const token = tokenOf(p.json().inviteUrl as string);
    const joined = await app.inject({
      method: 'POST',
      url: '/api/join',
      remoteAddress: nextIp(),
      headers: { origin: ORIGIN },
      payload: { token },
    });
    const cookie = participantCookie(joined);
    const mine = () => status(call(app, 'GET', `/api/hearings/${id}/me`, { cookie }));
    expect(await mine()).toBe(200);
    return { id, start, end, token, cookie, mine };
  }

  it('at the link’s expiry, the scheduled end plus the court’s grace period', async () => {
    const h = await joinedHearing();
    clock = new Date(h.end.getTime() + 119 * 60_000);
    expect(await h.mine()).toBe(200);
    clock = new Date(h.end.getTime() + 120 * 60_000);
    expect(await h.mine()).toBe(401);
  });

  it('a hearing moved earlier shortens the sessions already open, as it does the link', async () => {
    const h = await joinedHearing();
    const start = new Date(h.start.getTime() - 6 * 3_600_000);
    const end = new Date(start.getTime() + 3_600_000);
    const moved = await call(app, 'PATCH', `/api/hearings/${h.id}`, {
      cookie: clerk,
      payload: { scheduledStart: start.toISOString(), scheduledEnd: end.toISOString() },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    // Past the new end plus grace, hours before the old one.
    clock = new Date(end.getTime() + 121 * 60_000);
    const link = await app.inject({ url: `/api/join/${h.token}`, remoteAddress: nextIp() });
    expect(link.statusCode).toBe(410);
    expect(await h.mine()).toBe(401);
  });

  it('a shorter grace period shortens them too', async () => {
    const h = await joinedHearing();
    expect(
      (await call(app, 'POST', '/api/admin/court', { cookie: adminCookie, payload: { inviteGraceMinutes: 10 } }))
        .statusCode,
    ).toBe(200);
    clock = new Date(h.end.getTime() + 11 * 60_000);
    expect(await h.mine()).toBe(401);
  });

  it('cancellation ends them; adjournment keeps a party’s for the record until the invitation expires', async () => {
    const cancelled = await joinedHearing();
    expect((await call(app, 'POST', `/api/hearings/${cancelled.id}/cancel`, { cookie: clerk })).statusCode).toBe(200);
    expect(await cancelled.mine()).toBe(401);
    const adjourned = await joinedHearing();
    const judge = await signIn(f.judge);
    for (const action of ['open', 'start', 'adjourn']) {
      const res = await call(app, 'POST', `/api/hearings/${adjourned.id}/state`, {
        cookie: judge,
        payload: { action },
      });
      expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
    }
    // Reading, signing and objecting to the sealed record come after the hearing: the session stays.
    expect(await adjourned.mine()).toBe(200);
    expect(await adjourned.mine()).toBe(200);
    clock = new Date(adjourned.end.getTime() + 24 * 3_600_000);
    expect(await adjourned.mine()).toBe(401);
  });
});

describe('open websockets when their session ends', () => {
  const sockets: SocketClient[] = [];
  afterAll(() => sockets.forEach((s) => s.close()));

  /** A socket watching the hearing, and the close code it got (undefined while open). */
  async function watch(cookie: string, hearingId: string) {
    const client = await connectSocket(wsUrl(app), cookie);
    sockets.push(client);
    const state: { code?: number } = {};
    client.ws.on('close', (code) => (state.code = code));
    client.ws.send(JSON.stringify({ type: 'subscribe', hearingId }));
    await client.next((m) => m.type === 'snapshot', 10_000);
    return state;
  }

  async function scheduled(cookie: string) {
    const start = new Date(Date.UTC(2028, 0, 1 + Math.floor(Math.random() * 300), 2));
    const res = await call(app, 'POST', '/api/hearings', {
      cookie,
      payload: hearingBody(f, start.toISOString(), new Date(start.getTime() + 3_600_000).toISOString()),
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().hearing.id as string;
  }

  it('a staff socket closes (4401) when its session is ended from another device, and when the account is disabled', async () => {
    const clerk = await createStaff(t.db, 'clerk', { courtId: f.court.id });
    const laptop = await signIn(clerk);
    const phone = await signIn(clerk);
    const hearingId = await scheduled(laptop);
    const onLaptop = await watch(laptop, hearingId);
    const onPhone = await watch(phone, hearingId);
    const list = (await call(app, 'GET', '/api/account/sessions', { cookie: laptop })).json().sessions as Array<{
      id: string;
      current: boolean;
    }>;
    const phoneSession = list.find((x) => !x.current)!;
    expect(
      (await call(app, 'POST', `/api/account/sessions/${phoneSession.id}/end`, { cookie: laptop })).statusCode,
    ).toBe(204);
    await expect.poll(() => onPhone.code, { timeout: 15_000 }).toBe(4401);
    // Two more heartbeats: the laptop's socket, whose session stands, stays open.
    await new Promise((resolve) => setTimeout(resolve, 4500));
    expect(onLaptop.code).toBeUndefined();
    expect((await call(app, 'POST', `/api/admin/staff/${clerk.id}/disable`, { cookie: adminCookie })).statusCode).toBe(
      200,
    );
    await expect.poll(() => onLaptop.code, { timeout: 15_000 }).toBe(4401);
  });

  it('a socket closes (4401) when a removal of the account’s second factor takes effect', async () => {
    const clerk = await createStaff(t.db, 'clerk', { courtId: f.court.id });
    const { secret } = await enrolTotp(app, await signIn(clerk), clock);
    advance(1);
    const step = await login(clerk.email, clerk.password);
    const done = await call(app, 'POST', '/api/auth/login/second-factor', {
      cookie: sessionCookie(step),
      payload: { code: totpCode(secret, clock) },
    });
    expect(done.statusCode, done.body).toBe(200);
    const cookie = sessionCookie(done);
    const socket = await watch(cookie, await scheduled(cookie));
    const second = await createStaff(t.db, 'admin', { courtId: f.court.id });
    const asked = await call(app, 'POST', `/api/admin/staff/${clerk.id}/two-factor-reset`, { cookie: adminCookie });
    expect(asked.json().reset.mode).toBe('approval');
    // Asked, not yet approved: the socket stays open.
    await new Promise((resolve) => setTimeout(resolve, 4500));
    expect(socket.code).toBeUndefined();
    const approved = await call(app, 'POST', `/api/admin/two-factor-resets/${asked.json().reset.id}/approve`, {
      cookie: await signIn(second),
    });
    expect(approved.statusCode, approved.body).toBe(200);
    await expect.poll(() => socket.code, { timeout: 15_000 }).toBe(4401);
  });

  it('a participant’s socket closes when their link is revoked', async () => {
    const clerk = await signIn(f.clerk);
    const hearingId = await scheduled(clerk);
    const p = await call(app, 'POST', `/api/hearings/${hearingId}/participants`, {
      cookie: clerk,
      payload: { role: 'witness', displayName: 'Wang Wu' },
    });
    const joined = await app.inject({
      method: 'POST',
      url: '/api/join',
      remoteAddress: nextIp(),
      headers: { origin: ORIGIN },
      payload: { token: tokenOf(p.json().inviteUrl as string) },
    });
    const socket = await watch(participantCookie(joined), hearingId);
    const revoke = await call(app, 'DELETE', `/api/hearings/${hearingId}/participants/${p.json().participant.id}`, {
      cookie: clerk,
    });
    expect(revoke.statusCode).toBe(204);
    await expect.poll(() => socket.code, { timeout: 15_000 }).toBe(4401);
  });
});
