import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { createStaff, passwords, signIn } from '../../test/app.ts';
import { adminTestApp, call, courtEvents, createCourtWithStaff, tokenOf, type CourtFixture } from '../../test/admin.ts';
import { judgePassword, PASSWORD_MIN_SCORE } from '../domain/password.ts';
import { seedDemoCourt } from '../seed.ts';

// Two passwords people choose for a court's system: long enough, and guessed in minutes.
const GUESSABLE = ['gavelgavelgavel', 'courtroom12345'];
const STRONG = 'lantern orbit saffron quietly';

// Someone whose name, email and court no dictionary knows: only the user inputs make these weak.
const COURT_NAME = 'Quarrington Hollow Tribunal';
const PERSON = { name: 'Zephyrine Okonkwo', email: 'zephyrine.okonkwo@quarrington.test' };
const OWN = ['QuarringtonHollowTribunal', 'Zephyrine Okonkwo 2026', 'zephyrine.okonkwo@quarrington.test'];

describe('the password rule', () => {
  const context = { courtName: COURT_NAME, ...PERSON };

  it('refuses the guessable passwords with zxcvbn’s reason and suggestions, and takes a passphrase', () => {
    for (const password of GUESSABLE) {
      const verdict = judgePassword(password, context);
      expect(verdict.ok, password).toBe(false);
      expect(verdict.problem).toBe('guessable');
      expect(verdict.score).toBeLessThan(PASSWORD_MIN_SCORE);
      expect(verdict.suggestions.length, password).toBeGreaterThan(0);
    }
    expect(judgePassword('courtroom12345', context).warning).toBe('userInputs');
    expect(judgePassword(STRONG, context)).toMatchObject({ ok: true, problem: null });
    expect(judgePassword('人民法院依法独立公正行使审判权', context).ok).toBe(true);
  });

  it('refuses the user’s own name, email and court name, which pass for someone else', () => {
    for (const password of OWN) {
      expect(judgePassword(password, { courtName: 'Other Court', name: 'Li Wei', email: 'li@x.test' }).ok).toBe(true);
      const verdict = judgePassword(password, context);
      expect(verdict, password).toMatchObject({ ok: false, problem: 'guessable', warning: 'userInputs' });
    }
  });

  it('keeps the length bounds: 12 to 256 characters', () => {
    expect(judgePassword('Qz7!vR2#kLm', context).problem).toBe('too_short');
    expect(judgePassword('法院开庭审理案件时间表', context).problem).toBe('too_short');
    expect(judgePassword('x'.repeat(257), context).problem).toBe('too_long');
  });
});

let t: TestDatabase;
let app: FastifyInstance;
let court: CourtFixture;
let adminCookie: string;
const now = () => new Date('2026-12-01T09:00:00Z');

beforeAll(async () => {
  t = await createTestDatabase();
  app = await adminTestApp(t.db, { now });
  court = await createCourtWithStaff(t.db, COURT_NAME);
});
afterAll(async () => {
  await app.close();
  await t.drop();
});
beforeEach(async () => {
  await t.db.deleteFrom('login_failures').execute();
  adminCookie = await signIn(app, court.admin.email, court.admin.password);
});

interface WeakBody {
  error: { code: string; message: string; reason: string; warning: string | null; suggestions: string[] };
}

function expectRefused(res: { statusCode: number; json(): unknown }, password: string) {
  expect(res.statusCode, password).toBe(400);
  const { error } = res.json() as WeakBody;
  expect(error.code).toBe('weak_password');
  expect(error.reason).toBe('guessable');
  expect(error.suggestions.length).toBeGreaterThan(0);
  // The message says why, in words, and what to do.
  expect(error.message).toMatch(/^This password is too easy to guess\. .+/);
  return error;
}

const passwordHash = async (id: string) =>
  (await t.db.selectFrom('users').select('password_hash').where('id', '=', id).executeTakeFirstOrThrow()).password_hash;

describe('the set-password link', () => {
  const setPassword = (token: string, password: string) =>
    call(app, 'POST', '/api/account/set-password', undefined, { token, password });

  it('refuses the guessable passwords and the person’s own name, email and court; the link still works', async () => {
    const invited = await call(app, 'POST', '/api/admin/staff', adminCookie, { ...PERSON, role: 'clerk' });
    expect(invited.statusCode).toBe(201);
    const token = tokenOf(invited.json().link.url);
    const id = invited.json().staff.id as string;
    const inspected = await call(app, 'POST', '/api/account/set-password/inspect', undefined, { token });
    expect(inspected.json()).toMatchObject({ ...PERSON, courtName: COURT_NAME });

    for (const password of [...GUESSABLE, ...OWN]) expectRefused(await setPassword(token, password), password);
    const own = expectRefused(await setPassword(token, PERSON.email), PERSON.email);
    expect(own.warning).toBe('userInputs');

    expect(await passwordHash(id)).toBe('');
    expect((await courtEvents(t.db, court.court.id)).map((e) => e.action)).not.toContain('account.password_set');
    expect((await call(app, 'POST', '/api/account/set-password/inspect', undefined, { token })).statusCode).toBe(200);

    expect((await setPassword(token, STRONG)).statusCode).toBe(204);
    await signIn(app, PERSON.email, STRONG);
  });
});

describe('changing one’s password', () => {
  const change = (cookie: string, currentPassword: string, newPassword: string) =>
    call(app, 'POST', '/api/account/password', cookie, { currentPassword, newPassword });

  it('refuses the guessable passwords and one’s own name, email and court; nothing changes', async () => {
    const judge = await createStaff(t.db, 'judge', {
      courtId: court.court.id,
      email: 'okonkwo.judge@quarrington.test',
    });
    await t.db.updateTable('users').set({ name: PERSON.name }).where('id', '=', judge.id).execute();
    const cookie = await signIn(app, judge.email, judge.password);
    const other = await signIn(app, judge.email, judge.password);
    const before = await passwordHash(judge.id);

    for (const password of [...GUESSABLE, 'QuarringtonHollowTribunal', 'Zephyrine Okonkwo 2026']) {
      expectRefused(await change(cookie, judge.password, password), password);
    }
    expect(expectRefused(await change(cookie, judge.password, 'okonkwo.judge@quarrington.test'), 'email').warning).toBe(
      'userInputs',
    );

    expect(await passwordHash(judge.id)).toBe(before);
    expect((await call(app, 'GET', '/api/auth/me', other)).statusCode).toBe(200);
    expect((await courtEvents(t.db, court.court.id)).map((e) => e.action)).not.toContain('account.password_changed');

    expect((await change(cookie, judge.password, STRONG)).statusCode).toBe(204);
    await signIn(app, judge.email, STRONG);
  });
});

describe('the demo court of a first start', () => {
  it('prints logins that pass the rule, for their own names and court', async () => {
    const fresh = await createTestDatabase();
    try {
      const demo = await seedDemoCourt(fresh.db, passwords);
      expect(demo?.logins).toHaveLength(3);
      for (const login of demo!.logins) {
        const user = await fresh.db
          .selectFrom('users')
          .select('name')
          .where('email', '=', login.email)
          .executeTakeFirstOrThrow();
        expect(judgePassword(login.password, { courtName: demo!.court, name: user.name, email: login.email }).ok).toBe(
          true,
        );
      }
    } finally {
      await fresh.drop();
    }
  });
});
