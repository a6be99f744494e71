import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  apiAs,
  expectAccessible,
  launchChromium,
  openPage,
  scheduleHearing,
  startGavel,
  type Gavel,
} from './harness.ts';

/**
 * Times that say which zone they are in, and words a person reads. The court sits in Chicago; the
 * clerk's browser is in Paris, so every court time must name its zone and show the clerk's own clock
 * second; a Chinese browser in Chicago sees the court's clock alone.
 */
let gavel: Gavel;
let browser: Browser;
let clerk: { email: string; password: string };
let hearingId = '';

beforeAll(async () => {
  [gavel, browser] = await Promise.all([startGavel(), launchChromium()]);
  await gavel.database.db.updateTable('courts').set({ timezone: 'America/Chicago' }).execute();
  clerk = gavel.createUser('clerk', 'Clerk Zhao');
  gavel.createUser('judge', 'Judge Li Ming');
  const api = await apiAs(gavel, clerk);
  hearingId = (
    await scheduleHearing(api, {
      caseNumber: '2026-CV-0012',
      title: 'First hearing',
      judge: 'Judge Li Ming',
      clerk: 'Clerk Zhao',
      startsInMinutes: withinCourtDay(),
    })
  ).hearingId;
  await api.dispose();
});
/**
 * 90 minutes from now, unless that sitting would reach past midnight in Chicago: the docket opens on the
 * court's today, so the hearing is then put two hours back instead (the test must not depend on the hour).
 */
function withinCourtDay(): number {
  const [h, m] = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'America/Chicago',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  })
    .format(new Date())
    .split(':')
    .map(Number);
  const untilMidnight = 24 * 60 - (h! * 60 + m!);
  return untilMidnight > 90 + 60 + 5 ? 90 : -120;
}

afterAll(async () => {
  await browser?.close();
  await gavel?.stop();
});

async function signInTyped(page: Page, labels: { email: string; password: string; submit: string }) {
  await page.goto(`${gavel.url}/login`);
  await page.getByLabel(labels.email).fill(clerk.email);
  await page.getByLabel(labels.password).fill(clerk.password);
  await page.getByRole('button', { name: labels.submit }).click();
}

const CHICAGO = /\b(CST|GMT-6)\b/;
const PARIS = /\b(CET|GMT\+1)\b/;

describe('court time, named', () => {
  it('from Paris, in English: the docket and the hearing page name the court’s zone, then the clerk’s own clock', async () => {
    const { context, page, problems } = await openPage(browser, { locale: 'en-GB', timezoneId: 'Europe/Paris' });
    await signInTyped(page, { email: 'Email', password: 'Password', submit: 'Sign in' });
    await page.getByRole('heading', { name: 'Court docket' }).waitFor();

    const row = page.getByRole('row', { name: /2026-CV-0012/ });
    const court = await row.getByTestId('court-time-span').innerText();
    expect(court).toMatch(CHICAGO);
    const yours = await row.getByTestId('viewer-time-span').innerText();
    expect(yours).toMatch(/^\(your time .*\)$/);
    expect(yours).toMatch(PARIS);
    await page.screenshot({ path: '/tmp/words-docket-en.png', fullPage: true });
    await expectAccessible(page, 'docket with court and viewer times');

    // By keyboard: focus lands on the page's heading with a thin outline; controls keep the full ring.
    await row.getByRole('link', { name: '2026-CV-0012' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /First hearing/ }).waitFor();
    const ring = () =>
      page.evaluate<{ tag: string; style: string; width: number }>(`(() => {
        const el = document.activeElement;
        const s = getComputedStyle(el);
        return { tag: el.tagName, style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
      })()`);
    await expect.poll(ring).toEqual({ tag: 'H1', style: 'solid', width: 1 });
    await page.screenshot({ path: '/tmp/words-heading-focus.png', clip: { x: 0, y: 0, width: 1280, height: 260 } });
    await page.keyboard.press('Tab');
    expect((await ring()).width).toBe(3);
    const span = await page.getByTestId('court-time-span').innerText();
    expect(span).toMatch(CHICAGO);
    expect(span).toMatch(/\d{4}/); // with its date
    expect(await page.getByTestId('viewer-time-span').innerText()).toMatch(PARIS);
    await page.getByRole('button', { name: 'Reschedule or reassign' }).click();
    await page.getByText('Date and times are in the court’s time zone (America/Chicago), wherever you are.').waitFor();
    await page.screenshot({ path: '/tmp/words-hearing-en.png', fullPage: true });
    await expectAccessible(page, 'hearing page with court and viewer times');

    await page.goto(`${gavel.url}/hearings/${hearingId}/transcript`);
    expect(await page.getByTestId('transcript-zone').innerText()).toMatch(
      /^Times are court time, (CST|GMT-6) \(America\/Chicago\)\.$/,
    );
    expect(problems).toEqual([]);
    await context.close();
  });

  it('in Chicago, in Chinese: the court’s clock with its zone, and no second clock', async () => {
    const { context, page, problems } = await openPage(browser, { locale: 'zh-CN', timezoneId: 'America/Chicago' });
    await signInTyped(page, { email: '电子邮件', password: '密码', submit: '登录' });
    await page.getByRole('heading', { name: '法院庭审排期' }).waitFor();
    const row = page.getByRole('row', { name: /2026-CV-0012/ });
    // The zone before the clock, as Chinese writes it (a span across midnight would carry its dates too).
    expect(await row.getByTestId('court-time-span').innerText()).toMatch(/^(\d{4}\/\d{1,2}\/\d{1,2} )?GMT-6 \d\d:\d\d/);
    expect(await row.getByTestId('viewer-time-span').count()).toBe(0);
    await page.screenshot({ path: '/tmp/words-docket-zh.png', fullPage: true });

    await row.getByRole('link', { name: '2026-CV-0012' }).click();
    await page.getByRole('heading', { name: /First hearing/ }).waitFor();
    expect(await page.getByTestId('court-time-span').innerText()).toContain('GMT-6');
    await page.screenshot({ path: '/tmp/words-hearing-zh.png', fullPage: true });

    await page.goto(`${gavel.url}/hearings/${hearingId}/transcript`);
    expect(await page.getByTestId('transcript-zone').innerText()).toBe('时间均为法院时间：GMT-6 (America/Chicago)。');
    expect(problems).toEqual([]);
    await context.close();
  });
});
