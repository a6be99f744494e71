import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIRequestContext, Browser } from 'playwright-core';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import {
  apiAs,
  expectAccessible,
  type Gavel,
  launchChromium,
  openPage,
  scheduleHearing,
  signIn,
  startGavel,
} from './harness.ts';

// The clerk submits a PDF over the court's page limit (EXHIBIT_MAX_PAGES=2 here) from the exhibits
// page: the refusal says why and what to do, in English and in Chinese, and nothing is listed.

let gavel: Gavel;
let browser: Browser;
let clerkApi: APIRequestContext;
let clerk: { email: string; password: string };
let hearingId = '';

async function pdf(pages: number): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let n = 1; n <= pages; n++)
    doc.addPage([595, 842]).drawText(`Letter, page ${n}`, { x: 72, y: 700, size: 16, font });
  return Buffer.from(await doc.save());
}

beforeAll(async () => {
  [gavel, browser] = await Promise.all([startGavel({ env: { EXHIBIT_MAX_PAGES: '2' } }), launchChromium()]);
  clerk = gavel.createUser('clerk', 'Clerk Zhao');
  gavel.createUser('judge', 'Judge Li Ming');
  clerkApi = await apiAs(gavel, clerk);
  ({ hearingId } = await scheduleHearing(clerkApi, {
    caseNumber: '(2027) 沪0101民初99号',
    title: 'Limits hearing',
    judge: 'Judge Li Ming',
    clerk: 'Clerk Zhao',
  }));
});

afterAll(async () => {
  await clerkApi?.dispose();
  await browser?.close();
  await gavel?.stop();
});

describe('an exhibit over the page limit', () => {
  it('is refused with a message saying why, in English and Chinese, and is not listed', async () => {
    const { page, problems } = await openPage(browser, { viewport: { width: 375, height: 667 } });
    await signIn(page, gavel.url, clerk);
    await page.goto(`${gavel.url}/hearings/${hearingId}/exhibits`);
    await page.getByRole('heading', { name: 'Exhibits', level: 1 }).waitFor();
    expect(await page.locator(`#exhibit-file-${hearingId}-hint`).innerText()).toBe(
      'PDF, PNG or JPEG, up to 50 MB and 2 pages.',
    );
    const bundle = await pdf(3);

    await page.getByLabel('Title', { exact: true }).fill('Letters');
    await page
      .getByLabel('File', { exact: true })
      .setInputFiles({ name: 'letters.pdf', mimeType: 'application/pdf', buffer: bundle });
    await page.getByRole('button', { name: 'Submit exhibit' }).click();
    const alert = page.getByRole('form').getByRole('alert');
    await expect
      .poll(() => alert.innerText())
      .toBe('The PDF has more than 2 pages, the most an exhibit may have. Split it into parts and submit each.');
    await expectAccessible(page, 'exhibit refused for its pages (en)');
    await page.screenshot({ path: 'docs/screenshots/exhibit-too-many-pages-en.png', fullPage: true });

    await page.getByLabel('Language / 语言').selectOption('zh-CN');
    await page.getByRole('heading', { name: '证据', level: 1 }).waitFor();
    await page.getByLabel('证据名称', { exact: true }).fill('信件');
    await page
      .getByLabel('文件', { exact: true })
      .setInputFiles({ name: 'letters.pdf', mimeType: 'application/pdf', buffer: bundle });
    await page.getByRole('button', { name: '提交证据' }).click();
    await expect.poll(() => alert.innerText()).toBe('该 PDF 超过 2 页，超出证据的页数上限。请拆分成几部分后分别提交。');
    await page.screenshot({ path: 'docs/screenshots/exhibit-too-many-pages-zh.png', fullPage: true });

    // Nothing was kept: the list is empty.
    expect(await page.locator('[data-testid="exhibit-item"]').count()).toBe(0);
    const list = await clerkApi.get(`${gavel.url}/api/hearings/${hearingId}/exhibits`);
    expect(((await list.json()) as { exhibits: unknown[] }).exhibits).toEqual([]);
    expect(problems).toEqual([]);
  });
});
