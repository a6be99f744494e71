// The access-control matrix (docs/security.md): every route of the app's route table × every caller
// class of the fixture, held to the declared policy (policy.ts). Refused callers get their status and
// change nothing (the content of every table, the stored files, LiveKit calls and mails); allowed ones
// reach the handler. A route without a declared policy fails.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import {
  CALLERS,
  SAMPLES,
  changes,
  createSecurityFixture,
  routeKey as key,
  routeTable,
  type Caller,
  type Req,
  type Scene,
  type SecurityFixture,
} from './fixture.ts';
import { POLICY, REFUSED, type Outcome, type RoutePolicy } from './policy.ts';

// Read while the file is collected, so that each route gets its own test.
const TABLE = await routeTable();
const sameAccess = (a: unknown, b: unknown) =>
  Array.isArray(a) && Array.isArray(b) ? [...a].sort().join() === [...b].sort().join() : a === b;

let fx: SecurityFixture;
beforeAll(async () => {
  fx = await createSecurityFixture();
}, 300_000);
afterAll(async () => {
  await fx?.close();
});

describe('the route table and the declared policy', () => {
  it('declares a policy and a sample request for every route', () => {
    expect(TABLE.length).toBeGreaterThan(0);
    const missing = TABLE.flatMap((r) => [
      ...(POLICY[key(r)] ? [] : [`route ${key(r)} has no declared policy`]),
      ...(SAMPLES[key(r)] ? [] : [`route ${key(r)} has no sample request`]),
    ]);
    expect(missing).toEqual([]);
  });

  it('declares nothing for routes that no longer exist', () => {
    const routes = new Set(TABLE.map(key));
    const stale = [...Object.keys(POLICY), ...Object.keys(SAMPLES)]
      .filter((k) => !routes.has(k))
      .map((k) => `policy or sample for ${k}, which is not a route`);
    expect(stale).toEqual([]);
  });

  it('agrees with each route’s declared access (config.access)', () => {
    const disagree = TABLE.filter((r) => POLICY[key(r)] && !sameAccess(POLICY[key(r)]!.access, r.access)).map(
      (r) => `${key(r)} declares ${JSON.stringify(r.access)}, the policy ${JSON.stringify(POLICY[key(r)]!.access)}`,
    );
    expect(disagree).toEqual([]);
  });

  it('refuses with 401, 403 or 404, and says why where it does otherwise', () => {
    const odd: string[] = [];
    for (const [route, p] of Object.entries(POLICY)) {
      for (const [caller, o] of Object.entries(p.outcomes)) {
        if (o.allowed && o.status !== undefined && REFUSED.has(o.status))
          odd.push(`${route} ${caller}: allowed ${o.status}`);
        if (!o.allowed && !REFUSED.has(o.status) && !p.why)
          odd.push(`${route} ${caller}: refused ${o.status} without a why`);
      }
    }
    expect(odd).toEqual([]);
  });

  it('is the table of the app the matrix calls', async () => {
    await fx.app.ready();
    expect(fx.app.routeAccess).toEqual(TABLE);
  });
});

function expectedLabel(o: Outcome): string {
  return o.allowed ? `allowed ${o.status ?? '2xx'}` : `refused ${o.status}`;
}

function errorOf(res: LightMyRequestResponse): { code?: unknown; message?: unknown } | undefined {
  try {
    return (res.json() as { error?: { code?: unknown; message?: unknown } }).error;
  } catch {
    return undefined;
  }
}

/** What happened, in the words of expectedLabel when it is what the policy says. */
function actualLabel(
  p: RoutePolicy,
  caller: Caller,
  o: Outcome,
  res: LightMyRequestResponse,
  changed: string[],
): string {
  const status = res.statusCode;
  const err = errorOf(res);
  const got = `got ${status} ${String(err?.code ?? '')}: ${String(err?.message ?? res.body.slice(0, 120))}`;
  if (o.allowed) {
    const ok = o.status === undefined ? status >= 200 && status < 300 : status === o.status;
    return ok ? expectedLabel(o) : got;
  }
  const problems: string[] = [];
  if (status !== o.status) problems.push(got);
  else if (typeof err?.code !== 'string' || typeof err.message !== 'string')
    problems.push(`${got} (not the error shape)`);
  // Half signed in is told what it still owes, where the route is for signed-in staff.
  else if (
    caller === 'halfSignedIn' &&
    p.access !== 'public' &&
    p.access !== 'participant' &&
    err.code !== 'second_factor_required'
  )
    problems.push(`${got} (expected second_factor_required)`);
  if (changed.length) problems.push(`CHANGED ${changed.join(', ')}`);
  return problems.length ? problems.join(' — ') : expectedLabel(o);
}

describe('every route × every caller, against the policy', () => {
  for (const route of TABLE) {
    const k = key(route);
    it(
      k,
      async () => {
        const p = POLICY[k];
        const sample = SAMPLES[k];
        if (!p) throw new Error(`route ${k} has no declared policy`);
        if (!sample) throw new Error(`route ${k} has no sample request`);
        const expected: Record<string, string> = {};
        const actual: Record<string, string> = {};
        // Built before the fingerprint is taken: building may sign someone in (a session of their own to end).
        const prepare = async (caller: Caller, x: Awaited<ReturnType<typeof sample.target>>) => {
          const req = await sample.request(fx, x, caller);
          const cookie = req.cookie !== undefined ? req.cookie : fx.cookieOf(caller, x.scene);
          return { ...req, cookie: cookie ?? null };
        };

        // Refused callers first, all on one target that an allowed caller could change; then the allowed.
        const shared = await sample.target(fx);
        for (const caller of CALLERS.filter((c) => !p.outcomes[c].allowed)) {
          const req = await prepare(caller, shared);
          const before = await fx.fingerprint();
          const res = await fx.inject(req);
          const changed = changes(before, await fx.fingerprint());
          expected[caller] = expectedLabel(p.outcomes[caller]);
          actual[caller] = actualLabel(p, caller, p.outcomes[caller], res, changed);
        }
        for (const caller of CALLERS.filter((c) => p.outcomes[c].allowed)) {
          const x = sample.fresh ? await sample.target(fx) : shared;
          const res = await fx.inject(await prepare(caller, x));
          expected[caller] = expectedLabel(p.outcomes[caller]);
          actual[caller] = actualLabel(p, caller, p.outcomes[caller], res, []);
        }
        expect(actual).toEqual(expected);
      },
      240_000,
    );
  }
});

describe('an id of another hearing, under the URL of a hearing the caller may act on, is not found', () => {
  // The caller is the bench (or a party) of fx.hearing; the object belongs to a hearing otherJudgeA presides.
  let other: Scene;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    other = await fx.scene({ judge: 'otherJudgeA', entry: true });
    ids.exhibit = await fx.exhibit(other, other.participants.agent.cookie);
    ids.recording = await fx.recording(other);
    ids.request = await fx.askConsultation(other, 'plaintiff');
    ids.consultation = await fx.openConsultation(other);
    ids.entry = (
      await fx.t.db
        .selectFrom('transcript_entries')
        .select('id')
        .where('hearing_id', '=', other.hearingId)
        .where('source', '<>', 'procedural')
        .executeTakeFirstOrThrow()
    ).id;
  }, 120_000);

  const H = () => `/api/hearings/${fx.hearing.hearingId}`;
  const pid = () => other.participants.defendant.id;
  const CASES: Array<{ route: string; caller: Caller; req: () => Req }> = [
    ...['admit', 'return-to-lobby', 'remove'].map((a) => ({
      route: `POST /api/hearings/:id/participants/:pid/${a}`,
      caller: 'judgeA' as const,
      req: (): Req => ({ method: 'POST', url: `${H()}/participants/${pid()}/${a}` }),
    })),
    {
      route: 'POST /api/hearings/:id/participants/:pid/mute',
      caller: 'judgeA',
      req: () => ({ method: 'POST', url: `${H()}/participants/${pid()}/mute`, payload: { trackSid: 'TR_x' } }),
    },
    {
      route: 'POST /api/hearings/:id/participants/:pid/screen-share',
      caller: 'judgeA',
      req: () => ({ method: 'POST', url: `${H()}/participants/${pid()}/screen-share`, payload: { allowed: true } }),
    },
    {
      route: 'POST /api/hearings/:id/participants/:pid/invite',
      caller: 'clerkA',
      req: () => ({ method: 'POST', url: `${H()}/participants/${pid()}/invite` }),
    },
    {
      route: 'DELETE /api/hearings/:id/participants/:pid',
      caller: 'clerkA',
      req: () => ({ method: 'DELETE', url: `${H()}/participants/${pid()}` }),
    },
    // An asking of another hearing's plaintiff, answered or withdrawn by this hearing's plaintiff.
    ...['accept', 'decline', 'withdraw'].map((a) => ({
      route: `POST /api/hearings/:id/consultation-requests/:rid/${a}`,
      caller: 'plaintiff' as const,
      req: (): Req => ({ method: 'POST', url: `${H()}/consultation-requests/${ids.request}/${a}` }),
    })),
    ...['media-token', 'leave'].map((a) => ({
      route: `POST /api/hearings/:id/consultations/:cid/${a}`,
      caller: 'plaintiff' as const,
      req: (): Req => ({ method: 'POST', url: `${H()}/consultations/${ids.consultation}/${a}` }),
    })),
    {
      route: 'GET /api/hearings/:id/recordings/:rid/download',
      caller: 'judgeA',
      req: () => ({ method: 'GET', url: `${H()}/recordings/${ids.recording}/download` }),
    },
    {
      route: 'PATCH /api/hearings/:id/transcript/entries/:eid',
      caller: 'judgeA',
      req: () => ({
        method: 'PATCH',
        url: `${H()}/transcript/entries/${ids.entry}`,
        payload: { text: 'Rewritten from elsewhere.', reason: 'Because' },
      }),
    },
    {
      route: 'GET /api/hearings/:id/exhibits/:eid/file',
      caller: 'judgeA',
      req: () => ({ method: 'GET', url: `${H()}/exhibits/${ids.exhibit}/file` }),
    },
    {
      route: 'POST /api/hearings/:id/exhibits/:eid/ruling',
      caller: 'judgeA',
      req: () => ({ method: 'POST', url: `${H()}/exhibits/${ids.exhibit}/ruling`, payload: { ruling: 'admitted' } }),
    },
    {
      route: 'POST /api/hearings/:id/exhibits/:eid/present',
      caller: 'judgeA',
      req: () => ({ method: 'POST', url: `${H()}/exhibits/${ids.exhibit}/present`, payload: { page: 1 } }),
    },
  ];

  it('covers every route whose URL names a hearing and something of it', () => {
    const nested = TABLE.filter((r) => /^\/api\/hearings\/:id\/.*\/:[a-z]+(\/|$)/.test(r.url)).map(key);
    expect(CASES.map((c) => c.route).sort()).toEqual(nested.sort());
  });

  for (const c of CASES) {
    it(`${c.route} (${c.caller})`, async () => {
      const req = { ...c.req(), cookie: fx.cookieOf(c.caller, fx.hearing) ?? null };
      const before = await fx.fingerprint();
      const res = await fx.inject(req);
      expect(changes(before, await fx.fingerprint())).toEqual([]);
      expect(res.statusCode, res.body).toBe(404);
    });
  }
});
