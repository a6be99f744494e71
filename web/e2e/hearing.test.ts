import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIRequestContext, Browser } from 'playwright-core';
import {
  apiAs,
  enterBench,
  enterLobby,
  expectAccessible,
  type Gavel,
  type OpenPage,
  invite,
  launchChromium,
  openPage,
  scheduleHearing,
  signIn,
  startGavel,
} from './harness.ts';

// The live hearing in two browsers: a party goes through pre-join into the lobby, the judge opens
// the hearing and admits them, the party's page moves into the room by itself, the judge adjourns.
// No LiveKit server runs here: the room must say so while the lobby, state and chat keep working.

let gavel: Gavel;
let browser: Browser;
let clerkApi: APIRequestContext;
let judge: { email: string; password: string };
let hearingId = '';
let inviteUrl = '';

beforeAll(async () => {
  [gavel, browser] = await Promise.all([
    startGavel(),
    launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']),
  ]);
  const clerk = gavel.createUser('clerk', 'Clerk Zhao');
  judge = gavel.createUser('judge', 'Judge Li Ming');

  // The clerk schedules the hearing and invites the plaintiff through the API, as the UI would.
  clerkApi = await apiAs(gavel, clerk);
  ({ hearingId } = await scheduleHearing(clerkApi, {
    caseNumber: '(2027) 沪0101民初7号',
    title: 'Live hearing',
    judge: 'Judge Li Ming',
  }));
  ({ inviteUrl } = await invite(clerkApi, hearingId, { role: 'plaintiff', displayName: 'Zhang San' }));
});

afterAll(async () => {
  await clerkApi?.dispose();
  await browser?.close();
  await gavel?.stop();
});

async function judgeInCourtroom(id: string): Promise<OpenPage> {
  const bench = await openPage(browser);
  await signIn(bench.page, gavel.url, judge);
  await enterBench(bench.page, gavel.url, id);
  return bench;
}

describe('the live hearing, in two browsers', () => {
  it('the party passes pre-join into the lobby; the judge opens and admits; the party moves into the room; the judge adjourns', async () => {
    const party = await openPage(browser);
    await party.page.goto(inviteUrl);
    await party.page.getByRole('button', { name: 'Continue to the lobby' }).waitFor();
    await expectAccessible(party.page, 'join landing');
    await party.page.getByRole('button', { name: 'Continue to the lobby' }).click();
    await party.page.waitForURL(new RegExp(`/hearings/${hearingId}/lobby$`));
    await party.page.getByRole('heading', { name: 'Check your camera and microphone' }).waitFor();

    // Pre-join: the fake camera and microphone are previewed, with a level meter and device choice.
    await party.page.getByRole('heading', { name: 'Before you enter' }).waitFor();
    // The lists and the level are there from the start (so nothing moves); the fake devices then answer.
    await party.page.getByText('Your camera and microphone are working.').waitFor();
    await party.page.getByLabel('Microphone level').waitFor();
    expect(await party.page.getByLabel('Camera', { exact: true }).isEnabled()).toBe(true);
    await party.page.getByLabel('Join without camera').waitFor();
    await expectAccessible(party.page, 'pre-join');
    // The declaration must be accepted.
    await party.page.getByRole('button', { name: 'Enter the lobby' }).click();
    await party.page.getByText('Tick the declaration to continue.').waitFor();
    await expectAccessible(party.page, 'pre-join with error');
    await party.page.getByLabel(/I will not record/).check();
    await party.page.getByRole('button', { name: 'Enter the lobby' }).click();
    const status = party.page.getByTestId('lobby-status');
    await expect.poll(() => status.innerText()).toMatch(/The lobby is not open yet/);
    await expectAccessible(party.page, 'lobby (not open)');
    // Marks this page load: it must survive admission (no reload).
    await party.page.evaluate(() => ((globalThis as unknown as { gavelMark: number }).gavelMark = 42));

    // The judge signs in and enters the courtroom.
    const bench = await openPage(browser);
    await signIn(bench.page, gavel.url, judge);
    await bench.page.goto(`${gavel.url}/hearings/${hearingId}`);
    await expectAccessible(bench.page, 'hearing page');
    await bench.page.getByRole('link', { name: 'Enter the courtroom' }).click();
    await bench.page.waitForURL(new RegExp(`/hearings/${hearingId}/room$`));
    await expectAccessible(bench.page, 'bench pre-join');
    await bench.page.getByLabel(/I will not record/).check();
    await bench.page.getByRole('button', { name: 'Enter the courtroom' }).click();
    await bench.page.getByRole('heading', { name: 'Judge’s bench' }).waitFor();
    await expectAccessible(bench.page, 'bench (scheduled)');

    // Opens the lobby: the party's page knocks again by itself and waits for the judge.
    await bench.page.getByRole('button', { name: 'Open the lobby' }).click();
    await expect.poll(() => status.innerText(), { timeout: 15_000 }).toMatch(/Waiting for the judge/);
    // No LiveKit here: the bench is told, and everything else goes on.
    await bench.page.getByText('The media server cannot be reached').waitFor({ timeout: 30_000 });
    await expectAccessible(party.page, 'lobby (waiting)');
    await expectAccessible(bench.page, 'bench (lobby open, party waiting)');

    await bench.page.getByRole('button', { name: 'Admit Zhang San' }).click();
    // The party's page moves into the room by itself.
    await party.page.getByRole('heading', { name: 'Live hearing' }).waitFor({ timeout: 15_000 });
    await party.page.getByText('The media server cannot be reached').waitFor({ timeout: 30_000 });
    await party.page.getByText('Not recorded').waitFor();
    expect(await party.page.evaluate(() => (globalThis as unknown as { gavelMark?: number }).gavelMark)).toBe(42);
    await expectAccessible(party.page, 'hearing room (party)');
    await bench.page
      .getByRole('region', { name: /In the hearing/ })
      .getByText('Zhang San', { exact: true })
      .waitFor();

    // Chat goes through Gavel: the party writes, the judge reads it with its sender.
    await party.page.getByLabel('Message').fill('May I speak, Your Honour?');
    await party.page.getByRole('button', { name: 'Send' }).click();
    await bench.page.getByText('May I speak, Your Honour?').waitFor();
    await bench.page.getByText('Zhang San (Plaintiff)', { exact: true }).waitFor();
    await expectAccessible(bench.page, 'bench (party admitted, chat)');

    await bench.page.getByRole('button', { name: 'Start the hearing' }).click();
    await expect.poll(() => party.page.getByTestId('hearing-state').innerText()).toBe('In session');
    await expectAccessible(party.page, 'hearing room (in session)');

    // Adjourn asks first; Escape cancels and nothing changes.
    await bench.page.getByRole('button', { name: 'Adjourn', exact: true }).click();
    const dialog = bench.page.getByRole('dialog', { name: 'Adjourn the hearing?' });
    await dialog.waitFor();
    await expectAccessible(bench.page, 'bench (adjourn dialog)');
    await bench.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await party.page.getByTestId('hearing-state').innerText()).toBe('In session');
    await bench.page.getByRole('button', { name: 'Adjourn', exact: true }).click();
    await dialog.getByRole('button', { name: 'Adjourn the hearing' }).click();

    await party.page.getByRole('heading', { name: 'The hearing has been adjourned' }).waitFor({ timeout: 15_000 });
    await bench.page.getByRole('heading', { name: 'The hearing has been adjourned' }).waitFor();
    await expectAccessible(party.page, 'ended (party)');
    await expectAccessible(bench.page, 'ended (bench)');
    const row = await gavel.database.db
      .selectFrom('hearings')
      .select('state')
      .where('id', '=', hearingId)
      .executeTakeFirstOrThrow();
    expect(row.state).toBe('adjourned');

    expect(party.problems).toEqual([]);
    expect(bench.problems).toEqual([]);
    await party.context.close();
    await bench.context.close();
  });

  it('a witness waits through admit-all until called; a removed participant sees so and gets no token', async () => {
    const second = await scheduleHearing(clerkApi, {
      caseNumber: '(2027) 沪0101民初8号',
      title: 'Witness hearing',
      judge: 'Judge Li Ming',
      // Later than the first hearing, so this journey stands whether or not that one adjourned.
      startsInMinutes: 180,
    });
    const defendantInvite = await invite(clerkApi, second.hearingId, {
      role: 'defendant',
      displayName: 'Acme Trading Ltd',
    });
    const witnessInvite = await invite(clerkApi, second.hearingId, { role: 'witness', displayName: 'Witness Chen' });
    const bench = await judgeInCourtroom(second.hearingId);
    await bench.page.getByRole('button', { name: 'Open the lobby' }).click();
    await bench.page.getByText('Lobby open').first().waitFor();

    const defendant = await openPage(browser);
    const witness = await openPage(browser);
    await enterLobby(defendant.page, defendantInvite.inviteUrl);
    await enterLobby(witness.page, witnessInvite.inviteUrl);
    await expect.poll(() => witness.page.getByTestId('lobby-status').innerText()).toMatch(/You are a witness/);

    // Admit-all leaves the witness waiting.
    await bench.page.getByRole('button', { name: 'Admit everyone waiting' }).click();
    await defendant.page.getByRole('heading', { name: 'Witness hearing' }).waitFor({ timeout: 15_000 });
    await bench.page.getByRole('button', { name: 'Call Witness Chen' }).waitFor();
    await expectAccessible(witness.page, 'lobby (witness waiting)');
    expect(await witness.page.getByTestId('lobby-status').innerText()).toMatch(/You are a witness/);

    // Called, the witness moves into the room; released, back to the lobby.
    await bench.page.getByRole('button', { name: 'Call Witness Chen' }).click();
    await witness.page.getByRole('heading', { name: 'Witness hearing' }).waitFor({ timeout: 15_000 });
    await bench.page.getByRole('button', { name: 'Actions for Witness Chen' }).click();
    await bench.page.getByRole('menuitem', { name: 'Release Witness Chen' }).click();
    await witness.page.getByRole('heading', { name: 'Lobby', exact: true }).waitFor({ timeout: 15_000 });

    // Removal asks first, then the defendant sees the removed screen.
    await bench.page.getByRole('button', { name: 'Actions for Acme Trading Ltd' }).click();
    await bench.page.getByRole('menuitem', { name: 'Remove Acme Trading Ltd' }).click();
    await bench.page
      .getByRole('dialog', { name: 'Remove Acme Trading Ltd from the hearing?' })
      .getByRole('button', { name: 'Remove' })
      .click();
    await defendant.page
      .getByRole('heading', { name: 'You have been removed from the hearing' })
      .waitFor({ timeout: 15_000 });
    await expectAccessible(defendant.page, 'removed notice');
    // The screen changed: focus is on the notice's heading.
    await expect
      .poll(() =>
        defendant.page
          .getByRole('heading', { name: 'You have been removed from the hearing' })
          .evaluate(
            (el) => el === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement,
          ),
      )
      .toBe(true);
    const refused = await defendant.page.evaluate(async (id) => {
      const r = await fetch(`/api/hearings/${id}/media-token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      });
      return r.status;
    }, second.hearingId);
    expect([401, 403]).toContain(refused);

    for (const p of [bench, defendant, witness]) {
      expect(p.problems).toEqual([]);
      await p.context.close();
    }
  });
});
