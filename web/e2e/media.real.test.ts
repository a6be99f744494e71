import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, startGavel, type Gavel } from './harness.ts';
import { mediaSwitches, runMediaJourney, writeTone } from './media-journey.ts';

// Opt-in (`make test-media`): the judge and parties see and hear each other through a real LiveKit server.
// LIVEKIT_URL is what the browsers connect to; LIVEKIT_API_URL (when it differs), LIVEKIT_API_KEY and
// LIVEKIT_API_SECRET are Gavel's. GAVEL_MEDIA_EGRESS=1 also records, with Egress beside the server.
const url = process.env.LIVEKIT_URL;

let gavel: Gavel;
let browser: Browser;
const dir = mkdtempSync(join(tmpdir(), 'gavel-media-'));

describe.skipIf(!url)('real media through LiveKit (LIVEKIT_URL)', () => {
  beforeAll(async () => {
    const env: Record<string, string> = { LIVEKIT_URL: url! };
    for (const name of ['LIVEKIT_API_URL', 'LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET'] as const) {
      const v = process.env[name];
      if (v) env[name] = v;
    }
    [gavel, browser] = await Promise.all([startGavel({ env }), launchChromium(mediaSwitches(writeTone(dir)))]);
  });

  afterAll(async () => {
    await browser?.close();
    await gavel?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the judge and two parties see and hear each other; mute, screen sharing, consultation, removal and adjournment act on the media', async () => {
    const egress = process.env.GAVEL_MEDIA_EGRESS === '1';
    const { done } = await runMediaJourney({
      gavel,
      browser,
      livekitUrl: url!,
      egress,
      log: (s) => process.stdout.write(`media: ✓ ${s}\n`),
    });
    expect(done).toHaveLength(egress ? 11 : 10);
  }, 600_000);
});
