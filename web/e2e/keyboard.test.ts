import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIRequestContext, Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { LiveKitStandin } from '../../api/test/livekit-standin.ts';
import { apiAs, expectAccessible, invite, launchChromium, scheduleHearing, startGavel, type Gavel } from './harness.ts';

// The live hearing by keyboard alone: no click, no mouse event. The party (on a 320 px phone)
// goes through the join landing, pre-join and the lobby; the judge signs in, opens the lobby,
// admits, starts the hearing, starts and stops the recording, recesses, resumes and adjourns.
// Focus must follow the screen (admitted → the room) and the adjourn dialog must give focus back.
// LiveKit's server API is the in-repo stand-in, so recording works; browsers still have no media
// server, so the mute button is present but cannot be used (it needs a microphone track).

const KEY = 'devkey';
const SECRET = 'e2e-keyboard-secret-e2e-keyboard-0001';

let gavel: Gavel;
let browser: Browser;
let standin: LiveKitStandin;
let clerkApi: APIRequestContext;
let judge: { email: string; password: string };
let hearingId = '';
const invites: string[] = [];

beforeAll(async () => {
  standin = new LiveKitStandin(KEY, SECRET);
  process.env.LIVEKIT_API_URL = await standin.start();
  process.env.LIVEKIT_API_KEY = KEY;
  process.env.LIVEKIT_API_SECRET = SECRET;
  [gavel, browser] = await Promise.all([
    startGavel(),
    launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']),
  ]);
  const clerk = gavel.createUser('clerk', 'Clerk Zhao');
  judge = gavel.createUser('judge', 'Judge Li Ming');
  clerkApi = await apiAs(gavel, clerk);
  ({ hearingId } = await scheduleHearing(clerkApi, {
    caseNumber: '(2027) 沪0101民初11号',
    title: 'Keyboard hearing',
    judge: 'Judge Li Ming',
  }));
  for (const person of [
    { role: 'plaintiff', displayName: 'Zhang San' },
    { role: 'defendant', displayName: 'Acme Trading Ltd' },
  ]) {
    invites.push((await invite(clerkApi, hearingId, person)).inviteUrl);
  }
});

afterAll(async () => {
  await clerkApi?.dispose();
  await browser?.close();
  await gavel?.stop();
  await standin?.stop();
});

async function newPage(
  viewport = { width: 1280, height: 800 },
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({
    locale: 'en-GB',
    timezoneId: 'Asia/Shanghai',
    viewport,
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  // Keyboard only: any mouse event reaching the page fails the journey. Keyboard activation of a
  // button or link dispatches a synthetic click whose detail is 0; a pointer's click has detail > 0.
  // (Page code is given as strings: the API's tsconfig, which type-checks e2e, has no DOM types.)
  await page.addInitScript({
    content: `for (const type of ['mousedown', 'mouseup', 'click', 'mousemove', 'pointerdown'])
      window.addEventListener(type, (e) => { if (e.isTrusted && e.detail > 0) window.gavelMouse = type; }, true);`,
  });
  return { context, page, problems };
}

type InPage = { document: { activeElement: unknown } };
const isFocused = (target: Locator) =>
  target.evaluate((el) => el === (globalThis as unknown as InPage).document.activeElement);

/** Presses Tab until `target` has focus (as a keyboard user would), then fails if it never does. */
async function tabTo(page: Page, target: Locator, max = 80): Promise<void> {
  await target.waitFor({ timeout: 15_000 });
  for (let i = 0; i < max; i++) {
    if (await isFocused(target)) return;
    await page.keyboard.press('Tab');
  }
  if (!(await isFocused(target))) throw new Error(`Tab never reached ${target.toString()}`);
}

async function press(page: Page, target: Locator, key = 'Enter'): Promise<void> {
  await tabTo(page, target);
  await page.keyboard.press(key);
}

/** The focused element must show a visible focus indicator (an outline or a box shadow). */
async function expectVisibleFocus(page: Page): Promise<void> {
  const style = await page.evaluate<{ outline: string; width: number; shadow: string } | null>(`(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const s = getComputedStyle(el);
    return { outline: s.outlineStyle, width: parseFloat(s.outlineWidth), shadow: s.boxShadow };
  })()`);
  expect(style).not.toBeNull();
  expect((style!.outline !== 'none' && style!.width > 0) || style!.shadow !== 'none').toBe(true);
}

async function noHorizontalScroll(page: Page): Promise<void> {
  // What sticks out, innermost first, so a failure says what to fix.
  const { scroll, width, wide } = await page.evaluate<{ scroll: number; width: number; wide: string[] }>(`({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
    wide: [...document.body.querySelectorAll('*')]
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
      .filter((el) => ![...el.children].some((c) => c.getBoundingClientRect().right > window.innerWidth + 0.5))
      .slice(0, 5)
      .map((el) => el.tagName.toLowerCase() + '.' + [...el.classList].join('.') + ' (' + (el.textContent ?? '').slice(0, 40) + ')'),
  })`);
  expect(scroll, `horizontal scroll at ${page.url()}: ${wide.join('; ')}`).toBeLessThanOrEqual(width);
}

const mouseUsed = (page: Page) => page.evaluate<string | undefined>('window.gavelMouse');

describe('the live hearing by keyboard alone', () => {
  it('at 200 % zoom (640 CSS px of a 1280 px window) the party’s pages and sign-in do not scroll sideways', async () => {
    const visitor = await newPage({ width: 640, height: 400 });
    const v = visitor.page;
    await v.goto(`${gavel.url}/login`);
    await v.getByRole('button', { name: 'Sign in' }).waitFor();
    await noHorizontalScroll(v);
    await v.goto(invites[1]!);
    await v.getByRole('heading', { name: 'Keyboard hearing' }).waitFor();
    await noHorizontalScroll(v);
    await expectAccessible(v, 'join landing at 200 %');
    await v.getByRole('button', { name: 'Continue to the lobby' }).click();
    await v.getByRole('heading', { name: 'Before you enter' }).waitFor();
    await noHorizontalScroll(v);
    await expectAccessible(v, 'pre-join at 200 %');
    await v.goto(`${gavel.url}/verify`);
    await v.getByRole('heading', { name: 'Verify a sealed transcript' }).waitFor();
    await noHorizontalScroll(v);
    expect(visitor.problems).toEqual([]);
    await visitor.context.close();
  });

  it('the party joins on a phone; the judge admits, records, recesses, resumes and adjourns', async () => {
    const party = await newPage({ width: 320, height: 640 });
    const p = party.page;
    await p.goto(invites[0]!);
    await p.getByRole('heading', { name: 'Keyboard hearing' }).waitFor();
    await noHorizontalScroll(p);
    await tabTo(p, p.getByRole('button', { name: 'Continue to the lobby' }));
    await expectVisibleFocus(p);
    await p.keyboard.press('Enter');
    await p.getByRole('heading', { name: 'Before you enter' }).waitFor();
    await noHorizontalScroll(p);
    await press(p, p.getByLabel('Join without camera'), 'Space');
    await expectVisibleFocus(p);
    await press(p, p.getByLabel(/I will not record/), 'Space');
    await press(p, p.getByRole('button', { name: 'Enter the lobby' }));
    const status = p.getByTestId('lobby-status');
    await expect.poll(() => status.innerText()).toMatch(/The lobby is not open yet/);
    await noHorizontalScroll(p);
    await expectAccessible(p, 'lobby at 320 px');

    const bench = await newPage();
    const b = bench.page;
    await b.goto(`${gavel.url}/login`);
    await tabTo(b, b.getByLabel('Email'));
    await b.keyboard.type(judge.email);
    await tabTo(b, b.getByLabel('Password'));
    await b.keyboard.type(judge.password);
    await b.keyboard.press('Enter');
    await b.getByRole('heading', { name: 'My docket' }).waitFor();
    await press(b, b.getByRole('link', { name: '(2027) 沪0101民初11号' }));
    await b.waitForURL(new RegExp(`/hearings/${hearingId}$`));
    await press(b, b.getByRole('link', { name: 'Enter the courtroom' }));
    await b.waitForURL(new RegExp(`/hearings/${hearingId}/room$`));
    await press(b, b.getByLabel(/I will not record/), 'Space');
    await press(b, b.getByRole('button', { name: 'Enter the courtroom' }));
    await b.getByRole('heading', { name: 'Judge’s bench' }).waitFor();
    // The screen changed: focus is on the room's heading, not left on a button that is gone.
    await expect.poll(() => isFocused(b.locator('#room-heading'))).toBe(true);

    await press(b, b.getByRole('button', { name: 'Open the lobby' }));
    await expect.poll(() => status.innerText(), { timeout: 15_000 }).toMatch(/Waiting for the judge/);
    await press(b, b.getByRole('button', { name: 'Admit Zhang San' }));

    // Admitted: the party's page moves into the room, says so, and focus follows.
    await p.getByRole('heading', { name: 'Keyboard hearing', level: 1 }).waitFor({ timeout: 15_000 });
    await expect.poll(() => isFocused(p.locator('#room-heading'))).toBe(true);
    expect(await p.locator('[aria-live="assertive"]').first().innerText()).toMatch(/You have been called/);
    await b.getByText('Zhang San was admitted.').waitFor();
    await noHorizontalScroll(p);
    await expectAccessible(p, 'hearing room at 320 px');

    // Mute needs the party's microphone track on the media server, which does not run here:
    // the button is there, named, and disabled, so the keyboard cannot reach it.
    const mute = b.getByRole('button', { name: 'Mute Zhang San' });
    await mute.waitFor();
    expect(await mute.isDisabled()).toBe(true);

    await press(b, b.getByRole('button', { name: 'Start the hearing' }));
    await expect.poll(() => p.getByTestId('hearing-state').innerText()).toBe('In session');
    expect(await p.locator('[aria-live="assertive"]').first().innerText()).toMatch(/In session/);

    const recording = b.getByRole('region', { name: 'Recording' });
    await press(b, recording.getByRole('button', { name: 'Start recording', exact: true }));
    const indicator = p.getByTestId('recording-indicator');
    await expect.poll(() => indicator.getAttribute('data-recording'), { timeout: 15_000 }).toBe('true');
    // The indicator is a status region: its change is read out to the party.
    expect(await indicator.getAttribute('role')).toBe('status');
    await expect.poll(() => b.locator('[aria-live="assertive"]').first().innerText()).toMatch(/Recording started/);
    await press(b, recording.getByRole('button', { name: 'Stop recording' }));
    await expect.poll(() => indicator.getAttribute('data-recording'), { timeout: 15_000 }).toBe('false');
    await expect.poll(() => b.locator('[aria-live="assertive"]').first().innerText()).toMatch(/Recording stopped/);

    await press(b, b.getByRole('button', { name: 'Call a recess' }));
    await expect.poll(() => p.getByTestId('hearing-state').innerText()).toBe('In recess');
    await press(b, b.getByRole('button', { name: 'Resume the hearing' }));
    await expect.poll(() => p.getByTestId('hearing-state').innerText()).toBe('In session');

    // The adjourn dialog: focus goes in, Escape closes it and focus returns to its opener.
    const adjourn = b.getByRole('button', { name: 'Adjourn', exact: true });
    await press(b, adjourn);
    const dialog = b.getByRole('dialog', { name: 'Adjourn the hearing?' });
    await dialog.waitFor();
    expect(
      await dialog.evaluate((d) => d.contains((globalThis as unknown as InPage).document.activeElement as never)),
    ).toBe(true);
    await expectAccessible(b, 'adjourn dialog');
    await b.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => isFocused(adjourn)).toBe(true);
    await b.keyboard.press('Enter');
    await dialog.waitFor();
    await press(b, dialog.getByRole('button', { name: 'Adjourn the hearing' }));

    await p.getByRole('heading', { name: 'The hearing has been adjourned' }).waitFor({ timeout: 15_000 });
    await expect.poll(() => isFocused(p.getByRole('heading', { name: 'The hearing has been adjourned' }))).toBe(true);
    await noHorizontalScroll(p);
    await b.getByRole('heading', { name: 'The hearing has been adjourned' }).waitFor();

    expect(await mouseUsed(p)).toBeUndefined();
    expect(await mouseUsed(b)).toBeUndefined();
    expect(party.problems).toEqual([]);
    expect(bench.problems).toEqual([]);
    await party.context.close();
    await bench.context.close();
  });
});
