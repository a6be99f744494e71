import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Kysely } from 'kysely';
import { buildApp } from '../src/app.ts';
import type { Database } from '../src/platform/db/schema.ts';
import type { Mailer } from '../src/platform/mail/mailer.ts';
import { totpCode } from '../src/accounts/two-factor.ts';
import { ORIGIN, createCourt, createStaff, passwords, sessionCookie, testConfig } from './app.ts';

export type Staff = Awaited<ReturnType<typeof createStaff>>;

export interface CourtFixture {
  court: { id: string; name: string };
  admin: Staff;
  clerk: Staff;
  judge: Staff;
  courtroom: { id: string };
}

/** A court with one admin, clerk and judge, and one courtroom. */
export async function createCourtWithStaff(db: Kysely<Database>, name: string): Promise<CourtFixture> {
  const court = await createCourt(db, name);
  const [admin, clerk, judge] = await Promise.all([
    createStaff(db, 'admin', { courtId: court.id }),
    createStaff(db, 'clerk', { courtId: court.id }),
    createStaff(db, 'judge', { courtId: court.id }),
  ]);
  const courtroom = await db
    .insertInto('courtrooms')
    .values({ court_id: court.id, name: `${name} Room 1` })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { court, admin, clerk, judge, courtroom };
}

/** The app with a mailer of the test's choosing and, optionally, a clock. */
export function adminTestApp(db: Kysely<Database>, opts: { mailer?: Mailer; now?: () => Date } = {}) {
  return buildApp({
    config: testConfig(),
    db,
    passwords,
    logger: false,
    ...(opts.mailer ? { mailer: opts.mailer } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  });
}

/** A same-origin request, as the web app makes it. */
export function call(
  app: FastifyInstance,
  method: 'GET' | 'POST',
  url: string,
  cookie?: string,
  payload?: unknown,
): Promise<LightMyRequestResponse> {
  const opts: InjectOptions = { method, url, headers: { origin: ORIGIN, ...(cookie ? { cookie } : {}) } };
  if (method !== 'GET') opts.payload = (payload ?? {}) as InjectOptions['payload'];
  return app.inject(opts);
}

/** Signs in with the password only; the answer may still ask for a second step. */
export async function passwordStep(app: FastifyInstance, email: string, password: string) {
  const res = await call(app, 'POST', '/api/auth/login', undefined, { email, password });
  if (res.statusCode !== 200) throw new Error(`sign-in failed ${res.statusCode}: ${res.body}`);
  return { cookie: sessionCookie(res), body: res.json() as { user?: { id: string }; step?: string } };
}

/** Enrols the signed-in account in TOTP; returns the shared secret and the recovery codes. */
export async function enrolTotp(app: FastifyInstance, cookie: string, at: Date) {
  const setup = await call(app, 'POST', '/api/account/two-factor/setup', cookie);
  if (setup.statusCode !== 200) throw new Error(`setup failed ${setup.statusCode}: ${setup.body}`);
  const secret = (setup.json() as { secret: string }).secret;
  const confirm = await call(app, 'POST', '/api/account/two-factor/confirm', cookie, { code: totpCode(secret, at) });
  if (confirm.statusCode !== 200) throw new Error(`confirm failed ${confirm.statusCode}: ${confirm.body}`);
  return { secret, recoveryCodes: (confirm.json() as { recoveryCodes: string[] }).recoveryCodes };
}

export async function courtEvents(db: Kysely<Database>, courtId: string) {
  return db
    .selectFrom('audit_events')
    .select(['action', 'actor_id', 'payload'])
    .where('stream', '=', `court:${courtId}`)
    .orderBy('seq')
    .execute();
}

export const tokenOf = (url: string) => url.slice(url.indexOf('#set-password=') + '#set-password='.length);
