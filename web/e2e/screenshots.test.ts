import { mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIRequestContext, Browser, Locator, Page } from 'playwright-core';
import {
  apiAs,
  demoLogins,
  enterBench,
  enterLobby,
  type Gavel,
  invite,
  json,
  launchChromium,
  scheduleHearing,
  startGavel,
} from './harness.ts';

// Screenshots of each role's main screen, for docs/screenshots.md, taken from the demo court a first
// start creates, with a hearing in session and its parties in the room. Every run overwrites them, so
// they show the app as it is. Each screen's main heading is checked before it is shot. No LiveKit runs
// here: the rooms show what Gavel shows without a media server.

const OUT = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const VIEWPORT = { width: 1280, height: 800 };
const TITLE = 'First hearing';

let gavel: Gavel;
let browser: Browser;
let clerkApi: APIRequestContext;
let logins: ReturnType<typeof demoLogins>;
let hearingId = '';
const invites = { plaintiff: '', agent: '', defendant: '', observer: '' };

beforeAll(async () => {
  [gavel, browser] = await Promise.all([
    startGavel(),
    launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']),
  ]);
  mkdirSync(OUT, { recursive: true });
  // The demo court of a first start: its admin, judge and clerk, with the passwords it printed once.
  logins = demoLogins(gavel);

  // The demo clerk schedules a hearing before the demo judge and invites its people, as the UI would.
  clerkApi = await apiAs(gavel, logins.clerk);
  ({ hearingId } = await scheduleHearing(clerkApi, {
    caseNumber: '(2027) 沪0101民初1号',
    title: TITLE,
    judge: 'Judge Demo',
    clerk: 'Clerk Demo',
    notes: 'Sale of goods; the plaintiff claims the unpaid price.',
  }));
  const plaintiff = await invite(clerkApi, hearingId, { role: 'plaintiff', displayName: 'Zhang San' });
  invites.plaintiff = plaintiff.inviteUrl;
  invites.agent = (
    await invite(clerkApi, hearingId, {
      role: 'agent',
      displayName: 'Lawyer Wang',
      representsId: plaintiff.participant.id,
    })
  ).inviteUrl;
  invites.defendant = (
    await invite(clerkApi, hearingId, { role: 'defendant', displayName: 'Acme Trading Ltd' })
  ).inviteUrl;
  invites.observer = (
    await invite(clerkApi, hearingId, { role: 'observer', displayName: 'Li Hua (public gallery)' })
  ).inviteUrl;
}, 120_000);

afterAll(async () => {
  await clerkApi?.dispose();
  await browser?.close();
  await gavel?.stop();
});

async function newPage(locale = 'en-GB'): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ locale, viewport: VIEWPORT, timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  const problems: string[] = [];
  // Uncaught exceptions only: failed LiveKit connections are expected to log errors here.
  page.on('pageerror', (e) => problems.push(e.message));
  return { page, problems };
}

/** Checks the screen's main landmark and heading, then writes docs/screenshots/<name>.png. */
async function shoot(page: Page, name: string, heading: Locator): Promise<void> {
  await heading.waitFor({ timeout: 15_000 });
  expect(await page.getByRole('main').count()).toBe(1);
  expect(await heading.isVisible()).toBe(true);
  // Nothing still loading: the screenshot shows the screen as it settles.
  await expect.poll(() => page.getByText(/^Loading…$/).count()).toBe(0);
  // From the top, as a person arriving sees it (new chat and transcript lines scroll their lists into view).
  await page.evaluate('window.scrollTo(0, 0)');
  await expect
    .poll(async () => {
      const box = await heading.boundingBox();
      return box !== null && box.y >= 0 && box.y + box.height <= VIEWPORT.height;
    })
    .toBe(true);
  const path = `${OUT}${name}.png`;
  await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
  const { size } = statSync(path);
  expect(size).toBeGreaterThan(10_000);
  expect(size).toBeLessThan(1_000_000);
}

async function signIn(page: Page, user: { email: string; password: string }): Promise<void> {
  await page.goto(`${gavel.url}/login`);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => page.url()).not.toMatch(/\/login/);
}

describe('screenshots of each role’s main screen (docs/screenshots.md)', () => {
  it('the sign-in page, in English and in Chinese', async () => {
    const en = await newPage();
    await en.page.goto(`${gavel.url}/login`);
    await shoot(en.page, 'signin-en', en.page.getByRole('heading', { name: 'Sign in', level: 1 }));
    const zh = await newPage('zh-CN');
    await zh.page.goto(`${gavel.url}/login`);
    await shoot(zh.page, 'signin-zh-CN', zh.page.getByRole('heading', { name: '登录', level: 1 }));
    expect(await zh.page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect([...en.problems, ...zh.problems]).toEqual([]);
    await Promise.all([en.page.context().close(), zh.page.context().close()]);
  });

  it('the admin: court administration', async () => {
    const { page, problems } = await newPage();
    await signIn(page, logins.admin);
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('navigation', { name: 'Court administration' }).waitFor();
    await expect.poll(() => page.getByLabel('Court name').inputValue()).toBe('Demo District Court');
    await shoot(page, 'admin-court-settings', page.getByRole('heading', { name: 'Court settings', level: 1 }));
    await page.getByRole('navigation', { name: 'Court administration' }).getByRole('link', { name: 'Staff' }).click();
    await page.getByRole('row', { name: /Judge Demo/ }).waitFor();
    await shoot(page, 'admin-staff', page.getByRole('heading', { name: 'Staff', level: 1 }));
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('a hearing in session: the party’s join and lobby, the bench, the parties’ room, the agent’s consultation, the observer, the clerk’s docket and desk', async () => {
    // The party opens the invitation before the lobby opens.
    const party = await newPage();
    await party.page.goto(invites.plaintiff);
    await party.page.getByText('Zhang San v. Acme Trading Ltd').waitFor();
    await shoot(party.page, 'party-join', party.page.getByRole('heading', { name: TITLE, level: 1 }));

    // The judge signs in: the docket, then the bench; the lobby opens.
    const bench = await newPage();
    await signIn(bench.page, logins.judge);
    await bench.page.getByRole('link', { name: '(2027) 沪0101民初1号' }).waitFor();
    await shoot(bench.page, 'judge-docket', bench.page.getByRole('heading', { name: 'My docket', level: 1 }));
    await enterBench(bench.page, gavel.url, hearingId);
    await bench.page.getByRole('button', { name: 'Open the lobby' }).click();

    // The party waits in the lobby.
    await enterLobby(party.page, invites.plaintiff);
    await expect
      .poll(() => party.page.getByTestId('lobby-status').innerText(), { timeout: 15_000 })
      .toMatch(/Waiting for the judge/);
    await shoot(party.page, 'party-lobby', party.page.getByRole('heading', { name: 'Lobby' }));

    const agent = await newPage();
    const defendant = await newPage();
    const observer = await newPage();
    await enterLobby(agent.page, invites.agent);
    await enterLobby(defendant.page, invites.defendant);
    await enterLobby(observer.page, invites.observer);
    await bench.page.getByRole('button', { name: 'Admit Li Hua (public gallery)' }).waitFor({ timeout: 15_000 });
    await bench.page.getByRole('button', { name: 'Admit everyone waiting' }).click();
    for (const p of [party, agent, defendant, observer]) {
      await p.page.getByRole('heading', { name: TITLE }).waitFor({ timeout: 15_000 });
    }
    await bench.page.getByRole('button', { name: 'Start the hearing' }).click();
    await expect.poll(() => party.page.getByTestId('hearing-state').innerText()).toBe('In session');

    // A few words on the record and in the chat, so the screens show them.
    const entries = [
      { speaker: 'Court', text: 'The hearing is in session. The plaintiff may state the claim.' },
      { speaker: 'Zhang San', text: 'I delivered the goods on 3 March and have not been paid.' },
      { speaker: 'Acme Trading Ltd', text: 'The goods arrived late and damaged.' },
    ];
    for (const data of entries) {
      await json(await clerkApi.post(`/api/hearings/${hearingId}/transcript/entries`, { data }));
    }
    await party.page.getByLabel('Message').fill('May I show the delivery note, Your Honour?');
    await party.page.getByRole('button', { name: 'Send' }).click();
    await bench.page.getByText('May I show the delivery note, Your Honour?').waitFor();

    // The rooms say the media server cannot be reached; shot once they do.
    await bench.page.getByText('The media server cannot be reached').first().waitFor({ timeout: 30_000 });
    await shoot(bench.page, 'judge-hearing-room', bench.page.getByRole('heading', { name: 'Judge’s bench' }));
    await party.page.getByTestId('transcript-panel-entries').getByText(entries[2]!.text).waitFor();
    await party.page.getByText('The media server cannot be reached').first().waitFor({ timeout: 30_000 });
    await shoot(party.page, 'party-hearing-room', party.page.getByRole('heading', { name: TITLE, level: 1 }));
    await observer.page.getByText('May I show the delivery note, Your Honour?').waitFor();
    await shoot(observer.page, 'observer-hearing-room', observer.page.getByRole('heading', { name: TITLE, level: 1 }));

    // The agent takes the plaintiff aside for a private consultation.
    await agent.page.getByRole('button', { name: 'Consult privately with Zhang San' }).click({ timeout: 15_000 });
    await party.page.getByRole('button', { name: 'Accept' }).click({ timeout: 15_000 });
    const banner = 'Private consultation — not recorded; the judge cannot hear you';
    await agent.page.getByTestId('consultation-banner').getByText('With Zhang San.').waitFor({ timeout: 15_000 });
    await agent.page.getByText('The media server cannot be reached').first().waitFor({ timeout: 30_000 });
    await shoot(agent.page, 'agent-consultation', agent.page.getByRole('heading', { name: banner }));

    // The clerk: the court's docket, then the transcript desk of the hearing in session.
    const desk = await newPage();
    await signIn(desk.page, logins.clerk);
    await desk.page.getByRole('link', { name: '(2027) 沪0101民初1号' }).waitFor();
    await shoot(desk.page, 'clerk-docket', desk.page.getByRole('heading', { name: 'Court docket', level: 1 }));
    await desk.page.goto(`${gavel.url}/hearings/${hearingId}/transcript`);
    await desk.page.getByTestId('transcript-entries').getByText(entries[2]!.text).waitFor();
    await shoot(
      desk.page,
      'clerk-transcript',
      desk.page.getByRole('heading', { name: new RegExp(`Transcript · ${TITLE}`), level: 1 }),
    );

    for (const p of [party, bench, agent, defendant, observer, desk]) {
      expect(p.problems).toEqual([]);
      await p.page.context().close();
    }
  }, 240_000);
});
