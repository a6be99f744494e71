import { expect } from 'vitest';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { ORIGIN } from './app.ts';

// The property tests' random bodies (fast-check) thrown at a feature's write routes.

export interface BadBodyRoute {
  method?: 'POST' | 'PATCH';
  url: () => string;
  cookie: () => string | undefined;
  /** Bodies the route must refuse. */
  body: fc.Arbitrary<unknown>;
}

/**
 * Sends `numRuns` of the route's bodies as JSON (`undefined` as `null`): each is answered with a 4xx JSON error,
 * never a 5xx, and what `snapshot` reads is the same after them all.
 */
export async function expectBadBodiesRefused(
  app: FastifyInstance,
  route: BadBodyRoute,
  snapshot: () => Promise<unknown>,
  numRuns: number,
): Promise<void> {
  const before = await snapshot();
  await fc.assert(
    fc.asyncProperty(route.body, async (body) => {
      const cookie = route.cookie();
      const res = await app.inject({
        method: route.method ?? 'POST',
        url: route.url(),
        headers: { origin: ORIGIN, 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
        payload: JSON.stringify(body) ?? 'null',
      });
      expect(res.statusCode, `${JSON.stringify(body)} → ${res.body}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, `${JSON.stringify(body)} → ${res.body}`).toBeLessThan(500);
      expect(res.json().error.code).toEqual(expect.any(String));
    }),
    { numRuns },
  );
  expect(await snapshot()).toEqual(before);
}
