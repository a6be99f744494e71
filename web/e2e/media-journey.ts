// The real-media journey: a judge and parties in separate browser contexts, with Chromium's fake camera and a
// fake microphone playing a steady tone, who must actually see and hear each other through Gavel and LiveKit.
// Every media assertion is an honest wait on real decoded frames (videoWidth, advancing currentTime) and on
// real sound (a Web Audio analyser on the remote track); nothing about media is mocked. Run against a
// LiveKit stand-in (which speaks only the server API, not WebRTC), the journey gets through sign-in, invite
// links, the lobby and admission, and then fails at the first media step with MediaNotFlowing, which says
// what was seen and what usually causes it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIRequestContext, Browser, Page } from 'playwright-core';
import { apiAs, invite, openPage, scheduleHearing, signIn, type Gavel, type OpenPage } from './harness.ts';

/** Chromium switches: fake camera, a fake microphone playing `toneWav`, no permission prompts, sound allowed. */
export function mediaSwitches(toneWav: string): string[] {
  return [
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    `--use-file-for-fake-audio-capture=${toneWav}`,
    '--autoplay-policy=no-user-gesture-required',
    '--auto-select-desktop-capture-source=Entire screen',
  ];
}

/** Writes a 4 s, 440 Hz, 48 kHz mono 16-bit WAV (Chromium loops it) and returns its path. */
export function writeTone(dir: string): string {
  const rate = 48_000;
  const samples = rate * 4;
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++)
    data.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * i) / rate) * 12_000), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  const path = join(dir, 'tone-440hz.wav');
  writeFileSync(path, Buffer.concat([header, data]));
  return path;
}

/** The first media step that did not happen, with what the page showed instead. */
export class MediaNotFlowing extends Error {
  readonly step: string;
  constructor(step: string, detail: string) {
    super(`${step}: ${detail}`);
    this.name = 'MediaNotFlowing';
    this.step = step;
  }
}

export interface JourneyOptions {
  gavel: Gavel;
  browser: Browser;
  /** What browsers are told to connect to (for the failure messages). */
  livekitUrl: string;
  /** How long to wait for frames or sound before calling it a failure. */
  mediaWaitMs?: number;
  /** Start and stop a recording and find its file (needs LiveKit Egress beside the server). */
  egress?: boolean;
  /** Each step, as it is done (the caller prints or asserts them). */
  log?: (step: string) => void;
}

export interface JourneyResult {
  done: string[];
}

const HEARING = 'Media check hearing';
const NAMES = { judge: 'Judge Li Ming', plaintiff: 'Zhang San', defendant: 'Li Si', agent: 'Lawyer Wang' } as const;
const SILENCE = 0.005;
const SOUND = 0.02;

/** What the page sees of one person's camera tile (or screen tile), read from the real elements. */
interface TileReading {
  found: boolean;
  videoWidth: number;
  currentTime: number;
  /** RMS level of their remote audio track over ~0.6 s, or -1 without one. */
  level: number;
}

// Runs inside the page; kept as source text because the e2e files are type-checked without the DOM library.
const READ_TILE = `async ({ label, listen }) => {
  const figure = [...document.querySelectorAll('figure')].find((f) => (f.getAttribute('aria-label') || '').startsWith(label));
  if (!figure) return { found: false, videoWidth: 0, currentTime: 0, level: -1 };
  const video = figure.querySelector('video');
  const reading = { found: true, videoWidth: video ? video.videoWidth : 0, currentTime: video ? video.currentTime : 0, level: -1 };
  const audio = figure.querySelector('audio');
  const stream = audio && audio.srcObject;
  if (!listen || !stream || stream.getAudioTracks().length === 0) return reading;
  const ctx = new AudioContext();
  await ctx.resume();
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 2048;
  ctx.createMediaStreamSource(stream).connect(analyser);
  const buf = new Float32Array(analyser.fftSize);
  let loudest = 0;
  for (let i = 0; i < 6; i++) {
    await new Promise((r) => setTimeout(r, 100));
    analyser.getFloatTimeDomainData(buf);
    let sum = 0;
    for (const v of buf) sum += v * v;
    loudest = Math.max(loudest, Math.sqrt(sum / buf.length));
  }
  await ctx.close();
  reading.level = loudest;
  return reading;
}`;

async function readTile(page: Page, label: string, listen: boolean): Promise<TileReading> {
  return page.evaluate(`(${READ_TILE})(${JSON.stringify({ label, listen })})`) as Promise<TileReading>;
}

export async function runMediaJourney(o: JourneyOptions): Promise<JourneyResult> {
  const done: string[] = [];
  const step = (s: string) => {
    done.push(s);
    o.log?.(s);
  };
  const wait = o.mediaWaitMs ?? 30_000;
  const pages: OpenPage[] = [];
  let clerkApi: APIRequestContext | undefined;
  try {
    // Set-up around the steps under test: the court schedules the hearing and invites, as its clerk would.
    const clerk = o.gavel.createUser('clerk', 'Clerk Zhao');
    const judge = o.gavel.createUser('judge', NAMES.judge);
    clerkApi = await apiAs(o.gavel, clerk);
    const { hearingId } = await scheduleHearing(clerkApi, {
      caseNumber: '(2027) 沪0101民初99号',
      title: HEARING,
      judge: NAMES.judge,
    });
    const plaintiff = await invite(clerkApi, hearingId, { role: 'plaintiff', displayName: NAMES.plaintiff });
    const defendant = await invite(clerkApi, hearingId, { role: 'defendant', displayName: NAMES.defendant });
    const agent = await invite(clerkApi, hearingId, {
      role: 'agent',
      displayName: NAMES.agent,
      representsId: plaintiff.participant.id,
    });
    step('the clerk scheduled the hearing and invited two parties and an agent');

    // The judge signs in through the sign-in page and takes the bench with camera and microphone.
    const bench = await openPage(o.browser);
    pages.push(bench);
    await signIn(bench.page, o.gavel.url, judge);
    await bench.page.goto(`${o.gavel.url}/hearings/${hearingId}/room`);
    await bench.page.getByLabel(/I will not record/).check();
    await bench.page.getByRole('button', { name: 'Enter the courtroom' }).click();
    await bench.page.getByRole('heading', { name: 'Judge’s bench' }).waitFor();
    await bench.page.getByRole('button', { name: 'Open the lobby' }).click();
    await bench.page.getByText('Lobby open').first().waitFor();
    step('the judge signed in, took the bench and opened the lobby');

    // Each party and the agent open their invitation on a phone, camera and microphone on.
    const phone = { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true };
    const people: Record<'plaintiff' | 'defendant' | 'agent', OpenPage> = {
      plaintiff: await openPage(o.browser, phone),
      defendant: await openPage(o.browser, phone),
      agent: await openPage(o.browser, phone),
    };
    pages.push(people.plaintiff, people.defendant, people.agent);
    const links = { plaintiff: plaintiff.inviteUrl, defendant: defendant.inviteUrl, agent: agent.inviteUrl };
    for (const who of ['plaintiff', 'defendant', 'agent'] as const) {
      const { page } = people[who];
      await page.goto(links[who]);
      await page.getByRole('button', { name: 'Continue to the lobby' }).click();
      await page.getByLabel(/I will not record/).check();
      await page.getByRole('button', { name: 'Enter the lobby' }).click();
      await page.getByTestId('lobby-status').waitFor();
    }
    step('both parties and the agent waited in the lobby with camera and microphone on');

    await bench.page.getByRole('button', { name: `Admit ${NAMES.agent}` }).waitFor();
    await bench.page.getByRole('button', { name: 'Admit everyone waiting' }).click();
    for (const who of ['plaintiff', 'defendant', 'agent'] as const)
      await people[who].page.getByRole('heading', { name: HEARING }).waitFor();
    await bench.page.getByRole('button', { name: 'Start the hearing' }).click();
    step('the judge admitted everyone and started the hearing');

    /** Waits until `viewer` decodes frames of `label`'s video and, with `hear`, hears them. */
    const seesAndHears = async (what: string, viewer: Page, label: string, hear = true) => {
      const deadline = Date.now() + wait;
      let last: TileReading = { found: false, videoWidth: 0, currentTime: 0, level: -1 };
      let first: TileReading | undefined;
      while (Date.now() < deadline) {
        if (await viewer.getByTestId('media-unavailable').count()) {
          throw new MediaNotFlowing(
            what,
            `the page says the media server cannot be reached. Browsers connect to LIVEKIT_URL=${o.livekitUrl}: ` +
              'check that it answers from this machine (TCP 7880 for signalling, TCP 7881 and UDP 50000-60000 or ' +
              'a TURN server for media) and that LIVEKIT_API_KEY/SECRET are the server’s keys.',
          );
        }
        last = await readTile(viewer, label, hear);
        if (last.found && last.videoWidth > 0) first ??= last;
        const moving = first !== undefined && last.currentTime > first.currentTime;
        if (moving && (!hear || last.level > SOUND)) return;
        await viewer.waitForTimeout(250);
      }
      throw new MediaNotFlowing(
        what,
        `after ${wait / 1000} s: tile ${last.found ? 'shown' : 'not shown'}, videoWidth ${last.videoWidth}, ` +
          `currentTime ${last.currentTime.toFixed(2)}${hear ? `, audio level ${last.level.toFixed(4)} (needs > ${SOUND})` : ''}. ` +
          'Frames that never arrive usually mean UDP is blocked between the browser and LiveKit (open UDP ' +
          '50000-60000 or configure TURN); a tile without sound, a microphone that was not published.',
      );
    };
    /** Waits until `viewer` hears nothing from `label` (muted, or not in the same room). */
    const silent = async (what: string, viewer: Page, label: string) => {
      const deadline = Date.now() + wait;
      let last: TileReading | undefined;
      while (Date.now() < deadline) {
        last = await readTile(viewer, label, true);
        if (!last.found || last.level < SILENCE) return;
        await viewer.waitForTimeout(250);
      }
      throw new MediaNotFlowing(what, `still heard at level ${last?.level.toFixed(4)} after ${wait / 1000} s`);
    };
    const tile = (name: string, role: string) => `${name}, ${role}`;
    const P = tile(NAMES.plaintiff, 'Plaintiff');
    const D = tile(NAMES.defendant, 'Defendant');
    const J = tile(NAMES.judge, 'Judge');

    await seesAndHears(`the judge sees and hears ${NAMES.plaintiff}`, bench.page, P);
    await seesAndHears(`the judge sees and hears ${NAMES.defendant}`, bench.page, D);
    await seesAndHears(`${NAMES.plaintiff} sees and hears the judge`, people.plaintiff.page, J);
    await seesAndHears(`${NAMES.plaintiff} sees and hears ${NAMES.defendant}`, people.plaintiff.page, D);
    await seesAndHears(`${NAMES.defendant} sees and hears ${NAMES.plaintiff}`, people.defendant.page, P);
    step('everyone sees and hears everyone (frames decoded and advancing, sound above silence)');

    // A private consultation: the plaintiff and their agent in their own room, out of the judge's sight and hearing.
    await people.agent.page.getByRole('button', { name: `Consult privately with ${NAMES.plaintiff}` }).click();
    await people.plaintiff.page.getByRole('button', { name: 'Accept' }).click();
    await people.agent.page.getByTestId('consultation-banner').waitFor();
    await people.plaintiff.page.getByTestId('consultation-banner').waitFor();
    await seesAndHears(`${NAMES.agent} sees and hears ${NAMES.plaintiff} in consultation`, people.agent.page, P);
    await silent(`the judge does not hear ${NAMES.plaintiff} in consultation`, bench.page, P);
    await silent(`${NAMES.defendant} does not hear ${NAMES.plaintiff} in consultation`, people.defendant.page, P);
    for (const who of ['agent', 'plaintiff'] as const)
      await people[who].page.getByRole('button', { name: 'Return to the hearing' }).click();
    await seesAndHears(`the judge sees and hears ${NAMES.plaintiff} again`, bench.page, P);
    step('a consultation took the plaintiff and agent to their own room, unseen and unheard by the bench, and back');

    // The judge mutes the plaintiff: the others' analysers fall to silence.
    await bench.page.getByRole('button', { name: `Mute ${NAMES.plaintiff}` }).click();
    await silent(`${NAMES.defendant} no longer hears ${NAMES.plaintiff} once muted`, people.defendant.page, P);
    await silent(`the judge no longer hears ${NAMES.plaintiff} once muted`, bench.page, P);
    step('the judge muted the plaintiff and the room heard silence');

    // Screen sharing: not offered until the judge allows it, then it reaches the others.
    const share = people.defendant.page.getByRole('button', { name: 'Share screen' });
    if (await share.count())
      throw new MediaNotFlowing('screen sharing is refused before the judge allows it', 'offered');
    await bench.page
      .getByRole('listitem')
      .filter({ hasText: NAMES.defendant })
      .getByLabel('Screen sharing allowed')
      .check();
    await share.click();
    const screen = `Screen shared by ${NAMES.defendant}`;
    await seesAndHears(`the judge sees ${NAMES.defendant}'s screen`, bench.page, screen, false);
    await seesAndHears(`${NAMES.plaintiff} sees ${NAMES.defendant}'s screen`, people.plaintiff.page, screen, false);
    step('screen sharing was refused until the judge allowed it, then reached the others');

    if (o.egress) {
      await bench.page.getByRole('button', { name: 'Start recording' }).click();
      await bench.page.getByText('The hearing is being recorded.').waitFor({ timeout: wait });
      await bench.page.waitForTimeout(5_000);
      await bench.page.getByRole('button', { name: 'Stop recording' }).click();
      const judgeApi = await apiAs(o.gavel, judge);
      const deadline = Date.now() + 120_000;
      let found = false;
      while (!found && Date.now() < deadline) {
        const r = (await (await judgeApi.get(`/api/hearings/${hearingId}/recordings`)).json()) as {
          recordings: { id: string; status: string; downloadable: boolean; sizeBytes: number | null }[];
        };
        const rec = r.recordings.find((x) => x.downloadable && (x.sizeBytes ?? 0) > 0);
        if (rec) {
          const file = await judgeApi.get(`/api/hearings/${hearingId}/recordings/${rec.id}/download`);
          found = file.ok() && (await file.body()).length > 0;
        } else await bench.page.waitForTimeout(2_000);
      }
      await judgeApi.dispose();
      if (!found)
        throw new MediaNotFlowing('a recording is started, stopped and its file found', 'no file within 120 s');
      step('a recording was started, stopped and its file downloaded');
    }

    // Removal disconnects at once, and the removed party cannot come back.
    await bench.page.getByRole('button', { name: `Remove ${NAMES.defendant}` }).click();
    await bench.page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await silent(`the judge no longer hears ${NAMES.defendant} once removed`, bench.page, D);
    await silent(`${NAMES.plaintiff} no longer hears ${NAMES.defendant} once removed`, people.plaintiff.page, D);
    const removedToken = await people.defendant.page.evaluate(
      `fetch('/api/hearings/${hearingId}/media-token', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }).then((r) => r.status)`,
    );
    if (removedToken !== 403)
      throw new MediaNotFlowing('a removed party cannot rejoin', `media token answered ${String(removedToken)}`);
    step('removal disconnected the defendant at once, and no new media token was given');

    // Adjournment ends everyone's media.
    await bench.page.getByRole('button', { name: 'Adjourn', exact: true }).click();
    await bench.page.getByRole('dialog').getByRole('button', { name: 'Adjourn the hearing' }).click();
    for (const who of ['plaintiff', 'agent'] as const) {
      await people[who].page
        .getByRole('heading', { name: 'The hearing has been adjourned' })
        .waitFor({ timeout: wait });
      const left = await people[who].page.locator('video').count();
      if (left > 0) throw new MediaNotFlowing('adjournment ends everyone’s media', `${who} still shows ${left} video`);
    }
    step('adjournment ended everyone’s media');
    return { done };
  } finally {
    await clerkApi?.dispose();
    for (const p of pages) await p.context.close().catch(() => undefined);
  }
}
