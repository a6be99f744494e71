import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { CapturingMailer } from '../../src/platform/mail/mailer.ts';
import { DEFAULT_WEB_ROOT } from '../../src/platform/web/serve.ts';
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
  https = await build({
    PUBLIC_URL: HTTPS_ORIGIN,
    LIVEKIT_API_KEY: 'gavel-test',
    LIVEKIT_API_SECRET: 'a-test-livekit-secret-of-32-chars-or-more',
  });
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
    const [staff, device] = [login.headers['set-cookie'] ?? []].flat().map(String);
    expect(staff).toMatch(/^__Host-gavel_session=[A-Za-z0-9_-]{43};/);
    // The device cookie (accounts/device.ts): the same, but SameSite=Strict; only sign-in reads it.
    expect(device).toMatch(/^__Host-gavel_device=/);
    const deviceAttrs = device!.split(';').map((a) => a.trim().toLowerCase());
    expect(deviceAttrs).toEqual(expect.arrayContaining(['secure', 'httponly', 'samesite=strict', 'path=/']));
    expect(deviceAttrs.some((a) => a.startsWith('domain='))).toBe(false);
    const staffCookie = staff!.split(';')[0]!;

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

    for (const raw of [staff!, participant]) {
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
    const raw = String([login.headers['set-cookie']].flat()[0]);
    expect(raw).toMatch(/^gavel_session=/);
    const attrs = raw.split(';').map((a) => a.trim().toLowerCase());
    expect(attrs).not.toContain('secure');
    expect(attrs).toContain('httponly');
    expect(attrs).toContain('samesite=lax');
  });
});

describe('the edges of HTTP: what Fastify and Node refuse before any route', () => {
  /** One raw HTTP/1.1 exchange over a socket (inject cannot send what Node itself refuses). */
  async function raw(
    app: FastifyInstance,
    request: string,
  ): Promise<{ status: number; headers: Record<string, string>; body: string }> {
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = new URL(address);
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.end(request));
      let got = '';
      socket.setEncoding('utf8');
      socket.on('data', (d) => (got += d));
      socket.on('end', () => resolve(got));
      socket.on('error', reject);
    });
    const [head, ...rest] = text.split('\r\n\r\n');
    const [statusLine, ...lines] = head!.split('\r\n');
    const headers = Object.fromEntries(
      lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
    );
    return { status: Number(statusLine!.split(' ')[1]), headers, body: rest.join('\r\n\r\n') };
  }

  const expectGavelRefusal = (
    res: { status: number; headers: Record<string, unknown>; body: string },
    status: number,
    code: string,
    secure: boolean,
  ) => {
    expect(res.status).toBe(status);
    expect(JSON.parse(res.body)).toEqual({ error: { code, message: expect.any(String) } });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(String(res.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
    expect(res.headers['cache-control']).toBe('no-store');
    if (secure) expect(String(res.headers['strict-transport-security'])).toContain('max-age=31536000');
    else expect(res.headers['strict-transport-security']).toBeUndefined();
  };

  it('414 for a path parameter too long, 400 for a URL that does not decode: Gavel’s error shape and headers', async () => {
    // Without the web app: with it, a path that does not fit an /api route falls through to the SPA's 404.
    const bare = (env: Record<string, string>) =>
      buildApp({ config: testConfig(env), db: t.db, passwords, logger: false, mailer: new CapturingMailer() });
    for (const [app, secure] of [
      [await bare({}), false],
      [await bare({ PUBLIC_URL: HTTPS_ORIGIN, LIVEKIT_API_SECRET: 'a-long-livekit-secret-for-the-https-app' }), true],
    ] as const) {
      const long = await app.inject({ url: `/api/hearings/${'a'.repeat(500)}` });
      expectGavelRefusal(
        { status: long.statusCode, headers: long.headers, body: long.body },
        414,
        'uri_too_long',
        secure,
      );
      const bad = await app.inject({ url: '/api/hearings/%E0%A4%A/audit' });
      expectGavelRefusal({ status: bad.statusCode, headers: bad.headers, body: bad.body }, 400, 'bad_url', secure);
      await app.close();
    }
  });

  it('431 for headers larger than Node accepts, in the same shape, on a real socket', async () => {
    const res = await raw(http, `GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expectGavelRefusal(res, 431, 'headers_too_large', false);
  });

  it('Cache-Control: no-store on every signed-in answer and on join pages', async () => {
    const clerk = await createStaff(t.db, 'clerk', { courtId: f.court.id });
    const login = await http.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { origin: 'http://gavel.test' },
      payload: { email: clerk.email, password: clerk.password },
    });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    expect(login.headers['cache-control']).toBe('no-store');
    for (const url of ['/api/auth/me', '/api/hearings', '/api/account/sessions']) {
      const res = await http.inject({ url, headers: { cookie } });
      expect(res.headers['cache-control'], `${url} ${res.statusCode}`).toMatch(/no-store/);
    }
    for (const answers of [httpAnswers, httpsAnswers]) {
      expect(answers['page /join/<token>']!.headers['cache-control']).toBe('no-store');
      expect(answers['GET /api/join/<token> (404)']!.headers['cache-control']).toBe('no-store');
    }
  });
});
