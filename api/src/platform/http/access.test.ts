import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../../../test/db.ts';
import { ORIGIN, createStaff, signIn, testApp, testConfig } from '../../../test/app.ts';
import { requireDeclaredAccess } from './access.ts';
import { createDb } from '../db/connect.ts';
import { buildApp } from '../../app.ts';

let t: TestDatabase;
let app: FastifyInstance;
beforeAll(async () => {
  t = await createTestDatabase();
  app = await testApp(t.db);
});
afterAll(async () => {
  await app.close();
  await t.drop();
});

describe('access is denied by default', () => {
  it('refuses to start when an /api route does not say who may call it', async () => {
    const bare = Fastify();
    requireDeclaredAccess(bare);
    expect(() => bare.get('/api/undeclared', async () => 'open')).toThrow(/does not declare who may call it/);
    await bare.close();
  });

  it('refuses every non-public route to an anonymous caller with 401, and lets public ones through', async () => {
    await app.ready();
    const routes = app.routeAccess;
    expect(routes.map((r) => `${r.method} ${r.url}`)).toEqual(
      expect.arrayContaining([
        'GET /api/health',
        'GET /api/openapi.json',
        'POST /api/auth/login',
        'POST /api/auth/logout',
        'GET /api/auth/me',
      ]),
    );
    for (const r of routes) {
      const url = r.url.replace(/:(\w+)/g, '00000000-0000-4000-8000-000000000000');
      const res = await app.inject({
        method: r.method as 'GET',
        url,
        headers: { origin: ORIGIN },
        ...(r.method === 'GET' ? {} : { payload: {} }),
      });
      if (r.access === 'public') expect(res.statusCode, `${r.method} ${r.url}`).not.toBe(401);
      else {
        expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
        expect(res.json().error.code).toBe('unauthorized');
      }
    }
  });

  it('refuses a signed-in user whose role the route does not list (403)', async () => {
    const local = await testApp(t.db);
    local.get('/api/test/admin-only', { config: { access: ['admin'] } }, async () => ({ ok: true }));
    local.get('/api/test/judges', { config: { access: ['judge'] } }, async () => ({ ok: true }));
    await local.ready();
    const clerk = await createStaff(t.db, 'clerk');
    const judge = await createStaff(t.db, 'judge');
    const clerkCookie = await signIn(local, clerk.email, clerk.password);
    const judgeCookie = await signIn(local, judge.email, judge.password);
    expect((await local.inject({ url: '/api/test/admin-only', headers: { cookie: clerkCookie } })).statusCode).toBe(
      403,
    );
    expect((await local.inject({ url: '/api/test/admin-only', headers: { cookie: judgeCookie } })).statusCode).toBe(
      403,
    );
    expect((await local.inject({ url: '/api/test/judges', headers: { cookie: judgeCookie } })).statusCode).toBe(200);
    expect((await local.inject({ url: '/api/test/judges', headers: { cookie: clerkCookie } })).json().error.code).toBe(
      'forbidden',
    );
    expect((await local.inject({ url: '/api/test/judges' })).statusCode).toBe(401);
    await local.close();
  });

  it('answers unknown /api paths with a JSON 404', async () => {
    const res = await app.inject({ url: '/api/no/such/thing' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: 'No route GET /api/no/such/thing.' } });
  });

  it('reports health 200 with the database and 503 without it', async () => {
    expect((await app.inject({ url: '/api/health' })).json()).toEqual({ status: 'ok' });
    const deadDb = createDb('postgres://postgres@127.0.0.1:1/none', 1);
    const dead = await buildApp({ config: testConfig(), db: deadDb, logger: false });
    const res = await dead.inject({ url: '/api/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('database_unavailable');
    await dead.close();
    await deadDb.destroy();
  });

  it('sends security headers, a request id and the OpenAPI document', async () => {
    const res = await app.inject({ url: '/api/health' });
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    // LiveKit's signalling socket, and the same host over http, which livekit-client asks why a connection failed.
    expect(res.headers['content-security-policy']).toContain(
      "connect-src 'self' ws://localhost:7880 http://localhost:7880",
    );
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const doc = (await app.inject({ url: '/api/openapi.json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/auth/login', '/api/auth/me', '/api/health']));
    expect((await app.inject({ url: '/api/docs/' })).statusCode).toBe(200);
  });

  it('hides internals in 5xx responses', async () => {
    const local = await testApp(t.db);
    local.get('/api/test/boom', { config: { access: 'public' } }, async () => {
      throw new Error('secret table name leaked');
    });
    const res = await local.inject({ url: '/api/test/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('secret');
    expect(res.json().error.code).toBe('internal');
    await local.close();
  });
});
