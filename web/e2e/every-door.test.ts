import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIRequestContext, Browser, Page } from 'playwright-core';
import {
  enterBench,
  enterLobby,
  explained,
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

// What REST refuses, no other door gives away, as the people concerned meet it in a browser: a party
// removed by the judge stops hearing the hearing; a witness waiting to be called and the public gallery
// get none of the testimony; after adjournment a party can still read the record. Parties on a phone.

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

/** Every websocket frame the page receives, as text: what reached the browser, shown or not. */
function framesOf(page: Page): string[] {
  const frames: string[] = [];
  page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(String(f.payload))));
  return frames;
}

async function hearing(title: string) {
  n++;
  // An hour each, one after another: the judge sits in one at a time.
  return scheduleHearing(clerkApi, {
    caseNumber: `(2027) 沪0101民初${300 + n}号`,
    title,
    judge: 'Judge Li Ming',
    startsInMinutes: 70 * n - 55,
  });
}

describe('every door, as the people concerned meet it', () => {
  it('a party removed by the judge is told so on their phone, and hears nothing of the hearing after', async () => {
    const { hearingId } = await hearing('Removal hearing');
    const p = await invite(clerkApi, hearingId, { role: 'defendant', displayName: 'Acme Trading Ltd' });
    await postOk(judgeApi, `/api/hearings/${hearingId}/state`, { action: 'open' });
    const party = await openPage(browser, PHONE);
    const frames = framesOf(party.page);
    await enterLobby(party.page, p.inviteUrl);
    await postOk(judgeApi, `/api/hearings/${hearingId}/participants/${p.participant.id}/admit`);
    await party.page.getByRole('heading', { name: 'Removal hearing' }).waitFor({ timeout: 30_000 });

    // The step under test, as the judge takes it: on the bench, with the confirmation.
    const bench = await openPage(browser);
    await signIn(bench.page, gavel.url, judge);
    await enterBench(bench.page, gavel.url, hearingId);
    await bench.page.getByRole('button', { name: 'Actions for Acme Trading Ltd' }).click();
    await bench.page.getByRole('menuitem', { name: 'Remove Acme Trading Ltd' }).click();
    await bench.page
      .getByRole('dialog', { name: 'Remove Acme Trading Ltd from the hearing?' })
      .getByRole('button', { name: 'Remove' })
      .click();
    await party.page
      .getByRole('heading', { name: 'You have been removed from the hearing' })
      .waitFor({ timeout: 30_000 });
    await expectAccessible(party.page, 'removed (party, phone)');

    // The hearing goes on: nothing of it reaches the removed party's browser, on any frame.
    await postOk(judgeApi, `/api/hearings/${hearingId}/state`, { action: 'start' });
    await postOk(clerkApi, `/api/hearings/${hearingId}/transcript/entries`, {
      speaker: 'Witness',
      text: 'AFTER-REMOVAL testimony',
    });
    await postOk(judgeApi, `/api/hearings/${hearingId}/chat`, { text: 'AFTER-REMOVAL chat', to: 'all' });
    await bench.page.getByText('AFTER-REMOVAL chat').waitFor({ timeout: 30_000 });
    await party.page.waitForTimeout(1000);
    expect(frames.join('\n')).not.toContain('AFTER-REMOVAL');
    expect(await party.page.content()).not.toContain('AFTER-REMOVAL');
    // A reload says the same, and still nothing.
    await party.page.reload();
    await party.page.getByRole('heading', { name: 'You have been removed from the hearing' }).waitFor();
    expect(frames.join('\n')).not.toContain('AFTER-REMOVAL');
    await party.context.close();
    await bench.context.close();
  });

  it('a witness waiting in the lobby and the public gallery get none of the testimony; the gallery is offered no captions', async () => {
    const { hearingId } = await hearing('Testimony hearing');
    const w = await invite(clerkApi, hearingId, { role: 'witness', displayName: 'Witness Chen' });
    const o = await invite(clerkApi, hearingId, { role: 'observer', displayName: 'Press gallery' });
    const d = await invite(clerkApi, hearingId, { role: 'defendant', displayName: 'Acme Trading Ltd' });
    await postOk(judgeApi, `/api/hearings/${hearingId}/state`, { action: 'open' });
    const witness = await openPage(browser, PHONE);
    const observer = await openPage(browser, PHONE);
    const defendant = await openPage(browser, PHONE);
    const witnessFrames = framesOf(witness.page);
    const observerFrames = framesOf(observer.page);
    await enterLobby(witness.page, w.inviteUrl);
    await enterLobby(observer.page, o.inviteUrl);
    await enterLobby(defendant.page, d.inviteUrl);
    await postOk(judgeApi, `/api/hearings/${hearingId}/admit-all`);
    await postOk(judgeApi, `/api/hearings/${hearingId}/state`, { action: 'start' });
    await observer.page.getByRole('heading', { name: 'Testimony hearing' }).waitFor({ timeout: 30_000 });
    await defendant.page.getByRole('heading', { name: 'Testimony hearing' }).waitFor({ timeout: 30_000 });

    // The testimony, as the clerk keeps it: the defendant, in the room, may read it as captions.
    await postOk(clerkApi, `/api/hearings/${hearingId}/transcript/entries`, {
      speaker: 'Acme Trading Ltd',
      text: 'SECRET-TESTIMONY the invoice was paid in March',
    });
    await postOk(judgeApi, `/api/hearings/${hearingId}/chat`, {
      text: 'SECRET-CHAT the witness will be called',
      to: 'all',
    });
    // On a phone the chat is behind the bar's Chat button, as the person finds it.
    const openChat = (page: typeof defendant.page) =>
      page.getByTestId('party-bar').getByRole('button', { name: 'Chat' }).click();
    await openChat(defendant.page);
    await defendant.page.getByText('SECRET-CHAT the witness will be called').waitFor({ timeout: 30_000 });
    await defendant.page.getByLabel('Show captions').check();
    await defendant.page
      .getByTestId('captions')
      .getByText('SECRET-TESTIMONY the invoice was paid in March')
      .waitFor({ timeout: 30_000 });
    // A reload starts from a fresh snapshot: back through the device check (which no longer promises an
    // admitted party that no one sees them), the captions still show what was last said.
    await defendant.page.reload();
    await explained(defendant.page, defendant.page.getByRole('heading', { name: 'Before you enter' }).waitFor());
    expect(
      await defendant.page.getByText(/Once you enter the courtroom, those in the hearing see and hear you/).count(),
    ).toBe(1);
    expect(await defendant.page.getByText(/No one sees or hears you until/).count()).toBe(0);
    await defendant.page.getByLabel(/I will not record/).check();
    await defendant.page.getByRole('button', { name: 'Enter the courtroom' }).click();
    await defendant.page.getByRole('heading', { name: 'Testimony hearing' }).waitFor({ timeout: 30_000 });
    await defendant.page.getByLabel('Show captions').check();
    await defendant.page
      .getByTestId('captions')
      .getByText('SECRET-TESTIMONY the invoice was paid in March')
      .waitFor({ timeout: 10_000 });

    await witness.page.waitForTimeout(1000);
    expect(await witness.page.getByTestId('lobby-status').innerText()).toMatch(/You are a witness/);
    expect(witnessFrames.join('\n')).not.toMatch(/SECRET-(TESTIMONY|CHAT)/);
    expect(await witness.page.content()).not.toMatch(/SECRET-(TESTIMONY|CHAT)/);
    await expectAccessible(witness.page, 'lobby (witness waiting, phone)');
    // The gallery hears the hearing (chat to everyone) but is not given the record, nor offered captions.
    await openChat(observer.page);
    await observer.page.getByText('SECRET-CHAT the witness will be called').waitFor({ timeout: 30_000 });
    expect(observerFrames.join('\n')).not.toContain('SECRET-TESTIMONY');
    expect(await observer.page.getByLabel('Show captions').count()).toBe(0);
    // And the record never names the gallery to the parties.
    expect(await defendant.page.content()).not.toContain('Press gallery');
    for (const p of [witness, observer, defendant]) await p.context.close();
  });

  it('after adjournment a party can still read the record: the lobby page, a reload and the review page all work', async () => {
    const { hearingId } = await hearing('Review hearing');
    const p = await invite(clerkApi, hearingId, { role: 'plaintiff', displayName: 'Zhang San' });
    await postOk(judgeApi, `/api/hearings/${hearingId}/state`, { action: 'open' });
    const party = await openPage(browser, PHONE);
    await enterLobby(party.page, p.inviteUrl);
    await postOk(judgeApi, `/api/hearings/${hearingId}/participants/${p.participant.id}/admit`);
    await postOk(judgeApi, `/api/hearings/${hearingId}/state`, { action: 'start' });
    await party.page.getByRole('heading', { name: 'Review hearing' }).waitFor({ timeout: 30_000 });

    // The judge adjourns on the bench.
    const bench = await openPage(browser);
    await signIn(bench.page, gavel.url, judge);
    await enterBench(bench.page, gavel.url, hearingId);
    await bench.page.getByRole('button', { name: 'Adjourn', exact: true }).click();
    await bench.page
      .getByRole('dialog', { name: 'Adjourn the hearing?' })
      .getByRole('button', { name: 'Adjourn the hearing' })
      .click();
    await party.page.getByRole('heading', { name: 'The hearing has been adjourned' }).waitFor({ timeout: 30_000 });
    // One click after adjournment used to end the party's session: a reload of the lobby page.
    await party.page.reload();
    await party.page.getByRole('heading', { name: 'The hearing has been adjourned' }).waitFor({ timeout: 30_000 });
    await party.page.reload();
    await party.page.getByRole('link', { name: /record/i }).click();
    await party.page.waitForURL(new RegExp(`/hearings/${hearingId}/review$`));
    await expectAccessible(party.page, 'review after adjournment (phone)');
    expect(await party.page.content()).not.toMatch(/Open your invitation link|invitation has expired/i);
    await party.context.close();
    await bench.context.close();
  });
});
