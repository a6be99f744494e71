import { expect } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

// The access tables of the features: who may call each route, caller by caller.

/** The routes the app registers whose path `keep` keeps, as `METHOD /path`, sorted. */
export async function registeredRoutes(app: FastifyInstance, keep: (url: string) => boolean): Promise<string[]> {
  await app.ready();
  return app.routeAccess
    .filter((r) => keep(r.url))
    .map((r) => `${r.method} ${r.url}`)
    .sort();
}

/** One status a caller, in the callers' order: a table row. */
export function byCaller<C extends string>(callers: readonly C[], statuses: readonly number[]): Record<C, number> {
  if (statuses.length !== callers.length) throw new Error(`${statuses.length} statuses for ${callers.length} callers`);
  return Object.fromEntries(callers.map((k, i) => [k, statuses[i]])) as Record<C, number>;
}

/** What each caller is answered, asked one after another; every refusal must carry an error code. */
export async function statusByCaller<C extends string>(
  callers: readonly C[],
  ask: (caller: C) => Promise<LightMyRequestResponse>,
): Promise<Record<string, number>> {
  const actual: Record<string, number> = {};
  for (const caller of callers) {
    const res = await ask(caller);
    actual[caller] = res.statusCode;
    if (res.statusCode >= 400) expect(res.json().error.code, `${caller}: ${res.body}`).toEqual(expect.any(String));
  }
  return actual;
}
