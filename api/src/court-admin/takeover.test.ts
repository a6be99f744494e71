// An administrator must not be able to take over another staff account: a password-reset link reaches
// only its owner when mail is configured, a second factor is removed only with a second admin's
// approval or after a delay its owner can cancel, and the owner is told at their next sign-in.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { createStaff, sessionCookie, signIn } from '../../test/app.ts';
import { CapturingMailer } from '../platform/mail/mailer.ts';
import { totpCode } from '../accounts/two-factor.ts';
import {
  adminTestApp,
  call,
  courtEvents,
  createCourtWithStaff,
  enrolTotp,
  passwordStep,
  tokenOf,
  type CourtFixture,
} from '../../test/admin.ts';

let t: TestDatabase;
let mailApp: FastifyInstance;
let quiet: FastifyInstance;
const mailer = new CapturingMailer();
let clock = new Date('2026-12-01T09:00:10Z');
const now = () => clock;
const later = (ms: number) => (clock = new Date(clock.getTime() + ms));
const HOUR = 60 * 60 * 1000;

beforeAll(async () => {
  t = await createTestDatabase();
  mailApp = await adminTestApp(t.db, { mailer, now });
  // No SMTP: links are shown to the admin once.
  quiet = await adminTestApp(t.db, { now });
});
afterAll(async () => {
  await mailApp.close();
  await quiet.close();
  await t.drop();
});
beforeEach(async () => {
  clock = new Date('2026-12-01T09:00:10Z');
  await t.db.deleteFrom('login_failures').execute();
});

/** A court with one admin (or two) and a judge enrolled in TOTP. */
async function courtWithJudge(name: string, admins: 1 | 2, app = quiet) {
  const court = await createCourtWithStaff(t.db, name);
  const second = admins === 2 ? await createStaff(t.db, 'admin', { courtId: court.court.id }) : undefined;
  const judgeCookie = await signIn(app, court.judge.email, court.judge.password);
  const { secret, recoveryCodes } = await enrolTotp(app, judgeCookie, clock);
  later(60_000);
  const adminCookie = await signIn(app, court.admin.email, court.admin.password);
  return { court, second, secret, recoveryCodes, adminCookie };
}

/** The judge's full sign-in (password and a fresh TOTP code); returns the session cookie. */
async function judgeSignIn(app: FastifyInstance, court: CourtFixture, secret: string) {
  later(31_000);
  const step = await passwordStep(app, court.judge.email, court.judge.password);
  expect(step.body.step).toBe('second_factor');
  const done = await call(app, 'POST', '/api/auth/login/second-factor', step.cookie, { code: totpCode(secret, clock) });
  expect(done.statusCode).toBe(200);
  return sessionCookie(done);
}

const twoFactorOn = async (userId: string) =>
  Boolean(
    (await t.db.selectFrom('two_factor').select('enabled_at').where('user_id', '=', userId).executeTakeFirst())
      ?.enabled_at,
  );

describe('an admin cannot take over a judge', () => {
  it('resetting the judge’s second factor and a password link does not let the admin sign in as the judge', async () => {
    const { court, adminCookie } = await courtWithJudge('Takeover Court', 1);
    const judgeId = court.judge.id;

    // The password link is shown (no mail), but setting a password through it needs the judge's code.
    const reset = await call(quiet, 'POST', `/api/admin/staff/${judgeId}/password-reset`, adminCookie);
    expect(reset.statusCode).toBe(200);
    const token = tokenOf(reset.json().link.url);
    const info = await call(quiet, 'POST', '/api/account/set-password/inspect', undefined, { token });
    expect(info.json().codeRequired).toBe(true);
    const noCode = await call(quiet, 'POST', '/api/account/set-password', undefined, {
      token,
      password: 'the admin chose this one',
    });
    expect(noCode.statusCode).toBe(400);
    expect(noCode.json().error.code).toBe('code_required');
    const badCode = await call(quiet, 'POST', '/api/account/set-password', undefined, {
      token,
      password: 'the admin chose this one',
      code: '000000',
    });
    expect(badCode.statusCode).toBe(400);
    expect(badCode.json().error.code).toBe('invalid_code');

    // The one admin cannot start a delayed removal while the judge cannot sign in to cancel it.
    const tf = await call(quiet, 'POST', `/api/admin/staff/${judgeId}/two-factor-reset`, adminCookie);
    expect(tf.statusCode).toBe(409);
    expect(tf.json().error.code).toBe('awaiting_password');
    later(80 * HOUR);
    expect(await twoFactorOn(judgeId)).toBe(true);
    for (const password of ['the admin chose this one', court.judge.password]) {
      const res = await call(quiet, 'POST', '/api/auth/login', undefined, { email: court.judge.email, password });
      expect(res.statusCode).toBe(401);
    }
  });

  it('with a pending removal, the password cannot be reset underneath it, and the requester cannot approve it', async () => {
    const { court, adminCookie } = await courtWithJudge('Two Admin Court', 2);
    const tf = await call(quiet, 'POST', `/api/admin/staff/${court.judge.id}/two-factor-reset`, adminCookie);
    expect(tf.statusCode).toBe(200);
    expect(tf.json().reset).toMatchObject({ status: 'pending', mode: 'approval', takesEffectAt: null });
    expect(tf.json().staff.twoFactorEnabled).toBe(true);
    const pw = await call(quiet, 'POST', `/api/admin/staff/${court.judge.id}/password-reset`, adminCookie);
    expect(pw.statusCode).toBe(409);
    expect(pw.json().error.code).toBe('two_factor_reset_pending');
    const self = await call(quiet, 'POST', `/api/admin/two-factor-resets/${tf.json().reset.id}/approve`, adminCookie);
    expect(self.statusCode).toBe(409);
    expect(self.json().error.code).toBe('own_request');
    const again = await call(quiet, 'POST', `/api/admin/staff/${court.judge.id}/two-factor-reset`, adminCookie);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('two_factor_reset_pending');
    expect(await twoFactorOn(court.judge.id)).toBe(true);
  });
});

describe('second-admin approval', () => {
  it('another admin of the court approves; the judge’s sessions end and the judge is told who and when', async () => {
    const { court, second, secret, adminCookie } = await courtWithJudge('Approval Court', 2);
    const judgeCookie = await judgeSignIn(quiet, court, secret);
    const tf = (await call(quiet, 'POST', `/api/admin/staff/${court.judge.id}/two-factor-reset`, adminCookie)).json();
    const list = await call(quiet, 'GET', '/api/admin/two-factor-resets', adminCookie);
    expect(list.json().resets).toEqual([
      expect.objectContaining({
        id: tf.reset.id,
        user: expect.objectContaining({ id: court.judge.id, email: court.judge.email }),
        requestedBy: expect.objectContaining({ id: court.admin.id }),
        mode: 'approval',
      }),
    ]);
    // An admin of another court does not even find it.
    const other = await createCourtWithStaff(t.db, 'Elsewhere Court');
    const otherCookie = await signIn(quiet, other.admin.email, other.admin.password);
    const foreign = await call(quiet, 'POST', `/api/admin/two-factor-resets/${tf.reset.id}/approve`, otherCookie);
    expect(foreign.statusCode).toBe(404);

    const secondCookie = await signIn(quiet, second!.email, second!.password);
    const ok = await call(quiet, 'POST', `/api/admin/two-factor-resets/${tf.reset.id}/approve`, secondCookie);
    expect(ok.statusCode).toBe(200);
    expect(ok.json().reset).toMatchObject({ status: 'done', approvedBy: { id: second!.id } });
    expect(await twoFactorOn(court.judge.id)).toBe(false);
    expect((await call(quiet, 'GET', '/api/auth/me', judgeCookie)).statusCode).toBe(401);
    const twice = await call(quiet, 'POST', `/api/admin/two-factor-resets/${tf.reset.id}/approve`, secondCookie);
    expect(twice.json().error.code).toBe('reset_not_pending');

    const judge = await passwordStep(quiet, court.judge.email, court.judge.password);
    expect(judge.body.user).toBeDefined();
    const notices = (await call(quiet, 'GET', '/api/account/notices', judge.cookie)).json();
    expect(notices.notices).toEqual([
      expect.objectContaining({ kind: 'two_factor_removed', by: court.admin.name, approvedBy: second!.name }),
    ]);
    const actions = (await courtEvents(t.db, court.court.id)).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'staff.two_factor_reset_requested',
        'staff.two_factor_reset_approved',
        'staff.two_factor_reset_took_effect',
      ]),
    );
  });
});

describe('a single admin waits, and the owner can cancel', () => {
  it('the owner is mailed and told at sign-in, cancels, and nothing happens when the delay is over', async () => {
    const { court, secret, adminCookie } = await courtWithJudge('Delay Court', 1, mailApp);
    const tf = await call(mailApp, 'POST', `/api/admin/staff/${court.judge.id}/two-factor-reset`, adminCookie);
    expect(tf.statusCode).toBe(200);
    expect(tf.json().reset).toMatchObject({
      mode: 'delay',
      takesEffectAt: new Date(clock.getTime() + 72 * HOUR).toISOString(),
    });
    const mail = mailer.sent.at(-1)!;
    expect(mail.to).toBe(court.judge.email);
    expect(mail.text).toContain(court.admin.name);
    expect(mail.text).toContain('取消');
    // The requester cannot approve a delayed request either.
    const self = await call(mailApp, 'POST', `/api/admin/two-factor-resets/${tf.json().reset.id}/approve`, adminCookie);
    expect(self.json().error.code).toBe('own_request');

    const judgeCookie = await judgeSignIn(mailApp, court, secret);
    const notices = (await call(mailApp, 'GET', '/api/account/notices', judgeCookie)).json();
    expect(notices.pendingResets).toEqual([
      expect.objectContaining({ id: tf.json().reset.id, requestedBy: court.admin.name, mode: 'delay' }),
    ]);
    const cancel = await call(
      mailApp,
      'POST',
      `/api/account/two-factor-resets/${tf.json().reset.id}/cancel`,
      judgeCookie,
    );
    expect(cancel.statusCode).toBe(204);
    later(73 * HOUR);
    const admin2 = await signIn(mailApp, court.admin.email, court.admin.password);
    expect((await call(mailApp, 'GET', '/api/admin/two-factor-resets', admin2)).json().resets).toEqual([]);
    expect(await twoFactorOn(court.judge.id)).toBe(true);
    expect((await passwordStep(mailApp, court.judge.email, court.judge.password)).body.step).toBe('second_factor');
    const events = await courtEvents(t.db, court.court.id);
    expect(events.find((e) => e.action === 'staff.two_factor_reset_cancelled')).toMatchObject({
      actor_id: court.judge.id,
    });
  });

  it('uncancelled, the removal takes effect once the delay is over, and not before', async () => {
    const { court, adminCookie } = await courtWithJudge('Patient Court', 1);
    const tf = await call(quiet, 'POST', `/api/admin/staff/${court.judge.id}/two-factor-reset`, adminCookie);
    expect(tf.json().reset.mode).toBe('delay');
    later(71 * HOUR);
    expect((await passwordStep(quiet, court.judge.email, court.judge.password)).body.step).toBe('second_factor');
    later(2 * HOUR);
    const judge = await passwordStep(quiet, court.judge.email, court.judge.password);
    expect(judge.body.user).toBeDefined();
    const notices = (await call(quiet, 'GET', '/api/account/notices', judge.cookie)).json();
    expect(notices.notices[0]).toMatchObject({ kind: 'two_factor_removed', by: court.admin.name, approvedBy: null });
    const events = await courtEvents(t.db, court.court.id);
    const effect = events.find((e) => e.action === 'staff.two_factor_reset_took_effect');
    expect(effect?.payload).toMatchObject({ userId: court.judge.id, resetId: tf.json().reset.id, via: 'delay' });
  });
});

describe('password resets', () => {
  it('with mail the link goes only to the account’s own address, never to the admin', async () => {
    const court = await createCourtWithStaff(t.db, 'Mail Court');
    const adminCookie = await signIn(mailApp, court.admin.email, court.admin.password);
    const res = await call(mailApp, 'POST', `/api/admin/staff/${court.clerk.id}/password-reset`, adminCookie);
    expect(res.statusCode).toBe(200);
    expect(res.json().link.emailed).toBe(true);
    expect(res.json().link.url).toBeNull();
    const mail = mailer.sent.at(-1)!;
    expect(mail.to).toBe(court.clerk.email);
    const url = /http:\/\/gavel\.test\/login#set-password=[A-Za-z0-9_-]{43}/.exec(mail.text)![0];
    expect(res.body).not.toContain(tokenOf(url));
    const set = await call(mailApp, 'POST', '/api/account/set-password', undefined, {
      token: tokenOf(url),
      password: 'only the clerk knows this',
    });
    expect(set.statusCode).toBe(204);
  });

  it('without mail the admin sees the link once, and the owner is told at their next sign-in', async () => {
    const court = await createCourtWithStaff(t.db, 'Notice Court');
    const adminCookie = await signIn(quiet, court.admin.email, court.admin.password);
    const res = await call(quiet, 'POST', `/api/admin/staff/${court.clerk.id}/password-reset`, adminCookie);
    expect(res.json().link).toMatchObject({ emailed: false, url: expect.stringContaining('#set-password=') });
    const at = clock.toISOString();
    later(60_000);
    const set = await call(quiet, 'POST', '/api/account/set-password', undefined, {
      token: tokenOf(res.json().link.url),
      password: 'a fresh court password',
    });
    expect(set.statusCode).toBe(204);
    const cookie = await signIn(quiet, court.clerk.email, 'a fresh court password');
    const notices = (await call(quiet, 'GET', '/api/account/notices', cookie)).json();
    expect(notices.notices).toEqual([
      expect.objectContaining({ kind: 'password_reset', by: court.admin.name, at, linkShownToAdmin: true }),
    ]);
    const id = notices.notices[0].id;
    expect((await call(quiet, 'POST', `/api/account/notices/${id}/dismiss`, cookie)).statusCode).toBe(204);
    expect((await call(quiet, 'GET', '/api/account/notices', cookie)).json().notices).toEqual([]);
    // Someone else's notice cannot be dismissed.
    const judgeCookie = await signIn(quiet, court.judge.email, court.judge.password);
    expect((await call(quiet, 'POST', `/api/account/notices/${id}/dismiss`, judgeCookie)).statusCode).toBe(404);
  });

  it('the owner with their second factor sets the password through the link', async () => {
    const { court, secret, adminCookie } = await courtWithJudge('Own Code Court', 1);
    const res = await call(quiet, 'POST', `/api/admin/staff/${court.judge.id}/password-reset`, adminCookie);
    later(31_000);
    const set = await call(quiet, 'POST', '/api/account/set-password', undefined, {
      token: tokenOf(res.json().link.url),
      password: 'judge picked this one',
      code: totpCode(secret, clock),
    });
    expect(set.statusCode).toBe(204);
    expect((await passwordStep(quiet, court.judge.email, 'judge picked this one')).body.step).toBe('second_factor');
  });
});
