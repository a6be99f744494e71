import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIRequestContext, Browser, Page } from 'playwright-core';
import {
  enterBench,
  enterLobby,
  expectAccessible,
  type Gavel,
  invite,
  openPage,
  scheduleHearing,
  signIn,
  startCourtroom,
  type Courtroom,
  postOk,
} from './harness.ts';

// "Read out new transcript entries" is an accessibility setting of the browser, not a switch of the
// transcript panel: a party finds it under More in the hearing room, a judge on their account page, and
// it holds across reloads. Turned off, new entries are no longer announced; on, they are.

const PHONE = { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true };

let court: Courtroom;
let gavel: Gavel;
let browser: Browser;
let clerkApi: APIRequestContext;
let judgeApi: APIRequestContext;
let judge: { email: string; password: string };
let n = 0;

beforeAll(async () => {
  court = await startCourtroom();
  ({ gavel, browser, clerkApi, judgeApi, judge } = court);
});

afterAll(async () => {
  await court?.stop();
});

async function hearingInSession(title: string) {
  n++;
  const { hearingId } = await scheduleHearing(clerkApi, {
    caseNumber: `(2027) 沪0101民初${500 + n}号`,
    title,
    judge: 'Judge Li Ming',
    startsInMinutes: 70 * n - 55,
  });
  await postOk(judgeApi, `/api/hearings/${hearingId}/state`, { action: 'open' });
  return hearingId;
}

const say = (hearingId: string, text: string) =>
  postOk(clerkApi, `/api/hearings/${hearingId}/transcript/entries`, { speaker: 'Witness Chen', text });

/** What the page's polite transcript announcer says now (it speaks after a quiet moment). */
const announced = (page: Page) => page.getByTestId('transcript-announcer').first().innerText();

describe('reading out new transcript entries, an accessibility setting', () => {
  it('a party on a phone turns it off under More: new entries are not announced, and it holds after a reload', async () => {
    const hearingId = await hearingInSession('Accessible hearing');
    const p = await invite(clerkApi, hearingId, { role: 'plaintiff', displayName: 'Zhang San' });
    const party = await openPage(browser, PHONE);
    await enterLobby(party.page, p.inviteUrl);
    await postOk(judgeApi, `/api/hearings/${hearingId}/participants/${p.participant.id}/admit`);
    await postOk(judgeApi, `/api/hearings/${hearingId}/state`, { action: 'start' });
    await party.page.getByRole('heading', { name: 'Accessible hearing' }).waitFor({ timeout: 30_000 });

    // Entries within a second and a half of each other are announced as one burst: once Gavel's note that
    // the hearing is in session is on the page and that moment has passed, the next entry is heard alone.
    await party.page.getByText('Hearing in session').first().waitFor({ state: 'attached', timeout: 15_000 });
    await party.page.waitForTimeout(2_500);
    // On by default: an entry is read out.
    await say(hearingId, 'FIRST the goods arrived on 3 March');
    await expect.poll(() => announced(party.page), { timeout: 15_000 }).toContain('FIRST the goods arrived');
    const lastSaid = await announced(party.page);
    // No longer a switch in the transcript panel.
    expect(await party.page.getByRole('checkbox', { name: 'Read out new entries' }).count()).toBe(0);

    await party.page.getByTestId('party-bar').getByRole('button', { name: 'More' }).click();
    const settings = party.page.getByRole('group', { name: 'Accessibility' });
    await settings.waitFor();
    const readOut = settings.getByRole('checkbox', { name: 'Read out new transcript entries' });
    expect(await readOut.isChecked()).toBe(true);
    await settings.scrollIntoViewIfNeeded();
    await party.page.screenshot({ path: join(tmpdir(), 'gavel-phone-accessibility-en.png') });
    await expectAccessible(party.page, 'hearing room, More open with accessibility (phone)');
    await readOut.uncheck();

    await say(hearingId, 'SECOND the invoice was paid late');
    // The entry reaches the page (its list) but is not read out.
    await party.page
      .getByText('SECOND the invoice was paid late')
      .first()
      .waitFor({ state: 'attached', timeout: 15_000 });
    await party.page.waitForTimeout(2_500);
    // Nothing new was said: the announcer still holds what it last read out.
    expect(await announced(party.page)).toBe(lastSaid);

    // After a reload (the camera check and the pledge again, then straight back in) the setting holds.
    await party.page.reload();
    await party.page.getByRole('heading', { name: 'Before you enter' }).waitFor({ timeout: 30_000 });
    await party.page.getByLabel(/I will not record/).check();
    // Already admitted: the check leads straight into the courtroom, and its button says so.
    await party.page.getByRole('button', { name: 'Enter the courtroom' }).click();
    await party.page.getByRole('heading', { name: 'Accessible hearing' }).waitFor({ timeout: 30_000 });
    await party.page.getByTestId('party-bar').getByRole('button', { name: 'More' }).click();
    expect(
      await party.page
        .getByRole('group', { name: 'Accessibility' })
        .getByRole('checkbox', { name: 'Read out new transcript entries' })
        .isChecked(),
    ).toBe(false);
    await say(hearingId, 'THIRD after the reload');
    await party.page.getByText('THIRD after the reload').first().waitFor({ state: 'attached', timeout: 15_000 });
    await party.page.waitForTimeout(2_500);
    // A fresh page, nothing read out.
    expect(await announced(party.page)).toBe('');

    // Turned on again: the next entry is read out.
    await party.page
      .getByRole('group', { name: 'Accessibility' })
      .getByRole('checkbox', { name: 'Read out new transcript entries' })
      .check();
    await say(hearingId, 'FOURTH read out again');
    await expect.poll(() => announced(party.page), { timeout: 15_000 }).toContain('FOURTH read out again');
    expect(party.problems).toEqual([]);
    await party.context.close();
  });

  it('a judge turns it off on the account page, and the bench does not read entries out', async () => {
    const hearingId = await hearingInSession('Bench hearing');
    const bench = await openPage(browser);
    await signIn(bench.page, gavel.url, judge);
    await bench.page.getByRole('link', { name: 'Account' }).click();
    await bench.page.getByRole('heading', { name: 'My account', level: 1 }).waitFor();
    const section = bench.page.getByRole('region', { name: 'Accessibility' });
    const readOut = section.getByRole('checkbox', { name: 'Read out new transcript entries' });
    expect(await readOut.isChecked()).toBe(true);
    await readOut.uncheck();
    await expectAccessible(bench.page, 'account page, accessibility');

    await enterBench(bench.page, gavel.url, hearingId);
    await postOk(judgeApi, `/api/hearings/${hearingId}/state`, { action: 'start' });
    await bench.page.getByRole('tab', { name: 'Transcript' }).click();
    await say(hearingId, 'BENCH-ENTRY the witness is sworn');
    await bench.page.getByText('BENCH-ENTRY the witness is sworn').first().waitFor({ timeout: 15_000 });
    await bench.page.waitForTimeout(2_500);
    expect(await announced(bench.page)).toBe('');
    expect(bench.problems).toEqual([]);
    await bench.context.close();
  });
});
