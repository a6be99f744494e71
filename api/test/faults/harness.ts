import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { reconnectDelay } from '../../../web/src/lib/hearing/reconnect.ts';
import { hearingBody, type CourtFixture } from '../scheduling.ts';

/**
 * Fault tests run the real server, `node api/src/server.ts`, as a child process on loopback, so they
 * can SIGKILL it and start it again on the same port, database and data directory. Everything here
 * talks to it over real HTTP and websockets, as browsers do.
 */

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const SERVER_ENTRY = join(ROOT, 'api/src/server.ts');
/** One secret for every instance of a test, so a session cookie from one instance works on another. */
export const FAULTS_SESSION_SECRET = 'faults-session-secret-faults-session-secret-0001';

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// HTTP

export interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON of whichever route was called
  body: any;
  /** Set-Cookie headers, each as `name=value` (attributes dropped): ready for a Cookie header. */
  cookies: string[];
}

export interface HttpOptions {
  cookie?: string | undefined;
  /** JSON body. A POST without one sends {} as the web app does. */
  body?: unknown;
  /** The Origin header; state-changing requests need Gavel's PUBLIC_URL origin. */
  origin?: string | undefined;
  timeoutMs?: number;
}

/**
 * One HTTP request on a fresh connection (no keep-alive pool that could hand a request to a socket
 * of a killed process). Rejects on a network error: connection refused, reset by a kill, timeout.
 */
export function http(
  baseUrl: string,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  opts: HttpOptions = {},
): Promise<Answer> {
  const payload =
    opts.body !== undefined ? JSON.stringify(opts.body) : method === 'POST' || method === 'PATCH' ? '{}' : undefined;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (payload !== undefined) headers['content-type'] = 'application/json';
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.origin) headers.origin = opts.origin;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      new URL(path, baseUrl),
      { method, headers, agent: false, timeout: opts.timeoutMs ?? 15_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          if (String(res.headers['content-type'] ?? '').includes('json') && text) {
            try {
              body = JSON.parse(text);
            } catch {
              // Keep the text: a truncated answer from a dying process is still worth showing.
            }
          }
          const cookies = (res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]!);
          resolve({ status: res.statusCode ?? 0, body, cookies });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in ${opts.timeoutMs ?? 15_000} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** GET /api/health: its status code, or 0 when nothing answers. */
export async function health(baseUrl: string): Promise<number> {
  try {
    return (await http(baseUrl, 'GET', '/api/health', { timeoutMs: 3000 })).status;
  } catch {
    return 0;
  }
}

/** Polls /api/health until it answers 200. */
export async function waitForHealth(baseUrl: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 0;
  while (Date.now() < deadline) {
    last = await health(baseUrl);
    if (last === 200) return;
    await sleep(100);
  }
  throw new Error(`${baseUrl}/api/health did not answer 200 in ${timeoutMs} ms (last: ${last || 'no answer'})`);
}

// ---------------------------------------------------------------------------------------------
// The server process

export interface GavelOptions {
  /** The database to use; omit (undefined) for the embedded PostgreSQL in DATA_DIR, as `make run`. */
  databaseUrl?: string | undefined;
  /** Defaults to a free port. */
  port?: number;
  /** Defaults to a fresh temporary directory, removed by stop(). */
  dataDir?: string;
  /** PUBLIC_URL; defaults to http://127.0.0.1:<port>. Instances behind one address share one. */
  publicUrl?: string;
  /** Defaults to FAULTS_SESSION_SECRET. */
  sessionSecret?: string;
  /** Defaults to warn. */
  logLevel?: string;
  /** More environment (LIVEKIT_*, …); wins over everything above. */
  env?: Record<string, string>;
  /** How long start() waits for /api/health 200. */
  readyTimeoutMs?: number;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The real server as a child process: start, kill with a signal, start again on the same port. */
export class GavelServer {
  readonly port: number;
  /** Where to connect: http://127.0.0.1:<port>. */
  readonly url: string;
  /** PUBLIC_URL's origin: the Origin header writes and websockets must send. */
  readonly origin: string;
  readonly dataDir: string;
  readonly env: NodeJS.ProcessEnv;
  /** Times the process was started. */
  starts = 0;
  /** Date.now() when the latest start() began, and when /api/health first answered 200 after it. */
  startedAt = 0;
  readyAt = 0;

  private child: ChildProcess | undefined;
  private exited: Promise<Exit> | undefined;
  private lastExit: Exit | undefined;
  private log = '';
  private readonly ownsDataDir: boolean;
  private readonly readyTimeoutMs: number;
  /** Process groups we started (each start is its own group), killed for good by stop(). */
  private readonly groups = new Set<number>();

  constructor(port: number, opts: GavelOptions = {}) {
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
    const publicUrl = opts.publicUrl ?? this.url;
    this.origin = new URL(publicUrl).origin;
    this.ownsDataDir = opts.dataDir === undefined;
    this.dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'gavel-faults-'));
    this.readyTimeoutMs = opts.readyTimeoutMs ?? 60_000;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: publicUrl,
      DATA_DIR: this.dataDir,
      SESSION_SECRET: opts.sessionSecret ?? FAULTS_SESSION_SECRET,
      LOG_LEVEL: opts.logLevel ?? 'warn',
      ...opts.env,
    };
    // The test runner's DATABASE_URL is the admin database: never let it leak into the server.
    if (opts.databaseUrl) env.DATABASE_URL = opts.databaseUrl;
    else delete env.DATABASE_URL;
    this.env = env;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/api/ws`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Everything the process (every start of it) wrote to stdout and stderr; the last 200 kB. */
  get output(): string {
    return this.log;
  }

  /** Spawns the server and waits for /api/health 200; rejects (with its output) if it exits first. */
  async start(): Promise<void> {
    if (this.running) throw new Error(`server on port ${this.port} is already running`);
    this.starts++;
    this.startedAt = Date.now();
    this.readyAt = 0;
    // Its own process group, so stop() also ends anything it started (an embedded PostgreSQL).
    const child = spawn(process.execPath, [SERVER_ENTRY], {
      cwd: ROOT,
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.child = child;
    if (child.pid) this.groups.add(child.pid);
    const keep = (d: Buffer) => {
      this.log = (this.log + d.toString()).slice(-200_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise<Exit>((resolve) =>
      child.once('exit', (code, signal) => {
        this.lastExit = { code, signal };
        resolve(this.lastExit);
      }),
    );
    this.log += `--- start #${this.starts} (pid ${child.pid ?? '?'}) ---\n`;
    const exited = this.exited.then((e) => {
      throw new Error(`server exited (code ${e.code}, signal ${e.signal}) before it was ready:\n${this.log}`);
    });
    await Promise.race([waitForHealth(this.url, this.readyTimeoutMs), exited]).catch((err: unknown) => {
      if (this.running) child.kill('SIGKILL');
      throw err;
    });
    this.readyAt = Date.now();
  }

  /** Sends `signal` to the server process itself (not its children) and waits for it to exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<Exit> {
    const child = this.child;
    if (!child || !this.running) return this.lastExit ?? { code: null, signal: null };
    child.kill(signal);
    return this.exited!;
  }

  /** Starts it again: same port, database, data directory and secrets. Kills it first if it runs. */
  async restart(): Promise<void> {
    if (this.running) await this.kill('SIGKILL');
    await this.start();
  }

  /** Kills everything it started (SIGKILL to each process group) and removes a temporary data directory. */
  async stop(): Promise<void> {
    const exited = this.running ? this.exited : undefined;
    for (const group of this.groups) {
      try {
        process.kill(-group, 'SIGKILL');
      } catch {
        // ESRCH: that group is gone already.
      }
    }
    this.groups.clear();
    await exited;
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** A started server; see GavelOptions. Stop it in afterAll. */
export async function startGavel(opts: GavelOptions = {}): Promise<GavelServer> {
  const server = new GavelServer(opts.port ?? (await freePort()), opts);
  try {
    await server.start();
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

/**
 * Stops every server and client given, whatever state each is in; for afterAll. Collects failures
 * and throws the first only after trying them all.
 */
export async function cleanUp(...things: Array<{ stop(): unknown } | undefined>): Promise<void> {
  const results = await Promise.allSettled(things.map(async (t) => t?.stop()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

// ---------------------------------------------------------------------------------------------
// Staff and participants over HTTP

/** Signs a staff member in; returns the session cookie. */
export async function login(server: GavelServer, who: { email: string; password: string }): Promise<string> {
  const res = await http(server.url, 'POST', '/api/auth/login', {
    origin: server.origin,
    body: { email: who.email, password: who.password },
  });
  const cookie = res.cookies.find((c) => c.includes('gavel_session='));
  if (res.status !== 200 || !cookie) throw new Error(`sign-in failed ${res.status}: ${JSON.stringify(res.body)}`);
  return cookie;
}

/** A call as someone (cookie) from Gavel's own origin; throws unless the status is one of `expect`. */
export async function expectCall(
  server: GavelServer,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  cookie: string | undefined,
  body?: unknown,
  expect: number[] = [200, 201, 204],
): Promise<Answer> {
  const res = await http(server.url, method, path, { cookie, origin: server.origin, body });
  if (!expect.includes(res.status)) {
    throw new Error(`${method} ${path} → ${res.status} (wanted ${expect.join('/')}): ${JSON.stringify(res.body)}`);
  }
  return res;
}

/** Invites a participant as the clerk and opens the invite link; returns their id and participant cookie. */
export async function inviteAndJoin(
  server: GavelServer,
  clerkCookie: string,
  hearingId: string,
  role: string,
  displayName: string,
): Promise<{ id: string; cookie: string }> {
  const invited = await expectCall(
    server,
    'POST',
    `/api/hearings/${hearingId}/participants`,
    clerkCookie,
    { role, displayName },
    [201],
  );
  const token = String(invited.body.inviteUrl).split('/join/')[1] ?? '';
  const joined = await expectCall(server, 'POST', '/api/join', undefined, { token }, [200]);
  const cookie = joined.cookies.find((c) => c.startsWith('gavel_participant='));
  if (!cookie) throw new Error('the join answer set no participant cookie');
  return { id: invited.body.participant.id as string, cookie };
}

// ---------------------------------------------------------------------------------------------
// A websocket client of /api/ws that behaves like the web app's HearingSocket

export interface EventMessage {
  type: 'event';
  hearingId: string;
  seq: number;
  kind: string;
  payload: Record<string, unknown>;
  at: string;
}
export interface SnapshotMessage {
  type: 'snapshot';
  hearingId: string;
  seq: number;
  state: Record<string, unknown>;
}
export type ClientStatus = 'connecting' | 'live' | 'reconnecting' | 'denied' | 'closed';

const CLOSE_SLOW_CONSUMER = 4008;

export interface HearingClientOptions {
  /** Where to connect, asked on every attempt (a test may repoint it, as a load balancer would). */
  url: () => string;
  hearingId: string;
  cookie: string;
  origin: string;
  /** Defaults to the web client's own policy. */
  delay?: (attempt: number) => number;
}

/**
 * A raw websocket client with the web client's reconnect policy (web/src/lib/hearing/reconnect.ts,
 * the same function) and protocol: subscribe {hearingId} first, then {hearingId, lastSeq} after each
 * reconnect; apply each event once, by seq. Keeps everything it received for the test to check.
 */
export class HearingClient {
  readonly hearingId: string;
  url: () => string;
  status: ClientStatus = 'connecting';
  ready = false;
  lastSeq = 0;
  /** Events applied (seq above lastSeq), in arrival order. */
  readonly events: EventMessage[] = [];
  readonly snapshots: SnapshotMessage[] = [];
  readonly errors: Array<Record<string, unknown>> = [];
  /** Date.now() of every open socket, and of every close. */
  readonly opens: number[] = [];
  readonly closes: number[] = [];
  /** Every connection attempt: when, where. */
  readonly attempts: Array<{ at: number; url: string }> = [];

  private readonly cookie: string;
  private readonly origin: string;
  private readonly delay: (attempt: number) => number;
  private ws: WebSocket | undefined;
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(opts: HearingClientOptions) {
    this.hearingId = opts.hearingId;
    this.url = opts.url;
    this.cookie = opts.cookie;
    this.origin = opts.origin;
    this.delay = opts.delay ?? ((attempt) => reconnectDelay(attempt));
  }

  start(): this {
    this.stopped = false;
    this.connect();
    return this;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    const ws = this.ws;
    this.ws = undefined;
    if (ws && ws.readyState === WebSocket.OPEN) ws.close(1000);
    else ws?.terminate();
    if (this.status !== 'denied') this.status = 'closed';
  }

  /** Resolves once the first snapshot arrived. */
  async whenReady(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ready) {
      if (Date.now() > deadline) throw new Error(`no snapshot in ${timeoutMs} ms (status ${this.status})`);
      await sleep(20);
    }
  }

  /** Entries pushed as transcript.entry events, in the order received. */
  entries(): Array<{ id: string; seq: number; text: string }> {
    return this.events
      .filter((e) => e.kind === 'transcript.entry')
      .map((e) => e.payload.entry as { id: string; seq: number; text: string });
  }

  private connect(): void {
    if (this.stopped) return;
    const url = this.url();
    this.attempts.push({ at: Date.now(), url });
    const ws = new WebSocket(url, { headers: { origin: this.origin, cookie: this.cookie } });
    this.ws = ws;
    // A refused or failed connection also ends in 'close' (1006), where the reconnect is scheduled.
    ws.on('error', () => {});
    ws.on('open', () => {
      if (this.ws !== ws) return;
      const subscribe: Record<string, unknown> = { type: 'subscribe', hearingId: this.hearingId };
      if (this.ready) subscribe.lastSeq = this.lastSeq;
      ws.send(JSON.stringify(subscribe));
      this.opens.push(Date.now());
      this.attempt = 0;
      this.status = 'live';
    });
    ws.on('message', (raw) => {
      if (this.ws !== ws) return;
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(String(raw)) as Record<string, unknown>;
      } catch {
        return;
      }
      this.receive(msg);
    });
    ws.on('close', (code) => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      this.closes.push(Date.now());
      if (this.stopped || this.status === 'denied') return;
      if (code === CLOSE_SLOW_CONSUMER) this.attempt = 0;
      this.scheduleReconnect();
    });
  }

  private receive(msg: Record<string, unknown>): void {
    if (msg.type === 'snapshot') {
      const s = msg as unknown as SnapshotMessage;
      this.snapshots.push(s);
      this.lastSeq = s.seq;
      this.ready = true;
      return;
    }
    if (msg.type === 'event') {
      const e = msg as unknown as EventMessage;
      if (e.seq <= this.lastSeq) return;
      this.lastSeq = e.seq;
      this.events.push(e);
      return;
    }
    this.errors.push(msg);
    if (msg.code === 'not_found' || msg.code === 'unauthorized') {
      this.status = 'denied';
      this.ws?.close(1000);
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.status = 'reconnecting';
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), this.delay(this.attempt));
    this.attempt += 1;
  }
}

// ---------------------------------------------------------------------------------------------
// A hearing in session, set up over HTTP as the clerk and judge would

export interface Party {
  role: string;
  displayName: string;
  /** Admitted from the lobby into the hearing (default), or left waiting in the lobby. */
  admit?: boolean;
}

export interface SessionHearing {
  id: string;
  /** Session cookies of the fixture's judge (the hearing's judge) and clerk (who scheduled it). */
  judge: string;
  clerk: string;
  /** The parties in the order given, each with their participant cookie. */
  parties: Array<Party & { id: string; cookie: string }>;
}

let slot = 0;

/**
 * Signs in the court's judge and clerk, has the clerk schedule a hearing (so they are its clerk),
 * invite the parties (each opens their link), the judge open the lobby, the parties enter it, the
 * judge admit those to admit and start the hearing. Needs a LiveKit stand-in in the server's env
 * (LIVEKIT_API_URL) for the room the lobby opens.
 */
export async function hearingInSession(
  server: GavelServer,
  f: CourtFixture,
  parties: Party[] = [
    { role: 'plaintiff', displayName: 'Zhang San' },
    { role: 'defendant', displayName: 'Li Si' },
  ],
): Promise<SessionHearing> {
  const [judge, clerk] = await Promise.all([login(server, f.judge), login(server, f.clerk)]);
  // A fresh hour far in the future for each, so no two bookings conflict.
  const start = new Date(Date.UTC(2031, 0, 1) + ++slot * 2 * 3_600_000);
  const scheduled = await expectCall(
    server,
    'POST',
    '/api/hearings',
    clerk,
    hearingBody(f, start.toISOString(), new Date(start.getTime() + 3_600_000).toISOString()),
  );
  const id = scheduled.body.hearing.id as string;
  const joined: SessionHearing['parties'] = [];
  for (const p of parties) joined.push({ ...p, ...(await inviteAndJoin(server, clerk, id, p.role, p.displayName)) });
  await expectCall(server, 'POST', `/api/hearings/${id}/state`, judge, { action: 'open' });
  for (const p of joined) await expectCall(server, 'POST', `/api/hearings/${id}/lobby`, p.cookie);
  for (const p of joined) {
    if (p.admit !== false) await expectCall(server, 'POST', `/api/hearings/${id}/participants/${p.id}/admit`, judge);
  }
  await expectCall(server, 'POST', `/api/hearings/${id}/state`, judge, { action: 'start' });
  return { id, judge, clerk, parties: joined };
}
