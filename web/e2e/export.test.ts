import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIRequestContext, Browser } from 'playwright-core';
import {
  apiAs,
  expectAccessible,
  type Gavel,
  invite,
  json,
  launchChromium,
  scheduleHearing,
  signIn,
  startGavel,
} from './harness.ts';

// The clerk's record: the hearing's audit trail as a timeline (filtered, its chain verified), then
// the whole record exported as a ZIP with its progress shown, which checks with sha256sum -c alone.

let gavel: Gavel;
let browser: Browser;
let clerkApi: APIRequestContext;
let judgeApi: APIRequestContext;
let clerk: { email: string; password: string };
let judge: { email: string; password: string };
let hearingId = '';

beforeAll(async () => {
  [gavel, browser] = await Promise.all([startGavel(), launchChromium()]);
  clerk = gavel.createUser('clerk', 'Clerk Zhao');
  judge = gavel.createUser('judge', 'Judge Li Ming');
  clerkApi = await apiAs(gavel, clerk);
  judgeApi = await apiAs(gavel, judge);
  ({ hearingId } = await scheduleHearing(clerkApi, {
    caseNumber: '(2027) 沪0101民初77号',
    title: 'Exported hearing',
    judge: 'Judge Li Ming',
    clerk: 'Clerk Zhao',
  }));
  await invite(clerkApi, hearingId, { role: 'plaintiff', displayName: '张三' });
  for (const action of ['open', 'start', 'adjourn'])
    await json(await judgeApi.post(`/api/hearings/${hearingId}/state`, { data: { action } }));
});

afterAll(async () => {
  await clerkApi?.dispose();
  await judgeApi?.dispose();
  await browser?.close();
  await gavel?.stop();
});

describe('the clerk’s record', () => {
  it('reads the audit timeline, verifies its chain, and exports a ZIP that checks with sha256sum', async () => {
    const context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Asia/Shanghai', acceptDownloads: true });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await signIn(page, gavel.url, clerk);

    // The audit trail, from the hearing's page.
    await page.goto(`${gavel.url}/hearings/${hearingId}`);
    await page.getByRole('link', { name: 'Audit trail' }).click();
    await page.getByRole('heading', { name: 'Audit trail' }).waitFor();
    await expectAccessible(page, 'audit trail');
    const events = page.getByTestId('audit-event');
    await expect.poll(() => events.count()).toBeGreaterThanOrEqual(5);
    await expect.poll(() => events.first().innerText()).toMatch(/Hearing scheduled[\s\S]*Clerk Zhao/);
    await events.getByText('Hearing adjourned').first().waitFor();

    // Filtered to one action.
    await page.getByLabel('Action').selectOption({ label: 'Participant invited' });
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => events.count()).toBe(1);
    await expect.poll(() => events.first().innerText()).toMatch(/Participant invited/);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => events.count()).toBeGreaterThanOrEqual(5);

    await page.getByRole('button', { name: 'Verify the chain' }).click();
    await expect.poll(() => page.getByTestId('chain-result').innerText()).toMatch(/^The chain holds: all \d+ events/);

    // The export, with its progress shown while it streams in.
    await page.getByRole('link', { name: 'Back to the hearing' }).click();
    await page.getByRole('link', { name: 'Export the record' }).click();
    await page.getByRole('heading', { name: 'Export the record' }).waitFor();
    await expectAccessible(page, 'export the record');
    await page.evaluate(
      `window.sawProgress = false; new MutationObserver(() => { if (document.querySelector('progress')) window.sawProgress = true; }).observe(document.body, { subtree: true, childList: true });`,
    );
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download the record' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^Gavel-record-.+\.zip$/);
    await expect.poll(() => page.getByTestId('export-status').innerText()).toMatch(/^Saved Gavel-record-.+\.zip \(/);
    expect(await page.evaluate<boolean>('window.sawProgress')).toBe(true);

    const dir = mkdtempSync(join(tmpdir(), 'gavel-e2e-bundle-'));
    expect(spawnSync('unzip', ['-q', await download.path(), '-d', dir]).status).toBe(0);
    const check = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.hearing).toMatchObject({ hearingId, caseNumber: '(2027) 沪0101民初77号', state: 'adjourned' });
    expect(readFileSync(join(dir, 'participants.csv'), 'utf8')).toContain('张三');

    // The export is in the trail now.
    await page.goto(`${gavel.url}/hearings/${hearingId}/audit`);
    await page.getByTestId('audit-event').getByText('Record exported').first().waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('offers the judge the audit trail and the export; an admin of the court is told why not', async () => {
    const context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    await signIn(page, gavel.url, judge);
    await page.goto(`${gavel.url}/hearings/${hearingId}`);
    await page.getByRole('link', { name: 'Audit trail' }).waitFor();
    // The record is exported for the bench: the judge of the hearing may, as the clerk may.
    await page.getByRole('link', { name: 'Export the record' }).waitFor();
    await context.close();

    const adminContext = await browser.newContext({ locale: 'en-GB', timezoneId: 'Asia/Shanghai' });
    const adminPage = await adminContext.newPage();
    await signIn(adminPage, gavel.url, gavel.createUser('admin', 'Admin Qian'));
    await adminPage.goto(`${gavel.url}/hearings/${hearingId}`);
    await adminPage.getByRole('heading', { name: 'Exported hearing' }).waitFor();
    expect(await adminPage.getByRole('link', { name: 'Export the record' }).count()).toBe(0);
    expect(await adminPage.getByRole('link', { name: 'Audit trail' }).count()).toBe(0);
    // Typed in by hand, the export page says why it cannot export.
    await adminPage.goto(`${gavel.url}/hearings/${hearingId}/export`);
    await adminPage.getByRole('button', { name: 'Download the record' }).click();
    await adminPage
      .getByRole('alert')
      .getByText('Only the judge or the clerk of this hearing may export its record.')
      .waitFor();
    await adminContext.close();
  });
});
