import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIRequestContext, Browser } from 'playwright-core';
import { AccessToken } from 'livekit-server-sdk';
import { LiveKitStandin } from '../../api/test/livekit-standin.ts';
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

// Recording a hearing in two browsers: the judge starts the recording and the party's room shows it;
// an Egress failure alerts the bench, whose one-click restart records again; the recordings screen
// lists both. LiveKit's server API is the in-repo stand-in (browsers still have no media server).

const KEY = 'devkey';
const SECRET = 'e2e-recording-secret-e2e-recording-01';

let gavel: Gavel;
let browser: Browser;
let standin: LiveKitStandin;
let clerkApi: APIRequestContext;
let judge: { email: string; password: string };
let hearingId = '';
let inviteUrl = '';

beforeAll(async () => {
  standin = new LiveKitStandin(KEY, SECRET);
  // startGavel passes this process's environment to the server.
  process.env.LIVEKIT_API_URL = await standin.start();
  process.env.LIVEKIT_API_KEY = KEY;
  process.env.LIVEKIT_API_SECRET = SECRET;
  [gavel, browser] = await Promise.all([
    startGavel(),
    launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']),
  ]);
  const clerk = gavel.createUser('clerk', 'Clerk Zhao');
  judge = gavel.createUser('judge', 'Judge Li Ming');

  clerkApi = await apiAs(gavel, clerk);
  ({ hearingId } = await scheduleHearing(clerkApi, {
    caseNumber: '(2027) 沪0101民初9号',
    title: 'Recorded hearing',
    judge: 'Judge Li Ming',
  }));
  ({ inviteUrl } = await invite(clerkApi, hearingId, { role: 'plaintiff', displayName: 'Zhang San' }));
});

afterAll(async () => {
  await clerkApi?.dispose();
  await browser?.close();
  await gavel?.stop();
  await standin?.stop();
});

/** What the egress worker would send: the webhook signed with the API secret over the exact body. */
async function egressWebhook(event: string, info: Record<string, unknown>) {
  const body = JSON.stringify({
    event,
    egressInfo: info,
    id: `EV_${Date.now()}`,
    createdAt: String(Math.floor(Date.now() / 1000)),
  });
  const at = new AccessToken(KEY, SECRET);
  at.sha256 = Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(body))).toString('base64');
  const res = await fetch(`${gavel.url}/api/livekit/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/webhook+json', authorization: await at.toJwt() },
    body,
  });
  expect(res.status).toBe(200);
}

describe('recording a hearing, in two browsers', () => {
  it('the judge starts recording and the party’s room shows it; a failure alerts the bench, which restarts it', async () => {
    const party = await openPage(browser);
    await enterLobby(party.page, inviteUrl);

    const bench = await openPage(browser);
    await signIn(bench.page, gavel.url, judge);
    await enterBench(bench.page, gavel.url, hearingId);

    await bench.page.getByRole('button', { name: 'Open the lobby' }).click();
    await bench.page.getByRole('button', { name: 'Admit Zhang San' }).click({ timeout: 15_000 });
    await party.page.getByRole('heading', { name: 'Recorded hearing' }).waitFor({ timeout: 15_000 });
    await expectAccessible(party.page, 'hearing room recorded (party)');
    const indicator = party.page.getByTestId('recording-indicator');
    await expect.poll(() => indicator.innerText()).toMatch(/Not recorded/);

    // Only in session: before the start the bench says so and offers no button.
    const recording = bench.page.getByRole('region', { name: 'Recording' });
    await recording.getByText('only while the hearing is in session').waitFor();
    await bench.page.getByRole('button', { name: 'Start the hearing' }).click();
    await expect.poll(() => party.page.getByTestId('hearing-state').innerText()).toBe('In session');

    await recording.getByRole('button', { name: 'Start recording', exact: true }).click();
    await expect.poll(() => indicator.getAttribute('data-recording'), { timeout: 15_000 }).toBe('true');
    expect(await indicator.innerText()).toMatch(/Recording/);
    expect(standin.callsOf('StartRoomCompositeEgress')).toHaveLength(1);
    const egressId = [...standin.egresses.keys()][0]!;
    await egressWebhook('egress_started', standin.updateEgress(egressId, { status: 'EGRESS_ACTIVE' }));
    await recording.getByText('The hearing is being recorded.').waitFor();

    // Egress fails mid-hearing: everyone sees it is no longer recorded; the bench gets the alert.
    await egressWebhook(
      'egress_ended',
      standin.updateEgress(egressId, { status: 'EGRESS_FAILED', error: 'disk full on the egress host', endedAt: '1' }),
    );
    await expect.poll(() => indicator.getAttribute('data-recording'), { timeout: 15_000 }).toBe('false');
    const alert = bench.page.getByTestId('recording-alert');
    await alert.getByText('The recording has failed.').waitFor({ timeout: 15_000 });
    await alert.getByText('disk full on the egress host').waitFor();
    await alert.getByRole('button', { name: 'Restart recording' }).click();
    await expect.poll(() => indicator.getAttribute('data-recording'), { timeout: 15_000 }).toBe('true');
    await alert.waitFor({ state: 'hidden' });
    expect(standin.callsOf('StartRoomCompositeEgress')).toHaveLength(2);

    // The procedural notes are in the record.
    const notes = await gavel.database.db
      .selectFrom('transcript_entries')
      .select('text')
      .where('hearing_id', '=', hearingId)
      .where('text', 'like', '%Recording%')
      .orderBy('seq')
      .execute();
    expect(notes.map((n) => n.text)).toEqual([
      expect.stringMatching(/^Recording interrupted$/),
      expect.stringMatching(/^Recording resumed$/),
    ]);

    // The recordings screen, reached from the bench: it opens beside the room, which stays where it is.
    const [list] = await Promise.all([
      bench.context.waitForEvent('page'),
      recording.getByRole('link', { name: 'Recordings of this hearing' }).click(),
    ]);
    await list.getByRole('heading', { name: 'Recordings', exact: true }).waitFor();
    await expectAccessible(list, 'recordings');
    await bench.page.getByRole('heading', { name: 'Judge’s bench' }).waitFor();
    const rows = list.getByTestId('recording-row');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).innerText()).toMatch(/Starting/);
    expect(await rows.nth(1).innerText()).toMatch(/Failed[\s\S]*Interrupted[\s\S]*disk full/);
    expect(await rows.nth(1).innerText()).toMatch(/Judge Li Ming/);

    expect(party.problems).toEqual([]);
    expect(bench.problems).toEqual([]);
    await party.context.close();
    await bench.context.close();
  });
});
