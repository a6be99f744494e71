import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIRequestContext, Browser, Page } from 'playwright-core';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import {
  apiAs,
  enterBench,
  expectAccessible,
  type Gavel,
  invite,
  launchChromium,
  openPage,
  scheduleHearing,
  signIn,
  startGavel,
  tinyPng,
} from './harness.ts';

// Exhibits in three browsers: the plaintiff's agent uploads an exhibit from the hearing room, the
// judge admits it and presents it, and the plaintiff sees it in the viewer, following the judge's pages.

let gavel: Gavel;
let browser: Browser;
let clerkApi: APIRequestContext;
let judge: { email: string; password: string };
let hearingId = '';
let partyUrl = '';
let agentUrl = '';

async function twoPagePdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const n of [1, 2])
    doc.addPage([595, 842]).drawText(`Delivery note, page ${n}`, { x: 72, y: 700, size: 16, font });
  return Buffer.from(await doc.save());
}

beforeAll(async () => {
  [gavel, browser] = await Promise.all([
    startGavel(),
    launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']),
  ]);
  const clerk = gavel.createUser('clerk', 'Clerk Zhao');
  judge = gavel.createUser('judge', 'Judge Li Ming');
  clerkApi = await apiAs(gavel, clerk);
  ({ hearingId } = await scheduleHearing(clerkApi, {
    caseNumber: '(2027) 沪0101民初88号',
    title: 'Exhibits hearing',
    judge: 'Judge Li Ming',
    clerk: 'Clerk Zhao',
  }));
  const party = await invite(clerkApi, hearingId, { role: 'plaintiff', displayName: 'Zhang San' });
  partyUrl = party.inviteUrl;
  const agent = await invite(clerkApi, hearingId, {
    role: 'agent',
    displayName: 'Lawyer Wang',
    representsId: party.participant.id,
  });
  agentUrl = agent.inviteUrl;
});

afterAll(async () => {
  await clerkApi?.dispose();
  await browser?.close();
  await gavel?.stop();
});

async function join(url: string): Promise<Page> {
  const { page } = await openPage(browser);
  await page.goto(url);
  await page.getByRole('button', { name: 'Continue to the lobby' }).click();
  await page.getByRole('heading', { name: 'Before you enter' }).waitFor();
  await page.getByLabel('Join without camera').check();
  await page.getByLabel(/I will not record/).check();
  await page.getByRole('button', { name: 'Enter the lobby' }).click();
  await expect
    .poll(() => page.getByTestId('lobby-status').innerText(), { timeout: 15_000 })
    .toMatch(/Waiting for the judge/);
  return page;
}

describe('exhibits in the hearing room', () => {
  it('the agent uploads, the judge admits and presents, and the party sees it at the judge’s page', async () => {
    const bench = await openPage(browser);
    await signIn(bench.page, gavel.url, judge);
    await enterBench(bench.page, gavel.url, hearingId);
    await bench.page.getByRole('button', { name: 'Open the lobby' }).click();

    const party = await join(partyUrl);
    const agent = await join(agentUrl);
    // Before the hearing starts, the party submits a photo from the lobby.
    await party.getByLabel('Title', { exact: true }).fill('Site photo');
    await party
      .getByLabel('File', { exact: true })
      .setInputFiles({ name: 'site.png', mimeType: 'image/png', buffer: tinyPng() });
    await party.getByRole('button', { name: 'Submit exhibit' }).click();
    await expect
      .poll(() => party.getByTestId('exhibits-announcement').innerText(), { timeout: 15_000 })
      .toBe('Exhibit P-1 has been marked.');
    await bench.page.getByRole('button', { name: 'Admit Zhang San' }).click();
    await bench.page.getByRole('button', { name: 'Admit Lawyer Wang' }).click();
    await party.getByRole('heading', { name: 'Exhibits hearing' }).waitFor({ timeout: 15_000 });
    await expectAccessible(party, 'hearing room with exhibits (party)');
    await agent.getByRole('heading', { name: 'Exhibits hearing' }).waitFor({ timeout: 15_000 });
    await expectAccessible(agent, 'hearing room with exhibits (agent)');
    await bench.page.getByRole('button', { name: 'Start the hearing' }).click();

    // The agent submits a two-page PDF from the room's exhibits panel.
    await agent.getByLabel('Title', { exact: true }).fill('Delivery note');
    await agent.getByLabel('File', { exact: true }).setInputFiles({
      name: 'delivery-note.pdf',
      mimeType: 'application/pdf',
      buffer: await twoPagePdf(),
    });
    await agent.getByRole('button', { name: 'Submit exhibit' }).click();
    await expect
      .poll(() => agent.getByTestId('exhibits-announcement').innerText())
      .toBe('Exhibit P-2 has been marked.');

    // The party (same side) sees it marked; the judge sees it arrive and admits it.
    const item = (p: Page) => p.locator('[data-testid="exhibit-item"][data-label="P-2"]');
    await expect.poll(() => item(party).getAttribute('data-status'), { timeout: 15_000 }).toBe('marked');
    await expect.poll(() => item(bench.page).count(), { timeout: 15_000 }).toBe(1);
    await bench.page.getByRole('button', { name: 'Admit exhibit P-2' }).click();
    await expect.poll(() => item(party).getAttribute('data-status'), { timeout: 15_000 }).toBe('admitted');

    // The judge presents it: the party's viewer opens at page 1, then follows the judge to page 2.
    await bench.page.getByRole('button', { name: 'Present exhibit P-2 to the hearing' }).click();
    const viewer = party.getByTestId('exhibit-viewer');
    await viewer.waitFor({ timeout: 15_000 });
    expect(await viewer.getByRole('heading').innerText()).toBe('On screen: P-2 — Delivery note');
    await expect.poll(() => party.getByTestId('exhibit-viewer-page').innerText()).toBe('Page 1 of 2');
    const frameSrc = () => viewer.locator('iframe').getAttribute('src');
    expect(await frameSrc()).toMatch(/\/exhibits\/[0-9a-f-]{36}\/file\?copy=stamped#page=1$/);
    // The party only follows; the judge turns the page.
    expect(await viewer.getByRole('button', { name: 'Next page' }).count()).toBe(0);
    await bench.page.getByTestId('exhibit-viewer').getByRole('button', { name: 'Next page' }).click();
    await expect
      .poll(() => party.getByTestId('exhibit-viewer-page').innerText(), { timeout: 15_000 })
      .toBe('Page 2 of 2');
    expect(await frameSrc()).toMatch(/#page=2$/);

    // The frame's document is the stamped PDF, served to the party's own session.
    const src = (await frameSrc())!.split('#')[0]!;
    const file = await party.request.get(`${gavel.url}${src}`);
    expect(file.status()).toBe(200);
    expect(file.headers()['content-type']).toBe('application/pdf');
    expect((await file.body()).subarray(0, 5).toString()).toBe('%PDF-');

    // Ending the presentation takes it off the party's screen.
    await bench.page.getByTestId('exhibit-viewer').getByRole('button', { name: 'Stop presenting' }).click();
    await expect.poll(() => party.getByTestId('exhibit-viewer').count(), { timeout: 15_000 }).toBe(0);

    // The staff's exhibits page lists it, admitted.
    await bench.page.goto(`${gavel.url}/hearings/${hearingId}/exhibits`);
    await bench.page.getByRole('heading', { name: 'Exhibits', level: 1 }).waitFor();
    await expectAccessible(bench.page, 'exhibits page');
    await expect.poll(() => item(bench.page).getAttribute('data-status')).toBe('admitted');
    expect(bench.problems).toEqual([]);
  });
});
