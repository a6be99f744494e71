import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIRequestContext, Browser, Page } from 'playwright-core';
import {
  apiAs,
  enterBench,
  expectAccessible,
  type Gavel,
  invite,
  json,
  launchChromium,
  openPage,
  scheduleHearing,
  signIn,
  startGavel,
} from './harness.ts';

// The record, in three browsers: the clerk types entries on the transcript desk (keyboard only),
// the admitted party's room shows them live, the judge adjourns, the clerk seals and downloads the
// stamped PDF, and the public /verify page accepts that file and refuses it with one byte changed.

const CASE_NUMBER = '(2027) 沪0101民初21号';
const SCRIPT = '<script>window.gavelPwned = 1</script> <b>not bold</b>';

let gavel: Gavel;
let browser: Browser;
let clerkApi: APIRequestContext;
let clerk: { email: string; password: string };
let judge: { email: string; password: string };
let hearingId = '';
let inviteUrl = '';

beforeAll(async () => {
  [gavel, browser] = await Promise.all([
    startGavel(),
    launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']),
  ]);
  clerk = gavel.createUser('clerk', 'Clerk Zhao');
  judge = gavel.createUser('judge', 'Judge Li Ming');

  // The clerk schedules the hearing (as its clerk) and invites the plaintiff, through the API as the UI would.
  clerkApi = await apiAs(gavel, clerk);
  ({ hearingId } = await scheduleHearing(clerkApi, {
    caseNumber: CASE_NUMBER,
    title: 'Record hearing',
    judge: 'Judge Li Ming',
    clerk: 'Clerk Zhao',
  }));
  ({ inviteUrl } = await invite(clerkApi, hearingId, { role: 'plaintiff', displayName: 'Zhang San' }));
});

afterAll(async () => {
  await clerkApi?.dispose();
  await browser?.close();
  await gavel?.stop();
});

// A string, since this file is type-checked without the DOM's types.
const activeId = (page: Page) => page.evaluate<string>("document.activeElement?.id ?? ''");

describe('the record, from the clerk’s keyboard to a verified PDF', () => {
  it('entries appear live in the party’s room; the sealed PDF verifies, and one changed byte does not', async () => {
    // The judge opens the hearing from the bench.
    const bench = await openPage(browser, { acceptDownloads: true });
    await signIn(bench.page, gavel.url, judge);
    await enterBench(bench.page, gavel.url, hearingId);
    await bench.page.getByRole('button', { name: 'Open the lobby' }).click();

    // The plaintiff comes through pre-join and the lobby, and is admitted.
    const party = await openPage(browser, { acceptDownloads: true });
    await party.page.goto(inviteUrl);
    await party.page.getByRole('button', { name: 'Continue to the lobby' }).click();
    await party.page.getByRole('heading', { name: 'Before you enter' }).waitFor();
    await party.page.getByLabel('Join without camera').check();
    await party.page.getByLabel(/I will not record/).check();
    await party.page.getByRole('button', { name: 'Enter the lobby' }).click();
    await expect
      .poll(() => party.page.getByTestId('lobby-status').innerText(), { timeout: 15_000 })
      .toMatch(/Waiting for the judge/);
    await bench.page.getByRole('button', { name: 'Admit Zhang San' }).click();
    await party.page.getByRole('heading', { name: 'Record hearing' }).waitFor({ timeout: 15_000 });
    await expectAccessible(party.page, 'hearing room (party)');
    await bench.page.getByRole('button', { name: 'Start the hearing' }).click();
    await expect.poll(() => party.page.getByTestId('hearing-state').innerText()).toBe('In session');
    const partyPanel = party.page.getByTestId('transcript-panel-entries');
    await party.page.getByRole('heading', { name: 'Transcript' }).waitFor();
    await expectAccessible(party.page, 'live transcript panel');
    // Captions under the video, switched on by the party: the newest entries, each with its speaker.
    await party.page.getByLabel('Show captions').check();
    const captions = party.page.getByTestId('captions');
    await captions.getByText('Captions appear here as the record is written.').waitFor();

    // The clerk's desk: focus starts in the text box; Alt+2 picks the plaintiff, Enter commits.
    const desk = await openPage(browser, { acceptDownloads: true });
    await signIn(desk.page, gavel.url, clerk);
    await desk.page.goto(`${gavel.url}/hearings/${hearingId}/transcript`);
    await desk.page.getByRole('heading', { name: /Transcript · Record hearing/ }).waitFor();
    await expectAccessible(desk.page, 'transcript desk');
    await expect.poll(() => activeId(desk.page)).toBe('entry-text');
    // The shortcuts are described to the text box, so a screen reader announces them with it.
    const described = await desk.page.getByLabel('What was said').getAttribute('aria-describedby');
    expect(described).toContain('entry-shortcuts');
    await desk.page.getByText('Alt+1 to Alt+9 pick the numbered speaker').waitFor();

    await desk.page.keyboard.press('Alt+2');
    await expect.poll(() => desk.page.locator('#entry-speaker').innerText()).toBe('Speaker: Zhang San');
    expect(await desk.page.getByRole('radio', { name: /Zhang San/ }).isChecked()).toBe(true);
    expect(await activeId(desk.page)).toBe('entry-text');
    await desk.page.keyboard.type('I delivered the goods on 3 March.');
    await desk.page.keyboard.press('Enter');
    // Focus stays in the emptied text box, ready for the next words.
    expect(await activeId(desk.page)).toBe('entry-text');
    await expect.poll(() => desk.page.getByLabel('What was said').inputValue()).toBe('');

    await desk.page.keyboard.press('Alt+1');
    await expect.poll(() => desk.page.locator('#entry-speaker').innerText()).toBe('Speaker: Court');
    await desk.page.keyboard.type('原告请陈述诉讼请求。');
    await desk.page.keyboard.press('Enter');
    await desk.page.keyboard.type(SCRIPT);
    await desk.page.keyboard.press('Enter');
    expect(await activeId(desk.page)).toBe('entry-text');
    // A NUL byte cannot go into the record: the clerk is told, and the text stays to be fixed.
    await desk.page.getByLabel('What was said').fill('before\u0000after');
    await desk.page.keyboard.press('Enter');
    await desk.page
      .getByRole('alert')
      .getByText(/contains a NUL character/)
      .waitFor();
    expect(await desk.page.getByLabel('What was said').inputValue()).toBe('before\u0000after');
    await desk.page.getByLabel('What was said').fill('');

    const deskEntries = desk.page.getByTestId('transcript-entries');
    await deskEntries.getByText('I delivered the goods on 3 March.').waitFor();
    await deskEntries.getByText('原告请陈述诉讼请求。').waitFor();

    // The party's room shows them live, in order, with the speaker; markup is shown as text, never run.
    await partyPanel.getByText('I delivered the goods on 3 March.').waitFor({ timeout: 15_000 });
    await partyPanel.getByText('原告请陈述诉讼请求。').waitFor();
    await partyPanel.getByText(SCRIPT, { exact: true }).waitFor();
    expect(await partyPanel.locator('b').count()).toBe(0);
    expect(await party.page.evaluate(() => (globalThis as { gavelPwned?: number }).gavelPwned)).toBeUndefined();
    await expect.poll(() => captions.innerText()).toMatch(/Court:\s*原告请陈述诉讼请求。/);
    expect(await captions.locator('b').count()).toBe(0);
    await expectAccessible(party.page, 'hearing room with captions');
    const lines = await partyPanel.locator('li').allInnerTexts();
    const i = lines.findIndex((l) => l.includes('I delivered the goods'));
    const j = lines.findIndex((l) => l.includes('原告请陈述诉讼请求。'));
    expect(i).toBeGreaterThanOrEqual(0);
    expect(j).toBeGreaterThan(i);
    expect(lines[i]).toContain('Zhang San');
    expect(lines[j]).toContain('Court');

    // A correction keeps the earlier wording, and reaches the room too.
    await desk.page
      .getByRole('button', { name: /^Correct this entry \(No\. \d+\)$/ })
      .nth(-3)
      .click();
    await expect.poll(() => activeId(desk.page)).toMatch(/^fix-text-/);
    await desk.page.getByLabel('Corrected text').fill('I delivered the goods on 4 March.');
    await desk.page.getByLabel('Reason for the correction').fill('Misheard the date');
    await desk.page.getByRole('button', { name: 'Save the correction' }).click();
    await deskEntries.getByText('I delivered the goods on 4 March.').waitFor();
    await deskEntries
      .getByTestId('transcript-entry')
      .filter({ hasText: 'I delivered the goods on 4 March.' })
      .getByText('Corrected', { exact: true })
      .waitFor();
    await desk.page.screenshot({ path: '/tmp/words-desk-en.png', fullPage: true });
    await partyPanel.getByText('I delivered the goods on 4 March.').waitFor({ timeout: 15_000 });
    const history = deskEntries.locator('details.history').first();
    await history.getByText('Earlier wording').waitFor();
    await expect
      .poll(async () => {
        if ((await history.getAttribute('open')) === null) await history.locator('summary').click();
        return history.getByText('I delivered the goods on 3 March.').isVisible();
      })
      .toBe(true);
    await history.getByText('Misheard the date').waitFor();

    // A second correction (set up through the API), then the judge reloads the bench: the record it loads
    // holds two corrections of this entry. The clerk corrects it a third time on the desk, and the bench
    // shows the new wording at once (a push carries no history, and used to count 1 against the 2 loaded).
    const loaded = (await (await clerkApi.get(`/api/hearings/${hearingId}/transcript`)).json()) as {
      entries: Array<{ id: string; text: string }>;
    };
    const target = loaded.entries.find((e) => e.text === 'I delivered the goods on 4 March.')!;
    const second = await clerkApi.patch(`/api/hearings/${hearingId}/transcript/entries/${target.id}`, {
      data: { text: 'I delivered the goods on 4 March 2026.', reason: 'The year was said' },
    });
    expect(second.status()).toBe(200);
    await bench.page.reload();
    await bench.page.getByLabel(/I will not record/).check();
    await bench.page.getByRole('button', { name: 'Enter the courtroom' }).click();
    await bench.page.getByRole('tab', { name: 'Transcript' }).click();
    const benchPanel = bench.page.getByTestId('transcript-panel-entries');
    await benchPanel.getByText('I delivered the goods on 4 March 2026.').waitFor({ timeout: 15_000 });
    await desk.page
      .getByTestId('transcript-entry')
      .filter({ hasText: 'I delivered the goods on 4 March 2026.' })
      .getByRole('button', { name: /^Correct this entry/ })
      .click();
    await desk.page.getByLabel('Corrected text').fill('I delivered the goods on 4 March 2026, at noon.');
    await desk.page.getByLabel('Reason for the correction').fill('The hour was said');
    await desk.page.getByRole('button', { name: 'Save the correction' }).click();
    await deskEntries.getByText('I delivered the goods on 4 March 2026, at noon.').waitFor();
    await benchPanel.getByText('I delivered the goods on 4 March 2026, at noon.').waitFor({ timeout: 15_000 });
    await partyPanel.getByText('I delivered the goods on 4 March 2026, at noon.').waitFor({ timeout: 15_000 });

    // The judge adjourns; the desk offers the seal once the socket says so.
    await bench.page.getByRole('button', { name: 'Adjourn', exact: true }).click();
    await bench.page
      .getByRole('dialog', { name: 'Adjourn the hearing?' })
      .getByRole('button', { name: 'Adjourn the hearing' })
      .click();
    await party.page.getByRole('heading', { name: 'The hearing has been adjourned' }).waitFor({ timeout: 15_000 });

    await desk.page.getByRole('button', { name: 'Seal the transcript' }).click({ timeout: 15_000 });
    await desk.page.getByText('Version 1 sealed.').waitFor({ timeout: 60_000 });
    const row = desk.page.getByTestId('seal-row').first();
    await row.getByText('Current').waitFor();

    // The clerk downloads the stamped PDF.
    const [download] = await Promise.all([
      desk.page.waitForEvent('download'),
      desk.page.getByRole('link', { name: 'Download the PDF of version 1' }).click(),
    ]);
    const pdf = readFileSync(await download.path());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    // The plaintiff reviews the sealed version with the same participant session and signs it.
    await party.page.goto(`${gavel.url}/hearings/${hearingId}/review`);
    await party.page.getByRole('heading', { name: 'Review the record' }).waitFor();
    await expectAccessible(party.page, 'review the record');
    await party.page.getByRole('link', { name: 'Open the sealed transcript (PDF)' }).waitFor();
    // Both the typed name and the confirmation are needed.
    await party.page.getByRole('button', { name: 'Sign' }).click();
    await party.page.getByText('Type your full name.').waitFor();
    // The name must be the one the court invited (the page says which); case and spacing do not matter,
    // and the signature keeps the name as typed.
    await party.page.getByText('As the court invited you: Zhang San').waitFor();
    await party.page.getByLabel('Your full name').fill('Zhang');
    await party.page.getByRole('button', { name: 'Sign' }).click();
    await party.page.getByText(/Type your full name as the court invited you: Zhang San\./).waitFor();
    await party.page.getByLabel('Your full name').fill('zhang  san');
    await party.page.getByRole('button', { name: 'Sign' }).click();
    await party.page.getByText('Tick the confirmation to sign.').waitFor();
    await party.page.getByLabel(/I have read the sealed transcript, version 1/).check();
    await party.page.getByRole('button', { name: 'Sign' }).click();
    await party.page.getByText('You have signed version 1.').waitFor();
    await party.page.getByTestId('signature-row').getByText('Signed').waitFor();
    // Coming back later: the page confirms the signature instead of offering the form (and its error) again.
    await party.page.reload();
    const confirmation = party.page.getByTestId('signed-confirmation');
    await confirmation.getByText('You have signed version 1.').waitFor();
    await confirmation.getByText(/^Signed .* There is nothing more to do here\.$|nothing more to do here/).waitFor();
    expect(await party.page.getByRole('button', { name: 'Sign' }).count()).toBe(0);
    expect(
      await party.page
        .getByRole('alert')
        .filter({ hasText: /already signed/ })
        .count(),
    ).toBe(0);
    await party.page.screenshot({ path: '/tmp/words-review-en.png', fullPage: true });

    // Anyone, signed out, verifies it on /verify by choosing the file.
    const visitor = await openPage(browser, { acceptDownloads: true });
    await visitor.page.goto(`${gavel.url}/verify`);
    await visitor.page.getByRole('heading', { name: 'Verify a sealed transcript' }).waitFor();
    await expectAccessible(visitor.page, 'verify');
    await visitor.page
      .getByLabel('Choose a PDF file')
      .setInputFiles({ name: 'transcript.pdf', mimeType: 'application/pdf', buffer: pdf });
    const result = visitor.page.getByTestId('verify-result');
    await result.getByRole('heading', { name: /This is a sealed Gavel transcript/ }).waitFor({ timeout: 15_000 });
    await expectAccessible(visitor.page, 'verify: sealed');
    await result.getByText(CASE_NUMBER).waitFor();
    await result.getByText('Record hearing').waitFor();
    await result.getByText('Clerk Zhao').waitFor();
    await result.getByText('No later version supersedes it.').waitFor();
    // The plaintiff's signature is listed with the seal, as the PDF's verification shows it.
    await expect
      .poll(() => result.getByRole('listitem').allInnerTexts())
      .toEqual([expect.stringMatching(/^zhang san \(Plaintiff\): Signed, /)]);
    // The result's heading takes focus, so a screen reader reads the verdict.
    expect(await activeId(visitor.page)).toBe('verify-result');

    // One byte changed, somewhere in the middle, and dropped on the page: not a sealed transcript.
    const tampered = Buffer.from(pdf);
    const at = Math.floor(tampered.length / 2);
    tampered[at] = tampered[at]! ^ 0x01;
    const dropped = await visitor.page.evaluateHandle((base64) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const { DataTransfer } = globalThis as unknown as {
        DataTransfer: new () => { items: { add(file: File): void } };
      };
      const data = new DataTransfer();
      data.items.add(new File([bytes], 'transcript.pdf', { type: 'application/pdf' }));
      return data;
    }, tampered.toString('base64'));
    await visitor.page.locator('section.drop').dispatchEvent('drop', { dataTransfer: dropped });
    await result.getByRole('heading', { name: /Not a sealed transcript/ }).waitFor({ timeout: 15_000 });
    await expectAccessible(visitor.page, 'verify: not sealed');
    expect(await result.getByText(CASE_NUMBER).count()).toBe(0);

    // The seal's own hash, as the QR code on the certification page gives it, also verifies.
    const seal = await json<{ seals: { sha256: string }[] }>(
      await clerkApi.get(`/api/hearings/${hearingId}/transcript`),
    );
    await visitor.page.goto(`${gavel.url}/verify/${seal.seals[0]!.sha256}`);
    await visitor.page
      .getByTestId('verify-result')
      .getByRole('heading', { name: /This is a sealed Gavel transcript/ })
      .waitFor({ timeout: 15_000 });

    for (const p of [bench, party, desk, visitor]) {
      expect(p.problems).toEqual([]);
      await p.context.close();
    }
  });
});
