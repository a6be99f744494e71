import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { Secret, TOTP } from 'otpauth';
import { expectAccessible, launchChromium, startGavel, type Gavel } from './harness.ts';

let gavel: Gavel;
let browser: Browser;

beforeAll(async () => {
  [gavel, browser] = await Promise.all([startGavel(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await gavel?.stop();
});

/** A same-origin API call with a session cookie, as the web app makes it. */
async function api(path: string, cookie: string | undefined, body?: unknown) {
  const res = await fetch(`${gavel.url}/api${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      origin: gavel.url,
      ...(cookie ? { cookie } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const set = res.headers.get('set-cookie');
  const json = (res.status === 204 ? {} : await res.json()) as Record<string, unknown>;
  return { res, cookie: set ? set.split(';')[0]! : cookie, json };
}

const codeFor = (secret: string, at: number) =>
  new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({
    timestamp: at,
  });

describe('removing a judge’s second factor in Chromium', () => {
  it('a second admin signs in and approves another admin’s request', async () => {
    const judge = gavel.createUser('judge', 'Judge Lin');
    const asker = gavel.createUser('admin', 'Admin Zhou');
    const approver = gavel.createUser('admin', 'Admin Qian');

    // Around the step under test: the judge has TOTP on, and Admin Zhou asked to remove it.
    const judgeIn = await api('/auth/login', undefined, { email: judge.email, password: judge.password });
    const setup = await api('/account/two-factor/setup', judgeIn.cookie, {});
    const confirmed = await api('/account/two-factor/confirm', judgeIn.cookie, {
      code: codeFor(setup.json.secret as string, Date.now()),
    });
    expect(confirmed.res.status).toBe(200);
    const askerIn = await api('/auth/login', undefined, { email: asker.email, password: asker.password });
    const staff = await api('/admin/staff?q=Judge%20Lin', askerIn.cookie);
    const judgeId = (staff.json.staff as { id: string }[])[0]!.id;
    const asked = await api(`/admin/staff/${judgeId}/two-factor-reset`, askerIn.cookie, {});
    expect(asked.json.reset).toMatchObject({ mode: 'approval', status: 'pending' });

    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${gavel.url}/login`);
    await page.getByLabel('Email').fill(approver.email);
    await page.getByLabel('Password').fill(approver.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('navigation', { name: 'Court administration' }).getByRole('link', { name: 'Staff' }).click();
    const pending = page.getByRole('region', { name: 'Pending removals of two-factor sign-in' });
    const row = pending.getByRole('row', { name: /Judge Lin/ });
    await row.getByText('Takes effect when another administrator approves it').waitFor();
    await row.getByText('Admin Zhou').waitFor();
    await expectAccessible(page, 'pending two-factor removals');
    await page.screenshot({ path: 'docs/screenshots/admin-two-factor-approval.png', fullPage: true });

    await row.getByRole('button', { name: 'Approve: Judge Lin' }).click();
    await page.getByRole('dialog', { name: 'Approve: Judge Lin' }).getByRole('button', { name: 'Approve' }).click();
    await page.getByText('Two-factor sign-in of Judge Lin was removed.').waitFor();
    await pending.getByText('No pending requests.').waitFor();
    // The judge's session ended with it, and the password alone now signs in.
    expect((await api('/auth/me', judgeIn.cookie)).res.status).toBe(401);
    const again = await api('/auth/login', undefined, { email: judge.email, password: judge.password });
    expect(again.json.user).toBeDefined();

    // The judge, signing in through the page, is told who asked and who approved.
    const judgePage = await (
      await browser.newContext({ locale: 'zh-CN', viewport: { width: 375, height: 667 } })
    ).newPage();
    await judgePage.goto(`${gavel.url}/login`);
    await judgePage.locator('#login-email').fill(judge.email);
    await judgePage.locator('#login-password').fill(judge.password);
    await judgePage.locator('form button[type=submit]').click();
    await judgePage.getByText('Admin Zhou 申请移除您的双重验证，Admin Qian 已批准').waitFor();
    await judgePage.screenshot({ path: 'docs/screenshots/account-notice-two-factor-removed-zh.png', fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });
});
