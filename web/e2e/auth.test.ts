import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { apiAs, expectAccessible, json, launchChromium, startGavel, type Gavel } from './harness.ts';

let gavel: Gavel;
let browser: Browser;

beforeAll(async () => {
  [gavel, browser] = await Promise.all([startGavel(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await gavel?.stop();
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-GB' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().includes('401')) problems.push(m.text());
  });
  (page as Page & { problems: string[] }).problems = problems;
  return page;
}

const problemsOf = (page: Page) => (page as Page & { problems: string[] }).problems;

describe('staff sign-in in Chromium', () => {
  it('a judge made with the CLI signs in, sees My docket, switches to 中文 and signs out', async () => {
    const judge = gavel.createUser('judge', 'Judge Li Ming');
    const page = await newPage();
    await page.goto(`${gavel.url}/`);
    await page.waitForURL(/\/login/);
    await expectAccessible(page, 'sign-in');
    await page.getByLabel('Email').fill(judge.email);
    await page.getByLabel('Password').fill(judge.password);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await expect.poll(() => page.url()).not.toMatch(/\/login/);
    await page.getByRole('heading', { name: 'My docket' }).waitFor();
    expect(await page.getByText('Judge Li Ming').first().isVisible()).toBe(true);
    await expectAccessible(page, 'my docket');

    await page.getByLabel('Language / 语言').selectOption('zh-CN');
    await page.getByRole('heading', { name: '我的案件排期' }).waitFor();
    await expectAccessible(page, 'my docket (zh-CN)');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');

    // The choice persists across a reload.
    await page.reload();
    await page.getByRole('heading', { name: '我的案件排期' }).waitFor();

    await page.getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL(/\/login/);
    await page.getByRole('button', { name: '登录' }).waitFor();

    // Signed out on the server too: the API no longer knows this browser.
    const me = await page.evaluate(async () => (await fetch('/api/auth/me')).status);
    expect(me).toBe(401);
    expect(problemsOf(page)).toEqual([]);
    await page.context().close();
  });

  it('a clerk sees the Court docket', async () => {
    const clerk = gavel.createUser('clerk', 'Clerk Zhao');
    const page = await newPage();
    await page.goto(`${gavel.url}/login`);
    await page.getByLabel('Email').fill(clerk.email);
    await page.getByLabel('Password').fill(clerk.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Court docket' }).waitFor();
    await expectAccessible(page, 'court docket');
    await page.context().close();
  });

  it('a session ended elsewhere sends the open page to sign in at its next call', async () => {
    const clerk = gavel.createUser('clerk', 'Clerk Ended');
    const page = await newPage();
    await page.goto(`${gavel.url}/login`);
    await page.getByLabel('Email').fill(clerk.email);
    await page.getByLabel('Password').fill(clerk.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Court docket' }).waitFor();

    // From another device, the clerk ends every other session (the browser's among them).
    const other = await apiAs(gavel, clerk);
    const { sessions } = await json<{ sessions: { id: string; current: boolean }[] }>(
      await other.get('/api/account/sessions'),
    );
    for (const s of sessions.filter((s) => !s.current)) {
      expect((await other.post(`/api/account/sessions/${s.id}/end`, { data: {} })).status()).toBe(204);
    }
    await other.dispose();

    // The next call the page makes is answered 401: the app signs out and asks to sign in again.
    await page.getByRole('button', { name: 'Next day' }).click();
    await page.waitForURL(/\/login/);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(problemsOf(page)).toEqual([]);
    await page.context().close();
  });

  it('a wrong password shows an error and stays on the sign-in page', async () => {
    const judge = gavel.createUser('judge', 'Judge Wrong');
    const page = await newPage();
    await page.goto(`${gavel.url}/login`);
    await page.getByLabel('Email').fill(judge.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.filter({ hasText: /incorrect/i }).waitFor();
    expect(page.url()).toMatch(/\/login/);
    await expectAccessible(page, 'sign-in with error');
    await page.context().close();
  });

  it('serves the sign-in page for deep links and the API from the same origin', async () => {
    const res = await fetch(`${gavel.url}/some/deep/link`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self' 'sha256-/);
    expect(await (await fetch(`${gavel.url}/api/health`)).json()).toEqual({ status: 'ok' });
  });
});
