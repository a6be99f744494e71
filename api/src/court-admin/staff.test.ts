import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { createStaff, signIn } from '../../test/app.ts';
import { CapturingMailer } from '../platform/mail/mailer.ts';
import { adminTestApp, call, courtEvents, createCourtWithStaff, tokenOf, type CourtFixture } from '../../test/admin.ts';

let t: TestDatabase;
let app: FastifyInstance;
let quiet: FastifyInstance;
let court: CourtFixture;
let adminCookie: string;
const mailer = new CapturingMailer();
let clock = new Date('2026-12-01T09:00:00Z');
const now = () => clock;

beforeAll(async () => {
  t = await createTestDatabase();
  app = await adminTestApp(t.db, { mailer, now });
  // No SMTP: the admin copies the link.
  quiet = await adminTestApp(t.db, { now });
  court = await createCourtWithStaff(t.db, 'Staff Court');
});
afterAll(async () => {
  await app.close();
  await quiet.close();
  await t.drop();
});
beforeEach(async () => {
  clock = new Date('2026-12-01T09:00:00Z');
  await t.db.deleteFrom('login_failures').execute();
  // A test that moves the clock ends the admin's session; each test starts signed in.
  adminCookie = await signIn(app, court.admin.email, court.admin.password);
});

const invite = (email: string, role = 'clerk', via = app) =>
  call(via, 'POST', '/api/admin/staff', adminCookie, { email, name: 'Clerk Wang', role });
const setPassword = (token: string, password: string) =>
  call(app, 'POST', '/api/account/set-password', undefined, { token, password });
const inspect = (token: string) => call(app, 'POST', '/api/account/set-password/inspect', undefined, { token });
const login = (email: string, password: string) => call(app, 'POST', '/api/auth/login', undefined, { email, password });

describe('inviting staff and set-password links', () => {
  it('emails a one-time link; the clerk sets a password through it and signs in', async () => {
    const res = await invite('wang@staff.test');
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.staff).toMatchObject({ email: 'wang@staff.test', role: 'clerk', status: 'awaiting_password' });
    expect(body.link.emailed).toBe(true);
    expect(body.link.url).toMatch(/^http:\/\/gavel\.test\/login#set-password=[A-Za-z0-9_-]{43}$/);
    const mail = mailer.sent.at(-1)!;
    expect(mail.to).toBe('wang@staff.test');
    expect(mail.text).toContain(body.link.url);
    // Only a hash of the token is stored.
    const stored = await t.db.selectFrom('password_links').select('token_hash').execute();
    expect(stored.map((s) => s.token_hash)).not.toContain(tokenOf(body.link.url));

    // No password works before the link is used.
    expect((await login('wang@staff.test', '')).statusCode).toBe(400);
    expect((await login('wang@staff.test', 'anything at all here')).statusCode).toBe(401);

    const token = tokenOf(body.link.url);
    expect((await inspect(token)).json()).toMatchObject({ email: 'wang@staff.test', purpose: 'invite' });
    expect((await setPassword(token, 'quiet river under stone')).statusCode).toBe(204);
    expect((await login('wang@staff.test', 'quiet river under stone')).statusCode).toBe(200);

    const events = await courtEvents(t.db, court.court.id);
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['staff.invited', 'account.password_set']));
    expect(JSON.stringify(events)).not.toContain(token);
  });

  it('without SMTP the link is only shown to the admin, to copy', async () => {
    const res = await invite('copy@staff.test', 'judge', quiet);
    expect(res.statusCode).toBe(201);
    expect(res.json().link.emailed).toBe(false);
    expect(mailer.sent.some((m) => m.to === 'copy@staff.test')).toBe(false);
  });

  it('refuses a reused, an expired and a wrong link', async () => {
    const first = tokenOf((await invite('links@staff.test')).json().link.url);
    expect((await setPassword(first, 'first chosen password')).statusCode).toBe(204);
    const reused = await setPassword(first, 'second chosen password');
    expect(reused.statusCode).toBe(410);
    expect(reused.json().error.code).toBe('link_used');
    expect((await login('links@staff.test', 'first chosen password')).statusCode).toBe(200);

    const late = tokenOf((await invite('late@staff.test')).json().link.url);
    const other = tokenOf((await invite('typo@staff.test')).json().link.url);
    clock = new Date(clock.getTime() + 7 * 24 * 60 * 60 * 1000 + 1000);
    const expired = await setPassword(late, 'too late for this one');
    expect(expired.statusCode).toBe(410);
    expect(expired.json().error.code).toBe('link_expired');
    expect((await inspect(late)).statusCode).toBe(410);

    const wrong = await setPassword('A'.repeat(43), 'some fine password');
    expect(wrong.statusCode).toBe(404);
    expect(wrong.json().error.code).toBe('link_invalid');
    // A valid token with one character changed is just as wrong.
    const typo = other.slice(0, -1) + (other.endsWith('A') ? 'B' : 'A');
    expect((await setPassword(typo, 'some fine password')).statusCode).toBe(404);
  });

  it('a newer link replaces the older one', async () => {
    const res = await invite('twice@staff.test');
    const older = tokenOf(res.json().link.url);
    const renewed = await call(app, 'POST', `/api/admin/staff/${res.json().staff.id}/password-reset`, adminCookie);
    expect(renewed.statusCode).toBe(200);
    expect((await setPassword(older, 'older link password')).json().error.code).toBe('link_used');
    expect((await setPassword(tokenOf(renewed.json().link.url), 'newer link password')).statusCode).toBe(204);
  });

  it('refuses weak passwords through the link and an email already in use', async () => {
    const token = tokenOf((await invite('weak@staff.test')).json().link.url);
    for (const password of ['short', 'password1234', 'qwertyuiop123']) {
      const res = await setPassword(token, password);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('weak_password');
    }
    expect((await inspect(token)).statusCode).toBe(200);
    const dup = await invite('WEAK@staff.test');
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('email_taken');
  });
});

describe('disabling, roles and resets', () => {
  it('disabling a user ends their live session: the next request gets 401', async () => {
    const judge = await createStaff(t.db, 'judge', { courtId: court.court.id });
    const cookie = await signIn(app, judge.email, judge.password);
    expect((await call(app, 'GET', '/api/auth/me', cookie)).statusCode).toBe(200);
    const res = await call(app, 'POST', `/api/admin/staff/${judge.id}/disable`, adminCookie);
    expect(res.statusCode).toBe(200);
    expect(res.json().staff.status).toBe('disabled');
    expect(await t.db.selectFrom('sessions').where('user_id', '=', judge.id).select('id').execute()).toEqual([]);
    expect((await call(app, 'GET', '/api/auth/me', cookie)).statusCode).toBe(401);
    expect((await login(judge.email, judge.password)).statusCode).toBe(401);

    const enabled = await call(app, 'POST', `/api/admin/staff/${judge.id}/enable`, adminCookie);
    expect(enabled.json().staff.status).toBe('active');
    expect((await login(judge.email, judge.password)).statusCode).toBe(200);
    const actions = (await courtEvents(t.db, court.court.id)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['staff.disabled', 'staff.enabled']));
  });

  it('the last admin cannot be demoted or disabled', async () => {
    const solo = await createCourtWithStaff(t.db, 'Solo Court');
    const soloCookie = await signIn(app, solo.admin.email, solo.admin.password);
    const demote = await call(app, 'POST', `/api/admin/staff/${solo.admin.id}/role`, soloCookie, { role: 'judge' });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().error.code).toBe('last_admin');

    // A second admin makes the first one free to go, but then the second is the last.
    const second = await createStaff(t.db, 'admin', { courtId: solo.court.id });
    const disable = await call(app, 'POST', `/api/admin/staff/${second.id}/disable`, soloCookie);
    expect(disable.statusCode).toBe(200);
    const secondCookie = await signIn(app, second.email, second.password).catch(() => '');
    expect(secondCookie).toBe('');
    await call(app, 'POST', `/api/admin/staff/${second.id}/enable`, soloCookie);
    const ok = await call(app, 'POST', `/api/admin/staff/${solo.admin.id}/role`, soloCookie, { role: 'judge' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().staff.role).toBe('judge');
    // The demoted admin's session is no longer an admin's.
    expect((await call(app, 'GET', '/api/admin/staff', soloCookie)).statusCode).toBe(403);

    const cookie2 = await signIn(app, second.email, second.password);
    const last = await call(app, 'POST', `/api/admin/staff/${second.id}/role`, cookie2, { role: 'clerk' });
    expect(last.json().error.code).toBe('last_admin');
    const self = await call(app, 'POST', `/api/admin/staff/${second.id}/disable`, cookie2);
    expect(self.statusCode).toBe(409);
    const roles = await t.db.selectFrom('users').select('role').where('id', '=', second.id).executeTakeFirstOrThrow();
    expect(roles.role).toBe('admin');
    const events = await courtEvents(t.db, solo.court.id);
    expect(events.find((e) => e.action === 'staff.role_changed')?.payload).toMatchObject({
      from: 'admin',
      to: 'judge',
    });
  });

  it('forcing a password reset stops the old password, ends sessions and issues a reset link', async () => {
    const clerk = await createStaff(t.db, 'clerk', { courtId: court.court.id });
    const cookie = await signIn(app, clerk.email, clerk.password);
    const res = await call(app, 'POST', `/api/admin/staff/${clerk.id}/password-reset`, adminCookie);
    expect(res.statusCode).toBe(200);
    expect(res.json().staff.status).toBe('awaiting_password');
    expect((await call(app, 'GET', '/api/auth/me', cookie)).statusCode).toBe(401);
    expect((await login(clerk.email, clerk.password)).statusCode).toBe(401);
    // With mail the link goes to the clerk only.
    expect(res.json().link).toMatchObject({ url: null, emailed: true });
    const mail = mailer.sent.at(-1)!;
    expect(mail.to).toBe(clerk.email);
    const token = tokenOf(/http:\/\/gavel\.test\/login#set-password=[A-Za-z0-9_-]{43}/.exec(mail.text)![0]);
    expect((await inspect(token)).json().purpose).toBe('reset');
    expect((await setPassword(token, 'brand new court password')).statusCode).toBe(204);
    expect((await login(clerk.email, 'brand new court password')).statusCode).toBe(200);
  });

  it('lists staff with filters', async () => {
    const list = async (q: string) =>
      (await call(app, 'GET', `/api/admin/staff${q}`, adminCookie)).json().staff as {
        email: string;
        role: string;
        status: string;
      }[];
    expect((await list('?role=judge')).every((s) => s.role === 'judge')).toBe(true);
    expect((await list('?status=awaiting_password')).every((s) => s.status === 'awaiting_password')).toBe(true);
    expect((await list('?q=COPY@staff')).map((s) => s.email)).toEqual(['copy@staff.test']);
    expect(await list('?q=%25')).toEqual([]);
    expect((await call(app, 'GET', '/api/admin/staff?role=bailiff', adminCookie)).statusCode).toBe(400);
  });
});
