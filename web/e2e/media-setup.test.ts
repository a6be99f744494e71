import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { LIVEKIT_KEY, LIVEKIT_SECRET } from '../../api/test/live.ts';
import { LiveKitStandin } from '../../api/test/livekit-standin.ts';
import { launchChromium, startGavel, type Gavel } from './harness.ts';
import { MediaNotFlowing, mediaSwitches, runMediaJourney, writeTone } from './media-journey.ts';

// The real-media journey (`make test-media`) run on every change against the LiveKit stand-in: its set-up
// (sign-in, invite links, the lobby, admission, Gavel's calls to LiveKit's server API with its own credentials)
// is exercised, and it must stop at the first media step with a message saying why, since the stand-in
// carries no WebRTC. Nothing here pretends media flowed.

let gavel: Gavel;
let browser: Browser;
let standin: LiveKitStandin;
let livekitUrl = '';
const dir = mkdtempSync(join(tmpdir(), 'gavel-media-'));

beforeAll(async () => {
  standin = new LiveKitStandin(LIVEKIT_KEY, LIVEKIT_SECRET);
  const apiUrl = await standin.start();
  // Browsers are sent to the stand-in too: it answers HTTP, not LiveKit's signalling.
  livekitUrl = apiUrl.replace(/^http/, 'ws');
  [gavel, browser] = await Promise.all([
    startGavel({
      env: {
        LIVEKIT_URL: livekitUrl,
        LIVEKIT_API_URL: apiUrl,
        LIVEKIT_API_KEY: LIVEKIT_KEY,
        LIVEKIT_API_SECRET: LIVEKIT_SECRET,
      },
    }),
    launchChromium(mediaSwitches(writeTone(dir))),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await gavel?.stop();
  await standin?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the real-media journey, against the LiveKit stand-in', () => {
  it('gets through sign-in, invitations, lobby and admission, then stops at the first media step, saying why', async () => {
    const done: string[] = [];
    const failure = await runMediaJourney({
      gavel,
      browser,
      livekitUrl,
      mediaWaitMs: 20_000,
      log: (s) => done.push(s),
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(MediaNotFlowing);
    const f = failure as MediaNotFlowing;
    expect(f.step).toBe('the judge sees and hears Zhang San');
    expect(f.message).toContain(`LIVEKIT_URL=${livekitUrl}`);
    expect(done).toEqual([
      'the clerk scheduled the hearing and invited two parties and an agent',
      'the judge signed in, took the bench and opened the lobby',
      'both parties and the agent waited in the lobby with camera and microphone on',
      'the judge admitted everyone and started the hearing',
    ]);
    // Gavel created the hearing's room through LiveKit's server API, with credentials the stand-in verified.
    expect(standin.calls.some((c) => c.method === 'CreateRoom')).toBe(true);
  });
});
