import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
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

async function newPage(): Promise<Page & { problems: string[] }> {
  const context = await browser.newContext({ locale: 'en-GB' });
  const page = (await context.newPage()) as Page & { problems: string[] };
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(e.message));
  page.on('console', (m) => {
    // 401s are how a signed-out or half-signed-in browser learns where it stands.
    if (m.type() === 'error' && !m.text().includes('401')) page.problems.push(m.text());
  });
  return page;
}

async function signIn(page: Page, email: string, password: string) {
  await page.goto(`${gavel.url}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The authenticator app, played by the test from the shared secret. */
const codeFor = (secret: string, at: number) =>
  new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({
    timestamp: at,
  });

describe('court administration in Chromium', () => {
  it('an admin invites a clerk; the clerk sets a password through the link and signs in', async () => {
    const admin = gavel.createUser('admin', 'Admin Chen');
    const page = await newPage();
    await signIn(page, admin.email, admin.password);
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('heading', { name: 'Court settings', level: 1 }).waitFor();
    // The court's signing certificate, with the fingerprint anyone can compare against court.pem.
    const signing = page.getByRole('region', { name: 'Record signing certificate' });
    const published = await (await fetch(`${gavel.url}/.well-known/gavel/court.pem`)).text();
    const { X509Certificate } = await import('node:crypto');
    await expect
      .poll(() => signing.getByTestId('court-fingerprint').textContent())
      .toBe(new X509Certificate(published).fingerprint256);
    await page.screenshot({ path: 'docs/screenshots/admin-signing-certificate.png', fullPage: true });
    await expectAccessible(page, 'court settings');
    await page.getByRole('navigation', { name: 'Court administration' }).getByRole('link', { name: 'Staff' }).click();
    await page.getByRole('heading', { name: 'Staff', level: 1 }).waitFor();
    await expectAccessible(page, 'staff');

    const inviteForm = page.getByRole('region', { name: 'Invite a staff member' });
    await inviteForm.getByLabel('Email').fill('clerk.sun@e2e.court.test');
    await inviteForm.getByLabel('Full name').fill('Clerk Sun');
    await inviteForm.getByLabel('Role').selectOption('clerk');
    await inviteForm.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByRole('heading', { name: 'Set-password link' }).waitFor();
    await expectAccessible(page, 'set-password link');
    // No SMTP in this run: the admin is told to pass the link on.
    await page.getByText(/copy this link and give it to clerk\.sun@e2e\.court\.test/).waitFor();
    const url = await page.getByLabel('One-time link').inputValue();
    expect(url).toMatch(new RegExp(`^${gavel.url}/login#set-password=`));
    await page
      .getByRole('row', { name: /Clerk Sun/ })
      .getByText('Awaiting password')
      .waitFor();
    expect(page.problems).toEqual([]);

    const clerkPage = await newPage();
    await clerkPage.goto(url);
    await clerkPage.getByRole('heading', { name: 'Choose your password' }).waitFor();
    await expectAccessible(clerkPage, 'choose password');
    await clerkPage.getByText('Welcome, Clerk Sun.').waitFor();
    await clerkPage.getByLabel('New password', { exact: true }).fill('password1234');
    await clerkPage.getByLabel('New password again').fill('password1234');
    await clerkPage.getByRole('button', { name: 'Set password' }).click();
    await clerkPage
      .getByRole('alert')
      .filter({ hasText: /^This password is too easy to guess\. This is close to a commonly used password\./ })
      .waitFor();
    await clerkPage.getByLabel('New password', { exact: true }).fill('lanterns over the quiet harbour');
    await clerkPage.getByLabel('New password again').fill('lanterns over the quiet harbour');
    await clerkPage.getByRole('button', { name: 'Set password' }).click();
    await clerkPage.getByText('Your password is set. Sign in with it now.').waitFor();
    expect(await clerkPage.getByLabel('Email').inputValue()).toBe('clerk.sun@e2e.court.test');
    await clerkPage.getByLabel('Password').fill('lanterns over the quiet harbour');
    await clerkPage.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => clerkPage.url()).not.toMatch(/\/login/);
    await clerkPage.getByText('Clerk Sun').first().waitFor();
    // A clerk has an account page but no admin area.
    expect(await clerkPage.getByRole('link', { name: 'Admin' }).count()).toBe(0);
    await clerkPage.getByRole('link', { name: 'Account' }).click();
    await clerkPage.getByRole('heading', { name: 'My account' }).waitFor();
    await expectAccessible(clerkPage, 'my account (clerk)');
    // Typing the admin area's address gets the refusal, and the page never asks the API for admin data.
    const adminCalls: string[] = [];
    clerkPage.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/api/admin')) adminCalls.push(r.url());
    });
    await clerkPage.goto(`${gavel.url}/admin/staff`);
    await clerkPage.getByRole('heading', { name: 'Administrators only' }).waitFor();
    await clerkPage.getByText('Only your court’s administrators can open these pages.').waitFor();
    expect(adminCalls).toEqual([]);

    // The link worked once.
    const again = await newPage();
    await again.goto(url);
    await again
      .getByRole('alert')
      .filter({ hasText: /already been used/ })
      .waitFor();

    // Back in the admin's list, the clerk is active.
    await page.reload();
    await page
      .getByRole('row', { name: /Clerk Sun/ })
      .getByText('Active')
      .waitFor();
    // The one 400 is the refused weak password above.
    expect(clerkPage.problems.filter((p) => !p.includes('status of 400'))).toEqual([]);
    await Promise.all([page.context().close(), clerkPage.context().close(), again.context().close()]);
  });

  it('a judge enrols TOTP and signs in with a code generated from the shared secret', async () => {
    const judge = gavel.createUser('judge', 'Judge Gao');
    const page = await newPage();
    await signIn(page, judge.email, judge.password);
    await expect.poll(() => page.url()).not.toMatch(/\/login/);
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByRole('heading', { name: 'My account' }).waitFor();
    await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
    const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const enrolledAt = Date.now();
    await page.getByLabel('Code from the app').fill(codeFor(secret, enrolledAt));
    await page.getByRole('button', { name: 'Confirm and turn on' }).click();
    await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
    await expectAccessible(page, 'recovery codes');
    const codes = await page.getByTestId('recovery-codes').locator('li').allTextContents();
    expect(codes).toHaveLength(10);
    await page.getByRole('button', { name: 'I have saved my codes' }).click();
    await page.getByText('Two-factor sign-in is on.').first().waitFor();
    await page.getByText('10 unused recovery codes left.').waitFor();

    await page.getByRole('button', { name: 'Sign out' }).first().click();
    await page.waitForURL(/\/login/);

    // Password first, then the code.
    await page.getByLabel('Email').fill(judge.email);
    await page.getByLabel('Password').fill(judge.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Enter your code' }).waitFor();
    await expectAccessible(page, 'sign-in code step');
    // Owing the code, the browser is not signed in.
    expect(await page.evaluate(async () => (await fetch('/api/auth/me')).status)).toBe(401);
    await page.getByLabel('Code', { exact: true }).fill('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /code is not correct/ })
      .waitFor();
    // The code of the next 30 seconds is accepted (±1 step) and was never used: enrolment used an earlier one.
    await page.getByLabel('Code', { exact: true }).fill(codeFor(secret, Math.max(Date.now(), enrolledAt) + 30_000));
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect.poll(() => page.url()).not.toMatch(/\/login/);
    await page.getByText('Judge Gao').first().waitFor();
    expect(await page.evaluate(async () => (await fetch('/api/auth/me')).status)).toBe(200);
    expect(page.problems).toEqual([]);
    await page.context().close();
  });

  it('a refused court setting is marked, focused and explained, with the server’s reason, in both languages', async () => {
    const admin = gavel.createUser('admin', 'Admin Fang');
    const page = await newPage();
    await signIn(page, admin.email, admin.password);
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('heading', { name: 'Court settings', level: 1 }).waitFor();
    const focused = () =>
      page.evaluate(
        () =>
          (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement
            ?.id ?? '',
      );
    const zone = page.getByLabel('Time zone');
    const name = page.getByLabel('Court name');

    // A zone no one keeps: refused before a round trip, the field marked and focused.
    await zone.fill('Mars/Olympus_Mons');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('alert').filter({ hasText: 'This is not a known time zone' }).waitFor();
    expect(await focused()).toBe('court-timezone');
    expect(await zone.getAttribute('aria-invalid')).toBe('true');
    await page.screenshot({ path: 'docs/screenshots/admin-court-settings-refused.png', fullPage: true });
    await expectAccessible(page, 'court settings, a refused zone');

    // A refusal only the server makes (a blank name passes the browser's `required`): its field and its reason.
    await zone.fill('Asia/Shanghai');
    await name.fill('   ');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /Check “Court name”: must not be blank/ })
      .waitFor();
    expect(await focused()).toBe('court-name');
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    expect(await zone.getAttribute('aria-invalid')).toBe('false');
    await page.getByLabel('Language / 语言').selectOption('zh-CN');
    await page
      .getByRole('alert')
      .filter({ hasText: /请检查“法院名称”：must not be blank/ })
      .waitFor();

    // Put right, it saves and the marks go.
    await page.getByLabel('法院名称').fill('Fang District Court');
    await page.getByRole('button', { name: '保存更改' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /已保存/ })
      .waitFor();
    expect(await page.getByLabel('法院名称').getAttribute('aria-invalid')).toBe('false');
    // Chromium logs the API's 400 for the blank name, which was the point; nothing else went wrong.
    expect(page.problems.filter((p) => !p.includes('status of 400'))).toEqual([]);
    await page.context().close();
  });
});
