import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { createStaff, signIn } from '../../test/app.ts';
import { adminTestApp, call, courtEvents, createCourtWithStaff, type CourtFixture } from '../../test/admin.ts';

let t: TestDatabase;
let app: FastifyInstance;
let court: CourtFixture;
let cookie: string;
let clock = new Date('2026-12-01T09:00:00Z');
const now = () => clock;

beforeAll(async () => {
  t = await createTestDatabase();
  app = await adminTestApp(t.db, { now });
  court = await createCourtWithStaff(t.db, 'Settings Court');
});
afterAll(async () => {
  await app.close();
  await t.drop();
});
beforeEach(async () => {
  clock = new Date('2026-12-01T09:00:00Z');
  cookie = await signIn(app, court.admin.email, court.admin.password);
});

const settings = (body: unknown) => call(app, 'POST', '/api/admin/court', cookie, body);

describe('court settings', () => {
  it('reads and changes every setting, and audits what changed', async () => {
    const before = (await call(app, 'GET', '/api/admin/court', cookie)).json().court;
    expect(before).toMatchObject({
      name: 'Settings Court',
      inviteGraceMinutes: 120,
      sessionIdleMinutes: 30,
      sessionAbsoluteMinutes: 720,
      requireTwoFactor: false,
      recordingRequiredDefault: false,
      rulesText: {},
    });
    const res = await settings({
      name: '  Settings District Court ',
      timezone: 'Europe/Berlin',
      locale: 'en',
      rulesText: { en: 'Please mute when not speaking.', 'zh-CN': '非发言时请保持静音。' },
      recordingRequiredDefault: true,
      inviteGraceMinutes: 60,
      sessionIdleMinutes: 20,
      sessionAbsoluteMinutes: 480,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().court).toMatchObject({
      name: 'Settings District Court',
      timezone: 'Europe/Berlin',
      rulesText: { en: 'Please mute when not speaking.', 'zh-CN': '非发言时请保持静音。' },
      recordingRequiredDefault: true,
      inviteGraceMinutes: 60,
      sessionIdleMinutes: 20,
      sessionAbsoluteMinutes: 480,
    });
    const event = (await courtEvents(t.db, court.court.id)).find((e) => e.action === 'court.settings_changed');
    expect(event?.payload).toMatchObject({ changed: { inviteGraceMinutes: { from: 120, to: 60 } } });
    // The sign-in's court follows the new name.
    expect((await call(app, 'GET', '/api/auth/me', cookie)).json().user.court.name).toBe('Settings District Court');
  });

  it('refuses bad values with 400 and changes nothing', async () => {
    const before = await t.db
      .selectFrom('courts')
      .selectAll()
      .where('id', '=', court.court.id)
      .executeTakeFirstOrThrow();
    for (const body of [
      {},
      { timezone: 'Mars/Olympus' },
      { name: '   ' },
      { locale: 'fr' },
      { sessionIdleMinutes: 4 },
      { sessionAbsoluteMinutes: 10081 },
      { sessionIdleMinutes: 600, sessionAbsoluteMinutes: 300 },
      { rulesText: { de: 'Ruhe' } },
      { inviteGraceMinutes: 1.5 },
      { requireTwoFactor: 'yes' },
    ]) {
      const res = await settings(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
    }
    expect(
      await t.db.selectFrom('courts').selectAll().where('id', '=', court.court.id).executeTakeFirstOrThrow(),
    ).toEqual(before);
  });

  it('sessions follow the court’s idle and absolute timeouts, changed ones at once', async () => {
    const clerk = await createStaff(t.db, 'clerk', { courtId: court.court.id });
    const clerkCookie = await signIn(app, clerk.email, clerk.password);
    await settings({ sessionIdleMinutes: 10, sessionAbsoluteMinutes: 60 });
    const me = () => call(app, 'GET', '/api/auth/me', clerkCookie);
    clock = new Date(clock.getTime() + 9 * 60_000);
    expect((await me()).statusCode).toBe(200);
    clock = new Date(clock.getTime() + 11 * 60_000);
    expect((await me()).statusCode).toBe(401);

    const again = await signIn(app, clerk.email, clerk.password);
    for (let i = 1; i <= 7; i++) {
      clock = new Date(clock.getTime() + 9 * 60_000);
      const res = await call(app, 'GET', '/api/auth/me', again);
      expect(res.statusCode, `after ${i * 9} minutes`).toBe(i * 9 < 60 ? 200 : 401);
    }
    await signIn(app, court.admin.email, court.admin.password).then((c) => (cookie = c));
    await settings({ sessionIdleMinutes: 30, sessionAbsoluteMinutes: 720 });
  });
});

describe('courtrooms', () => {
  it('are created, renamed, retired and reinstated, with unique names', async () => {
    const created = await call(app, 'POST', '/api/admin/courtrooms', cookie, { name: ' Courtroom  7 ' });
    expect(created.statusCode).toBe(201);
    const room = created.json().courtroom;
    expect(room).toMatchObject({ name: 'Courtroom 7', retiredAt: null });
    const dup = await call(app, 'POST', '/api/admin/courtrooms', cookie, { name: 'Courtroom 7' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('courtroom_name_taken');
    expect(
      (await call(app, 'POST', `/api/admin/courtrooms/${court.courtroom.id}/rename`, cookie, { name: 'Courtroom 7' }))
        .statusCode,
    ).toBe(409);

    const renamed = await call(app, 'POST', `/api/admin/courtrooms/${room.id}/rename`, cookie, { name: '第七法庭' });
    expect(renamed.json().courtroom.name).toBe('第七法庭');
    const retired = await call(app, 'POST', `/api/admin/courtrooms/${room.id}/retire`, cookie);
    expect(retired.json().courtroom.retiredAt).toBe(clock.toISOString());
    const list = (await call(app, 'GET', '/api/admin/courtrooms', cookie)).json().courtrooms as { id: string }[];
    // Active first, retired last, none lost.
    expect(list.at(-1)!.id).toBe(room.id);
    expect(
      (await call(app, 'POST', `/api/admin/courtrooms/${room.id}/reinstate`, cookie)).json().courtroom.retiredAt,
    ).toBeNull();
    const actions = (await courtEvents(t.db, court.court.id)).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['courtroom.created', 'courtroom.renamed', 'courtroom.retired', 'courtroom.reinstated']),
    );
    expect((await call(app, 'POST', '/api/admin/courtrooms', cookie, { name: '  ' })).statusCode).toBe(400);
  });
});
