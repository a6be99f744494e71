import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { CapturingMailer } from '../../src/mail/mailer.ts';
import { DEFAULT_WEB_ROOT } from '../../src/web/serve.ts';
import { createTestDatabase, type TestDatabase } from '../db.ts';
import { createStaff, passwords, testConfig } from '../app.ts';
import { createCourtFixture, hearingBody, tokenOf, type CourtFixture } from '../scheduling.ts';

// Security headers on the web app's pages and on /api, for a deployment on http and one on https.

const HTTPS_ORIGIN = 'https://court.example.org';
const LIVEKIT = 'wss://media.court.example.org';

let t: TestDatabase;
let http: FastifyInstance;
let https: FastifyInstance;
let f: CourtFixture;
/** What each app answered, by a name saying what was asked. */
let httpAnswers: Record<string, LightMyRequestResponse>;
let httpsAnswers: Record<string, LightMyRequestResponse>;

const asset = () => {
  const dir = join(DEFAULT_WEB_ROOT, '_app', 'immutable', 'entry');
  return `/_app/immutable/entry/${readdirSync(dir).find((n) => n.endsWith('.js'))}`;
};

/** The SPA's pages (served as index.html), a static file, and /api answers of each kind. */
async function sample(app: FastifyInstance): Promise<Record<string, LightMyRequestResponse>> {
  const origin = app === https ? HTTPS_ORIGIN : 'http://gavel.test';
  const get = (url: string) => app.inject({ url });
  return {
    'page /': await get('/'),
    'page /login': await get('/login'),
    'page /join/<token>': await get(`/join/${randomBytes(32).toString('base64url')}`),
    'page /hearings/<id>': await get('/hearings/00000000-0000-4000-8000-000000000000'),
    'page /admin': await get('/admin'),
    'static file': await get(asset()),
    'GET /api/health (200)': await get('/api/health'),
    'GET /api/auth/me (401)': await get('/api/auth/me'),
    'GET /api/nothing (404)': await get('/api/nothing'),
    'POST /api/auth/login (400)': await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { origin },
      payload: { email: 'x' },
    }),
    'POST /api/auth/logout (403)': await app.inject({ method: 'POST', url: '/api/auth/logout' }),
    'GET /api/join/<token> (404)': await get(`/api/join/${randomBytes(32).toString('base64url')}`),
  };
}

beforeAll(async () => {
  t = await createTestDatabase();
  const build = (env: Record<string, string>) =>
    buildApp({
      config: testConfig({ LIVEKIT_URL: LIVEKIT, ...env }),
      db: t.db,
      passwords,
      logger: false,
      mailer: new CapturingMailer(),
      webRoot: DEFAULT_WEB_ROOT,
    });
  http = await build({});
  https = await build({ PUBLIC_URL: HTTPS_ORIGIN });
  f = await createCourtFixture(t.db, 'Headers');
  httpAnswers = await sample(http);
  httpsAnswers = await sample(https);
  // Sanity: the pages are the built app, the API answers as named.
  for (const answers of [httpAnswers, httpsAnswers]) {
    expect(answers['page /login']!.statusCode).toBe(200);
    expect(answers['page /login']!.headers['content-type']).toMatch(/^text\/html/);
    expect(answers['static file']!.statusCode).toBe(200);
    expect(answers['GET /api/auth/me (401)']!.statusCode).toBe(401);
    expect(answers['GET /api/nothing (404)']!.statusCode).toBe(404);
    expect(answers['POST /api/auth/login (400)']!.statusCode).toBe(400);
    expect(answers['POST /api/auth/logout (403)']!.statusCode).toBe(403);
  }
});
afterAll(async () => {
  await http?.close();
  await https?.close();
  await t?.drop();
});

const everyAnswer = () => [
  ...Object.entries(httpAnswers).map(([name, res]) => [`http ${name}`, res] as const),
  ...Object.entries(httpsAnswers).map(([name, res]) => [`https ${name}`, res] as const),
];

/** The Content-Security-Policy as directive → sources. */
function csp(res: LightMyRequestResponse): Map<string, string[]> {
  const header = res.headers['content-security-policy'];
  expect(typeof header).toBe('string');
  return new Map(
    String(header)
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...sources]) => [name!, sources]),
  );
}

describe('security headers', () => {
  it('every page and API answer has a CSP that forbids framing: frame-ancestors none', () => {
    for (const [name, res] of everyAnswer()) {
      const policy = csp(res);
      expect(policy.get('frame-ancestors'), name).toEqual(["'none'"]);
      expect(res.headers['x-frame-options'], name).toBe('SAMEORIGIN');
    }
  });

  it('scripts: self and the SPA’s own inline boot script by hash; no unsafe-inline, no unsafe-eval, no inline handlers', async () => {
    const html = httpAnswers['page /login']!.body;
    const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
      (m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`,
    );
    expect(inline.length).toBeGreaterThan(0);
    for (const [name, res] of everyAnswer()) {
      const policy = csp(res);
      const scripts = policy.get('script-src') ?? [];
      expect(scripts, name).toContain("'self'");
      expect(scripts, name).not.toContain("'unsafe-inline'");
      expect(scripts, name).not.toContain("'unsafe-eval'");
      expect(scripts.filter((s) => !s.startsWith("'sha256-")).sort(), name).toEqual(["'self'"]);
      for (const hash of inline) expect(scripts, name).toContain(hash);
      expect(policy.get('script-src-attr'), name).toEqual(["'none'"]);
      expect(policy.get('object-src'), name).toEqual(["'none'"]);
      expect(policy.get('base-uri'), name).toEqual(["'self'"]);
      expect(policy.get('default-src'), name).toEqual(["'self'"]);
      // Besides Gavel itself, connections go to LiveKit's host only.
      const connect = policy.get('connect-src') ?? [];
      expect(connect, name).toContain("'self'");
      expect(connect, name).toContain(LIVEKIT);
      for (const src of connect.filter((x) => x !== "'self'"))
        expect(new URL(src).host, name).toBe(new URL(LIVEKIT).host);
    }
  });

  it('X-Content-Type-Options: nosniff everywhere', () => {
    for (const [name, res] of everyAnswer()) expect(res.headers['x-content-type-options'], name).toBe('nosniff');
  });

  it('Referrer-Policy: no-referrer everywhere (invite links carry their token in the path)', () => {
    for (const [name, res] of everyAnswer()) expect(res.headers['referrer-policy'], name).toBe('no-referrer');
  });

  it('HSTS only when PUBLIC_URL is https: a year, with subdomains; never over http', () => {
    for (const [name, res] of Object.entries(httpsAnswers)) {
      const hsts = String(res.headers['strict-transport-security']);
      expect(hsts, name).toMatch(/max-age=(\d+)/);
      expect(Number(/max-age=(\d+)/.exec(hsts)![1]), name).toBeGreaterThanOrEqual(365 * 24 * 3600);
      expect(hsts, name).toContain('includeSubDomains');
      expect(csp(res).has('upgrade-insecure-requests'), name).toBe(true);
    }
    for (const [name, res] of Object.entries(httpAnswers)) {
      expect(res.headers['strict-transport-security'], name).toBeUndefined();
      expect(csp(res).has('upgrade-insecure-requests'), name).toBe(false);
    }
  });

  it('under https the session cookies are __Host- prefixed, Secure, HttpOnly, SameSite=Lax, Path=/ and host-only', async () => {
    const clerk = await createStaff(t.db, 'clerk', { courtId: f.court.id });
    const login = await https.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { origin: HTTPS_ORIGIN },
      payload: { email: clerk.email, password: clerk.password },
    });
    expect(login.statusCode).toBe(200);
    const staff = String(login.headers['set-cookie']);
    expect(staff).toMatch(/^__Host-gavel_session=[A-Za-z0-9_-]{43};/);
    const staffCookie = staff.split(';')[0]!;

    // A participant's session, through an invite link.
    const post = (url: string, payload: object, cookie?: string) =>
      https.inject({
        method: 'POST',
        url,
        headers: { origin: HTTPS_ORIGIN, ...(cookie ? { cookie } : {}) },
        payload,
      });
    const hearing = await post(
      '/api/hearings',
      hearingBody(f, '2031-03-01T02:00:00Z', '2031-03-01T03:00:00Z', { clerkId: clerk.id }),
      staffCookie,
    );
    expect(hearing.statusCode, hearing.body).toBe(201);
    const invite = await post(
      `/api/hearings/${hearing.json().hearing.id}/participants`,
      { role: 'plaintiff', displayName: 'Zhang San' },
      staffCookie,
    );
    expect(invite.statusCode, invite.body).toBe(201);
    const joined = await post('/api/join', { token: tokenOf(invite.json().inviteUrl) });
    expect(joined.statusCode, joined.body).toBe(200);
    const participant = String(joined.headers['set-cookie']);
    expect(participant).toMatch(/^__Host-gavel_participant=[A-Za-z0-9_-]{43};/);

    for (const raw of [staff, participant]) {
      const attrs = raw.split(';').map((a) => a.trim().toLowerCase());
      expect(attrs, raw).toContain('secure');
      expect(attrs, raw).toContain('httponly');
      expect(attrs, raw).toContain('samesite=lax');
      expect(attrs, raw).toContain('path=/');
      expect(
        attrs.some((a) => a.startsWith('domain=')),
        raw,
      ).toBe(false);
    }
    // The prefixed names are the ones read back; the plain names are ignored under https.
    const me = await https.inject({ url: '/api/auth/me', headers: { cookie: staffCookie } });
    expect(me.statusCode).toBe(200);
    const plain = await https.inject({
      url: '/api/auth/me',
      headers: { cookie: staffCookie.replace('__Host-', '') },
    });
    expect(plain.statusCode).toBe(401);
    const hearingId = hearing.json().hearing.id as string;
    const participantCookie = participant.split(';')[0]!;
    expect(
      (await https.inject({ url: `/api/hearings/${hearingId}/me`, headers: { cookie: participantCookie } })).statusCode,
    ).toBe(200);
    expect(
      (
        await https.inject({
          url: `/api/hearings/${hearingId}/me`,
          headers: { cookie: participantCookie.replace('__Host-', '') },
        })
      ).statusCode,
    ).toBe(401);
  });

  it('over http the cookies are not marked Secure (a browser would drop them) and carry no prefix', async () => {
    const clerk = await createStaff(t.db, 'clerk', { courtId: f.court.id });
    const login = await http.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { origin: 'http://gavel.test' },
      payload: { email: clerk.email, password: clerk.password },
    });
    const raw = String(login.headers['set-cookie']);
    expect(raw).toMatch(/^gavel_session=/);
    const attrs = raw.split(';').map((a) => a.trim().toLowerCase());
    expect(attrs).not.toContain('secure');
    expect(attrs).toContain('httponly');
    expect(attrs).toContain('samesite=lax');
  });
});
