import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIRequestContext, Browser, Page } from 'playwright-core';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
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

/** Shares of a screenshot's pixels: the PDF viewer's dark grey chrome, and white paper (read by a canvas). */
const VIEWER_PIXELS = `(async (src) => {
  const img = new Image();
  img.src = src;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.width;
  canvas.height = img.height;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const data = ctx.getImageData(0, 0, img.width, img.height).data;
  let grey = 0;
  let white = 0;
  for (let i = 0; i < data.length; i += 4) {
    const r = data[i], g = data[i + 1], b = data[i + 2];
    if (r > 235 && g > 235 && b > 235) white++;
    else if (r >= 25 && r <= 110 && Math.abs(r - g) < 12 && Math.abs(g - b) < 12) grey++;
  }
  const n = img.width * img.height;
  return { viewerGrey: grey / n, paper: white / n };
})`;

async function viewerPixels(png: Buffer): Promise<{ viewerGrey: number; paper: number }> {
  const page = await browser.newPage();
  try {
    return (await page.evaluate(
      `${VIEWER_PIXELS}(${JSON.stringify(`data:image/png;base64,${png.toString('base64')}`)})`,
    )) as {
      viewerGrey: number;
      paper: number;
    };
  } finally {
    await page.close();
  }
}

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
    // On the bench the exhibits are a tab beside the stage.
    await bench.page.getByRole('tab', { name: 'Exhibits' }).click();
    await bench.page.getByRole('button', { name: 'Admit exhibit P-2' }).click();
    await expect.poll(() => item(party).getAttribute('data-status'), { timeout: 15_000 }).toBe('admitted');

    // The judge presents it: the party's viewer opens at page 1, then follows the judge to page 2.
    await bench.page.getByRole('button', { name: 'Present exhibit P-2 to the hearing' }).click();
    const viewer = party.getByTestId('exhibit-viewer');
    await viewer.waitFor({ timeout: 15_000 });
    expect(await viewer.getByRole('heading').innerText()).toBe('On screen: P-2 — Delivery note');
    await expect.poll(() => party.getByTestId('exhibit-viewer-page').innerText()).toBe('Page 1 of 2');
    // Drawn by pdf.js into a canvas in the page (no frame, no browser PDF viewer), at the judge's page.
    const canvas = viewer.locator('canvas');
    await expect.poll(() => canvas.getAttribute('data-status'), { timeout: 30_000 }).toBe('ready');
    expect(await canvas.getAttribute('data-page')).toBe('1');
    expect(await viewer.locator('iframe').count()).toBe(0);
    // The party only follows; the judge turns the page.
    expect(await viewer.getByRole('button', { name: 'Next page' }).count()).toBe(0);
    await bench.page.getByTestId('exhibit-viewer').getByRole('button', { name: 'Next page' }).click();
    await expect
      .poll(() => party.getByTestId('exhibit-viewer-page').innerText(), { timeout: 15_000 })
      .toBe('Page 2 of 2');
    await expect.poll(() => canvas.getAttribute('data-page')).toBe('2');
    await expect.poll(() => canvas.getAttribute('data-status'), { timeout: 30_000 }).toBe('ready');
    const shotPath = joinPath(tmpdir(), 'gavel-exhibit-canvas-viewer.png');
    const drawn = await viewerPixels(await canvas.screenshot({ path: shotPath }));
    expect(drawn.paper).toBeGreaterThan(0.5);

    // The bytes drawn are the stamped PDF, served to the party's own session under a sandbox CSP.
    const src = `/api/hearings/${hearingId}/exhibits/${(await canvas.getAttribute('data-exhibit'))!}/file?copy=stamped`;
    const file = await party.request.get(`${gavel.url}${src}`);
    expect(file.status()).toBe(200);
    expect(file.headers()['content-type']).toBe('application/pdf');
    expect((await file.body()).subarray(0, 5).toString()).toBe('%PDF-');
    expect(file.headers()['content-security-policy']).toBe("sandbox; frame-ancestors 'self'");
    // The original is a download, never shown from Gavel's origin.
    const original = await party.request.get(`${gavel.url}${src.replace('copy=stamped', 'copy=original')}`);
    expect(original.headers()['content-disposition']).toMatch(/^attachment; /);

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
