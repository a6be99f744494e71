import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
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

describe('the password rule on a phone, in Chinese', () => {
  it('hints while typing, loads the dictionaries only then, and refuses courtroom12345 with the reason', async () => {
    const judge = gavel.createUser('judge', '李明法官');
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 375, height: 667 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => {
      // The refusal itself is a 400 the page shows; 401 is the signed-out start.
      if (m.type() === 'error' && !/40[01]/.test(m.text())) problems.push(m.text());
    });
    const bigScripts: string[] = [];
    page.on('response', async (res) => {
      if (!res.url().endsWith('.js')) return;
      const body = await res.body().catch(() => Buffer.alloc(0));
      if (body.length > 1_000_000) bigScripts.push(res.url());
    });
    const hashOf = async () =>
      (
        await gavel.database.db
          .selectFrom('users')
          .select('password_hash')
          .where('email', '=', judge.email)
          .executeTakeFirstOrThrow()
      ).password_hash;

    await page.goto(`${gavel.url}/login`);
    await page.getByLabel('电子邮件').fill(judge.email);
    await page.getByLabel('密码').fill(judge.password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('heading', { name: /^(我的案件排期|法院庭审排期)$/ }).waitFor();
    await page.goto(`${gavel.url}/account`);
    await page.getByRole('heading', { name: '修改密码' }).waitFor();
    // Signed in and on the form: the 1.6 MB of dictionaries have not been fetched.
    expect(bigScripts).toEqual([]);

    const form = page.getByRole('region', { name: '修改密码' });
    const before = await hashOf();
    await form.getByLabel('当前密码', { exact: true }).fill(judge.password);
    await form.getByLabel('新密码', { exact: true }).pressSequentially('courtroom12345');
    const hint = form.locator('#password-strength');
    await hint.getByText('太容易被猜到').waitFor();
    await hint.getByText('请勿使用与您或本法院相关的词语：您的姓名、电子邮箱、法院名称。').waitFor();
    expect(bigScripts).toHaveLength(1);
    await form.getByLabel('再次输入新密码').fill('courtroom12345');
    await form.getByRole('button', { name: '修改密码' }).click();
    const alert = form.getByRole('alert');
    await alert.getByText(/^此密码太容易被猜到。请勿使用与您或本法院相关的词语.*再加几个不常见的词语。$/).waitFor();
    expect(await page.locator('body').innerText()).not.toMatch(/too easy|Avoid words|Strength/);
    await page.screenshot({ path: 'docs/screenshots/account-password-refused-zh-CN-phone.png', fullPage: true });
    await expectAccessible(page, 'refused password (zh-CN, 375×667)');
    // The page neither scrolls sideways nor cuts the reason off.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);

    await form.getByLabel('新密码', { exact: true }).fill('gavelgavelgavel');
    await form.getByLabel('再次输入新密码').fill('gavelgavelgavel');
    await form.getByRole('button', { name: '修改密码' }).click();
    await alert.getByText(/^此密码太容易被猜到。像“abcabcabc”这样重复的组合很容易被猜到。/).waitFor();
    expect(await hashOf()).toBe(before);

    const strong = 'lantern orbit saffron quietly';
    await form.getByLabel('新密码', { exact: true }).fill(strong);
    await hint.getByText('强', { exact: true }).waitFor();
    await form.getByLabel('再次输入新密码').fill(strong);
    await form.getByRole('button', { name: '修改密码' }).click();
    await form.getByText('密码已修改，您在其他设备上的登录已退出。').waitFor();
    expect(await hashOf()).not.toBe(before);
    expect(problems).toEqual([]);
    await context.close();
  });
});
