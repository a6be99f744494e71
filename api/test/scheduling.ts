import { randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Kysely } from 'kysely';
import { buildApp } from '../src/app.ts';
import type { Database } from '../src/platform/db/schema.ts';
import { CapturingMailer, type Mailer } from '../src/platform/mail/mailer.ts';
import { ORIGIN, createCourt, createStaff, passwords, signIn, testConfig } from './app.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';

/** The app with a mailer of the test's choosing (a CapturingMailer by default) and a settable clock. */
export async function schedulingApp(
  db: Kysely<Database>,
  opts: { mailer?: Mailer; now?: () => Date } = {},
): Promise<{ app: FastifyInstance; mailer: Mailer }> {
  const mailer = opts.mailer ?? new CapturingMailer();
  const app = await buildApp({
    config: testConfig(),
    db,
    passwords,
    logger: false,
    mailer,
    ...(opts.now ? { now: opts.now } : {}),
  });
  return { app, mailer };
}

/** A mailer that has no SMTP server, like a deployment without SMTP_URL. */
export const noSmtp: Mailer = { configured: false, send: async () => ({ delivered: false }) };

export async function createCourtroom(db: Kysely<Database>, courtId: string, name: string, retired = false) {
  return db
    .insertInto('courtrooms')
    .values({ court_id: courtId, name, retired_at: retired ? new Date() : null })
    .returning(['id', 'name'])
    .executeTakeFirstOrThrow();
}

export interface CourtFixture {
  court: { id: string; name: string };
  clerk: Awaited<ReturnType<typeof createStaff>>;
  judge: Awaited<ReturnType<typeof createStaff>>;
  judge2: Awaited<ReturnType<typeof createStaff>>;
  room: { id: string; name: string };
  room2: { id: string; name: string };
  retiredRoom: { id: string; name: string };
  caseId: string;
}

/** A court with a clerk, two judges, two courtrooms (and a retired one) and one case. */
export async function createCourtFixture(
  db: Kysely<Database>,
  name: string,
  opts: { timezone?: string; locale?: string } = {},
): Promise<CourtFixture> {
  const court = await createCourt(db, name, {
    timezone: opts.timezone ?? 'Asia/Shanghai',
    locale: opts.locale ?? 'en',
  });
  const [clerk, judge, judge2] = await Promise.all([
    createStaff(db, 'clerk', { courtId: court.id }),
    createStaff(db, 'judge', { courtId: court.id }),
    createStaff(db, 'judge', { courtId: court.id }),
  ]);
  const room = await createCourtroom(db, court.id, 'Courtroom 1');
  const room2 = await createCourtroom(db, court.id, 'Courtroom 2');
  const retiredRoom = await createCourtroom(db, court.id, 'Old courtroom', true);
  const c = await db
    .insertInto('cases')
    .values({ court_id: court.id, number: `${name}-2026-001`, caption: 'Zhang v. Li', case_type: 'civil' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { court, clerk, judge, judge2, room, room2, retiredRoom, caseId: c.id };
}

/** A one-hour hearing of the fixture's case, judge and clerk, written straight to the database: its id. */
export async function insertHearing(
  db: Kysely<Database>,
  f: CourtFixture,
  title: string,
  start: Date,
): Promise<string> {
  const h = await db
    .insertInto('hearings')
    .values({
      court_id: f.court.id,
      case_id: f.caseId,
      courtroom_id: f.room.id,
      title,
      scheduled_start: start,
      scheduled_end: new Date(start.getTime() + 3_600_000),
      judge_id: f.judge.id,
      clerk_id: f.clerk.id,
      livekit_room: `hearing-${randomUUID()}`,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return h.id;
}

export interface SchedulingWorld {
  t: TestDatabase;
  app: FastifyInstance;
  mailer: Mailer;
  /** The court named at opening. */
  f: CourtFixture;
  /** Its clerk's session cookie. */
  clerk: string;
}

const opened: Array<() => Promise<void>> = [];

/**
 * A file's scheduling world, for its beforeAll: a fresh database, the app (see schedulingApp) and a court fixture
 * named `name` whose clerk is signed in. `closeScheduling` (its afterAll) closes them.
 */
export async function openScheduling(
  name: string,
  opts: { mailer?: Mailer; now?: () => Date; timezone?: string; locale?: string } = {},
): Promise<SchedulingWorld> {
  const t = await createTestDatabase();
  opened.push(() => t.drop());
  const { app, mailer } = await schedulingApp(t.db, opts);
  opened.push(() => app.close());
  const f = await createCourtFixture(t.db, name, opts);
  return { t, app, mailer, f, clerk: await signInAs(app, f.clerk) };
}

/** Closes what openScheduling opened, the app first. */
export async function closeScheduling(): Promise<void> {
  for (let close = opened.pop(); close; close = opened.pop()) await close();
}

export const signInAs = (app: FastifyInstance, u: { email: string; password: string }) =>
  signIn(app, u.email, u.password);

export function call(
  app: FastifyInstance,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  opts: { cookie?: string | undefined; payload?: unknown } = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method,
    url,
    headers: { origin: ORIGIN, ...(opts.cookie ? { cookie: opts.cookie } : {}) },
    // Writes are JSON; a body-less action sends {} as the web app does.
    ...(opts.payload !== undefined ? { payload: opts.payload as object } : method === 'POST' ? { payload: {} } : {}),
  });
}

/** The participant-session cookie a join answer sets, as a Cookie header. */
export function participantCookie(res: LightMyRequestResponse): string {
  const c = res.cookies.find((x) => x.name === 'gavel_participant');
  if (!c) throw new Error(`no participant cookie in response ${res.statusCode}: ${res.body}`);
  return `${c.name}=${c.value}`;
}

export const tokenOf = (inviteUrl: string) => inviteUrl.split('/join/')[1] ?? '';

export function hearingBody(f: CourtFixture, start: string, end: string, extra: Record<string, unknown> = {}) {
  return {
    caseId: f.caseId,
    courtroomId: f.room.id,
    judgeId: f.judge.id,
    title: 'Pre-trial conference',
    scheduledStart: start,
    scheduledEnd: end,
    ...extra,
  };
}
