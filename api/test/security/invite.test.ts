import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type * as NodeCrypto from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { Kysely, PostgresDialect, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { buildApp } from '../../src/app.ts';
import type { Database } from '../../src/platform/db/schema.ts';
import { CapturingMailer } from '../../src/platform/mail/mailer.ts';
import { DEFAULT_WEB_ROOT } from '../../src/platform/web/serve.ts';
import { inviteTokenHash, participantSessionHash } from '../../src/invitations/invite-token.ts';
import { createTestDatabase, type TestDatabase } from '../db.ts';
import { ORIGIN, passwords, signIn, testConfig } from '../app.ts';
import { call, createCourtFixture, hearingBody, participantCookie, tokenOf, type CourtFixture } from '../scheduling.ts';

// Invite links under attack: brute force is rate limited, links are looked up by hash and access
// codes compared in constant time, tokens never reach a log line, and no page or answer about a link
// lets its URL leave in a Referer.

// The real timingSafeEqual, watched: access codes must be compared with it.
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof NodeCrypto>();
  return { ...real, timingSafeEqual: vi.fn(real.timingSafeEqual) };
});

const SECRET = testConfig().sessionSecret;

let t: TestDatabase;
let app: FastifyInstance;
let pool: pg.Pool;
let f: CourtFixture;
let clerk: string;
let clock = new Date('2026-12-01T00:00:00Z');
/** Every query the app sent to PostgreSQL, compiled (SQL text and parameters). */
const queries: CompiledQuery[] = [];
/** Every log line the app wrote, at level trace. */
const logs: string[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  // The app's own database handle, with a query log: what is looked up, and by what.
  pool = new pg.Pool({ connectionString: t.url, max: 5 });
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => {
      queries.push(event.query);
    },
  });
  app = await buildApp({
    config: testConfig({ LOG_LEVEL: 'trace' }),
    db,
    passwords,
    mailer: new CapturingMailer(),
    now: () => clock,
    webRoot: DEFAULT_WEB_ROOT,
    logStream: new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    }),
  });
  f = await createCourtFixture(t.db, 'Links', { timezone: 'Asia/Shanghai' });
  clerk = await signIn(app, f.clerk.email, f.clerk.password);
});
afterAll(async () => {
  await app?.close();
  await pool?.end();
  await t?.drop();
});
beforeEach(() => {
  clock = new Date('2026-12-01T00:00:00Z');
});

let slot = 0;
async function newHearing() {
  slot++;
  const day = String(slot + 1).padStart(2, '0');
  const res = await call(app, 'POST', '/api/hearings', {
    cookie: clerk,
    payload: hearingBody(f, `2026-12-${day}T02:00:00Z`, `2026-12-${day}T03:00:00Z`),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().hearing.id as string;
}

async function issue(hearingId: string, extra: Record<string, unknown> = {}) {
  const res = await call(app, 'POST', `/api/hearings/${hearingId}/participants`, {
    cookie: clerk,
    payload: { role: 'plaintiff', displayName: 'Zhang San', ...extra },
  });
  expect(res.statusCode, res.body).toBe(201);
  const body = res.json() as { inviteUrl: string; accessCode?: string; participant: { id: string } };
  return { token: tokenOf(body.inviteUrl), accessCode: body.accessCode, participantId: body.participant.id };
}

const randomToken = () => randomBytes(32).toString('base64url');

const landing = (token: string, ip: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url: `/api/join/${token}`, remoteAddress: ip, headers });
const calendar = (token: string, ip: string) =>
  app.inject({ method: 'GET', url: `/api/join/${token}/calendar.ics`, remoteAddress: ip });
const join = (token: string, ip: string, accessCode?: string) =>
  app.inject({
    method: 'POST',
    url: '/api/join',
    remoteAddress: ip,
    headers: { origin: ORIGIN },
    payload: { token, ...(accessCode !== undefined ? { accessCode } : {}) },
  });

function expectWaits(res: LightMyRequestResponse, context: string) {
  expect(res.statusCode, `${context}: ${res.body}`).toBe(429);
  expect(res.json().error.code, context).toBe('rate_limited');
  expect(typeof res.json().error.message, context).toBe('string');
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter, context).toBeGreaterThan(0);
  expect(retryAfter, context).toBeLessThanOrEqual(15 * 60);
}

describe('brute force on invite links', () => {
  it('wrong links from one address: then every join route waits (429, Retry-After), even with a right link, until the window passes', async () => {
    const h = await newHearing();
    const { token } = await issue(h);
    const attacker = '10.50.0.1';
    // Twenty guesses, spread over the three routes that take a link.
    for (let i = 0; i < 20; i++) {
      const guess = randomToken();
      const res = await [landing, calendar, join][i % 3]!(guess, attacker);
      expect(res.statusCode, res.body).toBe(404);
      expect(res.json().error.code).toBe('invite_not_found');
    }
    expectWaits(await landing(token, attacker), 'landing with the right link');
    expectWaits(await calendar(token, attacker), 'calendar with the right link');
    expectWaits(await join(token, attacker), 'join with the right link');
    expectWaits(await landing(randomToken(), attacker), 'another guess');
    // Only the guessing address waits.
    expect((await landing(token, '10.50.0.2')).statusCode).toBe(200);
    // Fifteen minutes after the first failure the window has passed: the right link works again.
    clock = new Date(clock.getTime() + 15 * 60_000 + 1000);
    expect((await landing(token, attacker)).statusCode).toBe(200);
    expect((await join(token, attacker)).statusCode).toBe(200);
  });

  it('a rotating X-Forwarded-For does not reset the count when no proxy is trusted', async () => {
    const h = await newHearing();
    const { token } = await issue(h);
    for (let i = 0; i < 20; i++) {
      const res = await landing(randomToken(), '10.50.1.1', { 'x-forwarded-for': `198.51.100.${i}` });
      expect(res.statusCode).toBe(404);
    }
    expectWaits(await landing(token, '10.50.1.1', { 'x-forwarded-for': '198.51.100.200' }), 'spoofed address');
  });

  it('behind a trusted proxy the limit follows each client, not the proxy', async () => {
    const proxied = await buildApp({
      config: testConfig({ TRUST_PROXY: '1' }),
      db: t.db,
      passwords,
      logger: false,
      mailer: new CapturingMailer(),
      now: () => clock,
    });
    try {
      const h = await newHearing();
      const { token } = await issue(h);
      const via = (client: string, tok: string) =>
        proxied.inject({
          url: `/api/join/${tok}`,
          remoteAddress: '10.50.2.1',
          headers: { 'x-forwarded-for': client },
        });
      for (let i = 0; i < 20; i++) expect((await via('203.0.113.7', randomToken())).statusCode).toBe(404);
      expectWaits(await via('203.0.113.7', token), 'the guessing client');
      expect((await via('203.0.113.8', token)).statusCode).toBe(200);
    } finally {
      await proxied.close();
    }
  });

  it('one link guessed from many addresses: after 5 wrong codes even the right code waits, until the window passes; success clears the count', async () => {
    const h = await newHearing();
    const { token, accessCode } = await issue(h, { accessCode: true });
    const wrong = accessCode === '123456' ? '654321' : '123456';
    for (let i = 0; i < 5; i++) {
      const res = await join(token, `10.51.0.${i}`, wrong);
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('wrong_access_code');
    }
    expectWaits(await join(token, '10.51.0.99', accessCode), 'the right code from a fresh address');
    clock = new Date(clock.getTime() + 15 * 60_000 + 1000);
    expect((await join(token, '10.51.0.99', accessCode)).statusCode).toBe(200);
    // The success cleared the link's count: four more wrong codes and the right one still works.
    for (let i = 0; i < 4; i++) expect((await join(token, `10.51.1.${i}`, wrong)).statusCode).toBe(401);
    expect((await join(token, '10.51.1.99', accessCode)).statusCode).toBe(200);
  });

  it('each join route is capped at 60 requests a minute per address, before any database work', async () => {
    const h = await newHearing();
    const { token } = await issue(h);
    const opened = async () =>
      (
        await t.db
          .selectFrom('audit_events')
          .select('id')
          .where('stream', '=', h)
          .where('action', '=', 'invite.opened')
          .execute()
      ).length;
    for (let i = 0; i < 60; i++) expect((await landing(token, '10.52.0.1')).statusCode).toBe(200);
    expect(await opened()).toBe(60);
    expectWaits(await landing(token, '10.52.0.1'), 'the 61st request in a minute');
    // Refused before the link was even looked up: no 61st audit event.
    expect(await opened()).toBe(60);
  });
});

describe('how links and codes are compared', () => {
  it('a link is looked up by its SHA-256, by equality in the database; the raw token reaches no query', async () => {
    const h = await newHearing();
    const { token } = await issue(h);
    const wrongToken = randomToken();
    const hash = createHash('sha256').update(token).digest('hex');
    expect(inviteTokenHash(token)).toBe(hash);

    queries.length = 0;
    expect((await landing(token, '10.53.0.1')).statusCode).toBe(200);
    const joined = await join(token, '10.53.0.1');
    expect(joined.statusCode).toBe(200);
    const cookie = participantCookie(joined);
    const sessionToken = cookie.split('=')[1]!;
    expect((await call(app, 'GET', `/api/hearings/${h}/me`, { cookie })).statusCode).toBe(200);
    expect((await landing(wrongToken, '10.53.0.1')).statusCode).toBe(404);

    const lookups = queries.filter((q) => /"invite_token_hash" = \$\d+/.test(q.sql));
    expect(lookups.length).toBeGreaterThanOrEqual(3);
    expect(lookups.some((q) => q.parameters.includes(hash))).toBe(true);
    expect(lookups.some((q) => q.parameters.includes(inviteTokenHash(wrongToken)))).toBe(true);
    // The participant session: by its HMAC under SESSION_SECRET.
    expect(queries.some((q) => q.parameters.includes(participantSessionHash(SECRET, sessionToken)))).toBe(true);
    for (const secret of [token, wrongToken, sessionToken]) {
      const leaks = queries.filter((q) => q.sql.includes(secret) || JSON.stringify(q.parameters).includes(secret));
      expect(leaks.map((q) => q.sql)).toEqual([]);
    }
  });

  it('access codes are compared with timingSafeEqual over two HMAC-SHA-256 digests of equal length', async () => {
    const h = await newHearing();
    const { token, accessCode } = await issue(h, { accessCode: true });
    const compare = vi.mocked(timingSafeEqual);
    compare.mockClear();
    const wrong = accessCode === '000000' ? '111111' : '000000';
    expect((await join(token, '10.54.0.1', wrong)).statusCode).toBe(401);
    expect(compare).toHaveBeenCalledTimes(1);
    const [given, stored] = compare.mock.calls[0]! as unknown as [Buffer, Buffer];
    expect(given.length).toBe(32);
    expect(stored.length).toBe(32);
    expect(compare.mock.results[0]!.value).toBe(false);
    compare.mockClear();
    expect((await join(token, '10.54.0.2', accessCode)).statusCode).toBe(200);
    expect(compare).toHaveBeenCalledTimes(1);
    expect(compare.mock.results[0]!.value).toBe(true);
    // The code is stored only as that keyed digest.
    const row = await t.db
      .selectFrom('participants')
      .select('access_code_hash')
      .where('invite_token_hash', '=', inviteTokenHash(token))
      .executeTakeFirstOrThrow();
    expect(row.access_code_hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('tokens in logs', () => {
  it('a trace-level log of opening, joining, failing and waiting never contains a link token or a session cookie', async () => {
    const h = await newHearing();
    const { token, participantId } = await issue(h);
    const revoked = await issue(h, { displayName: 'Li Si', role: 'defendant' });
    expect(
      (await call(app, 'DELETE', `/api/hearings/${h}/participants/${revoked.participantId}`, { cookie: clerk }))
        .statusCode,
    ).toBe(204);
    const wrongToken = randomToken();
    logs.length = 0;

    const page = await app.inject({ url: `/join/${token}` });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect((await landing(token, '10.55.0.1')).statusCode).toBe(200);
    expect((await app.inject({ url: `/api/join/${token}?lang=zh-CN`, remoteAddress: '10.55.0.1' })).statusCode).toBe(
      200,
    );
    expect((await calendar(token, '10.55.0.1')).statusCode).toBe(200);
    const joined = await join(token, '10.55.0.1');
    expect(joined.statusCode).toBe(200);
    const cookie = participantCookie(joined);
    expect((await call(app, 'GET', `/api/hearings/${h}/me`, { cookie })).statusCode).toBe(200);
    expect((await landing(wrongToken, '10.55.0.1')).statusCode).toBe(404);
    expect((await landing(revoked.token, '10.55.0.1')).statusCode).toBe(410);
    expect((await app.inject({ url: `/join/${revoked.token}` })).statusCode).toBe(200);

    const text = logs.join('');
    // Not vacuous: the requests were logged, with the link's place in the URL redacted.
    expect(text).toContain('"url":"/join/[redacted]"');
    expect(text).toContain('"url":"/api/join/[redacted]"');
    expect(text).toContain('"url":"/api/join/[redacted]/calendar.ics"');
    expect(text).toContain('"url":"/api/join/[redacted]?lang=zh-CN"');
    expect(text).toContain('"url":"/api/join"');
    for (const [name, secret] of Object.entries({
      token,
      wrongToken,
      revokedToken: revoked.token,
      sessionCookie: cookie.split('=')[1]!,
      tokenHash: inviteTokenHash(token),
    })) {
      const lines = logs.filter((l) => l.includes(secret));
      expect(lines, `${name} was logged`).toEqual([]);
    }
    expect(participantId).toBeTruthy();
  });
});

describe('Referrer-Policy on join pages', () => {
  it('the join page and every /api/join answer (200, 400, 404, 410, 429) send Referrer-Policy: no-referrer', async () => {
    const h = await newHearing();
    const { token } = await issue(h);
    const revoked = await issue(h, { displayName: 'Li Si', role: 'defendant' });
    await call(app, 'DELETE', `/api/hearings/${h}/participants/${revoked.participantId}`, { cookie: clerk });
    const answers: Record<string, LightMyRequestResponse> = {
      'join page': await app.inject({ url: `/join/${token}` }),
      'join page, unknown link': await app.inject({ url: `/join/${randomToken()}` }),
      landing: await landing(token, '10.56.0.1'),
      calendar: await calendar(token, '10.56.0.1'),
      join: await join(token, '10.56.0.1'),
      'malformed join': await app.inject({
        method: 'POST',
        url: '/api/join',
        remoteAddress: '10.56.0.1',
        headers: { origin: ORIGIN },
        payload: { token: 42 },
      }),
      unknown: await landing(randomToken(), '10.56.0.2'),
      revoked: await landing(revoked.token, '10.56.0.1'),
    };
    for (let i = 0; i < 20; i++) await landing(randomToken(), '10.56.0.3');
    answers['rate limited'] = await landing(token, '10.56.0.3');
    expect(answers['join page']!.statusCode).toBe(200);
    expect(answers['malformed join']!.statusCode).toBe(400);
    expect(answers.unknown!.statusCode).toBe(404);
    expect(answers.revoked!.statusCode).toBe(410);
    expect(answers['rate limited']!.statusCode).toBe(429);
    for (const [name, res] of Object.entries(answers)) {
      expect(res.headers['referrer-policy'], name).toBe('no-referrer');
    }
  });
});
