import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, type APIRequestContext, type Browser, type Locator, type Page } from 'playwright-core';
import {
  apiAs,
  expectAccessible,
  expectReadableButtons,
  invite,
  json,
  launchChromium,
  openPage,
  scheduleHearing,
  startGavel,
  type Gavel,
} from './harness.ts';

// The judge's bench at a desk's 1280 × 800 with ten people in the hearing: the hearing's state, the
// lobby, who is in the hearing and the chat box are all on the one screen, no page scrolling; each
// person's rarer actions sit in a menu the keyboard drives, and the destructive ones ask first. In
// English and in Chinese. The API brings the people in; the judge signs in by typing.

let gavel: Gavel;
let browser: Browser;
let clerkApi: APIRequestContext;
let judgeApi: APIRequestContext;
let judge: { email: string; password: string };
let hearingId = '';
const CASE = '(2027) 沪0101民初31号';
const VIEWPORT = { width: 1280, height: 800 };
const ids = new Map<string, string>();

const PEOPLE: { data: Record<string, string>; admit: boolean }[] = [
  { data: { role: 'plaintiff', displayName: 'Zhang San' }, admit: true },
  { data: { role: 'agent', displayName: 'Wang Li', represents: 'Zhang San' }, admit: true },
  { data: { role: 'defendant', displayName: 'Acme Trading Ltd' }, admit: true },
  { data: { role: 'agent', displayName: 'Lawyer Chen', represents: 'Acme Trading Ltd' }, admit: true },
  { data: { role: 'plaintiff', displayName: 'Li Si' }, admit: true },
  { data: { role: 'witness', displayName: 'Witness Zhou' }, admit: true },
  { data: { role: 'observer', displayName: 'Li Hua' }, admit: true },
  { data: { role: 'defendant', displayName: 'Beta Logistics' }, admit: false },
  { data: { role: 'witness', displayName: 'Witness Sun' }, admit: false },
  { data: { role: 'observer', displayName: 'Zhao Wu' }, admit: false },
];

beforeAll(async () => {
  [gavel, browser] = await Promise.all([startGavel(), launchChromium()]);
  const clerk = gavel.createUser('clerk', 'Clerk Zhao');
  judge = gavel.createUser('judge', 'Judge Li Ming');
  clerkApi = await apiAs(gavel, clerk);
  judgeApi = await apiAs(gavel, judge);
  ({ hearingId } = await scheduleHearing(clerkApi, {
    caseNumber: CASE,
    title: 'Bench hearing',
    judge: 'Judge Li Ming',
    clerk: 'Clerk Zhao',
  }));
  const tokens: string[] = [];
  for (const { data } of PEOPLE) {
    const { represents, ...rest } = data;
    const body = represents ? { ...rest, representsId: ids.get(represents)! } : rest;
    const r = await invite(clerkApi, hearingId, body);
    ids.set(data.displayName!, r.participant.id);
    tokens.push(new URL(r.inviteUrl).pathname.split('/').pop()!);
  }
  // The lobby opens; everyone comes in through their link; the judge admits seven.
  await json(await judgeApi.post(`/api/hearings/${hearingId}/state`, { data: { action: 'open' } }));
  for (const [i, token] of tokens.entries()) {
    const ctx = await request.newContext({
      baseURL: gavel.url,
      extraHTTPHeaders: { Origin: gavel.url },
    });
    await json(await ctx.post('/api/join', { data: { token } }));
    await json(await ctx.post(`/api/hearings/${hearingId}/lobby`, { data: {} }));
    await ctx.dispose();
    if (PEOPLE[i]!.admit) {
      const pid = ids.get(PEOPLE[i]!.data.displayName!)!;
      await json(await judgeApi.post(`/api/hearings/${hearingId}/participants/${pid}/admit`, { data: {} }));
    }
  }
});

afterAll(async () => {
  await clerkApi?.dispose();
  await judgeApi?.dispose();
  await browser?.close();
  await gavel?.stop();
});

const WORDS = {
  en: {
    locale: 'en-GB',
    email: 'Email',
    password: 'Password',
    signIn: 'Sign in',
    docket: 'My docket',
    enter: 'Enter the courtroom',
    declare: /I will not record/,
    bench: 'Judge’s bench',
    start: 'Start the hearing',
    lobby: /^Lobby/,
    admitAll: 'Admit everyone waiting',
    present: /^In the hearing/,
    message: 'Message',
    mute: (n: string) => `Mute ${n}`,
    menu: (n: string) => `Actions for ${n}`,
    remove: (n: string) => `Remove ${n}`,
    removeTitle: (n: string) => `Remove ${n} from the hearing?`,
    returnToLobby: (n: string) => `Return ${n} to the lobby`,
    cancel: 'Cancel',
    chat: 'Chat',
    transcript: 'Transcript',
    exhibits: 'Exhibits',
  },
  zh: {
    locale: 'zh-CN',
    email: '电子邮件',
    password: '密码',
    signIn: '登录',
    docket: '我的案件排期',
    enter: '进入法庭',
    declare: /本人承诺/,
    bench: '审判席',
    start: '开庭',
    lobby: /^候审室/,
    admitAll: '准许所有等候人员入庭',
    present: /^在庭人员/,
    message: '消息',
    mute: (n: string) => `将 ${n} 静音`,
    menu: (n: string) => `${n} 的操作`,
    remove: (n: string) => `将 ${n} 移出`,
    removeTitle: (n: string) => `确定将 ${n} 移出庭审吗？`,
    returnToLobby: (n: string) => `让 ${n} 返回候审室`,
    cancel: '取消',
    chat: '聊天',
    transcript: '庭审笔录',
    exhibits: '证据',
  },
};
type Words = (typeof WORDS)['en'];

/** The element's whole box lies inside the 1280 × 800 viewport, with the page not scrolled. */
async function expectOnScreen(page: Page, what: string, target: Locator): Promise<void> {
  await target.waitFor();
  const box = await target.boundingBox();
  expect(box, `${what} has no box`).not.toBeNull();
  const { x, y, width, height } = box!;
  expect(
    x >= 0 && y >= 0 && x + width <= VIEWPORT.width + 0.5 && y + height <= VIEWPORT.height + 0.5,
    `${what} is outside the viewport: ${JSON.stringify(box)}`,
  ).toBe(true);
}

const isFocused = (l: Locator) =>
  l.evaluate((el) => el === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement);
const focusedRole = (page: Page) =>
  page.evaluate<string>(
    `(() => { const el = document.activeElement; return (el?.getAttribute('role') ?? el?.tagName.toLowerCase()) + ':' + (el?.textContent ?? '').trim(); })()`,
  );

async function toBench(page: Page, w: Words): Promise<void> {
  await page.goto(`${gavel.url}/login`);
  await page.getByLabel(w.email).pressSequentially(judge.email);
  await page.getByLabel(w.password).pressSequentially(judge.password);
  await page.getByRole('button', { name: w.signIn }).click();
  await page.getByRole('heading', { name: w.docket }).waitFor();
  await page.getByRole('link', { name: CASE }).click();
  await page.getByRole('link', { name: w.enter }).click();
  await page.getByLabel(w.declare).check();
  await page.getByRole('button', { name: w.enter }).click();
  await page.getByRole('heading', { name: w.bench }).waitFor();
}

describe('the judge’s bench at 1280 × 800 with ten people', () => {
  for (const lang of ['en', 'zh'] as const) {
    it(`everything the judge needs is on the one screen; each person’s menu works by keyboard (${lang})`, async () => {
      const w = WORDS[lang];
      const { context, page, problems } = await openPage(browser, { viewport: VIEWPORT, locale: w.locale });
      await toBench(page, w);
      const present = page.getByRole('region', { name: w.present });
      const lobby = page.getByRole('region', { name: w.lobby });
      await present.getByText('Witness Zhou', { exact: true }).waitFor();
      await lobby.getByText('Beta Logistics', { exact: true }).waitFor();

      // No page scrolling: the state controls, the lobby, the list and the chat box are all in view.
      expect(await page.evaluate<number>('window.scrollY')).toBe(0);
      await expectOnScreen(page, 'the state control', page.getByRole('button', { name: w.start, exact: true }));
      await expectOnScreen(page, 'the lobby', lobby);
      await expectOnScreen(page, 'admit everyone', lobby.getByRole('button', { name: w.admitAll }));
      await expectOnScreen(page, 'the participant list', present);
      await expectOnScreen(page, 'the chat box', page.getByLabel(w.message, { exact: true }));
      await page.screenshot({ path: `/tmp/bench-${lang}.png` });
      // The first person's menu is in view; the last one's is reached by scrolling the list, not the page.
      await expectOnScreen(page, 'Zhang San’s menu', page.getByRole('button', { name: w.menu('Zhang San') }));
      const last = page.getByRole('button', { name: w.menu('Li Hua') });
      await last.scrollIntoViewIfNeeded();
      await expectOnScreen(page, 'Li Hua’s menu, the list scrolled', last);
      expect(await page.evaluate<number>('window.scrollY'), 'the page scrolled').toBe(0);
      expect(
        await page.evaluate<boolean>('document.documentElement.scrollHeight <= window.innerHeight'),
        'the page itself scrolls',
      ).toBe(true);
      await expectAccessible(page, `bench with ten people (${lang})`);
      await expectReadableButtons(page, `bench with ten people (${lang})`, '.layout.with-bench');

      // One-click mute is a button of its own (disabled here: no media server, no microphone track).
      await page.getByRole('button', { name: w.mute('Zhang San') }).waitFor();

      // The tabs beside the stage: arrows move between them, the panel follows.
      const chatTab = page.getByRole('tab', { name: w.chat });
      const transcriptTab = page.getByRole('tab', { name: w.transcript });
      const exhibitsTab = page.getByRole('tab', { name: w.exhibits });
      expect(await chatTab.getAttribute('aria-selected')).toBe('true');
      await chatTab.focus();
      await page.keyboard.press('ArrowRight');
      expect(await isFocused(transcriptTab)).toBe(true);
      expect(await transcriptTab.getAttribute('aria-selected')).toBe('true');
      await page.getByRole('tabpanel', { name: w.transcript }).waitFor();
      expect(await page.getByLabel(w.message, { exact: true }).isVisible()).toBe(false);
      await page.keyboard.press('End');
      expect(await exhibitsTab.getAttribute('aria-selected')).toBe('true');
      await page.keyboard.press('ArrowRight');
      expect(await chatTab.getAttribute('aria-selected')).toBe('true');
      expect(await isFocused(chatTab)).toBe(true);
      await page.getByLabel(w.message, { exact: true }).waitFor();

      // The per-person menu, by keyboard: Enter opens it on its first item, Escape closes it back
      // onto its button; ArrowUp opens it on the last item, the destructive Remove.
      const menuButton = page.getByRole('button', { name: w.menu('Acme Trading Ltd') });
      await menuButton.focus();
      expect(await menuButton.getAttribute('aria-expanded')).toBe('false');
      await page.keyboard.press('Enter');
      const menu = page.getByRole('menu', { name: w.menu('Acme Trading Ltd') });
      await menu.waitFor();
      expect(await menuButton.getAttribute('aria-expanded')).toBe('true');
      expect(await isFocused(menu.getByRole('menuitem', { name: w.returnToLobby('Acme Trading Ltd') }))).toBe(true);
      await page.keyboard.press('ArrowDown');
      expect(await focusedRole(page)).toMatch(/^menuitem/);
      await page.keyboard.press('Escape');
      await menu.waitFor({ state: 'hidden' });
      expect(await isFocused(menuButton)).toBe(true);
      await page.keyboard.press('ArrowUp');
      await menu.waitFor();
      const remove = menu.getByRole('menuitem', { name: w.remove('Acme Trading Ltd') });
      expect(await isFocused(remove)).toBe(true);
      await page.screenshot({ path: `/tmp/bench-${lang}-menu.png` });
      await expectAccessible(page, `a person’s menu (${lang})`);
      await expectReadableButtons(page, `a person’s menu (${lang})`, '[role="menu"]');
      // Remove looks destructive: its text is the danger colour, unlike its neighbours.
      const colour = (l: Locator) =>
        l.evaluate(
          (el) =>
            (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(el).color,
        );
      expect(await colour(remove)).not.toBe(
        await colour(menu.getByRole('menuitem', { name: w.returnToLobby('Acme Trading Ltd') })),
      );

      // Remove asks first; the safe choice has focus; Escape cancels, focus goes back to the menu button.
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: w.removeTitle('Acme Trading Ltd') });
      await dialog.waitFor();
      expect(await isFocused(dialog.getByRole('button', { name: w.cancel }))).toBe(true);
      await page.screenshot({ path: `/tmp/bench-${lang}-confirm.png` });
      await expectReadableButtons(page, `remove confirmation (${lang})`, 'dialog[open]');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      await expect.poll(() => isFocused(menuButton)).toBe(true);
      await present.getByText('Acme Trading Ltd', { exact: true }).waitFor();

      expect(problems).toEqual([]);
      await context.close();
    }, 120_000);
  }

  it('returning someone to the lobby from their menu hands focus to the next person’s menu', async () => {
    const w = WORDS.en;
    const { context, page, problems } = await openPage(browser, { viewport: VIEWPORT });
    await toBench(page, w);
    const present = page.getByRole('region', { name: w.present });
    const lobby = page.getByRole('region', { name: w.lobby });
    await present.getByText('Li Si', { exact: true }).waitFor();
    const order = await present
      .getByRole('button', { name: /^Actions for / })
      .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    const at = order.indexOf(w.menu('Li Si'));
    expect(at).toBeGreaterThanOrEqual(0);
    const next = order[at + 1]!;

    await page.getByRole('button', { name: w.menu('Li Si') }).focus();
    await page.keyboard.press('Enter');
    const item = page.getByRole('menuitem', { name: w.returnToLobby('Li Si') });
    expect(await isFocused(item)).toBe(true);
    await page.keyboard.press('Enter');
    await lobby.getByText('Li Si', { exact: true }).waitFor();
    await expect.poll(() => isFocused(page.getByRole('button', { name: next }))).toBe(true);
    await page.getByText('Li Si was returned to the lobby.').waitFor();

    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
