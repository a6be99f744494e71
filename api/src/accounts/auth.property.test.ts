import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { ORIGIN, createStaff, testApp } from '../../test/app.ts';

let t: TestDatabase;
let app: FastifyInstance;
beforeAll(async () => {
  t = await createTestDatabase();
  app = await testApp(t.db);
  await createStaff(t.db, 'judge', { email: 'judge@court.test' });
});
afterAll(async () => {
  await app.close();
  await t.drop();
});

const counts = async () => ({
  sessions: (await t.db.selectFrom('sessions').select('id').execute()).length,
  audit: (await t.db.selectFrom('audit_events').select('id').execute()).length,
  users: await t.db.selectFrom('users').select(['id', 'password_hash', 'disabled']).orderBy('id').execute(),
});

// Bodies that are anything but a valid {email, password}: wrong types, extra fields, junk JSON.
const badBody = fc.oneof(
  fc.anything(),
  fc.record({ email: fc.anything(), password: fc.anything() }, { requiredKeys: [] }),
  fc.record({ email: fc.string(), password: fc.string(), extra: fc.anything() }),
  fc.record({ email: fc.emailAddress(), password: fc.oneof(fc.constant(''), fc.integer(), fc.constant(null)) }),
);

describe('sign-in under arbitrary input', () => {
  it('answers malformed bodies with a 4xx JSON error and changes nothing', async () => {
    const before = await counts();
    await fc.assert(
      fc.asyncProperty(badBody, async (body) => {
        const res = await app.inject({
          method: 'POST',
          url: '/api/auth/login',
          headers: { origin: ORIGIN, 'content-type': 'application/json' },
          payload: JSON.stringify(body) ?? 'undefined',
        });
        expect(res.statusCode).toBeGreaterThanOrEqual(400);
        expect(res.statusCode).toBeLessThan(500);
        const json = res.json();
        expect(typeof json.error.code).toBe('string');
        expect(typeof json.error.message).toBe('string');
        if (res.statusCode === 400) expect(json.error.code).toMatch(/validation|bad_request/);
      }),
      { numRuns: 200 },
    );
    expect(await counts()).toEqual(before);
  });

  it('never answers 5xx to raw bytes of any content type', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 200 }),
        fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data'),
        async (raw, type) => {
          const res = await app.inject({
            method: 'POST',
            url: '/api/auth/login',
            headers: { origin: ORIGIN, 'content-type': type },
            payload: raw,
          });
          expect(res.statusCode).toBeLessThan(500);
          expect(res.statusCode).not.toBe(200);
          expect(res.json().error).toBeDefined();
        },
      ),
      { numRuns: 150 },
    );
  });
});
