import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { createStaff, sessionCookie, signIn } from '../../test/app.ts';
import {
  adminTestApp,
  call,
  createCourtWithStaff,
  enrolTotp,
  passwordStep,
  type CourtFixture,
} from '../../test/admin.ts';
import { SecretBox, matchTotp, newRecoveryCodes, normalizeRecoveryCode, totpCode } from './two-factor.ts';

let t: TestDatabase;
let app: FastifyInstance;
let court: CourtFixture;
let clock = new Date('2026-12-01T09:00:10Z');
const now = () => clock;
const later = (ms: number) => (clock = new Date(clock.getTime() + ms));

beforeAll(async () => {
  t = await createTestDatabase();
  app = await adminTestApp(t.db, { now });
  court = await createCourtWithStaff(t.db, 'TOTP Court');
});
afterAll(async () => {
  await app.close();
  await t.drop();
});
beforeEach(async () => {
  clock = new Date('2026-12-01T09:00:10Z');
  await t.db.deleteFrom('login_failures').execute();
});

const secondFactor = (cookie: string, code: string) =>
  call(app, 'POST', '/api/auth/login/second-factor', cookie, { code });

/** A judge with TOTP on; returns what the test needs to sign them in. */
async function enrolledJudge() {
  const judge = await createStaff(t.db, 'judge', { courtId: court.court.id });
  const cookie = await signIn(app, judge.email, judge.password);
  const { secret, recoveryCodes } = await enrolTotp(app, cookie, clock);
  // Codes are single-use: move past the step the enrolment used.
  later(60_000);
  return { judge, secret, recoveryCodes };
}

describe('TOTP primitives', () => {
  it('accepts the step either side of now, not two away, and seals secrets per user', () => {
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    const at = new Date('2026-12-01T09:00:10Z');
    const step = Math.floor(at.getTime() / 30_000);
    expect(matchTotp(secret, totpCode(secret, at), at)).toBe(step);
    expect(matchTotp(secret, totpCode(secret, new Date(at.getTime() - 30_000)), at)).toBe(step - 1);
    expect(matchTotp(secret, totpCode(secret, new Date(at.getTime() + 30_000)), at)).toBe(step + 1);
    expect(matchTotp(secret, totpCode(secret, new Date(at.getTime() - 60_000)), at)).toBeNull();
    expect(matchTotp(secret, 'abcdef', at)).toBeNull();

    const box = new SecretBox('a session secret of at least thirty-two chars');
    const sealed = box.seal(secret, 'user-1');
    expect(sealed).not.toContain(secret);
    expect(box.open(sealed, 'user-1')).toBe(secret);
    expect(box.open(sealed, 'user-2')).toBeUndefined();
    expect(new SecretBox('another session secret, thirty-two chars').open(sealed, 'user-1')).toBeUndefined();

    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    expect(normalizeRecoveryCode(` ${codes[0]!.toUpperCase().replace('-', '')} `)).toBe(codes[0]);
  });
});

describe('two-factor sign-in', () => {
  it('enrols with a QR code and a confirming code; ten recovery codes are stored hashed', async () => {
    const clerk = await createStaff(t.db, 'clerk', { courtId: court.court.id });
    const cookie = await signIn(app, clerk.email, clerk.password);
    const setup = (await call(app, 'POST', '/api/account/two-factor/setup', cookie)).json();
    expect(setup.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(setup.otpauthUri).toMatch(/^otpauth:\/\/totp\/Gavel:.*secret=/);
    expect(setup.qrCode).toMatch(/^data:image\/svg\+xml;base64,/);
    const stored = await t.db
      .selectFrom('two_factor')
      .selectAll()
      .where('user_id', '=', clerk.id)
      .executeTakeFirstOrThrow();
    expect(stored.secret_encrypted).not.toContain(setup.secret);
    expect(stored.enabled_at).toBeNull();

    const wrong = await call(app, 'POST', '/api/account/two-factor/confirm', cookie, { code: '000000' });
    expect(wrong.statusCode).toBe(400);
    const ok = await call(app, 'POST', '/api/account/two-factor/confirm', cookie, {
      code: totpCode(setup.secret, clock),
    });
    expect(ok.statusCode).toBe(200);
    const codes: string[] = ok.json().recoveryCodes;
    expect(codes).toHaveLength(10);
    const hashes = await t.db
      .selectFrom('recovery_codes')
      .select('code_hash')
      .where('user_id', '=', clerk.id)
      .execute();
    expect(hashes).toHaveLength(10);
    for (const c of codes) expect(JSON.stringify(hashes)).not.toContain(c);
    expect((await call(app, 'GET', '/api/account', cookie)).json().twoFactor).toEqual({
      enabled: true,
      required: false,
      recoveryCodesLeft: 10,
    });
    expect((await call(app, 'POST', '/api/account/two-factor/setup', cookie)).statusCode).toBe(409);
  });

  it('asks for the code after the password; a right code finishes signing in', async () => {
    const { judge, secret } = await enrolledJudge();
    const { cookie, body } = await passwordStep(app, judge.email, judge.password);
    expect(body).toEqual({ step: 'second_factor' });
    // Owing the code, the session can do nothing else.
    const me = await call(app, 'GET', '/api/auth/me', cookie);
    expect(me.statusCode).toBe(401);
    expect(me.json().error.code).toBe('second_factor_required');
    expect((await call(app, 'GET', '/api/account', cookie)).statusCode).toBe(401);
    expect((await call(app, 'POST', '/api/account/two-factor/setup', cookie)).statusCode).toBe(401);

    const res = await secondFactor(cookie, totpCode(secret, clock));
    expect(res.statusCode).toBe(200);
    expect(res.json().user.id).toBe(judge.id);
    // Signed in under a new session id; the password-only one is dead (session fixation).
    expect((await call(app, 'GET', '/api/auth/me', sessionCookie(res))).statusCode).toBe(200);
    expect((await call(app, 'GET', '/api/auth/me', cookie)).statusCode).toBe(401);
    const events = await t.db
      .selectFrom('audit_events')
      .select(['stream', 'action', 'payload'])
      .where('actor_id', '=', judge.id)
      .orderBy('id')
      .execute();
    expect(events.filter((e) => e.action === 'auth.login').at(-1)).toMatchObject({
      stream: 'system',
      payload: { secondFactor: 'totp' },
    });
  });

  it('refuses a wrong code, accepts one from the last window, refuses one from two windows ago and a reused one', async () => {
    const { judge, secret } = await enrolledJudge();
    const { cookie } = await passwordStep(app, judge.email, judge.password);
    const wrong = await secondFactor(cookie, totpCode(secret, new Date(clock.getTime() + 10 * 60_000)));
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('invalid_code');
    const twoAgo = await secondFactor(cookie, totpCode(secret, new Date(clock.getTime() - 60_000)));
    expect(twoAgo.statusCode).toBe(401);
    const lastWindow = totpCode(secret, new Date(clock.getTime() - 30_000));
    expect((await secondFactor(cookie, lastWindow)).statusCode).toBe(200);

    // The same code again, in another sign-in within its window: refused (no replay).
    const again = await passwordStep(app, judge.email, judge.password);
    expect((await secondFactor(again.cookie, lastWindow)).statusCode).toBe(401);
  });

  it('a recovery code works once', async () => {
    const { judge, recoveryCodes } = await enrolledJudge();
    const first = await passwordStep(app, judge.email, judge.password);
    const code = recoveryCodes[3]!;
    const ok = await secondFactor(first.cookie, code.toUpperCase());
    expect(ok.statusCode).toBe(200);
    const second = await passwordStep(app, judge.email, judge.password);
    expect((await secondFactor(second.cookie, code)).statusCode).toBe(401);
    const done = await secondFactor(second.cookie, recoveryCodes[4]!);
    expect(done.statusCode).toBe(200);
    expect((await call(app, 'GET', '/api/account', sessionCookie(done))).json().twoFactor.recoveryCodesLeft).toBe(8);
  });

  it('rate-limits wrong codes per account with 429 and Retry-After, apart from passwords', async () => {
    const { judge, secret } = await enrolledJudge();
    const { cookie } = await passwordStep(app, judge.email, judge.password);
    for (let i = 0; i < 5; i++) expect((await secondFactor(cookie, '000000')).statusCode).toBe(401);
    const limited = await secondFactor(cookie, totpCode(secret, clock));
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // A new pending sign-in of the same account is limited too.
    const other = await passwordStep(app, judge.email, judge.password);
    expect((await secondFactor(other.cookie, totpCode(secret, clock))).statusCode).toBe(429);
    // After the window, within the pending sign-in's own lifetime, the right code works.
    later(9 * 60_000);
    const fresh = await passwordStep(app, judge.email, judge.password);
    later(7 * 60_000);
    expect((await secondFactor(fresh.cookie, totpCode(secret, clock))).statusCode).toBe(200);
  });

  it('a pending sign-in expires after ten minutes', async () => {
    const { judge, secret } = await enrolledJudge();
    const { cookie } = await passwordStep(app, judge.email, judge.password);
    later(11 * 60_000);
    expect((await secondFactor(cookie, totpCode(secret, clock))).statusCode).toBe(401);
  });

  it('a court that requires it sends judges and admins to enrolment first, and nowhere else', async () => {
    const strict = await createCourtWithStaff(t.db, 'Strict Court');
    await t.db.updateTable('courts').set({ require_two_factor: true }).where('id', '=', strict.court.id).execute();
    const { cookie, body } = await passwordStep(app, strict.judge.email, strict.judge.password);
    expect(body).toEqual({ step: 'enrol' });
    for (const url of ['/api/auth/me', '/api/account', '/api/account/sessions']) {
      const res = await call(app, 'GET', url, cookie);
      expect(res.statusCode, url).toBe(401);
      expect(res.json().error.code).toBe('two_factor_enrolment_required');
    }
    expect(
      (await call(app, 'POST', '/api/account/password', cookie, { currentPassword: 'x', newPassword: 'y' })).statusCode,
    ).toBe(401);
    await enrolTotp(app, cookie, clock);
    expect((await call(app, 'GET', '/api/auth/me', cookie)).statusCode).toBe(200);
    // Required: it cannot be turned off.
    const off = await call(app, 'POST', '/api/account/two-factor/disable', cookie, { password: strict.judge.password });
    expect(off.json().error.code).toBe('two_factor_required');

    // Clerks are not held up.
    const clerk = await passwordStep(app, strict.clerk.email, strict.clerk.password);
    expect(clerk.body.user).toBeDefined();
    // Logging out works at any step.
    const admin = await passwordStep(app, strict.admin.email, strict.admin.password);
    expect(admin.body).toEqual({ step: 'enrol' });
    expect((await call(app, 'POST', '/api/auth/logout', admin.cookie)).statusCode).toBe(204);
  });

  it('the court’s one admin can reset a lost second factor: after the delay the account signs in with its password', async () => {
    const { judge } = await enrolledJudge();
    const adminCookie = await signIn(app, court.admin.email, court.admin.password);
    const res = await call(app, 'POST', `/api/admin/staff/${judge.id}/two-factor-reset`, adminCookie);
    expect(res.statusCode).toBe(200);
    expect(res.json().reset).toMatchObject({ mode: 'delay', status: 'pending' });
    expect(res.json().staff.twoFactorEnabled).toBe(true);
    expect((await passwordStep(app, judge.email, judge.password)).body.step).toBe('second_factor');
    later(72 * 60 * 60 * 1000);
    expect((await passwordStep(app, judge.email, judge.password)).body.user).toBeDefined();
  });

  it('turning it off needs the password', async () => {
    const { judge, secret } = await enrolledJudge();
    const pending = await passwordStep(app, judge.email, judge.password);
    const cookie = sessionCookie(await secondFactor(pending.cookie, totpCode(secret, clock)));
    const wrong = await call(app, 'POST', '/api/account/two-factor/disable', cookie, { password: 'not my password' });
    expect(wrong.json().error.code).toBe('wrong_password');
    const ok = await call(app, 'POST', '/api/account/two-factor/disable', cookie, { password: judge.password });
    expect(ok.statusCode).toBe(204);
    expect((await passwordStep(app, judge.email, judge.password)).body.user).toBeDefined();
  });
});
