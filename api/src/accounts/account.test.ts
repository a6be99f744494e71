import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { createStaff, signIn } from '../../test/app.ts';
import { adminTestApp, call, courtEvents, createCourtWithStaff, type CourtFixture } from '../../test/admin.ts';
import { judgePassword } from '../domain/password.ts';

let t: TestDatabase;
let app: FastifyInstance;
let court: CourtFixture;
let clock = new Date('2026-12-01T09:00:00Z');
const now = () => clock;

beforeAll(async () => {
  t = await createTestDatabase();
  app = await adminTestApp(t.db, { now });
  court = await createCourtWithStaff(t.db, 'Account Court');
});
afterAll(async () => {
  await app.close();
  await t.drop();
});
beforeEach(async () => {
  clock = new Date('2026-12-01T09:00:00Z');
  await t.db.deleteFrom('login_failures').execute();
});

const change = (cookie: string, currentPassword: string, newPassword: string) =>
  call(app, 'POST', '/api/account/password', cookie, { currentPassword, newPassword });

describe('password rules', () => {
  it('wants 12 to 256 characters and refuses the most common passwords, dressed up or not', () => {
    const judge = (p: string) => judgePassword(p, {});
    expect(judge('elevenchars').problem).toBe('too_short');
    expect(judge('x'.repeat(257)).problem).toBe('too_long');
    for (const p of [
      'password1234',
      'Password1234!',
      'qwertyuiop123',
      'iloveyou1234',
      '123456789012',
      'aaaaaaaaaaaa',
      'abcabcabcabc',
      'correcthorsebatterystaple',
      'correct horse battery staple',
    ]) {
      expect(judge(p), p).toMatchObject({ ok: false, problem: 'guessable' });
    }
    expect(judge('quiet river under stone').ok).toBe(true);
    expect(judge('法院开庭审理案件时间表').problem).toBe('too_short');
    expect(judge('人民法院依法独立公正行使审判权').ok).toBe(true);
  });
});

describe('changing one’s password', () => {
  it('needs the current password, refuses weak ones, and ends the other sessions', async () => {
    const clerk = await createStaff(t.db, 'clerk', { courtId: court.court.id });
    const cookie = await signIn(app, clerk.email, clerk.password);
    const other = await signIn(app, clerk.email, clerk.password);

    const wrong = await change(cookie, 'not my password', 'a much better passphrase');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe('wrong_password');
    for (const weak of ['short one', 'password12345', clerk.password]) {
      const res = await change(cookie, clerk.password, weak);
      expect(res.statusCode, weak).toBe(400);
      expect(res.json().error.code).toBe('weak_password');
    }
    expect((await call(app, 'GET', '/api/auth/me', other)).statusCode).toBe(200);

    expect((await change(cookie, clerk.password, 'a much better passphrase')).statusCode).toBe(204);
    expect((await call(app, 'GET', '/api/auth/me', cookie)).statusCode).toBe(200);
    expect((await call(app, 'GET', '/api/auth/me', other)).statusCode).toBe(401);
    expect(
      (await call(app, 'POST', '/api/auth/login', undefined, { email: clerk.email, password: clerk.password }))
        .statusCode,
    ).toBe(401);
    await signIn(app, clerk.email, 'a much better passphrase');
    const events = await courtEvents(t.db, court.court.id);
    expect(events.find((e) => e.action === 'account.password_changed')?.payload).toMatchObject({
      otherSessionsEnded: 1,
    });
    expect(JSON.stringify(events)).not.toContain('a much better passphrase');
  });

  it('counts wrong current passwords as failed sign-ins', async () => {
    const judge = await createStaff(t.db, 'judge', { courtId: court.court.id });
    const cookie = await signIn(app, judge.email, judge.password);
    for (let i = 0; i < 5; i++)
      expect((await change(cookie, `wrong ${i} password`, 'a much better passphrase')).statusCode).toBe(400);
    expect((await change(cookie, judge.password, 'a much better passphrase')).statusCode).toBe(429);
  });
});

describe('own sessions', () => {
  it('lists the active sessions and ends one, not another person’s', async () => {
    const judge = await createStaff(t.db, 'judge', { courtId: court.court.id });
    const cookie = await signIn(app, judge.email, judge.password);
    const phone = await signIn(app, judge.email, judge.password);
    const list = (await call(app, 'GET', '/api/account/sessions', cookie)).json().sessions as {
      id: string;
      current: boolean;
    }[];
    expect(list).toHaveLength(2);
    expect(list.filter((s) => s.current)).toHaveLength(1);
    const phoneSession = list.find((s) => !s.current)!;
    expect(JSON.stringify(list)).not.toMatch(/token/);

    const stranger = await signIn(app, court.clerk.email, court.clerk.password);
    expect((await call(app, 'POST', `/api/account/sessions/${phoneSession.id}/end`, stranger)).statusCode).toBe(404);
    expect((await call(app, 'GET', '/api/auth/me', phone)).statusCode).toBe(200);

    expect((await call(app, 'POST', `/api/account/sessions/${phoneSession.id}/end`, cookie)).statusCode).toBe(204);
    expect((await call(app, 'GET', '/api/auth/me', phone)).statusCode).toBe(401);
    expect((await call(app, 'GET', '/api/account/sessions', cookie)).json().sessions).toHaveLength(1);
  });
});
