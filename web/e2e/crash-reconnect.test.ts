import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { createTestDatabase, type TestDatabase } from '../../api/test/db.ts';
import { liveEnv, startStandin } from '../../api/test/live.ts';
import type { LiveKitStandin } from '../../api/test/livekit-standin.ts';
import { createCourtFixture, type CourtFixture } from '../../api/test/scheduling.ts';
import {
  cleanUp,
  expectCall,
  hearingInSession,
  sleep,
  startGavel,
  type GavelServer,
  type SessionHearing,
} from '../../api/test/faults/harness.ts';
import { launchChromium, signIn } from './harness.ts';

// The real web client through a crash: the clerk's transcript desk is open in Chromium while the
// API process is SIGKILLed and stays down long enough for the client to back off to its longest
// wait. Once the server is back, the page must reconnect by itself and show entries written after
// the restart within 10 s: no reload, no click. (The bound counts from /api/health answering 200
// again; how long the process takes to start depends on the machine's load, and is printed.)

const OUTAGE_MS = 8000;
const BOUND_MS = 10_000;
const RECONNECTING = 'The connection to the court was lost. Reconnecting…';

let t: TestDatabase | undefined;
let standin: LiveKitStandin | undefined;
let server: GavelServer | undefined;
let browser: Browser | undefined;
let context: BrowserContext | undefined;
let f: CourtFixture;
let h: SessionHearing;

beforeAll(async () => {
  t = await createTestDatabase();
  const s = await startStandin();
  standin = s.standin;
  f = await createCourtFixture(t.db, 'Desk');
  // Both at once; whichever started is kept for afterAll even if the other failed.
  const [gavel, chromium] = await Promise.allSettled([
    startGavel({ databaseUrl: t.url, env: liveEnv(s.apiUrl) }),
    launchChromium(),
  ]);
  if (gavel.status === 'fulfilled') server = gavel.value;
  if (chromium.status === 'fulfilled') browser = chromium.value;
  if (gavel.status === 'rejected') throw gavel.reason;
  if (chromium.status === 'rejected') throw chromium.reason;
  h = await hearingInSession(server!, f, [{ role: 'plaintiff', displayName: 'Zhang San' }]);
});

afterAll(async () => {
  try {
    await context?.close();
    await browser?.close();
  } finally {
    try {
      await cleanUp(server, standin);
    } finally {
      await t?.drop();
    }
  }
});

const entry = (text: string) =>
  expectCall(server!, 'POST', `/api/hearings/${h.id}/transcript/entries`, h.clerk, { speaker: 'Court', text }, [201]);

describe('the web client through an API crash', () => {
  it('the transcript desk reconnects by itself and shows new entries within 10 s of the restart', async () => {
    const srv = server!;
    context = await browser!.newContext({ locale: 'en-GB', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await signIn(page, server!.url, f.clerk);
    await page.goto(`${srv.url}/hearings/${h.id}/transcript`);
    await page.getByRole('heading', { name: /Transcript · / }).waitFor();
    const entries = page.getByTestId('transcript-entries');
    const reconnecting = page.getByText(RECONNECTING);

    // Live before the crash: an entry written elsewhere appears by itself.
    await entry('Before the crash.');
    await entries.getByText('Before the crash.').waitFor({ timeout: 15_000 });

    expect((await srv.kill('SIGKILL')).signal).toBe('SIGKILL');
    await reconnecting.waitFor({ timeout: 15_000 });
    await sleep(OUTAGE_MS);

    await srv.restart();
    const restartedAt = srv.startedAt;
    const after = ['After the restart: 1.', 'After the restart: 2.', 'After the restart: 3.'];
    for (const text of after) await entry(text);

    // Within the bound: the page is live again and shows all three, in order.
    const left = () => Math.max(1, BOUND_MS - (Date.now() - srv.readyAt));
    await entries.getByText(after.at(-1)!).waitFor({ timeout: left() });
    await reconnecting.waitFor({ state: 'detached', timeout: left() });
    const shownAfter = Date.now() - srv.readyAt;
    console.info(
      `crash-reconnect: server ready ${srv.readyAt - restartedAt} ms after the restart began; ` +
        `the page showed the new entries ${shownAfter} ms after that`,
    );
    expect(shownAfter).toBeLessThan(BOUND_MS);
    const lines = await entries.locator('li').allInnerTexts();
    const at = ['Before the crash.', ...after].map((text) => lines.findIndex((l) => l.includes(text)));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect(at).toEqual([...at].sort((x, y) => x - y));
    // Each once: caught up by seq, never applied twice.
    for (const text of after) expect(lines.filter((l) => l.includes(text))).toHaveLength(1);
    expect(problems).toEqual([]);
    // An outage and a restart on top of the journey: more than e2e's usual minute on a loaded machine.
  }, 120_000);
});
