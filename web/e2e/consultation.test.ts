import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIRequestContext, Browser, Page } from 'playwright-core';
import { formatCourtTime } from '../../api/src/domain/court-time.ts';
import {
  apiAs,
  enterBench,
  enterLobby,
  expectAccessible,
  type Gavel,
  invite,
  launchChromium,
  openPage,
  scheduleHearing,
  signIn,
  startGavel,
} from './harness.ts';

// Private consultation in three browsers: the plaintiff (on a phone) asks their agent, who accepts in
// another browser; they step out into a room of their own, the judge sees only that they are
// consulting and since when, and cannot get in; both come back. In English and in Chinese.
// No LiveKit server runs here: media fails to connect, the consultation's state must not.

let gavel: Gavel;
let browser: Browser;
let clerkApi: APIRequestContext;
let judge: { email: string; password: string };
let hearingId = '';
let plaintiffInvite = '';
let agentInvite = '';
let zhHearingId = '';
let zhPlaintiffInvite = '';
let zhAgentInvite = '';
const PHONE = { viewport: { width: 375, height: 667 } };

const TITLE = 'Consultation hearing';
const BANNER = 'Private consultation — not recorded; the judge cannot hear you';

beforeAll(async () => {
  [gavel, browser] = await Promise.all([
    startGavel(),
    launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']),
  ]);
  const clerk = gavel.createUser('clerk', 'Clerk Zhao');
  judge = gavel.createUser('judge', 'Judge Li Ming');

  // The clerk schedules the hearing and invites the plaintiff and the lawyer who represents them.
  clerkApi = await apiAs(gavel, clerk);
  ({ hearingId } = await scheduleHearing(clerkApi, {
    caseNumber: '(2027) 沪0101民初9号',
    title: TITLE,
    judge: 'Judge Li Ming',
  }));
  const plaintiff = await invite(clerkApi, hearingId, { role: 'plaintiff', displayName: 'Zhang San' });
  const agent = await invite(clerkApi, hearingId, {
    role: 'agent',
    displayName: 'Lawyer Wang',
    representsId: plaintiff.participant.id,
  });
  plaintiffInvite = plaintiff.inviteUrl;
  agentInvite = agent.inviteUrl;

  ({ hearingId: zhHearingId } = await scheduleHearing(clerkApi, {
    caseNumber: '(2027) 沪0101民初10号',
    title: '私下协商庭审',
    judge: 'Judge Li Ming',
    // After the first hearing, in the same courtroom.
    startsInMinutes: 80,
  }));
  const zhPlaintiff = await invite(clerkApi, zhHearingId, { role: 'plaintiff', displayName: '张三' });
  const zhAgent = await invite(clerkApi, zhHearingId, {
    role: 'agent',
    displayName: '王律师',
    representsId: zhPlaintiff.participant.id,
  });
  zhPlaintiffInvite = zhPlaintiff.inviteUrl;
  zhAgentInvite = zhAgent.inviteUrl;
});

/** When the open consultation of a hearing began, as the bench's banner words it. */
async function heldSince(id: string, locale: string): Promise<string> {
  const row = await gavel.database.db
    .selectFrom('consultations as c')
    .innerJoin('hearings as h', 'h.id', 'c.hearing_id')
    .innerJoin('courts as ct', 'ct.id', 'h.court_id')
    .select(['c.opened_at', 'ct.timezone'])
    .where('c.hearing_id', '=', id)
    .where('c.closed_at', 'is', null)
    .executeTakeFirstOrThrow();
  return formatCourtTime(row.opened_at, row.timezone, locale);
}

afterAll(async () => {
  await clerkApi?.dispose();
  await browser?.close();
  await gavel?.stop();
});

/** The id of the element that has focus (the e2e files are compiled without the DOM library). */
function focusedId(page: Page): Promise<string | undefined> {
  return page.evaluate(
    () => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id,
  );
}

/** A POST from inside the page, with its session cookie: the status the API answers. */
function postFrom(page: Page, path: string): Promise<number> {
  return page.evaluate(async (url) => {
    const r = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    return r.status;
  }, path);
}

describe('private consultation', () => {
  it('the plaintiff and their agent consult privately; the judge sees them consulting and cannot join; both return', async () => {
    const bench = await openPage(browser);
    await signIn(bench.page, gavel.url, judge);
    await enterBench(bench.page, gavel.url, hearingId);
    await bench.page.getByRole('button', { name: 'Open the lobby' }).click();
    await bench.page.getByText('Lobby open').first().waitFor();

    const plaintiff = await openPage(browser, PHONE);
    const agent = await openPage(browser);
    await enterLobby(plaintiff.page, plaintiffInvite);
    await enterLobby(agent.page, agentInvite);
    await bench.page.getByRole('button', { name: 'Admit Lawyer Wang' }).waitFor();
    await bench.page.getByRole('button', { name: 'Admit everyone waiting' }).click();
    await plaintiff.page.getByRole('heading', { name: TITLE }).waitFor({ timeout: 15_000 });
    await agent.page.getByRole('heading', { name: TITLE }).waitFor({ timeout: 15_000 });

    // Each is offered a consultation with the other (the plaintiff learns whom the agent represents).
    const consult = plaintiff.page.getByRole('button', { name: 'Consult privately with my representative' });
    await consult.waitFor({ timeout: 15_000 });
    // The offer is a region of its own, named by a heading, so a screen reader can find it.
    await plaintiff.page.getByRole('region', { name: 'Private consultation' }).getByRole('heading').waitFor();
    await agent.page.getByRole('button', { name: 'Consult privately with Zhang San' }).waitFor();
    // The bench is offered nothing of the kind.
    expect(await bench.page.getByRole('button', { name: /Consult privately/ }).count()).toBe(0);

    // The plaintiff asks; nothing starts until the agent answers. A first asking is declined.
    await consult.click();
    await plaintiff.page.getByText('Waiting for Lawyer Wang to accept…').waitFor({ timeout: 15_000 });
    await plaintiff.page.screenshot({ path: '/tmp/consult-en-waiting.png', fullPage: true });
    const invitation = agent.page.getByRole('heading', { name: 'Zhang San asks to speak privately with you' });
    await invitation.waitFor({ timeout: 15_000 });
    await agent.page.screenshot({ path: '/tmp/consult-en-invitation.png', fullPage: true });
    await expectAccessible(agent.page, 'consultation invitation (agent)');
    expect(await bench.page.getByText(/asks to speak privately/).count()).toBe(0);
    await agent.page.getByRole('button', { name: 'Decline' }).click();
    await plaintiff.page
      .getByTestId('consult-offer')
      .getByText('Lawyer Wang declined to consult privately now.')
      .waitFor({ timeout: 15_000 });
    await plaintiff.page.screenshot({ path: '/tmp/consult-en-declined.png', fullPage: true });
    expect(
      await gavel.database.db.selectFrom('consultations').select('id').where('hearing_id', '=', hearingId).execute(),
    ).toEqual([]);

    // Asked again, and withdrawn: the agent's invitation goes away.
    await consult.click();
    await invitation.waitFor({ timeout: 15_000 });
    await plaintiff.page.getByRole('button', { name: 'Withdraw the request' }).click();
    await agent.page
      .getByTestId('consult-offer')
      .getByText('Zhang San withdrew the request to consult.')
      .waitFor({ timeout: 15_000 });
    await expect.poll(() => invitation.count(), { timeout: 15_000 }).toBe(0);

    // Asked a third time, and accepted.
    await consult.click();
    await invitation.waitFor({ timeout: 15_000 });
    await agent.page.getByRole('button', { name: 'Accept' }).click();

    // Both pages are in the consultation: the banner, its members, and no hearing chat.
    const plaintiffBanner = plaintiff.page.getByRole('heading', { name: BANNER });
    await plaintiffBanner.waitFor({ timeout: 15_000 });
    await agent.page.getByRole('heading', { name: BANNER }).waitFor({ timeout: 15_000 });
    await expectAccessible(agent.page, 'hearing room in consultation (agent)');
    await plaintiff.page.getByTestId('consultation-banner').getByText('With Lawyer Wang.').waitFor();
    await agent.page.getByTestId('consultation-banner').getByText('With Zhang San.').waitFor();
    await expect.poll(() => focusedId(plaintiff.page)).toBe('consultation-heading');
    expect(await plaintiff.page.getByRole('heading', { name: 'Chat' }).count()).toBe(0);
    // Nor a chat button in the party's bar pointing at a chat that is not there.
    expect(await plaintiff.page.getByTestId('party-bar').getByRole('button', { name: 'Chat' }).count()).toBe(0);
    expect(await plaintiff.page.getByRole('region', { name: 'Video of the consultation' }).count()).toBe(1);
    // Media cannot connect here; the page says so and stays in the consultation.
    await plaintiff.page.getByText('The media server cannot be reached').waitFor({ timeout: 30_000 });
    await plaintiff.page.getByRole('heading', { name: BANNER }).waitFor();

    // A reload finds its way back into the consultation (the tab remembers which one).
    await agent.page.reload();
    await agent.page.getByRole('heading', { name: 'Before you enter' }).waitFor();
    await agent.page.getByLabel('Join without camera').check();
    await agent.page.getByLabel(/I will not record/).check();
    await agent.page.getByRole('button', { name: 'Enter the courtroom' }).click();
    await agent.page.getByRole('heading', { name: BANNER }).waitFor({ timeout: 15_000 });
    await agent.page.getByTestId('consultation-banner').getByText('With Zhang San.').waitFor();

    // The judge sees that both are consulting, and since when, not where nor what.
    const present = bench.page.getByRole('region', { name: /In the hearing/ });
    await expect.poll(() => present.getByText(/In private consultation/).count(), { timeout: 15_000 }).toBe(2);
    await expect.poll(() => bench.page.getByRole('heading', { name: BANNER }).count()).toBe(0);
    const held = bench.page.getByTestId('consultations-held');
    await held
      .getByText(`Zhang San is in private consultation with counsel, since ${await heldSince(hearingId, 'en')}`)
      .waitFor({ timeout: 15_000 });
    await bench.page.screenshot({ path: '/tmp/consult-en-bench.png', fullPage: true });
    // It stays across a reload of the bench (the snapshot carries it).
    await bench.page.reload();
    await bench.page.getByLabel(/I will not record/).check();
    await bench.page.getByRole('button', { name: 'Enter the courtroom' }).click();
    await held.getByText(/Zhang San is in private consultation with counsel, since/).waitFor({ timeout: 15_000 });

    // Nor can the judge get in: the consultation's token and opening one are refused to staff.
    const consultation = await gavel.database.db
      .selectFrom('consultations')
      .select(['id', 'room'])
      .where('hearing_id', '=', hearingId)
      .where('closed_at', 'is', null)
      .executeTakeFirstOrThrow();
    expect(consultation.room).toMatch(/^consult-/);
    expect(await postFrom(bench.page, `/api/hearings/${hearingId}/consultations/${consultation.id}/media-token`)).toBe(
      403,
    );
    const opened = await bench.page.evaluate(async (id) => {
      const r = await fetch(`/api/hearings/${id}/consultation-requests`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ participantIds: [] }),
      });
      return r.status;
    }, hearingId);
    expect([400, 403]).toContain(opened);

    // The plaintiff returns; the agent, left without the party, is taken back too.
    await plaintiff.page.getByRole('button', { name: 'Return to the hearing' }).click();
    await expect.poll(() => plaintiff.page.getByRole('heading', { name: BANNER }).count(), { timeout: 15_000 }).toBe(0);
    await expect.poll(() => agent.page.getByRole('heading', { name: BANNER }).count(), { timeout: 15_000 }).toBe(0);
    for (const p of [plaintiff.page, agent.page]) await p.getByRole('heading', { name: TITLE }).waitFor();
    // The hearing's chat is back: open beside the agent's room, behind the bar's button on the plaintiff's phone.
    await agent.page.getByRole('heading', { name: 'Chat' }).waitFor();
    await plaintiff.page.getByTestId('party-bar').getByRole('button', { name: 'Chat' }).waitFor();
    await expect.poll(() => focusedId(plaintiff.page)).toBe('room-heading');
    await consult.waitFor({ timeout: 15_000 });
    await expect.poll(() => present.getByText(/In private consultation/).count(), { timeout: 15_000 }).toBe(0);
    await expect.poll(() => held.count(), { timeout: 15_000 }).toBe(0);
    const rows = await gavel.database.db
      .selectFrom('participants')
      .select('presence')
      .where('hearing_id', '=', hearingId)
      .execute();
    expect(rows.map((r) => r.presence)).toEqual(['admitted', 'admitted']);
    const closed = await gavel.database.db
      .selectFrom('consultations')
      .select('closed_at')
      .where('id', '=', consultation.id)
      .executeTakeFirstOrThrow();
    expect(closed.closed_at).not.toBeNull();

    for (const p of [bench, plaintiff, agent]) {
      expect(p.problems).toEqual([]);
      await p.context.close();
    }
  });

  it('in Chinese: the plaintiff on a phone asks, the agent accepts, the judge sees the banner in Chinese, both return', async () => {
    const zh = { locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
    const bench = await openPage(browser, zh);
    await bench.page.goto(`${gavel.url}/login`);
    await bench.page.getByLabel('电子邮件').fill(judge.email);
    await bench.page.getByLabel('密码').fill(judge.password);
    await bench.page.getByRole('button', { name: '登录' }).click();
    await bench.page.waitForURL((u) => !u.pathname.startsWith('/login'));
    await bench.page.goto(`${gavel.url}/hearings/${zhHearingId}/room`);
    await bench.page.getByLabel(/本人承诺/).check();
    await bench.page.getByRole('button', { name: '进入法庭' }).click();
    await bench.page.getByRole('button', { name: '开放候审室' }).click();

    const enterLobbyZh = async (page: Page, link: string) => {
      await page.goto(link);
      await page.getByRole('button', { name: '进入候审室' }).click();
      await page.getByRole('heading', { name: '入庭前准备' }).waitFor();
      await page.getByLabel('不开启摄像头参加').check();
      await page.getByLabel(/本人承诺/).check();
      await page.getByRole('button', { name: '进入候审室' }).click();
      await page.getByTestId('lobby-status').waitFor();
    };
    const plaintiff = await openPage(browser, { ...zh, ...PHONE });
    const agent = await openPage(browser, zh);
    await enterLobbyZh(plaintiff.page, zhPlaintiffInvite);
    await enterLobbyZh(agent.page, zhAgentInvite);
    const admitAll = bench.page.getByRole('button', { name: '准许所有等候人员入庭' });
    await expect.poll(() => agent.page.getByTestId('lobby-status').count()).toBe(1);
    await expect
      .poll(
        async () =>
          (
            await gavel.database.db
              .selectFrom('participants')
              .select('presence')
              .where('hearing_id', '=', zhHearingId)
              .where('presence', '=', 'in_lobby')
              .execute()
          ).length,
        { timeout: 15_000 },
      )
      .toBe(2);
    await admitAll.click();

    const consult = plaintiff.page.getByRole('button', { name: '与我的代理人私下协商' });
    await consult.waitFor({ timeout: 15_000 });
    await consult.click();
    await plaintiff.page.getByText('正在等待 王律师 接受…').waitFor({ timeout: 15_000 });
    await plaintiff.page.screenshot({ path: '/tmp/consult-zh-waiting.png', fullPage: true });
    await agent.page.getByRole('heading', { name: '张三 请求与您私下交谈' }).waitFor({ timeout: 15_000 });
    await agent.page.screenshot({ path: '/tmp/consult-zh-invitation.png', fullPage: true });
    await agent.page.getByRole('button', { name: '接受' }).click();

    const banner = '私下协商——不录音录像，审判员听不到你们的谈话';
    await plaintiff.page.getByRole('heading', { name: banner }).waitFor({ timeout: 15_000 });
    await agent.page.getByRole('heading', { name: banner }).waitFor({ timeout: 15_000 });
    await plaintiff.page.screenshot({ path: '/tmp/consult-zh-in-consultation.png', fullPage: true });
    await bench.page
      .getByTestId('consultations-held')
      .getByText(`张三 正在与代理人私下协商，开始于 ${await heldSince(zhHearingId, 'zh-CN')}`)
      .waitFor({ timeout: 15_000 });
    await bench.page.screenshot({ path: '/tmp/consult-zh-bench.png', fullPage: true });
    await expectAccessible(bench.page, 'bench with a consultation held (zh-CN)');

    await plaintiff.page.getByRole('button', { name: '返回庭审' }).click();
    for (const p of [plaintiff.page, agent.page])
      await expect.poll(() => p.getByRole('heading', { name: banner }).count(), { timeout: 15_000 }).toBe(0);
    await expect.poll(() => bench.page.getByTestId('consultations-held').count(), { timeout: 15_000 }).toBe(0);

    for (const p of [bench, plaintiff, agent]) {
      expect(p.problems).toEqual([]);
      await p.context.close();
    }
  });
});
