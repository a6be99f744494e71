import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expectAccessible, launchChromium, startGavel, type Gavel } from './harness.ts';

/**
 * The main journeys in Chinese: a Chinese browser gets the Chinese interface from the first page,
 * and a Chinese court writes to its invitees in Chinese unless the clerk picks another language.
 */
let gavel: Gavel;
let browser: Browser;

const RULES = {
  en: 'Keep your camera on. Speak only when the judge allows.',
  'zh-CN': '请全程开启摄像头，经审判员许可后方可发言。',
};

beforeAll(async () => {
  [gavel, browser] = await Promise.all([startGavel(), launchChromium()]);
  await gavel.database.db
    .updateTable('courts')
    .set({ timezone: 'Asia/Shanghai', locale: 'zh-CN', rules_text: JSON.stringify(RULES) })
    .execute();
});
afterAll(async () => {
  await browser?.close();
  await gavel?.stop();
});

async function chineseBrowser(
  timezoneId: string,
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/40[14]|410/.test(m.text())) problems.push(m.text());
  });
  return { context, page, problems };
}

/** No English interface text left on the page: the headings and buttons are Chinese. */
async function expectChinese(page: Page, english: string[]) {
  expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
  const text = await page.locator('body').innerText();
  for (const word of english) expect(text, word).not.toContain(word);
}

describe('Gavel in Chinese (zh-CN), in Chromium', () => {
  let zhInvite = '';
  let enInvite = '';
  let hearingId = '';
  let clerkLogin = { email: '', password: '' };

  it('a clerk signs in, reads the docket, schedules a hearing and adds invitees, all in Chinese', async () => {
    const clerk = gavel.createUser('clerk', '赵书记员');
    clerkLogin = clerk;
    gavel.createUser('judge', '李明法官');
    const { context, page, problems } = await chineseBrowser('UTC');
    await page.goto(`${gavel.url}/login`);
    await page.getByRole('heading', { name: '登录' }).waitFor();
    await expectChinese(page, ['Sign in', 'Password']);
    await expectAccessible(page, 'sign-in (zh-CN)');
    await page.getByLabel('电子邮件').fill(clerk.email);
    await page.getByLabel('密码').fill(clerk.password);
    await page.getByRole('button', { name: '登录' }).click();

    await page.getByRole('heading', { name: '法院庭审排期' }).waitFor();
    await expectChinese(page, ['Court docket', 'Schedule a hearing', 'Sign out']);
    await expectAccessible(page, 'docket (zh-CN)');

    await page.getByRole('link', { name: '安排庭审' }).click();
    await page.getByRole('heading', { name: '安排庭审' }).waitFor();
    await page.getByRole('button', { name: '新建案件' }).click();
    await page.getByLabel('案号').fill('(2027)沪0101民初8号');
    await page.getByLabel('案件名称').fill('张三诉某贸易有限公司买卖合同纠纷');
    await page.getByLabel('庭审名称').fill('第一次开庭');
    await page.getByLabel('审判员', { exact: true }).selectOption({ label: '李明法官' });
    await page.getByLabel('法庭', { exact: true }).selectOption({ index: 1 });
    await page.getByLabel('日期').fill('2027-01-15');
    await page.getByLabel('开始时间').fill('09:30');
    await page.getByLabel('结束时间').fill('10:30');
    await page.getByText('审判员和法庭在此时间均无其他安排。').waitFor();
    await expectChinese(page, ['Case number', 'Hearing title', 'Start time']);
    await expectAccessible(page, 'schedule form (zh-CN)');
    await page.getByRole('button', { name: '确认排期' }).click();

    await page.getByRole('heading', { name: /第一次开庭/ }).waitFor();
    hearingId = page.url().split('/hearings/')[1] ?? '';
    // The date in Chinese, by Intl: 2027年1月15日星期五.
    await page
      .getByText(/2027年1月15日星期五/)
      .first()
      .waitFor();

    // The court is Chinese: the invitee's language defaults to Chinese.
    await page.getByLabel('身份', { exact: true }).selectOption('plaintiff');
    await page.getByLabel('姓名').fill('张三');
    await page.getByRole('button', { name: '添加并生成邀请' }).click();
    await page.getByRole('heading', { name: '张三 的邀请' }).waitFor();
    zhInvite = await page.getByLabel('邀请链接').inputValue();
    await page.getByRole('button', { name: '完成' }).click();

    // A witness who reads English: the clerk picks English for the invitation.
    await page.getByLabel('身份', { exact: true }).selectOption('witness');
    await page.getByLabel('姓名').fill('Walter Smith');
    await page.getByLabel('通知语言').selectOption('en');
    await page.getByRole('button', { name: '添加并生成邀请' }).click();
    await page.getByRole('heading', { name: 'Walter Smith 的邀请' }).waitFor();
    enInvite = await page.getByLabel('邀请链接').inputValue();
    await page.getByRole('button', { name: '完成' }).click();
    await page
      .getByRole('table', { name: '诉讼参与人' })
      .getByRole('row', { name: /张三.*原告/ })
      .waitFor();
    await expectChinese(page, ['Participants', 'Add and create invitation', 'Plaintiff']);
    await expectAccessible(page, 'hearing page (zh-CN)');

    const rows = await gavel.database.db
      .selectFrom('participants')
      .select(['display_name', 'locale', 'message_text'])
      .where('hearing_id', '=', hearingId)
      .orderBy('display_name')
      .execute();
    expect(rows.map((r) => [r.display_name, r.locale])).toEqual([
      ['Walter Smith', 'en'],
      ['张三', 'zh-CN'],
    ]);
    expect(rows.find((r) => r.locale === 'zh-CN')?.message_text).toContain('张三，您好');
    expect(rows.find((r) => r.locale === 'en')?.message_text).toContain('Dear Walter Smith,');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the party opens the link in a Chinese browser: landing, both clocks and the rules in Chinese, then the lobby', async () => {
    const { context, page, problems } = await chineseBrowser('America/New_York');
    await page.goto(zhInvite);
    await page.getByRole('heading', { name: '第一次开庭' }).waitFor();
    await page.getByText('(2027)沪0101民初8号 — 张三诉某贸易有限公司买卖合同纠纷').waitFor();
    const courtTime = await page.getByTestId('court-time').innerText();
    expect(courtTime).toMatch(/2027年1月15日星期五/);
    expect(courtTime).toContain('09:30');
    // The same instant on the party's own clock in New York: the evening before.
    const localTime = await page.getByTestId('local-time').innerText();
    expect(localTime).toMatch(/2027年1月14日星期四/);
    expect(localTime).toContain('20:30');
    await page.getByText('法院当地时间（Asia/Shanghai）').waitFor();
    await page.getByText('您的当地时间（America/New_York）').waitFor();
    await page.getByText('张三，原告').waitFor();
    await page.getByRole('heading', { name: '参加庭审须知' }).waitFor();
    await page.getByText(RULES['zh-CN']).waitFor();
    await expectChinese(page, ['Continue to the lobby', 'You are joining as', RULES.en]);
    await expectAccessible(page, 'join landing (zh-CN)');

    await page.getByRole('button', { name: '进入候审室' }).click();
    await page.waitForURL(new RegExp(`/hearings/${hearingId}/lobby$`));
    await page.getByRole('heading', { name: '检查摄像头和麦克风' }).waitFor();
    await page.getByRole('heading', { name: '法庭纪律' }).waitFor();
    await page.getByText(RULES['zh-CN']).waitFor();
    expect(await page.getByTestId('lobby-local-time').innerText()).toContain('您的当地时间（America/New_York）');
    await expectChinese(page, ['Check your camera and microphone', 'The court’s rules', RULES.en]);
    await expectAccessible(page, 'lobby (zh-CN)');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the clerk’s fast entry keeps half-typed pinyin: an input method’s Enter does not commit it', async () => {
    const { context, page, problems } = await chineseBrowser('Asia/Shanghai');
    await page.goto(`${gavel.url}/login`);
    await page.getByLabel('电子邮件').fill(clerkLogin.email);
    await page.getByLabel('密码').fill(clerkLogin.password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('heading', { name: '法院庭审排期' }).waitFor();
    await page.goto(`${gavel.url}/hearings/${hearingId}/transcript`);
    const box = page.getByLabel('发言内容');
    await box.waitFor();
    await box.fill('原告请陈述');
    // What an input method sends when Enter picks a candidate: Chrome marks it isComposing,
    // Safari sends it after compositionend with keyCode 229. Neither may commit the entry.
    const press = (init: string) =>
      page.evaluate<boolean>(`(() => {
        const e = new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true, ${init} });
        document.getElementById('entry-text').dispatchEvent(e);
        return e.defaultPrevented;
      })()`);
    expect(await press('isComposing: true, keyCode: 229')).toBe(false);
    expect(await press('isComposing: false, keyCode: 229')).toBe(false);
    expect(await box.inputValue()).toBe('原告请陈述');
    // A plain Enter is the clerk's own: it is taken (the entry is committed).
    expect(await press('isComposing: false, keyCode: 13')).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('an English reader’s rules are in English even on a Chinese screen, marked lang="en"', async () => {
    const { context, page } = await chineseBrowser('Asia/Shanghai');
    await page.goto(enInvite);
    await page.getByRole('heading', { name: '参加庭审须知' }).waitFor();
    const rules = page.getByText(RULES.en);
    await rules.waitFor();
    expect(await rules.getAttribute('lang')).toBe('en');
    await expectAccessible(page, 'join landing, English rules on a Chinese screen');
    expect(await page.locator('body').innerText()).not.toContain(RULES['zh-CN']);
    // Same clock as the court: only the court's time is shown.
    expect(await page.getByTestId('local-time').count()).toBe(0);
    await context.close();
  });
});
