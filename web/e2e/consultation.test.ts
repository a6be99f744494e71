import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIRequestContext, Browser, Page } from 'playwright-core';
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

// Private consultation in three browsers: the plaintiff and their agent step out of the hearing into
// a room of their own, the judge sees only that they are consulting and cannot get in, and both
// come back. No LiveKit server runs here: media fails to connect, the consultation's state must not.

let gavel: Gavel;
let browser: Browser;
let clerkApi: APIRequestContext;
let judge: { email: string; password: string };
let hearingId = '';
let plaintiffInvite = '';
let agentInvite = '';

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
});

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

    const plaintiff = await openPage(browser);
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
    await agent.page.getByRole('button', { name: 'Consult privately with Zhang San' }).waitFor();
    // The bench is offered nothing of the kind.
    expect(await bench.page.getByRole('button', { name: /Consult privately/ }).count()).toBe(0);

    await consult.click();

    // Both pages are in the consultation: the banner, its members, and no hearing chat.
    const plaintiffBanner = plaintiff.page.getByRole('heading', { name: BANNER });
    await plaintiffBanner.waitFor({ timeout: 15_000 });
    await agent.page.getByRole('heading', { name: BANNER }).waitFor({ timeout: 15_000 });
    await expectAccessible(agent.page, 'hearing room in consultation (agent)');
    await plaintiff.page.getByTestId('consultation-banner').getByText('With Lawyer Wang.').waitFor();
    await agent.page.getByTestId('consultation-banner').getByText('With Zhang San.').waitFor();
    await expect.poll(() => focusedId(plaintiff.page)).toBe('consultation-heading');
    expect(await plaintiff.page.getByRole('heading', { name: 'Chat' }).count()).toBe(0);
    expect(await plaintiff.page.getByRole('region', { name: 'Video of the consultation' }).count()).toBe(1);
    // Media cannot connect here; the page says so and stays in the consultation.
    await plaintiff.page.getByText('The media server cannot be reached').waitFor({ timeout: 30_000 });
    await plaintiff.page.getByRole('heading', { name: BANNER }).waitFor();

    // A reload finds its way back into the consultation (the tab remembers which one).
    await agent.page.reload();
    await agent.page.getByRole('heading', { name: 'Before you enter' }).waitFor();
    await agent.page.getByLabel('Join without camera').check();
    await agent.page.getByLabel(/I will not record/).check();
    await agent.page.getByRole('button', { name: 'Enter the lobby' }).click();
    await agent.page.getByRole('heading', { name: BANNER }).waitFor({ timeout: 15_000 });
    await agent.page.getByTestId('consultation-banner').getByText('With Zhang San.').waitFor();

    // The judge sees that both are consulting, not where nor what.
    const present = bench.page.getByRole('region', { name: /In the hearing/ });
    await expect.poll(() => present.getByText(/In private consultation/).count(), { timeout: 15_000 }).toBe(2);
    await expect.poll(() => bench.page.getByRole('heading', { name: BANNER }).count()).toBe(0);

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
      const r = await fetch(`/api/hearings/${id}/consultations`, {
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
    for (const p of [plaintiff.page, agent.page]) {
      await p.getByRole('heading', { name: TITLE }).waitFor();
      await p.getByRole('heading', { name: 'Chat' }).waitFor();
    }
    await expect.poll(() => focusedId(plaintiff.page)).toBe('room-heading');
    await consult.waitFor({ timeout: 15_000 });
    await expect.poll(() => present.getByText(/In private consultation/).count(), { timeout: 15_000 }).toBe(0);
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
});
