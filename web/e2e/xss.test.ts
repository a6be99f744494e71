import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIRequestContext, Browser, BrowserContext, Page } from 'playwright-core';
import {
  apiAs,
  enterBench,
  enterLobby,
  type Gavel,
  invite,
  json,
  launchChromium,
  scheduleHearing,
  signIn,
  startGavel,
  tinyPng,
} from './harness.ts';

// Stored XSS, checked in Chromium. Every text field a user can set (court, courtrooms, staff, case,
// hearing, participants of every role, pre-join rules, chat, transcript entries and corrections,
// exhibits, signatures and objections) holds script-shaped text; every page that shows it is
// visited as each role that sees it. No dialog may ever open, no payload element may appear in
// the DOM, and the payload must be on screen as the text that was typed.
//
// The browser contexts bypass Gavel's Content-Security-Policy on purpose: the CSP would block an
// injected inline handler by itself, and this test is about the escaping underneath it.

const VECTORS = [
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  '</script><script>alert(1)</script>',
  "{{constructor.constructor('alert(1)')()}}",
  'javascript:alert(1)',
];
/** Every vector, for fields of 200 characters and more. */
const full = (label: string) => `${label}: ${VECTORS.join(' ')}`;
/** The markup vectors only, for fields of 100 characters. */
const short = (label: string) => `${label}: ${VECTORS.slice(0, 3).join('')}`;

const P = {
  court: full('Court'),
  rulesEn: full('Rules'),
  rulesZh: full('规则'),
  contactNote: full('Hours'),
  courtroom: short('Room'),
  admin: full('Admin'),
  judge: full('Judge'),
  clerk: full('Clerk'),
  invited: full('Invited'),
  caseNumber: short('Case'),
  caption: full('Caption'),
  caseType: short('Type'),
  title: full('Title'),
  notes: full('Notes'),
  plaintiff: full('Plaintiff'),
  defendant: full('Defendant'),
  agent: full('Agent'),
  witness: full('Witness'),
  interpreter: full('Interpreter'),
  observer: full('Observer'),
  language: `Lang${VECTORS[0]!}`,
  chatParty: full('Chat'),
  chatJudge: full('Bench chat'),
  chatLink: 'javascript:alert(1)',
  speaker: full('Speaker'),
  entry: full('Entry'),
  corrected: full('Corrected'),
  reason: full('Reason'),
  exhibitClerk: full('Exhibit C'),
  exhibitAgent: full('Exhibit A'),
  fileName: `${VECTORS[0]!}.png`,
  // A signature must carry the name the court invited (case and spacing aside): the plaintiff's, typed in capitals.
  signature: full('Plaintiff').toUpperCase(),
  objection: full('Objection'),
  cancelledTitle: full('Cancelled'),
};

let gavel: Gavel;
let browser: Browser;
let adminApi: APIRequestContext;
let clerkApi: APIRequestContext;
let judgeApi: APIRequestContext;
let admin: { email: string; password: string };
let clerk: { email: string; password: string };
let judge: { email: string; password: string };
let hearingId = '';
let cancelledInvite = '';
const invites: Record<'plaintiff' | 'agent' | 'observer' | 'defendant', string> = {
  plaintiff: '',
  agent: '',
  observer: '',
  defendant: '',
};
/** Every dialog any page opened, with the page it came from: must stay empty. */
const dialogs: string[] = [];
const contexts: BrowserContext[] = [];
/** The plaintiff's and agent's pages from the live hearing: their sessions outlive it, for the review. */
const live: { party?: Page; agent?: Page } = {};

beforeAll(async () => {
  [gavel, browser] = await Promise.all([
    startGavel(),
    launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']),
  ]);
  // Staff names go in through the real CLI, as an administrator creates accounts.
  admin = gavel.createUser('admin', P.admin);
  clerk = gavel.createUser('clerk', P.clerk);
  judge = gavel.createUser('judge', P.judge);
  [adminApi, clerkApi, judgeApi] = await Promise.all([apiAs(gavel, admin), apiAs(gavel, clerk), apiAs(gavel, judge)]);

  // The admin names the court, writes the pre-join rules, adds a courtroom and invites a clerk.
  await json(
    await adminApi.post('/api/admin/court', {
      data: { name: P.court, rulesText: { en: P.rulesEn, 'zh-CN': P.rulesZh }, contactNote: P.contactNote },
    }),
  );
  const room = await json<{ courtroom: { id: string } }>(
    await adminApi.post('/api/admin/courtrooms', { data: { name: P.courtroom } }),
  );
  await json(
    await adminApi.post('/api/admin/staff', {
      data: { email: 'invited@e2e.court.test', name: P.invited, role: 'clerk' },
    }),
  );

  // The clerk opens the case, schedules the hearing in that courtroom and invites every role.
  const plan = {
    courtroomId: room.courtroom.id,
    judge: P.judge,
    clerk: P.clerk,
    notes: P.notes,
  };
  const first = await scheduleHearing(clerkApi, {
    ...plan,
    caseNumber: P.caseNumber,
    caption: P.caption,
    caseType: P.caseType,
    title: P.title,
  });
  hearingId = first.hearingId;
  const plaintiff = await invite(clerkApi, hearingId, { role: 'plaintiff', displayName: P.plaintiff });
  invites.plaintiff = plaintiff.inviteUrl;
  const more = (data: Record<string, string>) => invite(clerkApi, hearingId, data);
  invites.agent = (
    await more({ role: 'agent', displayName: P.agent, representsId: plaintiff.participant.id })
  ).inviteUrl;
  invites.observer = (await more({ role: 'observer', displayName: P.observer })).inviteUrl;
  // The defendant is written to in Chinese, so reads the court's Chinese rules.
  invites.defendant = (await more({ role: 'defendant', displayName: P.defendant, locale: 'zh-CN' })).inviteUrl;
  await more({ role: 'witness', displayName: P.witness });
  await more({
    role: 'interpreter',
    displayName: P.interpreter,
    interpretsForId: plaintiff.participant.id,
    language: P.language,
  });

  // A second hearing of the case, cancelled: its invitee is shown whom to ask.
  const { hearingId: cancelled } = await scheduleHearing(clerkApi, {
    ...plan,
    caseId: first.caseId,
    title: P.cancelledTitle,
    startsInMinutes: 15 + 3 * 60,
  });
  cancelledInvite = (await invite(clerkApi, cancelled, { role: 'defendant', displayName: P.defendant })).inviteUrl;
  await json(await clerkApi.post(`/api/hearings/${cancelled}/cancel`, { data: {} }));
});

afterAll(async () => {
  for (const ctx of contexts) await ctx.close().catch(() => undefined);
  await Promise.all([adminApi?.dispose(), clerkApi?.dispose(), judgeApi?.dispose()]);
  await browser?.close();
  await gavel?.stop();
});

async function newPage(locale = 'en-GB'): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ locale, timezoneId: 'Asia/Shanghai', bypassCSP: true });
  contexts.push(context);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()} "${d.message()}" on ${page.url()}`);
    void d.dismiss();
  });
  return { page, problems };
}

/**
 * Nothing the payloads carry became markup: no element they would create, no inline handler, no
 * `javascript:` link or frame, no script with their code, and no dialog on any page so far.
 */
async function expectInert(page: Page, where: string): Promise<void> {
  const injected = await page.evaluate<string[]>(`(() => {
    const found = [];
    for (const el of document.querySelectorAll('img[src="x"], svg[onload], [onerror], [onload], [onclick]'))
      found.push(el.outerHTML.slice(0, 120));
    for (const el of document.querySelectorAll('a[href], iframe[src], form[action]')) {
      const url = el.getAttribute('href') ?? el.getAttribute('src') ?? el.getAttribute('action') ?? '';
      if (/^\\s*javascript:/i.test(url)) found.push(el.outerHTML.slice(0, 120));
    }
    for (const s of document.scripts) if (s.textContent.includes('alert(')) found.push(s.outerHTML.slice(0, 120));
    return found;
  })()`);
  expect(injected, `markup from a payload on ${where}`).toEqual([]);
  expect(dialogs, `dialogs after ${where}`).toEqual([]);
}

/**
 * The bench keeps chat, transcript and exhibits in tabs, one shown at a time: each text is on screen in
 * one of them, found as a judge would, by going through the tabs (until all are seen, or 15 s).
 */
async function expectShownInTabs(page: Page, where: string, texts: string[]): Promise<void> {
  const tabs = page.getByRole('tab');
  const missing = new Set(texts);
  const until = Date.now() + 15_000;
  while (missing.size && Date.now() < until) {
    for (let i = 0; i < (await tabs.count()) && missing.size; i++) {
      await tabs.nth(i).click();
      for (const text of [...missing]) {
        if (await page.getByText(text).filter({ visible: true }).count()) missing.delete(text);
      }
    }
  }
  expect([...missing], `not shown as text in any tab of ${where} (${page.url()})`).toEqual([]);
  await tabs.first().click();
  await expectInert(page, where);
}

/** Each text is on screen, as the characters that were typed (so escaped, not parsed). */
async function expectShown(page: Page, where: string, texts: string[]): Promise<void> {
  for (const text of texts) {
    await page
      .getByText(text)
      .filter({ visible: true })
      .first()
      .waitFor({ timeout: 15_000 })
      .catch((e: unknown) => {
        throw new Error(`"${text}" is not shown as text on ${where} (${page.url()}): ${String(e)}`);
      });
  }
  await expectInert(page, where);
}

const participantNames = [P.plaintiff, P.defendant, P.agent, P.witness, P.interpreter, P.observer];

describe('stored XSS payloads in every text field are shown as text, never run', () => {
  it('court administration: court name, pre-join rules, courtrooms and staff, as the admin', async () => {
    const { page, problems } = await newPage();
    await signIn(page, gavel.url, admin);
    await page.goto(`${gavel.url}/admin`);
    await page.getByRole('heading', { name: 'Court settings', level: 1 }).waitFor();
    // The header names the court and the admin; the form holds the values as typed.
    await expectShown(page, 'court settings', [P.court, P.admin]);
    await expect.poll(() => page.getByLabel('Court name').inputValue()).toBe(P.court);
    const textareas = page.locator('textarea');
    await expect
      .poll(() => textareas.evaluateAll((els) => els.map((e) => (e as { value: string }).value)))
      .toEqual([P.rulesEn, P.rulesZh, P.contactNote]);

    await page.goto(`${gavel.url}/admin/courtrooms`);
    await page.getByRole('heading', { name: 'Courtrooms', level: 1 }).waitFor();
    await expectShown(page, 'courtrooms', [P.courtroom]);

    await page.goto(`${gavel.url}/admin/staff`);
    await page.getByRole('heading', { name: 'Staff', level: 1 }).waitFor();
    await expectShown(page, 'staff', [P.admin, P.judge, P.clerk, P.invited]);
    expect(problems).toEqual([]);
  });

  it('the invite landing, pre-join and lobby (en and zh-CN rules), and a cancelled hearing’s link', async () => {
    const party = await newPage();
    await party.page.goto(invites.plaintiff);
    await party.page.getByRole('button', { name: 'Continue to the lobby' }).waitFor();
    await expectShown(party.page, 'invite landing', [P.court, P.caseNumber, P.caption, P.title, P.plaintiff]);
    await party.page.getByRole('button', { name: 'Continue to the lobby' }).click();
    await party.page.getByRole('heading', { name: 'Before you enter' }).waitFor();
    await expectShown(party.page, 'pre-join', [P.rulesEn]);
    await party.page.getByLabel('Join without camera').check();
    await party.page.getByLabel(/I will not record/).check();
    await party.page.getByRole('button', { name: 'Enter the lobby' }).click();
    await party.page.getByTestId('lobby-status').waitFor();
    await expectInert(party.page, 'lobby');

    // The defendant, written to in Chinese, reads the Chinese rules in a Chinese browser.
    const zh = await newPage('zh-CN');
    await zh.page.goto(invites.defendant);
    await zh.page.getByRole('button', { name: '进入候审室' }).click();
    await expectShown(zh.page, 'pre-join (zh-CN)', [P.rulesZh]);
    await zh.page.context().close();

    // A cancelled hearing's link names the court and its clerk to ask.
    const late = await newPage();
    await late.page.goto(cancelledInvite);
    await expectShown(late.page, 'cancelled invitation', [P.court, P.clerk]);
    expect([...party.problems, ...late.problems]).toEqual([]);
  });

  it('the live hearing: bench, parties, agent in consultation and observer see names, chat, record and exhibits as text', async () => {
    const bench = await newPage();
    await signIn(bench.page, gavel.url, judge);
    await expectShown(bench.page, 'judge’s docket', [P.caseNumber, P.title]);
    await enterBench(bench.page, gavel.url, hearingId);
    await bench.page.getByRole('button', { name: 'Open the lobby' }).click();

    const party = await newPage();
    const agent = await newPage();
    const observer = await newPage();
    await enterLobby(party.page, invites.plaintiff);
    await enterLobby(agent.page, invites.agent);
    await enterLobby(observer.page, invites.observer);
    // The bench's lobby lists the three by name.
    await expectShown(bench.page, 'bench lobby', [P.plaintiff, P.agent, P.observer]);
    await bench.page.getByRole('button', { name: 'Admit everyone waiting' }).click();
    for (const p of [party, agent, observer]) {
      await p.page.getByRole('heading', { name: P.title }).waitFor({ timeout: 15_000 });
    }
    await bench.page.getByRole('button', { name: 'Start the hearing' }).click();
    await expect.poll(() => party.page.getByTestId('hearing-state').innerText()).toBe('In session');

    // Chat: the plaintiff, the judge and the agent write; everyone reads.
    await party.page.getByLabel('Message').fill(P.chatParty);
    await party.page.getByRole('button', { name: 'Send' }).click();
    await bench.page.getByText(P.chatParty).waitFor();
    await bench.page.getByLabel('Message').fill(P.chatJudge);
    await bench.page.getByRole('button', { name: 'Send' }).click();
    await agent.page.getByLabel('Message').fill(P.chatLink);
    await agent.page.getByRole('button', { name: 'Send' }).click();

    // The record: an entry and its correction, typed by the clerk.
    const entry = await json<{ entry: { id: string } }>(
      await clerkApi.post(`/api/hearings/${hearingId}/transcript/entries`, {
        data: { speaker: P.speaker, text: P.entry },
      }),
    );
    await json(
      await clerkApi.post(`/api/hearings/${hearingId}/transcript/entries`, {
        data: { speaker: P.speaker, text: P.entry },
      }),
    );
    await json(
      await clerkApi.patch(`/api/hearings/${hearingId}/transcript/entries/${entry.entry.id}`, {
        data: { text: P.corrected, reason: P.reason },
      }),
    );

    // Exhibits: the clerk's, under a script-shaped file name, and one the agent uploads from the room.
    const png = tinyPng();
    const courtExhibit = await json<{ exhibit: { id: string } }>(
      await clerkApi.post(`/api/hearings/${hearingId}/exhibits`, {
        multipart: { title: P.exhibitClerk, file: { name: P.fileName, mimeType: 'image/png', buffer: png } },
      }),
    );
    const uploaded = await agent.page.evaluate(
      async ({ id, title, name, base64 }) => {
        const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
        const form = new FormData();
        form.append('title', title);
        form.append('file', new File([bytes], name, { type: 'image/png' }));
        const r = await fetch(`/api/hearings/${id}/exhibits`, { method: 'POST', body: form });
        return { status: r.status, body: (await r.json()) as { exhibit: { id: string } } };
      },
      { id: hearingId, title: P.exhibitAgent, name: P.fileName, base64: png.toString('base64') },
    );
    expect(uploaded.status).toBe(201);
    // The script-shaped file name never reaches a header as it was typed.
    const original = await clerkApi.get(`/api/hearings/${hearingId}/exhibits/${courtExhibit.exhibit.id}/file`, {
      params: { copy: 'original' },
    });
    expect(original.status()).toBe(200);
    // (An original is only ever a download.)
    expect(original.headers()['content-disposition']).toMatch(/^attachment; filename="C-1-[^"<>]*\.png"$/);
    // The judge admits both, so the observer sees them too.
    for (const id of [courtExhibit.exhibit.id, uploaded.body.exhibit.id]) {
      await json(
        await judgeApi.post(`/api/hearings/${hearingId}/exhibits/${id}/ruling`, { data: { ruling: 'admitted' } }),
      );
    }
    // The judge puts the court's exhibit on screen: its title heads every viewer.
    await json(
      await judgeApi.post(`/api/hearings/${hearingId}/exhibits/${courtExhibit.exhibit.id}/present`, {
        data: { page: 1 },
      }),
    );

    const seen = [
      P.caseNumber,
      P.caption,
      P.chatParty,
      P.chatJudge,
      P.plaintiff,
      P.judge,
      P.corrected,
      P.entry,
      P.speaker,
      P.exhibitClerk,
      P.exhibitAgent,
      P.agent,
    ];
    for (const [who, p] of [
      ['bench', bench],
      ['plaintiff', party],
      ['agent', agent],
      ['observer', observer],
    ] as const) {
      // Observers are not shown the record (only the bench, the parties and their agents read it).
      const record = [P.corrected, P.entry, P.speaker];
      const expected = who === 'observer' ? seen.filter((s) => !record.includes(s)) : seen;
      if (who === 'bench') await expectShownInTabs(p.page, 'hearing room (bench)', expected);
      else await expectShown(p.page, `hearing room (${who})`, expected);
      await p.page.getByText(P.chatLink, { exact: true }).waitFor();
    }
    // The bench sees who is in the hearing; the viewer is headed by the exhibit's title.
    await expectShown(bench.page, 'bench (present)', [P.observer]);
    await party.page.getByTestId('exhibit-viewer').getByRole('heading', { name: P.exhibitClerk }).waitFor();
    await party.page.getByLabel('Show captions').check();
    await expect.poll(() => party.page.getByTestId('captions').innerText()).toContain(P.corrected);
    await expectInert(party.page, 'captions');
    await json(await judgeApi.post(`/api/hearings/${hearingId}/exhibits/presentation/end`, { data: {} }));

    // The agent consults privately with the plaintiff: both banners name the other.
    await agent.page.getByRole('button', { name: /^Consult privately with/ }).click({ timeout: 15_000 });
    // It starts when the plaintiff accepts.
    await party.page.getByRole('button', { name: 'Accept' }).click({ timeout: 15_000 });
    await agent.page.getByTestId('consultation-banner').getByText(`With ${P.plaintiff}.`).waitFor({ timeout: 15_000 });
    await party.page.getByTestId('consultation-banner').getByText(`With ${P.agent}.`).waitFor({ timeout: 15_000 });
    await expectInert(agent.page, 'consultation (agent)');
    await expectInert(party.page, 'consultation (plaintiff)');
    await agent.page.getByRole('button', { name: 'Return to the hearing' }).click();
    await expect.poll(() => party.page.getByTestId('consultation-banner').count(), { timeout: 15_000 }).toBe(0);

    await bench.page.getByRole('button', { name: 'Adjourn', exact: true }).click();
    await bench.page
      .getByRole('dialog', { name: 'Adjourn the hearing?' })
      .getByRole('button', { name: 'Adjourn the hearing' })
      .click();
    await party.page.getByRole('heading', { name: 'The hearing has been adjourned' }).waitFor({ timeout: 15_000 });
    live.party = party.page;
    live.agent = agent.page;
    for (const p of [bench, party, agent, observer]) {
      await expectInert(p.page, 'adjourned');
      expect(p.problems).toEqual([]);
    }
  }, 180_000);

  it('after adjournment: the sealed record is signed and objected to; review, desk and verify show it as text', async () => {
    const seal = await json<{ seal: { id: string; sha256: string } }>(
      await clerkApi.post(`/api/hearings/${hearingId}/transcript/seal`, { data: {}, timeout: 120_000 }),
    );

    // The plaintiff signs with a script-shaped full name; the agent objects in script-shaped words,
    // each in the tab they were in the hearing with (their participant sessions outlive it).
    const party = { page: live.party!, problems: [] as string[] };
    party.page.on('pageerror', (e) => party.problems.push(e.message));
    await party.page.goto(`${gavel.url}/hearings/${hearingId}/review`);
    await party.page.getByRole('heading', { name: 'Review the record' }).waitFor();
    await expectInert(party.page, 'review');
    await party.page.getByLabel('Your full name').fill(P.signature);
    await party.page.getByLabel(/I have read the sealed transcript, version 1/).check();
    await party.page.getByRole('button', { name: 'Sign' }).click();
    await party.page.getByText('You have signed version 1.').waitFor();
    // The list names a signature by the name typed, an objection by the participant.
    await expectShown(party.page, 'review (signed)', [P.signature]);

    const agent = { page: live.agent!, problems: [] as string[] };
    agent.page.on('pageerror', (e) => agent.problems.push(e.message));
    await agent.page.goto(`${gavel.url}/hearings/${hearingId}/review`);
    await agent.page.getByRole('heading', { name: 'Review the record' }).waitFor();
    await agent.page.getByLabel('Your objection').fill(P.objection);
    await agent.page.getByRole('button', { name: 'Submit the objection' }).click();
    await agent.page.getByText('Your objection has been recorded with the sealed version.').waitFor();
    await expectShown(agent.page, 'review (objected)', [P.signature, P.agent]);

    // Anyone verifying the seal sees the court, case, hearing, sealing clerk and signers as text.
    const visitor = await newPage();
    await visitor.page.goto(`${gavel.url}/verify/${seal.seal.sha256}`);
    await visitor.page
      .getByTestId('verify-result')
      .getByRole('heading', { name: /This is a sealed Gavel transcript/ })
      .waitFor({ timeout: 15_000 });
    await expectShown(visitor.page, 'verify', [P.court, P.caseNumber, P.title, P.clerk, P.signature, P.agent]);
    expect([...party.problems, ...agent.problems, ...visitor.problems]).toEqual([]);
  }, 180_000);

  it('the clerk’s screens: docket, hearing, scheduling, transcript desk, exhibits, audit trail, export', async () => {
    const { page, problems } = await newPage();
    await signIn(page, gavel.url, clerk);
    await expectShown(page, 'court docket', [P.court, P.clerk, P.caseNumber, P.title, P.judge, P.courtroom]);

    await page.goto(`${gavel.url}/hearings/${hearingId}`);
    await page.getByRole('heading', { name: new RegExp('Participants') }).waitFor();
    await expectShown(page, 'hearing page', [
      P.caseNumber,
      P.title,
      P.caption,
      P.courtroom,
      P.judge,
      P.clerk,
      P.notes,
      ...participantNames,
      `for ${P.plaintiff} (${P.language})`,
      P.objection,
    ]);

    await page.goto(`${gavel.url}/hearings/new`);
    await page.getByRole('heading', { name: 'Schedule a hearing' }).waitFor();
    await expect.poll(() => page.locator('option', { hasText: P.judge }).count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator('option', { hasText: P.courtroom }).count()).toBeGreaterThan(0);
    await expectInert(page, 'schedule a hearing');

    await page.goto(`${gavel.url}/hearings/${hearingId}/transcript`);
    await page.getByRole('heading', { name: /Transcript · / }).waitFor();
    await expectShown(page, 'transcript desk', [P.title, P.speaker, P.corrected, P.entry, P.objection, P.signature]);
    // The earlier wording and the reason for the correction, behind their disclosure.
    const history = page.getByTestId('transcript-entries').locator('details.history').first();
    await expect
      .poll(async () => {
        if ((await history.getAttribute('open')) === null) await history.locator('summary').click();
        return history.getByText(P.reason).isVisible();
      })
      .toBe(true);
    await expectInert(page, 'transcript history');

    await page.goto(`${gavel.url}/hearings/${hearingId}/exhibits`);
    await page.getByRole('heading', { name: 'Exhibits', level: 1 }).waitFor();
    await expectShown(page, 'exhibits page', [P.exhibitClerk, P.exhibitAgent, P.clerk, P.agent]);

    await page.goto(`${gavel.url}/hearings/${hearingId}/audit`);
    await page.getByRole('heading', { name: 'Audit trail' }).waitFor();
    await page.getByTestId('audit-event').first().waitFor();
    // Every event's details opened: the payloads hold the titles, names and texts.
    for (const summary of await page.getByTestId('audit-event').locator('summary').all()) await summary.click();
    await expectShown(page, 'audit trail', [P.clerk, P.judge, P.plaintiff, P.agent, P.title]);

    await page.goto(`${gavel.url}/hearings/${hearingId}/export`);
    await page.getByRole('heading', { name: 'Export the record' }).waitFor();
    await expectInert(page, 'export');

    await page.goto(`${gavel.url}/hearings/${hearingId}/recordings`);
    await page.getByRole('heading', { name: 'Recordings', level: 1 }).waitFor();
    await expectInert(page, 'recordings');
    expect(problems).toEqual([]);
  }, 120_000);

  it('the judge’s hearing page and exhibits page', async () => {
    const { page, problems } = await newPage();
    await signIn(page, gavel.url, judge);
    await page.goto(`${gavel.url}/hearings/${hearingId}`);
    await expectShown(page, 'hearing page (judge)', [P.caseNumber, P.title, P.notes, ...participantNames]);
    await page.goto(`${gavel.url}/hearings/${hearingId}/exhibits`);
    await expectShown(page, 'exhibits page (judge)', [P.exhibitClerk, P.exhibitAgent]);
    expect(problems).toEqual([]);
    expect(dialogs).toEqual([]);
  });
});

describe('no page renders user data as HTML', () => {
  it('web/src has no {@html}, innerHTML or document.write: Svelte escapes every interpolation', () => {
    const src = fileURLToPath(new URL('../src', import.meta.url));
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(svelte|ts)$/.test(f));
    expect(files.length).toBeGreaterThan(50);
    const hits = files.flatMap((f) =>
      readFileSync(join(src, f), 'utf8')
        .split('\n')
        .map((line, i) => ({ where: `${f}:${String(i + 1)}`, line }))
        .filter(({ line }) => /\{@html|innerHTML|outerHTML|insertAdjacentHTML|document\.write/.test(line)),
    );
    expect(hits).toEqual([]);
  });
});
