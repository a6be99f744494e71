import { afterAll, beforeAll, describe, it } from 'vitest';
import type { APIRequestContext, Browser, Page } from 'playwright-core';
import {
  apiAs,
  expectAccessible,
  expectReadableButtons,
  launchChromium,
  openPage,
  scheduleHearing,
  startGavel,
  type Gavel,
} from './harness.ts';

/**
 * The buttons that matter most are readable after a normal sign-in: the judge's Adjourn and its
 * confirmation, the clerk's "Yes, cancel the hearing". Styles from one screen (the sign-in page, say)
 * must not repaint another's buttons for the rest of the visit.
 */
let gavel: Gavel;
let browser: Browser;
let clerkApi: APIRequestContext;
let judge: { email: string; password: string };
let clerk: { email: string; password: string };

beforeAll(async () => {
  [gavel, browser] = await Promise.all([
    startGavel(),
    launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']),
  ]);
  clerk = gavel.createUser('clerk', 'Clerk Zhao');
  judge = gavel.createUser('judge', 'Judge Li Ming');
  clerkApi = await apiAs(gavel, clerk);
  await scheduleHearing(clerkApi, {
    caseNumber: '(2027) 沪0101民初9号',
    title: 'Contrast hearing',
    judge: 'Judge Li Ming',
    clerk: 'Clerk Zhao',
  });
});
afterAll(async () => {
  await clerkApi?.dispose();
  await browser?.close();
  await gavel?.stop();
});

/** The sign-in page, typed key by key, in whichever language the browser has. */
async function typeSignIn(page: Page, user: { email: string; password: string }, zh = false) {
  await page.goto(`${gavel.url}/login`);
  await page.getByLabel(zh ? '电子邮件' : 'Email').pressSequentially(user.email);
  await page.getByLabel(zh ? '密码' : 'Password').pressSequentially(user.password);
  await page.getByRole('button', { name: zh ? '登录' : 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

describe('readable buttons after a real sign-in', () => {
  it('the judge’s Adjourn and its confirmation, in English', async () => {
    const { context, page } = await openPage(browser);
    await typeSignIn(page, judge);
    await page.getByRole('heading', { name: 'My docket' }).waitFor();
    // Links, not page loads: a style a screen brought with it stays for the rest of the visit.
    await page.getByRole('link', { name: '(2027) 沪0101民初9号' }).click();
    await page.getByRole('link', { name: 'Enter the courtroom' }).click();
    await page.getByLabel(/I will not record/).check();
    await page.getByRole('button', { name: 'Enter the courtroom' }).click();
    await page.getByRole('heading', { name: 'Judge’s bench' }).waitFor();
    await page.getByRole('button', { name: 'Open the lobby' }).click();
    const adjourn = page.getByRole('button', { name: 'Adjourn', exact: true });
    await adjourn.waitFor();
    await expectReadableButtons(page, 'bench (lobby open)', '.layout.with-bench');
    await adjourn.click();
    const dialog = page.getByRole('dialog', { name: 'Adjourn the hearing?' });
    await dialog.waitFor();
    await expectReadableButtons(page, 'adjourn confirmation', 'dialog[open]');
    await expectAccessible(page, 'adjourn confirmation');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await context.close();
  });

  it('the judge’s 闭庭 and its confirmation, in Chinese', async () => {
    const { context, page } = await openPage(browser, { locale: 'zh-CN' });
    await typeSignIn(page, judge, true);
    await page.getByRole('link', { name: '(2027) 沪0101民初9号' }).click();
    await page.getByRole('link', { name: '进入法庭' }).click();
    await page.getByLabel(/本人承诺/).check();
    await page.getByRole('button', { name: '进入法庭' }).click();
    await page.getByRole('heading', { name: '审判席' }).waitFor();
    const adjourn = page.getByRole('button', { name: '闭庭', exact: true });
    await adjourn.waitFor();
    await expectReadableButtons(page, 'bench (zh-CN)', '.layout.with-bench');
    await adjourn.click();
    await page.getByRole('dialog', { name: '确定闭庭吗？' }).waitFor();
    await expectReadableButtons(page, 'adjourn confirmation (zh-CN)', 'dialog[open]');
    await context.close();
  });

  it('the clerk’s “Yes, cancel the hearing”', async () => {
    const { context, page } = await openPage(browser);
    await typeSignIn(page, clerk);
    await page.getByRole('heading', { name: 'Court docket' }).waitFor();
    await page.getByRole('link', { name: '(2027) 沪0101民初9号' }).click();
    await page.getByRole('button', { name: 'Cancel hearing' }).click();
    await page.getByRole('button', { name: 'Yes, cancel the hearing' }).waitFor();
    await expectReadableButtons(page, 'hearing page, cancel confirmation', 'main');
    await expectAccessible(page, 'hearing page, cancel confirmation');
    await page.getByRole('button', { name: 'Keep it' }).click();
    await context.close();
  });
});
