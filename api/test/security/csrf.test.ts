// CSRF (docs/security.md): every state-changing route of the route table, called with a valid session
// of someone the policy lets through and a body that would succeed, is refused (403 bad_origin) and
// changes nothing when the request does not come from Gavel's own origin.
//
// What "from Gavel's origin" means (api/src/platform/http/origin.ts): the Origin header equals PUBLIC_URL's
// origin; without Origin, the Referer's origin does. A request with neither is refused too. Browsers
// send Origin on every cross-site POST/PUT/PATCH/DELETE (and on same-origin ones but GET/HEAD), so
// this costs the web app nothing; the session cookies are also SameSite=Lax, which withholds them from
// cross-site subrequests, so either control alone stops a forged request from a browser. A non-browser
// client (a script with a stolen cookie needs no CSRF) must send Origin.
//
// Only routes called server to server skip the check (config.checkOrigin: false): the LiveKit webhook,
// which authenticates by LiveKit's signature over the body, and PDF verification, which is public and
// changes nothing. GET routes are not checked (they are safe methods): they must change nothing, which
// the last test holds them to.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORIGIN } from '../app.ts';
import {
  CALLERS,
  SAMPLES,
  changes,
  createSecurityFixture,
  routeKey as key,
  routeTable,
  type Caller,
  type Req,
  type SecurityFixture,
  type Target,
} from './fixture.ts';
import { POLICY, type Outcome } from './policy.ts';

const TABLE = await routeTable();
const WRITES = TABLE.filter((r) => r.method !== 'GET' && r.method !== 'HEAD');
const READS = TABLE.filter((r) => r.method === 'GET');
/** Routes that do not check Origin, and what authenticates them instead. */
const SERVER_TO_SERVER = ['POST /api/livekit/webhook', 'POST /api/verify'];

let fx: SecurityFixture;
beforeAll(async () => {
  fx = await createSecurityFixture();
}, 300_000);
afterAll(async () => {
  await fx?.close();
});

/** Forged or header-less requests: the headers replace the same-origin ones (''= not sent). */
const FORGED: Record<string, Record<string, string>> = {
  'a foreign Origin': { origin: 'https://evil.example' },
  'a look-alike Origin': { origin: 'http://gavel.test.evil.example' },
  'Gavel’s host over another scheme': { origin: 'https://gavel.test' },
  'Gavel’s host on another port': { origin: 'http://gavel.test:8080' },
  'Origin null (a sandboxed frame, a data: URL)': { origin: 'null' },
  'a foreign Origin with Gavel’s Referer': { origin: 'https://evil.example', referer: `${ORIGIN}/hearings` },
  'no Origin and a foreign Referer': { origin: '', referer: 'https://evil.example/page' },
  'no Origin and a look-alike Referer': { origin: '', referer: 'http://gavel.test.evil.example/page' },
  'neither Origin nor Referer': { origin: '', referer: '' },
};

/** Who calls: someone the policy lets through to a 2xx, with a session when there is one to send. */
const PREFERRED: Caller[] = ['clerkA', 'judgeA', 'adminA', 'agent', 'plaintiff', ...CALLERS];
function callerFor(route: string): Caller {
  const p = POLICY[route];
  if (!p) throw new Error(`route ${route} has no declared policy`);
  const ok = (c: Caller, o: Outcome) => o.allowed && o.status === undefined && c !== 'anonymous';
  const c = PREFERRED.find((c) => ok(c, p.outcomes[c])) ?? PREFERRED.find((c) => p.outcomes[c].allowed);
  if (!c) throw new Error(`nobody may call ${route}`);
  return c;
}

/** The sample request of `route` as `caller` makes it, with `headers` over the same-origin ones. */
async function prepare(route: string, caller: Caller, x: Target, headers: Record<string, string> = {}) {
  const sample = SAMPLES[route];
  if (!sample) throw new Error(`route ${route} has no sample request`);
  const req: Req = await sample.request(fx, x, caller);
  const cookie = req.cookie !== undefined ? req.cookie : fx.cookieOf(caller, x.scene);
  return { ...req, cookie: cookie ?? null, headers: { ...req.headers, ...headers } };
}
const request = async (route: string, caller: Caller, x: Target, headers: Record<string, string> = {}) =>
  fx.inject(await prepare(route, caller, x, headers));

describe('CSRF: state-changing routes refuse requests that are not from Gavel’s origin', () => {
  it('checks Origin on every state-changing route but the server-to-server ones', async () => {
    // The check runs before anything else (onRequest): any id and body will do to see whether a route has it.
    const unchecked: string[] = [];
    for (const r of WRITES) {
      const res = await fx.inject({
        method: r.method as Req['method'],
        url: r.url.replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000'),
        cookie: fx.cookies.judgeA,
        headers: { origin: 'https://evil.example' },
      });
      if (!(res.statusCode === 403 && res.json().error.code === 'bad_origin')) unchecked.push(key(r));
    }
    expect(unchecked.sort()).toEqual([...SERVER_TO_SERVER].sort());
  });

  for (const route of WRITES.map(key).filter((k) => !SERVER_TO_SERVER.includes(k))) {
    it(
      route,
      async () => {
        const sample = SAMPLES[route];
        const p = POLICY[route];
        if (!sample || !p) throw new Error(`route ${route} has no sample or policy`);
        const caller = callerFor(route);
        const x = await sample.target(fx);
        const got: Record<string, string> = {};
        for (const [name, headers] of Object.entries(FORGED)) {
          // Built first: building may sign someone in (a session of their own to end).
          const req = await prepare(route, caller, x, headers);
          const before = await fx.fingerprint();
          const res = await fx.inject(req);
          const changed = changes(before, await fx.fingerprint());
          const body = res.json() as { error?: { code?: string } };
          got[name] =
            `${res.statusCode} ${body.error?.code ?? ''}${changed.length ? ` CHANGED ${changed.join(', ')}` : ''}`;
        }
        expect(got).toEqual(Object.fromEntries(Object.keys(FORGED).map((k) => [k, '403 bad_origin'])));
        // The same request from Gavel's own origin goes through: the refusals above were the origin's.
        const res = await request(route, caller, x);
        const o = p.outcomes[caller];
        expect(o.allowed).toBe(true);
        if (o.allowed && o.status !== undefined) expect(res.statusCode, res.body).toBe(o.status);
        else expect(res.statusCode, `${caller}: ${res.body}`).toBeLessThan(300);
      },
      120_000,
    );
  }

  it('accepts a same-origin Referer when Origin is absent (the documented fallback)', async () => {
    const route = 'POST /api/hearings/:id/chat';
    const res = await request(
      route,
      'clerkA',
      { scene: fx.hearing, ids: {} },
      { origin: '', referer: `${ORIGIN}/hearings/x` },
    );
    expect(res.statusCode, res.body).toBe(201);
  });
});

describe('the routes that skip the Origin check authenticate otherwise', () => {
  it('the LiveKit webhook: only LiveKit’s signature over the exact body opens it, from any origin', async () => {
    const room = await fx.t.db
      .selectFrom('hearings')
      .select('livekit_room')
      .where('id', '=', fx.hearing.hearingId)
      .executeTakeFirstOrThrow();
    const identity = fx.hearing.participants.defendant.id;
    const connected = async () =>
      (
        await fx.t.db
          .selectFrom('participants')
          .select('media_connected')
          .where('id', '=', identity)
          .executeTakeFirstOrThrow()
      ).media_connected;
    expect(await connected()).toBe(false);
    const event = { event: 'participant_joined', room: { name: room.livekit_room }, participant: { identity } };
    const signed = await fx.signedWebhook(event);
    const forged: Record<string, { authorization: string; cookie?: string }> = {
      'no signature': { authorization: '' },
      'a signature of another body': {
        authorization: (await fx.signedWebhook({ ...event, id: 'other' })).authorization,
      },
      'a session cookie instead': { authorization: '', cookie: fx.cookies.judgeA },
      garbage: { authorization: 'Bearer not-a-jwt' },
    };
    for (const [name, h] of Object.entries(forged)) {
      const before = await fx.fingerprint();
      const res = await fx.inject({
        method: 'POST',
        url: '/api/livekit/webhook',
        payload: signed.body,
        contentType: 'application/webhook+json',
        cookie: h.cookie ?? null,
        headers: { origin: 'https://evil.example', authorization: h.authorization },
      });
      expect(`${name}: ${res.statusCode} ${res.json().error?.code}`).toBe(`${name}: 401 bad_signature`);
      expect(changes(before, await fx.fingerprint()), name).toEqual([]);
    }
    expect(await connected()).toBe(false);
    // LiveKit's own request carries no Origin at all; the signature is what lets it in.
    const res = await fx.inject({
      method: 'POST',
      url: '/api/livekit/webhook',
      payload: signed.body,
      contentType: 'application/webhook+json',
      headers: { origin: '', authorization: signed.authorization },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(await connected()).toBe(true);
  });

  it('PDF verification: answers anyone, from any origin, and changes nothing', async () => {
    const pdf = await fx.inject({
      method: 'GET',
      url: `/api/transcripts/${fx.ids.sealId}/pdf`,
      cookie: fx.cookies.clerkA,
    });
    expect(pdf.statusCode).toBe(200);
    for (const origin of ['https://evil.example', '']) {
      const before = await fx.fingerprint();
      const res = await fx.inject({
        method: 'POST',
        url: '/api/verify',
        payload: pdf.rawPayload,
        contentType: 'application/pdf',
        cookie: fx.cookies.clerkA,
        headers: { origin },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ match: true, sha256: fx.ids.sealSha256 });
      expect(changes(before, await fx.fingerprint())).toEqual([]);
    }
  });
});

describe('safe methods are safe: a cross-site GET with a valid session changes nothing', () => {
  /** GETs that write, and why that is no CSRF risk. */
  const WRITING_GETS: Record<string, string[]> = {
    // Exporting a hearing's record is audited (who took a copy); a forged export only adds that line
    // to the trail (and moves its signed head), logs the bundle's manifest in the record log (a new tree
    // head the court signs) and downloads the ZIP to the victim's own machine.
    'GET /api/hearings/:id/export': ['audit_events', 'audit_heads', 'record_log_heads', 'record_log_leaves'],
    // Likewise a download of a recording; the first copy of a file Egress finished also hashes it into the
    // record log (its row keeps the hash), which any first sight of the file would do.
    'GET /api/hearings/:id/recordings/:rid/download': [
      'audit_events',
      'audit_heads',
      'record_log_heads',
      'record_log_leaves',
      'recordings',
    ],
    // Opening an invitation is on the hearing's trail. It takes the secret token, which a forger who
    // had it could open directly: the victim's session adds nothing.
    'GET /api/join/:token': ['audit_events', 'audit_heads'],
  };
  for (const route of READS.map(key)) {
    it(route, async () => {
      const sample = SAMPLES[route];
      if (!sample) throw new Error(`route ${route} has no sample request`);
      const caller = callerFor(route);
      const x = await sample.target(fx);
      const req = await prepare(route, caller, x, { origin: 'https://evil.example', referer: 'https://evil.example/' });
      const before = await fx.fingerprint();
      const res = await fx.inject(req);
      const changed = changes(before, await fx.fingerprint());
      expect(res.statusCode, res.body.slice(0, 200)).not.toBe(403);
      expect(changed).toEqual(WRITING_GETS[route] ?? []);
    });
  }
});
