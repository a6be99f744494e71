import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIRequestContext, Browser } from 'playwright-core';
import {
  apiAs,
  expectAccessible,
  json,
  launchChromium,
  openPage,
  scheduleHearing,
  startGavel,
  type Gavel,
} from './harness.ts';

/**
 * A party whose invitation needs an access code, on a phone: the code is typed as people type it
 * (with a space, or with a Chinese keyboard's full-width digits) and the page answers in its own language.
 */
let gavel: Gavel;
let browser: Browser;
let clerk: APIRequestContext;
let hearingId = '';

const PHONE = { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true };

beforeAll(async () => {
  [gavel, browser] = await Promise.all([startGavel(), launchChromium()]);
  await gavel.database.db.updateTable('courts').set({ timezone: 'Asia/Shanghai' }).execute();
  const login = gavel.createUser('clerk', 'Clerk Zhao');
  gavel.createUser('judge', 'Judge Li Ming');
  clerk = await apiAs(gavel, login);
  ({ hearingId } = await scheduleHearing(clerk, {
    caseNumber: '(2027) 沪0101民初7号',
    title: 'First hearing',
    judge: 'Judge Li Ming',
    clerk: 'Clerk Zhao',
  }));
});
afterAll(async () => {
  await clerk?.dispose();
  await browser?.close();
  await gavel?.stop();
});

async function inviteWithCode(name: string, locale: string): Promise<{ url: string; code: string }> {
  const r = await json<{ inviteUrl: string; accessCode: string }>(
    await clerk.post(`/api/hearings/${hearingId}/participants`, {
      data: { role: 'plaintiff', displayName: name, locale, accessCode: true },
    }),
  );
  expect(r.accessCode).toMatch(/^\d{6}$/);
  return { url: r.inviteUrl, code: r.accessCode };
}

const fullWidth = (digits: string) => digits.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));

describe('joining with an access code, on a phone', () => {
  it('in English: a wrong-length code is refused in words, a code typed with a space lets the party in', async () => {
    const { url, code } = await inviteWithCode('Zhang San', 'en');
    const { context, page, problems } = await openPage(browser, PHONE);
    await page.goto(url);
    const field = page.getByLabel('Access code');
    await field.click();
    await page.keyboard.type(code.slice(0, 4));
    await page.getByRole('button', { name: 'Continue to the lobby' }).click();
    await page.getByRole('alert').getByText('The access code is six digits').waitFor();
    await expectAccessible(page, 'join: access code refused (en, phone)');

    await field.fill('');
    await field.click();
    await page.keyboard.type(`${code.slice(0, 3)} ${code.slice(3)}`);
    await page.getByRole('button', { name: 'Continue to the lobby' }).click();
    await page.getByRole('heading', { name: 'Before you enter' }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('in Chinese: full-width digits are accepted, and every message is Chinese', async () => {
    const { url, code } = await inviteWithCode('张三', 'zh-CN');
    const { context, page, problems } = await openPage(browser, { ...PHONE, locale: 'zh-CN' });
    await page.goto(url);
    const field = page.getByLabel('访问码');
    await field.click();
    await page.keyboard.type('12');
    await page.getByRole('button', { name: '进入候审室' }).click();
    const alert = page.locator('#join-error');
    await alert.getByText('访问码为六位数字').waitFor();
    expect(await alert.innerText()).not.toMatch(/[A-Za-z]/);

    await field.fill('');
    await field.click();
    await page.keyboard.type(fullWidth(code));
    await page.getByRole('button', { name: '进入候审室' }).click();
    await page.getByRole('heading', { name: '入庭前准备' }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('a wrong code of the right shape is refused by the court and the field is cleared', async () => {
    const { url, code } = await inviteWithCode('Li Si', 'en');
    const { context, page } = await openPage(browser, PHONE);
    await page.goto(url);
    const wrong = code === '000000' ? '111111' : '000000';
    await page.getByLabel('Access code').fill(wrong);
    await page.getByRole('button', { name: 'Continue to the lobby' }).click();
    await page.getByRole('alert').getByText('The access code is not correct.').waitFor();
    expect(await page.getByLabel('Access code').inputValue()).toBe('');
    await context.close();
  });
});

describe('public pages ask nothing of a staff session', () => {
  it('the invite link, the lobby and /verify make no /api/auth/me call and log no console error', async () => {
    const { url, code } = await inviteWithCode('Wang Wu', 'en');
    const { context, page, problems } = await openPage(browser, PHONE);
    const asked: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/auth/me') asked.push(page.url());
    });
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(url);
    await page.getByLabel('Access code').fill(code);
    await page.getByRole('button', { name: 'Continue to the lobby' }).click();
    await page.getByRole('heading', { name: 'Before you enter' }).waitFor();
    await page.goto(`${gavel.url}/verify`);
    await page.getByRole('heading', { name: 'Verify a sealed transcript' }).waitFor();
    expect(asked).toEqual([]);
    expect(errors).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
