import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import WebSocket from 'ws';
import { buildApp } from '../src/app.ts';
import { CapturingMailer } from '../src/platform/mail/mailer.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';
import { ORIGIN, passwords, testConfig } from './app.ts';
import { LiveKitStandin } from './livekit-standin.ts';
import {
  call,
  createCourtFixture,
  hearingBody,
  participantCookie,
  signInAs,
  tokenOf,
  type CourtFixture,
} from './scheduling.ts';

export const LIVEKIT_KEY = 'devkey';
export const LIVEKIT_SECRET = 'live-test-secret-live-test-secret-0001';
export const LIVEKIT_BROWSER_URL = 'wss://media.gavel.test';

/** The LiveKit stand-in, started; stop it in afterAll. */
export async function startStandin(): Promise<{ standin: LiveKitStandin; apiUrl: string }> {
  const standin = new LiveKitStandin(LIVEKIT_KEY, LIVEKIT_SECRET);
  return { standin, apiUrl: await standin.start() };
}

export function liveEnv(apiUrl: string) {
  return {
    LIVEKIT_URL: LIVEKIT_BROWSER_URL,
    LIVEKIT_API_URL: apiUrl,
    LIVEKIT_API_KEY: LIVEKIT_KEY,
    LIVEKIT_API_SECRET: LIVEKIT_SECRET,
  };
}

export interface LiveAppOptions {
  /** More configuration, over the LiveKit settings. */
  env?: Record<string, string>;
  realtime?: { heartbeatMs?: number; maxBufferedBytes?: number };
  now?: () => Date;
}

/** An app instance on the test database with its own realtime hub (its own LISTEN connection). */
export async function liveApp(t: TestDatabase, apiUrl: string, opts: LiveAppOptions = {}): Promise<FastifyInstance> {
  return buildApp({
    config: testConfig({ ...liveEnv(apiUrl), ...opts.env }),
    db: t.db,
    passwords,
    logger: false,
    mailer: new CapturingMailer(),
    databaseUrl: t.url,
    ...(opts.realtime ? { realtime: opts.realtime } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  });
}

export interface LiveCourt {
  f: CourtFixture;
  cookies: { clerk: string; judge: string; judge2: string };
}

export async function liveCourt(app: FastifyInstance, t: TestDatabase, name: string): Promise<LiveCourt> {
  const f = await createCourtFixture(t.db, name);
  return {
    f,
    cookies: {
      clerk: await signInAs(app, f.clerk),
      judge: await signInAs(app, f.judge),
      judge2: await signInAs(app, f.judge2),
    },
  };
}

export interface Live {
  t: TestDatabase;
  standin: LiveKitStandin;
  apiUrl: string;
  app: FastifyInstance;
  /** The court named at opening, its bench signed in. */
  c: LiveCourt;
}

const opened: Array<() => Promise<void>> = [];

/**
 * A file's live-hearing world, for its beforeAll: a fresh database, the LiveKit stand-in, an app on both (listening on
 * a port when asked) and a court named `name`. `closeLive` (its afterAll) closes them.
 */
export async function openLive(name: string, opts: LiveAppOptions & { listen?: boolean } = {}): Promise<Live> {
  const t = await createTestDatabase();
  opened.push(() => t.drop());
  const { standin, apiUrl } = await startStandin();
  opened.push(() => standin.stop());
  const { listen, ...appOpts } = opts;
  const app = await liveApp(t, apiUrl, appOpts);
  opened.push(() => app.close());
  if (listen) await app.listen({ port: 0, host: '127.0.0.1' });
  return { t, standin, apiUrl, app, c: await liveCourt(app, t, name) };
}

/** Closes what openLive opened, the app first and the database last. */
export async function closeLive(): Promise<void> {
  for (let close = opened.pop(); close; close = opened.pop()) await close();
}

/**
 * The cookies of the callers every access table has, by its names of them: the court's staff (a clerk of `other`
 * stands for another court), a participant of another hearing of the court when given, and no one.
 */
export function callerCookies(c: LiveCourt, other: LiveCourt, partOther?: Invited) {
  return {
    judgeOfHearing: c.cookies.judge,
    clerkOfHearing: c.cookies.clerk,
    otherJudgeHere: c.cookies.judge2,
    staffOtherCourt: other.cookies.clerk,
    partOther: partOther?.cookie,
    anonymous: undefined,
  };
}

let slot = 0;
let ip = 0;

/** A fresh hour far in the future, so no booking conflicts with another. */
export function nextSlot() {
  slot++;
  const start = new Date(Date.UTC(2030, 0, 1) + slot * 2 * 3_600_000);
  return { start: start.toISOString(), end: new Date(start.getTime() + 3_600_000).toISOString() };
}

export interface Invited {
  id: string;
  role: string;
  cookie: string;
}

/** A hearing scheduled by the clerk (so they are its clerk) for the court's first judge. */
export async function scheduleHearing(app: FastifyInstance, c: LiveCourt, judgeId = c.f.judge.id): Promise<string> {
  const s = nextSlot();
  const res = await call(app, 'POST', '/api/hearings', {
    cookie: c.cookies.clerk,
    payload: hearingBody(c.f, s.start, s.end, { judgeId }),
  });
  if (res.statusCode !== 201) throw new Error(`schedule failed ${res.statusCode}: ${res.body}`);
  return res.json().hearing.id as string;
}

/** Invites someone and opens their link: returns their participant-session cookie. */
export async function invite(
  app: FastifyInstance,
  c: LiveCourt,
  hearingId: string,
  role: string,
  extra: Record<string, unknown> = {},
): Promise<Invited> {
  const p = await call(app, 'POST', `/api/hearings/${hearingId}/participants`, {
    cookie: c.cookies.clerk,
    payload: { role, displayName: `${role} ${++ip}`, ...extra },
  });
  if (p.statusCode !== 201) throw new Error(`invite failed ${p.statusCode}: ${p.body}`);
  ip++;
  const joined = await app.inject({
    method: 'POST',
    url: '/api/join',
    remoteAddress: `10.${(ip >> 16) & 255}.${(ip >> 8) & 255}.${ip & 255}`,
    headers: { origin: ORIGIN },
    payload: { token: tokenOf(p.json().inviteUrl) },
  });
  return { id: p.json().participant.id as string, role, cookie: participantCookie(joined) };
}

export interface BothSides {
  plaintiff: Invited;
  defendant: Invited;
  /** The plaintiff's agent. */
  agent: Invited;
  /** The defendant's agent. */
  defAgent: Invited;
}

/** Invites the plaintiff and the defendant, then an agent for each. */
export async function inviteBothSides(app: FastifyInstance, c: LiveCourt, hearingId: string): Promise<BothSides> {
  const plaintiff = await invite(app, c, hearingId, 'plaintiff');
  const defendant = await invite(app, c, hearingId, 'defendant');
  const agent = await invite(app, c, hearingId, 'agent', { representsId: plaintiff.id });
  const defAgent = await invite(app, c, hearingId, 'agent', { representsId: defendant.id });
  return { plaintiff, defendant, agent, defAgent };
}

export async function setState(app: FastifyInstance, c: LiveCourt, hearingId: string, action: string) {
  const res = await call(app, 'POST', `/api/hearings/${hearingId}/state`, {
    cookie: c.cookies.judge,
    payload: { action },
  });
  if (res.statusCode !== 200) throw new Error(`${action} failed ${res.statusCode}: ${res.body}`);
  return res;
}

/** The invited wait in the open hearing's lobby, one after another. */
export async function enterLobby(app: FastifyInstance, hearingId: string, people: Invited[]): Promise<void> {
  for (const p of people) await expectOk(call(app, 'POST', `/api/hearings/${hearingId}/lobby`, { cookie: p.cookie }));
}

/** The judge admits these from the lobby one by one, or everyone waiting there at once ('all'). */
export async function admit(app: FastifyInstance, c: LiveCourt, hearingId: string, who: Invited[] | 'all') {
  if (who === 'all') {
    await expectOk(call(app, 'POST', `/api/hearings/${hearingId}/admit-all`, { cookie: c.cookies.judge }));
    return;
  }
  for (const p of who) {
    await expectOk(
      call(app, 'POST', `/api/hearings/${hearingId}/participants/${p.id}/admit`, { cookie: c.cookies.judge }),
    );
  }
}

/** `asker` asks `asked` to consult privately and `asked` accepts: the consultation opened. */
export async function consult(
  app: FastifyInstance,
  hearingId: string,
  asker: Invited,
  asked: Invited,
): Promise<{ id: string; room: string }> {
  const asking = await expectOk(
    call(app, 'POST', `/api/hearings/${hearingId}/consultation-requests`, {
      cookie: asker.cookie,
      payload: { participantIds: [asked.id, asker.id] },
    }),
    201,
  );
  const opened = await expectOk(
    call(app, 'POST', `/api/hearings/${hearingId}/consultation-requests/${asking.json().request.id}/accept`, {
      cookie: asked.cookie,
    }),
    201,
  );
  return opened.json().consultation;
}

export async function expectOk(res: Promise<LightMyRequestResponse> | LightMyRequestResponse, status = 200) {
  const r = await res;
  if (r.statusCode !== status) throw new Error(`expected ${status}, got ${r.statusCode}: ${r.body}`);
  return r;
}

export interface SocketClient {
  ws: WebSocket;
  messages: Array<Record<string, unknown>>;
  next(predicate?: (m: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  close(): void;
}

/** A real websocket client of /api/ws with a session cookie. */
export function connectSocket(url: string, cookie: string | undefined, origin = ORIGIN): Promise<SocketClient> {
  const ws = new WebSocket(url, { headers: { origin, ...(cookie ? { cookie } : {}) } });
  const messages: Array<Record<string, unknown>> = [];
  let cursor = 0;
  const waiters: Array<() => void> = [];
  ws.on('message', (raw) => {
    messages.push(JSON.parse(String(raw)) as Record<string, unknown>);
    waiters.splice(0).forEach((w) => w());
  });
  const client: SocketClient = {
    ws,
    messages,
    close: () => ws.close(),
    next: async (predicate = () => true, timeoutMs = 5000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        while (cursor < messages.length) {
          const m = messages[cursor++]!;
          if (predicate(m)) return m;
        }
        if (Date.now() > deadline) throw new Error(`no matching message; got ${JSON.stringify(messages)}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(client));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

export function wsUrl(app: FastifyInstance): string {
  return `ws://127.0.0.1:${(app.server.address() as { port: number }).port}/api/ws`;
}

export const isEvent = (kind: string) => (m: Record<string, unknown>) => m.type === 'event' && m.kind === kind;
