import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { expectCall, login, sleep, type GavelServer } from './harness.ts';

/**
 * For the database fault tests: a steady mix of requests against a real Gavel process (health,
 * authenticated reads, transcript writes), recording every answer with its status, error code and
 * Retry-After, and every write that was acknowledged.
 */

export interface Outcome {
  kind: 'health' | 'me' | 'docket' | 'write';
  startedAt: number;
  at: number;
  /** 0: no HTTP answer at all (refused, reset, timed out). */
  status: number;
  code?: string | undefined;
  retryAfter?: string | undefined;
  /** The network error, when there was no answer. */
  network?: string | undefined;
}

export interface AckedEntry {
  id: string;
  seq: number;
  text: string;
  at: number;
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON of whichever route was called
  body: any;
}

/** One request on a fresh connection, with the answer's headers (Retry-After) kept. */
function call(
  server: GavelServer,
  method: 'GET' | 'POST',
  path: string,
  opts: { cookie?: string; body?: unknown } = {},
): Promise<Reply> {
  const payload = method === 'POST' ? JSON.stringify(opts.body ?? {}) : undefined;
  const headers: Record<string, string> = { accept: 'application/json', origin: server.origin };
  if (payload !== undefined) headers['content-type'] = 'application/json';
  if (opts.cookie) headers.cookie = opts.cookie;
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, server.url), { method, headers, agent: false, timeout: 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // Not JSON: kept as text, and the test says so.
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    req.on('timeout', () => req.destroy(new Error('no answer in 15 s')));
    req.on('error', reject);
    req.end(payload);
  });
}

/** The demo court's sign-ins, as the first start printed them (once). */
export function demoLogins(
  server: GavelServer,
): Record<'admin' | 'judge' | 'clerk', { email: string; password: string }> {
  const found: Record<string, { email: string; password: string }> = {};
  for (const m of server.output.matchAll(/gavel: {3}(admin|judge|clerk)\s+(\S+@demo\.gavel\.test)\s+(\S+)/g)) {
    found[m[1]!] = { email: m[2]!, password: m[3]! };
  }
  if (!found.admin || !found.judge || !found.clerk)
    throw new Error(`no demo sign-ins in the output:\n${server.output}`);
  return found as Record<'admin' | 'judge' | 'clerk', { email: string; password: string }>;
}

/** Signs in as the demo clerk and schedules a hearing in the demo court, as the docket's form does. */
export async function demoHearing(server: GavelServer): Promise<{ clerk: string; hearingId: string }> {
  const clerk = await login(server, demoLogins(server).clerk);
  const options = (await expectCall(server, 'GET', '/api/hearings/options', clerk)).body;
  const created = await expectCall(server, 'POST', '/api/cases', clerk, {
    number: `F-${Date.now()}`,
    caption: 'Zhang v. Li',
    caseType: 'civil',
  });
  const start = new Date(Date.UTC(2031, 5, 2, 2));
  const hearing = await expectCall(server, 'POST', '/api/hearings', clerk, {
    caseId: created.body.case.id,
    courtroomId: options.courtrooms[0].id,
    judgeId: options.judges[0].id,
    title: 'Case management conference',
    scheduledStart: start.toISOString(),
    scheduledEnd: new Date(start.getTime() + 3_600_000).toISOString(),
  });
  return { clerk, hearingId: hearing.body.hearing.id as string };
}

/** The embedded PostgreSQL's postmaster pid and port, from DATA_DIR/postgres/postmaster.pid. */
export function postmaster(dataDir: string): { pid: number; port: number } {
  const lines = readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n');
  return { pid: Number(lines[0]), port: Number(lines[3]) };
}

/** Whether the process runs; a zombie (killed, not yet reaped by whoever adopted it) does not. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S …"; the state follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return true;
  }
}

/**
 * Loops of requests, each loop one at a time with a short pause: /api/health, GET /api/auth/me and the
 * docket as the clerk, and `writers` loops adding transcript entries. Runs until stop().
 */
export class Pressure {
  readonly outcomes: Outcome[] = [];
  readonly acked: AckedEntry[] = [];
  private running = false;
  private loops: Promise<void>[] = [];
  private n = 0;

  private readonly server: GavelServer;
  private readonly clerk: string;
  private readonly hearingId: string;
  private readonly opts: { writers?: number; pauseMs?: number; label?: string };

  constructor(
    server: GavelServer,
    clerk: string,
    hearingId: string,
    opts: { writers?: number; pauseMs?: number; label?: string } = {},
  ) {
    this.server = server;
    this.clerk = clerk;
    this.hearingId = hearingId;
    this.opts = opts;
  }

  start(): this {
    this.running = true;
    const from = new Date(Date.UTC(2031, 5, 1)).toISOString();
    const to = new Date(Date.UTC(2031, 6, 1)).toISOString();
    this.loops = [
      this.loop('health', () => call(this.server, 'GET', '/api/health')),
      this.loop('me', () => call(this.server, 'GET', '/api/auth/me', { cookie: this.clerk })),
      this.loop('docket', () =>
        call(this.server, 'GET', `/api/hearings?from=${from}&to=${to}`, { cookie: this.clerk }),
      ),
      ...Array.from({ length: this.opts.writers ?? 2 }, () => this.loop('write', () => this.write())),
    ];
    return this;
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  /** Adds one entry and keeps it when acknowledged; the test's own writes go through here too. */
  async write(): Promise<Reply> {
    const text = `${this.opts.label ?? 'Entry'} ${String(++this.n).padStart(4, '0')}: counsel addresses the court.`;
    const res = await call(this.server, 'POST', `/api/hearings/${this.hearingId}/transcript/entries`, {
      cookie: this.clerk,
      body: { speaker: 'Court', text },
    });
    if (res.status === 201) {
      const entry = res.body.entry as { id: string; seq: number; text: string };
      this.acked.push({ id: entry.id, seq: entry.seq, text: entry.text, at: Date.now() });
    }
    return res;
  }

  since(t: number): Outcome[] {
    return this.outcomes.filter((o) => o.startedAt >= t);
  }

  private async loop(kind: Outcome['kind'], once: () => Promise<Reply>): Promise<void> {
    while (this.running) {
      const startedAt = Date.now();
      try {
        const res = await once();
        const code = typeof res.body === 'object' && res.body?.error ? String(res.body.error.code) : undefined;
        const retryAfter = res.headers['retry-after'];
        this.outcomes.push({
          kind,
          startedAt,
          at: Date.now(),
          status: res.status,
          code:
            code ?? (typeof res.body === 'string' && res.status >= 400 ? `not JSON: ${res.body.slice(0, 80)}` : code),
          retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
        });
      } catch (err) {
        this.outcomes.push({ kind, startedAt, at: Date.now(), status: 0, network: String(err) });
      }
      await sleep(this.opts.pauseMs ?? 20);
    }
  }
}

/** Answers that are neither a success nor the promised 503 database_unavailable with Retry-After. */
export function broken(outcomes: Outcome[]): Outcome[] {
  return outcomes.filter(
    (o) =>
      !(o.status >= 200 && o.status < 300) &&
      !(
        o.status === 503 &&
        o.code === 'database_unavailable' &&
        o.retryAfter !== undefined &&
        Number(o.retryAfter) > 0
      ),
  );
}

/**
 * The outage as the clients saw it: the first failed answer after `from`, the last one, and the first
 * success of a request sent after the outage began (the recovery).
 */
export function outage(
  outcomes: Outcome[],
  from: number,
): { firstFailure: number; lastFailure: number; recovered: number; failures: number } | undefined {
  const after = outcomes.filter((o) => o.startedAt >= from);
  const failures = after.filter((o) => !(o.status >= 200 && o.status < 300));
  if (!failures.length) return undefined;
  const firstFailure = Math.min(...failures.map((o) => o.at));
  const lastFailure = Math.max(...failures.map((o) => o.at));
  const ok = after.filter((o) => o.status >= 200 && o.status < 300 && o.startedAt > firstFailure);
  const recovered = ok.length ? Math.min(...ok.map((o) => o.at)) : Number.NaN;
  return { firstFailure, lastFailure, recovered, failures: failures.length };
}
