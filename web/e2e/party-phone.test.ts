import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIRequestContext, Browser, Locator, Page } from 'playwright-core';
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import {
  apiAs,
  expectAccessible,
  json,
  launchChromium,
  openPage,
  scheduleHearing,
  startGavel,
  type Gavel,
  type OpenPage,
} from './harness.ts';

// A party's hearing on a phone (375 × 667), in English and in Chinese: the invite link with its code
// typed, the device check, the lobby, then the room once the judge admits them. The judge's and the
// clerk's steps around it (open, admit, start, recess, chat, present, return to the lobby) are made
// through the API; every step of the party's is made on the page.

const PHONE = { width: 375, height: 667 };
const CONTACT = {
  phone: '+86 21 5555 0100',
  email: 'registry@phone-court.example',
  note: 'Registry desk, 9:00–17:00.',
};

let gavel: Gavel;
let browser: Browser;
let clerkApi: APIRequestContext;
let judgeApi: APIRequestContext;
let hearingId = '';
const parties: Record<'en' | 'zh', { url: string; code: string; id: string }> = {
  en: { url: '', code: '', id: '' },
  zh: { url: '', code: '', id: '' },
};

const shot = (page: Page, name: string) =>
  page.screenshot({ path: joinPath(tmpdir(), `gavel-phone-${name}.png`), fullPage: false });

/** Wholly inside the phone's window, without scrolling. */
async function onScreen(locator: Locator): Promise<boolean> {
  const box = await locator.boundingBox();
  return (
    box !== null &&
    box.width > 0 &&
    box.height > 0 &&
    box.x >= 0 &&
    box.y >= 0 &&
    box.x + box.width <= PHONE.width + 0.5 &&
    box.y + box.height <= PHONE.height + 0.5
  );
}

async function twoPagePdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const n of [1, 2]) {
    const page = doc.addPage([595, 842]);
    page.drawText(`Contract, page ${String(n)}`, { x: 72, y: 760, size: 28, font });
    // A dark block: pixels any rendering of the page must show.
    page.drawRectangle({ x: 72, y: 300, width: 450, height: 380, color: rgb(0.1, 0.15, 0.3) });
  }
  return Buffer.from(await doc.save());
}

beforeAll(async () => {
  [gavel, browser] = await Promise.all([
    startGavel(),
    launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']),
  ]);
  const admin = gavel.createUser('admin', 'Admin Qian');
  const clerk = gavel.createUser('clerk', 'Clerk Zhao');
  const judge = gavel.createUser('judge', 'Judge Li Ming');
  const adminApi = await apiAs(gavel, admin);
  await json(
    await adminApi.post('/api/admin/court', {
      data: { contactPhone: CONTACT.phone, contactEmail: CONTACT.email, contactNote: CONTACT.note },
    }),
  );
  await adminApi.dispose();
  clerkApi = await apiAs(gavel, clerk);
  judgeApi = await apiAs(gavel, judge);
  ({ hearingId } = await scheduleHearing(clerkApi, {
    caseNumber: '(2027) 沪0101民初66号',
    title: 'Phone hearing',
    judge: 'Judge Li Ming',
    clerk: 'Clerk Zhao',
  }));
  for (const [key, displayName, role, locale] of [
    ['en', 'Zhang San', 'plaintiff', 'en'],
    ['zh', '李四', 'defendant', 'zh-CN'],
  ] as const) {
    const r = await json<{ inviteUrl: string; accessCode: string; participant: { id: string } }>(
      await clerkApi.post(`/api/hearings/${hearingId}/participants`, {
        data: { role, displayName, locale, accessCode: true },
      }),
    );
    parties[key] = { url: r.inviteUrl, code: r.accessCode, id: r.participant.id };
  }
});

afterAll(async () => {
  await clerkApi?.dispose();
  await judgeApi?.dispose();
  await browser?.close();
  await gavel?.stop();
});

const judgeDoes = async (action: string) =>
  json(await judgeApi.post(`/api/hearings/${hearingId}/state`, { data: { action } }));
const judgeOn = async (pid: string, act: 'admit' | 'return-to-lobby') =>
  json(await judgeApi.post(`/api/hearings/${hearingId}/participants/${pid}/${act}`, { data: {} }));

const WORDS = {
  en: {
    continue: 'Continue to the lobby',
    code: 'Access code',
    check: 'Check your camera and microphone',
    declaration: /I will not record/,
    enter: 'Enter the lobby',
    waiting: /Waiting for the judge/,
    notStarted: 'The hearing has not started yet. Stay on this page: it starts here by itself.',
    recess: 'The hearing is in recess. Stay on this page',
    returned: 'The judge returned you to the lobby: wait here',
    mic: 'Microphone',
    camera: 'Camera',
    leave: 'Leave',
    chat: 'Chat',
    grid: 'Video of the participants',
    notFound: 'This invitation link is not valid',
    reach: 'How to reach',
  },
  zh: {
    continue: '进入候审室',
    code: '访问码',
    check: '检查摄像头和麦克风',
    declaration: /本人承诺不对本次庭审/,
    enter: '进入候审室',
    waiting: /等待审判员/,
    notStarted: '庭审尚未开始。请留在此页面，开庭后会自动进入。',
    recess: '庭审正在休庭。请留在此页面',
    returned: '审判员已将您送回候审室：请在此等候',
    mic: '麦克风',
    camera: '摄像头',
    leave: '离开',
    chat: '聊天',
    grid: '参加人视频',
    notFound: '此邀请链接无效',
    reach: '联系',
  },
} as const;

async function phone(lang: 'en' | 'zh'): Promise<OpenPage> {
  return openPage(browser, {
    viewport: PHONE,
    isMobile: true,
    hasTouch: true,
    ...(lang === 'zh' ? { locale: 'zh-CN' } : {}),
  });
}

/** From the invite link, the code typed, through the device check into the lobby. */
async function intoLobby(page: Page, lang: 'en' | 'zh') {
  const w = WORDS[lang];
  const party = parties[lang];
  await page.goto(party.url);
  await page.getByLabel(w.code).fill(party.code);
  await page.getByRole('button', { name: w.continue }).click();
  // The heading says what this step is: checking the devices, not "joined".
  await page.getByRole('heading', { name: w.check, level: 1 }).waitFor();
  await shot(page, `prejoin-${lang}`);
  await page.getByLabel(w.declaration).check();
  await page.getByRole('button', { name: w.enter }).click();
  await expect.poll(() => page.getByTestId('lobby-status').innerText(), { timeout: 15_000 }).toMatch(w.waiting);
}

describe('a party’s hearing on a phone', () => {
  let en: OpenPage;
  let zh: OpenPage;

  it('the invite link with its code, the device check and the lobby (en and zh-CN)', async () => {
    await judgeDoes('open');
    [en, zh] = await Promise.all([phone('en'), phone('zh')]);
    await intoLobby(en.page, 'en');
    await intoLobby(zh.page, 'zh');
    await shot(en.page, 'lobby-en');
    await expectAccessible(en.page, 'lobby on a phone');
  });

  it('admitted: video first, microphone, camera and leave on screen without scrolling, and after scrolling the chat', async () => {
    await judgeOn(parties.en.id, 'admit');
    await judgeOn(parties.zh.id, 'admit');
    for (const lang of ['en', 'zh'] as const) {
      const { page } = lang === 'en' ? en : zh;
      const w = WORDS[lang];
      await page.locator('#room-heading').waitFor({ timeout: 15_000 });
      // The lobby is open but the hearing has not started: a banner says so in plain words.
      await expect.poll(() => page.getByTestId('banner-not-started').innerText()).toBe(w.notStarted);
      const bar = page.getByTestId('party-bar');
      const controls = {
        video: page.getByRole('region', { name: w.grid }),
        mic: bar.getByRole('button', { name: w.mic }),
        camera: bar.getByRole('button', { name: w.camera }),
        leave: bar.getByRole('button', { name: w.leave }),
      };
      for (const [name, locator] of Object.entries(controls)) {
        expect(await onScreen(locator), `${lang}: ${name} on screen`).toBe(true);
      }
      await shot(page, `room-not-started-${lang}`);
    }
    await expectAccessible(en.page, 'party room on a phone');
  });

  it('chat: the unread count rises, clears on opening, and a private word goes back to “everyone” after it is sent', async () => {
    const { page } = en;
    await judgeDoes('start');
    await expect.poll(() => page.getByTestId('banner-not-started').count()).toBe(0);
    const bar = page.getByTestId('party-bar');
    const chatButton = bar.getByRole('button', { name: /^Chat/ });
    expect(await chatButton.getAttribute('aria-expanded')).toBe('false');
    expect(await bar.getByTestId('chat-unread').count()).toBe(0);
    for (let i = 1; i <= 2; i++) {
      await json(
        await judgeApi.post(`/api/hearings/${hearingId}/chat`, {
          data: { text: `Note ${String(i)} from the bench`, to: 'all' },
        }),
      );
      await expect.poll(() => bar.getByTestId('chat-unread').innerText()).toBe(String(i));
    }
    // Announced politely, in words.
    expect(await page.getByTestId('chat-unread-announcement').innerText()).toBe('2 unread chat messages');
    await shot(page, 'room-unread-en');

    await chatButton.click();
    expect(await chatButton.getAttribute('aria-expanded')).toBe('true');
    expect(await bar.getByTestId('chat-unread').count()).toBe(0);
    const chat = page.locator('#party-chat');
    await chat.getByText('Note 2 from the bench').waitFor();
    // A message arriving while the chat is open is not counted.
    await json(await judgeApi.post(`/api/hearings/${hearingId}/chat`, { data: { text: 'Note 3', to: 'all' } }));
    await chat.getByText('Note 3').waitFor();
    expect(await bar.getByTestId('chat-unread').count()).toBe(0);

    // To the bench only, once: the next message goes to everyone unless chosen again.
    const audience = chat.getByLabel('Send to');
    await audience.selectOption('bench');
    await chat.getByLabel('Message', { exact: true }).fill('May I show a document?');
    await chat.getByRole('button', { name: 'Send' }).click();
    await chat.getByText('May I show a document?').waitFor({ timeout: 15_000 });
    await expect.poll(() => audience.inputValue()).toBe('all');

    // The page scrolls to the chat, and its list scrolls: the controls stay on screen.
    await page.mouse.wheel(0, 2000);
    await chat.locator('ol').evaluate((el: { scrollTop: number }) => (el.scrollTop = 0));
    for (const name of ['Microphone', 'Camera', 'Leave']) {
      expect(await onScreen(bar.getByRole('button', { name })), `${name} after scrolling`).toBe(true);
    }
    await shot(page, 'room-chat-en');
    await expectAccessible(page, 'party room with the chat open');
  });

  it('a recess is a banner in plain words (en and zh-CN)', async () => {
    await judgeDoes('recess');
    for (const lang of ['en', 'zh'] as const) {
      const { page } = lang === 'en' ? en : zh;
      const banner = page.getByTestId('banner-recess');
      await expect.poll(() => banner.locator('.title').innerText(), { timeout: 15_000 }).toBe(WORDS[lang].recess);
      expect(await banner.getAttribute('role')).toBe('status');
      await page.evaluate('window.scrollTo(0, 0)');
      expect(await onScreen(banner)).toBe(true);
      await shot(page, `room-recess-${lang}`);
    }
    await judgeDoes('resume');
    await expect.poll(() => en.page.getByTestId('banner-recess').count()).toBe(0);
  });

  it('a presented exhibit is drawn in the page, at the presenter’s page, fitting the phone', async () => {
    const { page } = en;
    const exhibit = await json<{ exhibit: { id: string } }>(
      await clerkApi.post(`/api/hearings/${hearingId}/exhibits`, {
        multipart: {
          title: 'Contract',
          file: { name: 'contract.pdf', mimeType: 'application/pdf', buffer: await twoPagePdf() },
        },
      }),
    );
    const eid = exhibit.exhibit.id;
    await json(
      await judgeApi.post(`/api/hearings/${hearingId}/exhibits/${eid}/ruling`, { data: { ruling: 'admitted' } }),
    );
    await json(await judgeApi.post(`/api/hearings/${hearingId}/exhibits/${eid}/present`, { data: { page: 2 } }));

    const viewer = page.getByTestId('exhibit-viewer');
    await viewer.waitFor({ timeout: 15_000 });
    const canvas = viewer.locator('canvas');
    await expect.poll(() => canvas.getAttribute('data-status'), { timeout: 30_000 }).toBe('ready');
    expect(await canvas.getAttribute('data-page')).toBe('2');
    expect(await viewer.locator('iframe').count()).toBe(0);
    // Pixels, not an empty box: a good share of the page is the dark block, the rest white paper.
    const pixels = () =>
      canvas.evaluate((c: { width: number; height: number; getContext(k: '2d'): unknown }) => {
        const ctx = c.getContext('2d') as {
          getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
        };
        const data = ctx.getImageData(0, 0, c.width, c.height).data;
        let dark = 0;
        let white = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (data[i]! < 80 && data[i + 1]! < 80 && data[i + 2]! < 120) dark++;
          else if (data[i]! > 240 && data[i + 1]! > 240 && data[i + 2]! > 240) white++;
        }
        const n = c.width * c.height;
        return { dark: dark / n, white: white / n, width: c.width };
      });
    const drawn = await pixels();
    expect(drawn.dark).toBeGreaterThan(0.15);
    expect(drawn.white).toBeGreaterThan(0.2);
    // It fits the phone's width.
    const box = await canvas.boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
    await canvas.scrollIntoViewIfNeeded();
    await shot(page, 'exhibit-en');

    // Zoomed in, it is drawn larger and scrolls inside its own box.
    await viewer.getByRole('button', { name: 'Zoom in' }).click();
    await expect.poll(async () => (await canvas.boundingBox())!.width).toBeGreaterThan(box!.width * 1.4);
    await expect.poll(() => canvas.getAttribute('data-status')).toBe('ready');
    await shot(page, 'exhibit-zoomed-en');
    await expectAccessible(page, 'exhibit on a phone');
    await json(await judgeApi.post(`/api/hearings/${hearingId}/exhibits/presentation/end`, { data: {} }));
    await expect.poll(() => page.getByTestId('exhibit-viewer').count(), { timeout: 15_000 }).toBe(0);
  });

  it('returned to the lobby: a banner in plain words (en and zh-CN)', async () => {
    await judgeOn(parties.en.id, 'return-to-lobby');
    await judgeOn(parties.zh.id, 'return-to-lobby');
    for (const lang of ['en', 'zh'] as const) {
      const { page } = lang === 'en' ? en : zh;
      await expect
        .poll(() => page.getByTestId('lobby-status').innerText(), { timeout: 15_000 })
        .toMatch(new RegExp(`^${WORDS[lang].returned}`));
      expect(await onScreen(page.getByTestId('lobby-status'))).toBe(true);
      await shot(page, `returned-${lang}`);
    }
    await expectAccessible(en.page, 'returned to the lobby');
  });

  it('adjourned: the ended screen says how to reach the court', async () => {
    await judgeDoes('adjourn');
    for (const lang of ['en', 'zh'] as const) {
      const { page } = lang === 'en' ? en : zh;
      const contact = page.getByTestId('court-contact');
      await contact.waitFor({ timeout: 15_000 });
      expect(await contact.innerText()).toContain(CONTACT.phone);
      expect(await contact.getByRole('link', { name: CONTACT.email }).getAttribute('href')).toBe(
        `mailto:${CONTACT.email}`,
      );
      await shot(page, `ended-${lang}`);
    }
    await expectAccessible(en.page, 'ended screen with the court contact');
  });

  it('a dead link says how to reach the court, and nothing else about it (en and zh-CN)', async () => {
    for (const lang of ['en', 'zh'] as const) {
      const { page, problems } = lang === 'en' ? en : zh;
      await page.goto(`${gavel.url}/join/${'x'.repeat(43)}`);
      await page.getByRole('heading', { name: WORDS[lang].notFound }).waitFor();
      const contact = page.getByTestId('court-contact');
      await contact.getByRole('heading', { name: new RegExp(WORDS[lang].reach) }).waitFor();
      expect(await contact.getByRole('link', { name: CONTACT.phone }).getAttribute('href')).toBe('tel:+862155550100');
      expect(await contact.innerText()).toContain(CONTACT.note);
      await shot(page, `dead-link-${lang}`);
      await expectAccessible(page, `dead link (${lang})`);
      expect(problems).toEqual([]);
    }
    await en.context.close();
    await zh.context.close();
  });
});
