import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { ORIGIN, createStaff, sessionCookie, signIn, testApp, testConfig } from '../../test/app.ts';

let t: TestDatabase;
let app: FastifyInstance;
let clock = new Date('2026-11-29T09:00:00Z');
const now = () => clock;

beforeAll(async () => {
  t = await createTestDatabase();
  app = await testApp(t.db, { now });
});
afterAll(async () => {
  await app.close();
  await t.drop();
});
beforeEach(async () => {
  clock = new Date('2026-11-29T09:00:00Z');
  await t.db.deleteFrom('login_failures').execute();
});

const login = (email: string, password: string, headers: Record<string, string> = { origin: ORIGIN }) =>
  app.inject({ method: 'POST', url: '/api/auth/login', headers, payload: { email, password } });

const auditActions = async () =>
  (await t.db.selectFrom('audit_events').select(['action', 'payload']).orderBy('id').execute()).map((e) => ({
    action: e.action,
    payload: e.payload as Record<string, unknown>,
  }));

describe('staff sign-in', () => {
  it('signs in with the right password, sets a safe cookie and records it', async () => {
    const judge = await createStaff(t.db, 'judge');
    const res = await login(judge.email.toUpperCase(), judge.password);
    expect(res.statusCode).toBe(200);
    expect(res.json().user).toMatchObject({ email: judge.email, role: 'judge', name: 'Test judge' });
    expect(res.json().user.court).toMatchObject({ timezone: 'Asia/Shanghai' });
    const cookie = res.cookies.find((c) => c.name === 'gavel_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie.secure).toBeFalsy();
    // Only a keyed hash of the token is stored.
    const stored = await t.db.selectFrom('sessions').select('token_hash').where('user_id', '=', judge.id).execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.token_hash).not.toContain(cookie.value);
    expect(stored[0]!.token_hash).toBe(app.auth.tokenHash(cookie.value));

    const me = await app.inject({ url: '/api/auth/me', headers: { cookie: sessionCookie(res) } });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.id).toBe(judge.id);
    expect((await auditActions()).some((e) => e.action === 'auth.login' && e.payload.ip === '127.0.0.1')).toBe(true);
  });

  it('refuses a wrong password and an unknown email with the same answer, and audits both', async () => {
    const clerk = await createStaff(t.db, 'clerk');
    const wrong = await login(clerk.email, 'not the password');
    const unknown = await login('nobody@court.test', 'whatever password');
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({
        error: { code: 'invalid_credentials', message: 'Email or password is incorrect.' },
      });
      expect(res.cookies).toHaveLength(0);
    }
    const failures = (await auditActions()).filter((e) => e.action === 'auth.login_failed');
    expect(failures.map((f) => f.payload.reason)).toEqual(expect.arrayContaining(['wrong_password', 'unknown_email']));
  });

  it('refuses a disabled account even with the right password', async () => {
    const judge = await createStaff(t.db, 'judge', { disabled: true });
    const res = await login(judge.email, judge.password);
    expect(res.statusCode).toBe(401);
    expect(await t.db.selectFrom('sessions').where('user_id', '=', judge.id).select('id').execute()).toHaveLength(0);
  });

  it('ends the session of an account disabled after sign-in', async () => {
    const judge = await createStaff(t.db, 'judge');
    const cookie = await signIn(app, judge.email, judge.password);
    await t.db.updateTable('users').set({ disabled: true }).where('id', '=', judge.id).execute();
    const me = await app.inject({ url: '/api/auth/me', headers: { cookie } });
    expect(me.statusCode).toBe(401);
  });

  it('refuses the 6th rapid failure with 429 and Retry-After, before checking the password', async () => {
    const judge = await createStaff(t.db, 'judge');
    for (let i = 1; i <= 5; i++) expect((await login(judge.email, `wrong ${i}`)).statusCode).toBe(401);
    const sixth = await login(judge.email, judge.password);
    expect(sixth.statusCode).toBe(429);
    expect(sixth.json().error.code).toBe('rate_limited');
    expect(Number(sixth.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(sixth.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
    // The window passes and the right password works again.
    clock = new Date(clock.getTime() + 16 * 60 * 1000);
    expect((await login(judge.email, judge.password)).statusCode).toBe(200);
  });

  it('limits failures per IP across accounts', async () => {
    for (let i = 0; i < 20; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { origin: ORIGIN },
        remoteAddress: '203.0.113.9',
        payload: { email: `guess${i}@court.test`, password: 'guess' },
      });
      expect(res.statusCode).toBe(401);
    }
    const next = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { origin: ORIGIN },
      remoteAddress: '203.0.113.9',
      payload: { email: 'another@court.test', password: 'guess' },
    });
    expect(next.statusCode).toBe(429);
    expect(next.headers['retry-after']).toBeDefined();
  });

  it('expires a session after 30 idle minutes and after 12 hours in all', async () => {
    const judge = await createStaff(t.db, 'judge');
    const cookie = await signIn(app, judge.email, judge.password);
    const me = () => app.inject({ url: '/api/auth/me', headers: { cookie } });
    clock = new Date(clock.getTime() + 25 * 60 * 1000);
    expect((await me()).statusCode).toBe(200); // activity extends the idle window
    clock = new Date(clock.getTime() + 25 * 60 * 1000);
    expect((await me()).statusCode).toBe(200);
    clock = new Date(clock.getTime() + 31 * 60 * 1000);
    expect((await me()).statusCode).toBe(401);

    const cookie2 = await signIn(app, judge.email, judge.password);
    for (let h = 0; h < 12 * 4; h++) {
      clock = new Date(clock.getTime() + 15 * 60 * 1000);
      const res = await app.inject({ url: '/api/auth/me', headers: { cookie: cookie2 } });
      expect(res.statusCode).toBe(h < 12 * 4 - 1 ? 200 : 401);
    }
  });

  it('logout invalidates the session on the server, not only the cookie', async () => {
    const judge = await createStaff(t.db, 'judge');
    const cookie = await signIn(app, judge.email, judge.password);
    const out = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie, origin: ORIGIN } });
    expect(out.statusCode).toBe(204);
    expect(out.cookies.find((c) => c.name === 'gavel_session')?.value).toBe('');
    const me = await app.inject({ url: '/api/auth/me', headers: { cookie } });
    expect(me.statusCode).toBe(401);
    expect(me.json().error.code).toBe('unauthorized');
    expect((await auditActions()).some((e) => e.action === 'auth.logout')).toBe(true);
  });

  it('refuses state-changing requests from another origin or with none (CSRF)', async () => {
    const judge = await createStaff(t.db, 'judge');
    const cookie = await signIn(app, judge.email, judge.password);
    const before = await t.db.selectFrom('sessions').select('id').execute();
    for (const headers of [
      { cookie, origin: 'https://evil.example' },
      { cookie, referer: 'https://evil.example/page' },
      { cookie },
    ]) {
      const res = await app.inject({ method: 'POST', url: '/api/auth/logout', headers });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('bad_origin');
    }
    expect(await t.db.selectFrom('sessions').select('id').execute()).toEqual(before);
    const cross = await login(judge.email, judge.password, { origin: 'https://evil.example' });
    expect(cross.statusCode).toBe(403);
    // Same-origin Referer is accepted when Origin is absent.
    const ok = await app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie, referer: `${ORIGIN}/` },
    });
    expect(ok.statusCode).toBe(204);
  });

  it('marks the cookie Secure and __Host- when PUBLIC_URL is https', async () => {
    const httpsApp = await testApp(t.db, {
      config: testConfig({
        PUBLIC_URL: 'https://court.example.org',
        LIVEKIT_API_SECRET: 'a-long-livekit-secret-for-https-tests',
      }),
    });
    try {
      const judge = await createStaff(t.db, 'judge');
      const res = await httpsApp.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { origin: 'https://court.example.org' },
        payload: { email: judge.email, password: judge.password },
      });
      expect(res.statusCode).toBe(200);
      const cookie = res.cookies[0]!;
      expect(cookie.name).toBe('__Host-gavel_session');
      expect(cookie.secure).toBe(true);
      expect(res.headers['strict-transport-security']).toBeDefined();
    } finally {
      await httpsApp.close();
    }
  });

  it('gives a 400 naming the field for a malformed body', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { origin: ORIGIN },
      payload: { email: 'not-an-email', password: 'x' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'validation' });
    expect(res.json().error.message).toContain('email');
  });
});
