import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { OpenAPI3 } from 'openapi-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TYPES_FILE, openapiDocument, typesFrom } from '../scripts/openapi.ts';
import { testApp } from './app.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';

let t: TestDatabase;
let app: FastifyInstance;
let served: OpenAPI3;
beforeAll(async () => {
  t = await createTestDatabase();
  app = await testApp(t.db);
  const response = await app.inject({ url: '/api/openapi.json' });
  expect(response.statusCode).toBe(200);
  served = response.json<OpenAPI3>();
});
afterAll(async () => {
  await app.close();
  await t.drop();
});

describe("the web app's API types", () => {
  it('are generated from the same document the running app serves', { timeout: 120_000 }, async () => {
    expect(await openapiDocument()).toEqual(served);
  });

  it('are checked in as the served document gives them', { timeout: 120_000 }, async () => {
    const checkedIn = readFileSync(TYPES_FILE, 'utf8');
    expect(checkedIn === (await typesFrom(served)), 'web/src/lib/api/schema.d.ts is stale: run `npm run openapi`').toBe(
      true,
    );
  });
});
