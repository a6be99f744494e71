import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';
import { AxeBuilder } from '@axe-core/playwright';
import {
  chromium,
  request,
  type APIRequestContext,
  type APIResponse,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from 'playwright-core';
import { createTestDatabase, type TestDatabase } from '../../api/test/db.ts';
import { SERVER_NODE_FLAGS } from '../../api/test/process.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export interface Gavel {
  url: string;
  database: TestDatabase;
  /** What the server printed until it was ready: on a first start, the demo court's one-time logins. */
  startupOutput: string;
  /** Creates a staff account through the real CLI, as an administrator would. */
  createUser(role: 'judge' | 'clerk' | 'admin', name: string): { email: string; password: string };
  stop(): Promise<void>;
}

/**
 * Starts the real server (built web app, real PostgreSQL database of its own) as a child process;
 * `env` adds or overrides its environment (a LiveKit server, say).
 */
export async function startGavel(options: { env?: Record<string, string> } = {}): Promise<Gavel> {
  if (!existsSync(join(ROOT, 'web/build/index.html'))) {
    throw new Error('web/build is missing: run `npm run build -w web` (make test does)');
  }
  const database = await createTestDatabase({ migrate: false });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'gavel-e2e-'));
  const env = {
    ...process.env,
    DATABASE_URL: database.url,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: url,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    ...options.env,
  };
  const child: ChildProcess = spawn(process.execPath, [...SERVER_NODE_FLAGS, join(ROOT, 'api/src/server.ts')], {
    env,
    stdio: 'pipe',
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 90 s:\n${output}`)), 90_000);
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
      if (output.includes('gavel: ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });

  let n = 0;
  return {
    url,
    database,
    startupOutput: output,
    createUser(role, name) {
      const email = `${role}${++n}@e2e.court.test`;
      const password = `e2e password ${n} 长期有效`;
      const res = spawnSync(
        process.execPath,
        [join(ROOT, 'api/src/cli.ts'), 'create-user', '--email', email, '--name', name, '--role', role],
        { env, input: `${password}\n`, encoding: 'utf8', timeout: 30_000 },
      );
      if (res.status !== 0) throw new Error(`create-user failed: ${res.stderr}`);
      return { email, password };
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `extraArgs` adds Chromium switches, e.g. fake camera and microphone for the hearing room. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...extraArgs,
    ],
  });
}

/**
 * Runs axe-core (WCAG 2.0–2.2 A/AA rules) on the page as it is now and throws on any serious or
 * critical violation, listing each with its nodes so the failure says what to fix.
 */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length === 0) return;
  const lines = bad.map(
    (v) =>
      `- [${v.impact}] ${v.id}: ${v.help}\n` +
      v.nodes.map((n) => `    ${n.target.join(' ')} — ${n.failureSummary?.replace(/\s+/g, ' ')}`).join('\n'),
  );
  throw new Error(`accessibility violations on "${label}" (${page.url()}):\n${lines.join('\n')}`);
}

/** The little of the DOM the in-page checks below use (this file is type-checked without the DOM's types). */
interface InPage {
  parentElement: InPage | null;
  innerText: string;
  matches(selector: string): boolean;
  getClientRects(): { length: number };
  querySelectorAll(selector: string): Iterable<InPage>;
}
interface InPageStyle {
  color: string;
  backgroundColor: string;
  visibility: string;
}

/**
 * Every visible, enabled button (and link drawn as a button) inside `scope` has text with a WCAG contrast
 * of at least 4.5:1 against the background it is actually drawn on (its own and its ancestors' colours,
 * composited), or this throws naming each one. axe-core leaves a button whose text and background are
 * the same colour as "incomplete", so this is checked by measuring.
 */
export async function expectReadableButtons(page: Page, label: string, scope = 'body'): Promise<void> {
  // A colour mid-transition (a button that has just appeared or been enabled) is measured again.
  let failure: Error | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (attempt > 0) await page.waitForTimeout(300);
    failure = await unreadableButtons(page, label, scope);
    if (!failure) return;
  }
  throw failure;
}

async function unreadableButtons(page: Page, label: string, scope: string): Promise<Error | undefined> {
  const found = await page.locator(scope).evaluate((root: InPage) => {
    const getComputedStyle = (globalThis as unknown as { getComputedStyle(e: InPage): InPageStyle }).getComputedStyle;
    type Rgba = [number, number, number, number];
    const parse = (css: string): Rgba => {
      const m = /rgba?\(([^)]+)\)/.exec(css);
      if (!m) return [0, 0, 0, 0];
      const [r = 0, g = 0, b = 0, a = 1] = m[1]!
        .split(/[\s,/]+/)
        .filter(Boolean)
        .map(Number);
      return [r, g, b, a];
    };
    const over = (top: Rgba, under: Rgba): Rgba => {
      const a = top[3];
      return [0, 1, 2].map((i) => top[i]! * a + under[i]! * (1 - a)).concat(1) as Rgba;
    };
    const luminance = ([r, g, b]: Rgba) => {
      const lin = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
      return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    const backgroundOf = (el: InPage): Rgba => {
      const layers: Rgba[] = [];
      for (let e: InPage | null = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c[3] > 0) layers.push(c);
        if (c[3] >= 1) break;
      }
      return layers.reverse().reduce<Rgba>((under, top) => over(top, under), [255, 255, 255, 1]);
    };
    const buttons = root.querySelectorAll('button, a.button, [role="button"]');
    const results: { text: string; ratio: number; fg: string; bg: string }[] = [];
    for (const b of buttons) {
      if (b.getClientRects().length === 0 || b.matches(':disabled')) continue;
      const style = getComputedStyle(b);
      if (style.visibility === 'hidden') continue;
      const text = b.innerText.trim();
      if (!text) continue;
      const bg = backgroundOf(b);
      const fg = over(parse(style.color), bg);
      const [hi, lo] = [luminance(fg), luminance(bg)].sort((x, y) => y - x) as [number, number];
      const ratio = (hi + 0.05) / (lo + 0.05);
      results.push({ text, ratio, fg: style.color, bg: `rgb(${bg.slice(0, 3).map(Math.round).join(', ')})` });
    }
    return results;
  });
  if (found.length === 0) return new Error(`no buttons to check on "${label}" in ${scope}`);
  const bad = found.filter((b) => b.ratio < 4.5);
  if (bad.length === 0) return undefined;
  const lines = bad.map((b) => `- "${b.text}": ${b.ratio.toFixed(2)}:1 (text ${b.fg} on ${b.bg})`);
  return new Error(`button text below 4.5:1 on "${label}" (${page.url()}):\n${lines.join('\n')}`);
}

/** The demo court's logins, as a first start prints them once (api/src/seed.ts, api/src/server.ts). */
export function demoLogins(gavel: Gavel): Record<'admin' | 'judge' | 'clerk', { email: string; password: string }> {
  const logins: Partial<Record<string, { email: string; password: string }>> = {};
  for (const m of gavel.startupOutput.matchAll(/^gavel: {3}(admin|judge|clerk) +(\S+@\S+) +(\S+)$/gm)) {
    logins[m[1]!] = { email: m[2]!, password: m[3]! };
  }
  const { admin, judge, clerk } = logins;
  if (!admin || !judge || !clerk)
    throw new Error(`no demo logins in the first start's output:\n${gavel.startupOutput}`);
  return { admin, judge, clerk };
}

/** The response's JSON body; any status other than 2xx throws with the URL, status and body. */
export async function json<T>(response: APIResponse): Promise<T> {
  if (!response.ok()) throw new Error(`${response.url()} → ${response.status()} ${await response.text()}`);
  return (await response.json()) as T;
}

/** An API client signed in as `user`, sending the server's own Origin as the browser would. */
export async function apiAs(gavel: Gavel, user: { email: string; password: string }): Promise<APIRequestContext> {
  const ctx = await request.newContext({ baseURL: gavel.url, extraHTTPHeaders: { Origin: gavel.url } });
  await json(await ctx.post('/api/auth/login', { data: { email: user.email, password: user.password } }));
  return ctx;
}

export interface HearingPlan {
  /** A new case is opened with this number, caption and type, unless `caseId` names an existing one. */
  caseNumber?: string;
  caption?: string;
  caseType?: string;
  caseId?: string;
  title: string;
  /** The judge's and (optionally) the clerk's names, as /api/hearings/options lists them. */
  judge: string;
  clerk?: string;
  /** Default: the first courtroom /api/hearings/options lists. */
  courtroomId?: string;
  notes?: string;
  /** When it starts, in minutes from now (default: 15, kept on the court's today); it lasts an hour. */
  startsInMinutes?: number;
}

/**
 * The clerk's API client opens the case (caption "Zhang San v. Acme Trading Ltd", civil, unless
 * given) and schedules a one-hour hearing before the named judge, as the scheduling page would.
 */
export async function scheduleHearing(
  api: APIRequestContext,
  plan: HearingPlan,
): Promise<{ caseId: string; hearingId: string }> {
  const options = await json<{
    judges: { id: string; name: string }[];
    clerks: { id: string; name: string }[];
    courtrooms: { id: string }[];
  }>(await api.get('/api/hearings/options'));
  const byName = (list: { id: string; name: string }[], name: string) => {
    const found = list.find((p) => p.name === name);
    if (!found) throw new Error(`/api/hearings/options lists no "${name}"`);
    return found.id;
  };
  const caseId =
    plan.caseId ??
    (
      await json<{ case: { id: string } }>(
        await api.post('/api/cases', {
          data: {
            number: plan.caseNumber,
            caption: plan.caption ?? 'Zhang San v. Acme Trading Ltd',
            caseType: plan.caseType ?? 'civil',
          },
        }),
      )
    ).case.id;
  const start =
    plan.startsInMinutes === undefined
      ? await onTheCourtsDay(api)
      : new Date(Date.now() + plan.startsInMinutes * 60_000);
  const h = await json<{ hearing: { id: string } }>(
    await api.post('/api/hearings', {
      data: {
        caseId,
        courtroomId: plan.courtroomId ?? options.courtrooms[0]!.id,
        judgeId: byName(options.judges, plan.judge),
        ...(plan.clerk === undefined ? {} : { clerkId: byName(options.clerks, plan.clerk) }),
        title: plan.title,
        ...(plan.notes === undefined ? {} : { notes: plan.notes }),
        scheduledStart: start.toISOString(),
        scheduledEnd: new Date(start.getTime() + 60 * 60_000).toISOString(),
      },
    }),
  );
  return { caseId, hearingId: h.hearing.id };
}

/**
 * The default start: 15 minutes from now, as a clerk schedules a hearing for later today; but after
 * 23:45 in the court's zone that is tomorrow, which the docket (opened on the court's today) does not
 * show, so then the hearing is one that started 30 minutes ago (still today, its invitations still
 * valid). A journey through the docket must not depend on the hour it runs.
 */
async function onTheCourtsDay(api: APIRequestContext): Promise<Date> {
  const me = await json<{ user: { court: { timezone: string } | null } }>(await api.get('/api/auth/me'));
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: me.user.court?.timezone ?? 'UTC', dateStyle: 'short' });
  const now = Date.now();
  const soon = new Date(now + 15 * 60_000);
  return day.format(soon) === day.format(new Date(now)) ? soon : new Date(now - 30 * 60_000);
}

/** Invites a participant (role, displayName and any of representsId, interpretsForId, language, locale). */
export async function invite(
  api: APIRequestContext,
  hearingId: string,
  data: Record<string, string>,
): Promise<{ participant: { id: string }; inviteUrl: string }> {
  return json(await api.post(`/api/hearings/${hearingId}/participants`, { data }));
}

/** A real 60×40 RGB PNG, CRCs and all. */
export function tinyPng(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(60, 0);
  ihdr.writeUInt32BE(40, 4);
  ihdr.set([8, 2], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(60 * 3, 0x80)]);
  const pixels = Buffer.concat(Array.from({ length: 40 }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export interface OpenPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors (failed LiveKit connections only log, so console errors are not collected). */
  problems: string[];
}

/** A fresh browser context (English, the demo court's zone) and a page in it. */
export async function openPage(browser: Browser, options: BrowserContextOptions = {}): Promise<OpenPage> {
  const context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Asia/Shanghai', ...options });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  return { context, page, problems };
}

/** Staff sign-in through the form, until the docket shows. */
export async function signIn(page: Page, baseUrl: string, user: { email: string; password: string }): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await explained(page, page.getByRole('heading', { name: /^(My docket|Court docket)$/ }).waitFor());
}

/** A signed-in judge from the room's pre-join, declaration ticked, to the bench. */
export async function enterBench(page: Page, baseUrl: string, hearingId: string): Promise<void> {
  await page.goto(`${baseUrl}/hearings/${hearingId}/room`);
  await page.getByLabel(/I will not record/).check();
  await page.getByRole('button', { name: 'Enter the courtroom' }).click();
  await explained(page, page.getByRole('heading', { name: 'Judge’s bench' }).waitFor());
}

/** From an invite link through pre-join into the lobby, camera left off where one is offered. */
export async function enterLobby(page: Page, invite: string): Promise<void> {
  await page.goto(invite);
  await page.getByRole('button', { name: 'Continue to the lobby' }).click();
  await explained(page, page.getByRole('heading', { name: 'Before you enter' }).waitFor());
  // An observer publishes nothing, so is offered no camera.
  const noCamera = page.getByLabel('Join without camera');
  if (await noCamera.count()) await noCamera.check();
  await page.getByLabel(/I will not record/).check();
  await page.getByRole('button', { name: 'Enter the lobby' }).click();
  await explained(page, page.getByTestId('lobby-status').waitFor());
}

/**
 * Waits for `step`; when it fails, the error says where the page was and what it showed, so a failure
 * on a loaded CI machine can be read from the log without a rerun.
 */
export async function explained<T>(page: Page, step: Promise<T>): Promise<T> {
  try {
    return await step;
  } catch (e) {
    const shown = await page
      .locator('body')
      .innerText({ timeout: 2_000 })
      .catch(() => '(the page could not be read)');
    const message = e instanceof Error ? e.message : String(e);
    throw new Error(`${message}\nThe page at ${page.url()} showed:\n${shown.slice(0, 2_000)}`, { cause: e });
  }
}

/** A POST made to set up state around the step under test; any answer but 2xx throws with the body. */
export async function postOk(api: APIRequestContext, path: string, data: unknown = {}): Promise<APIResponse> {
  const res = await api.post(path, { data });
  if (!res.ok()) throw new Error(`${path} → ${res.status()}: ${await res.text()}`);
  return res;
}

/** A court for live-hearing journeys: Gavel, Chromium with a fake camera and microphone, a clerk and a judge. */
export interface Courtroom {
  gavel: Gavel;
  browser: Browser;
  clerkApi: APIRequestContext;
  judgeApi: APIRequestContext;
  judge: { email: string; password: string };
  stop(): Promise<void>;
}

export async function startCourtroom(): Promise<Courtroom> {
  const [gavel, browser] = await Promise.all([
    startGavel(),
    launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']),
  ]);
  const clerk = gavel.createUser('clerk', 'Clerk Zhao');
  const judge = gavel.createUser('judge', 'Judge Li Ming');
  const [clerkApi, judgeApi] = await Promise.all([apiAs(gavel, clerk), apiAs(gavel, judge)]);
  return {
    gavel,
    browser,
    clerkApi,
    judgeApi,
    judge,
    async stop() {
      await clerkApi.dispose();
      await judgeApi.dispose();
      await browser.close();
      await gavel.stop();
    },
  };
}
