import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIRequestContext, Browser, Page } from 'playwright-core';
import { courtClock, courtDate } from '../../api/src/domain/court-time.ts';
import { apiAs, expectAccessible, type Gavel, json, launchChromium, scheduleHearing, startGavel } from './harness.ts';

// The public page a QR code or a typed address leads to: /verify/<sha256>. A stranger holding a
// printout opens it on a phone or a desk, in English or Chinese, and must be told what the hash vouches
// for and what the paper must show to be the sealed transcript. The API sets up the sealed record; the
// step under test (opening the address) is the person's own.

const CASE_NUMBER = '(2027) 沪0101民初88号';
const CAPTION = '张三 v. Acme Trading Ltd';
const OUT = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const SIZES = [
  { name: 'phone', width: 375, height: 667 },
  { name: 'desk', width: 1280, height: 800 },
] as const;

let gavel: Gavel;
let browser: Browser;
let clerkApi: APIRequestContext;
let judgeApi: APIRequestContext;
let seal: { sha256: string; pdfSha256: string; pages: number; version: number };
let pdf: Buffer;
let court: { name: string; timeZone: string; sealedAt: string };

beforeAll(async () => {
  [gavel, browser] = await Promise.all([startGavel(), launchChromium()]);
  const clerk = gavel.createUser('clerk', 'Clerk Zhao');
  const judge = gavel.createUser('judge', 'Judge Li Ming');
  clerkApi = await apiAs(gavel, clerk);
  judgeApi = await apiAs(gavel, judge);
  const { hearingId } = await scheduleHearing(clerkApi, {
    caseNumber: CASE_NUMBER,
    caption: CAPTION,
    title: 'Verification hearing',
    judge: 'Judge Li Ming',
    clerk: 'Clerk Zhao',
  });
  for (const action of ['open', 'start'])
    expect((await judgeApi.post(`/api/hearings/${hearingId}/state`, { data: { action } })).status()).toBe(200);
  for (const text of ['原告请陈述诉讼请求。', 'I delivered the goods on 3 March.'])
    expect(
      (
        await clerkApi.post(`/api/hearings/${hearingId}/transcript/entries`, { data: { speaker: 'Court', text } })
      ).status(),
    ).toBe(201);
  expect((await judgeApi.post(`/api/hearings/${hearingId}/state`, { data: { action: 'adjourn' } })).status()).toBe(200);
  ({ seal } = await json<{ seal: typeof seal & { id: string } }>(
    await clerkApi.post(`/api/hearings/${hearingId}/transcript/seal`, { data: {} }),
  ));
  const sealed = await json<{ seals: { id: string }[] }>(await clerkApi.get(`/api/hearings/${hearingId}/transcript`));
  pdf = Buffer.from(await (await clerkApi.get(`/api/transcripts/${sealed.seals[0]!.id}/pdf`)).body());
  const answer = await json<{ court: string; timeZone: string; sealedAt: string }>(
    await clerkApi.get(`/api/verify/${seal.sha256}`),
  );
  court = { name: answer.court, timeZone: answer.timeZone, sealedAt: answer.sealedAt };
  mkdirSync(OUT, { recursive: true });
}, 120_000);

afterAll(async () => {
  await clerkApi?.dispose();
  await judgeApi?.dispose();
  await browser?.close();
  await gavel?.stop();
});

/** A stranger's browser: their language, a phone or a desk, and a zone other than the court's. */
async function stranger(locale: 'en-GB' | 'zh-CN', size: (typeof SIZES)[number]) {
  const context = await browser.newContext({
    locale,
    timezoneId: 'America/New_York',
    viewport: { width: size.width, height: size.height },
    deviceScaleFactor: 1,
    ...(size.name === 'phone' ? { isMobile: true, hasTouch: true } : {}),
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  return { context, page, problems };
}

/** No part of the page is wider than the screen (nothing to scroll sideways on a phone). */
const overflowsSideways = (page: Page) =>
  page.evaluate<boolean>('document.documentElement.scrollWidth > document.documentElement.clientWidth');

const WORDS = {
  'en-GB': {
    heading: /This is a sealed Gavel transcript/,
    vouch:
      /This hash belongs to a sealed transcript of this court\. It says nothing about a paper or other copy unless/,
    pages: (n: number) => `${n} pages`,
    zone: (z: string) => `court time zone ${z}`,
    signature: /Checked only on the PDF itself/,
    signatureValid: /Valid: signed by this court’s certificate, covering the whole file\./,
    log: /Included: entry 1 of \d+; the inclusion proof was recomputed and holds\./,
    firstPage: /First page of the sealed transcript of case/,
    noMatch: /Not a sealed transcript/,
    noMatchVouch: 'A document carrying this hash is not vouched for by this court.',
    malformed: 'A SHA-256 is 64 hexadecimal characters (0–9, a–f).',
    choose: 'Choose a PDF file',
  },
  'zh-CN': {
    heading: /这是 Gavel 已封存的庭审笔录/,
    vouch: /此哈希值属于本法院一份已封存的庭审笔录。对于纸质或其他副本/,
    pages: (n: number) => `共 ${n} 页`,
    zone: (z: string) => `法院时区 ${z}`,
    signature: /签名只能在 PDF 文件本身上验证/,
    signatureValid: /有效：由本法院证书签名，覆盖整个文件。/,
    log: /已收录：第 1 条，共 \d+ 条；已重新计算收录证明，证明成立。/,
    firstPage: /已封存笔录的首页/,
    noMatch: /不是已封存的笔录/,
    noMatchVouch: '载有此哈希值的文件未经本法院证明。',
    malformed: 'SHA-256 值为 64 位十六进制字符（0–9、a–f）。',
    choose: '选择 PDF 文件',
  },
} as const;

describe('/verify/<sha256>, opened as a person would', () => {
  for (const locale of ['en-GB', 'zh-CN'] as const) {
    for (const size of SIZES) {
      it(`says what the hash vouches for and what a copy must show (${locale}, ${size.width}×${size.height})`, async () => {
        const w = WORDS[locale];
        const { context, page, problems } = await stranger(locale, size);
        // Typed into the address bar, as printed under the QR code.
        await page.goto(`${gavel.url}/verify/${seal.sha256}`);
        const result = page.getByTestId('verify-result');
        await result.getByRole('heading', { name: w.heading }).waitFor({ timeout: 15_000 });
        await result.getByTestId('verify-vouch').getByText(w.vouch).waitFor();
        await result.getByText(court.name, { exact: true }).waitFor();
        await result.getByText(CASE_NUMBER, { exact: true }).waitFor();
        await result.getByText(CAPTION, { exact: true }).waitFor();
        expect(await result.getByTestId('verify-pages').innerText()).toBe(w.pages(seal.pages));
        // The court's clock and zone, as the certification page prints it, not the viewer's (New York).
        const at = new Date(court.sealedAt);
        const sealedAt = await result.getByTestId('verify-sealed-at').innerText();
        expect(sealedAt).toContain(`${courtDate(at, court.timeZone)} ${courtClock(at, court.timeZone)}`);
        expect(sealedAt).toContain(w.zone(court.timeZone));
        expect(await result.getByTestId('verify-signature').innerText()).toMatch(w.signature);
        expect(await result.getByTestId('verify-log').innerText()).toMatch(w.log);
        // The first page, drawn at sealing, actually loaded and shown.
        const img = result.getByRole('img', { name: w.firstPage });
        await img.scrollIntoViewIfNeeded();
        await expect
          .poll(() =>
            img.evaluate((el) => {
              const i = el as unknown as { complete: boolean; naturalWidth: number };
              return i.complete ? i.naturalWidth : 0;
            }),
          )
          .toBe(893);
        const box = (await img.boundingBox())!;
        expect(box.width).toBeGreaterThan(size.name === 'phone' ? 250 : 300);
        expect(box.x + box.width).toBeLessThanOrEqual(size.width);
        expect(await overflowsSideways(page)).toBe(false);
        await expectAccessible(page, `verify by hash (${locale}, ${size.name})`);
        await page.screenshot({ path: `${OUT}verify-${locale}-${size.width}x${size.height}.png`, fullPage: true });

        // The PDF itself, chosen on the same page: now its signature is checked too.
        if (size.name === 'desk') {
          await page
            .getByLabel(w.choose)
            .setInputFiles({ name: 'transcript.pdf', mimeType: 'application/pdf', buffer: pdf });
          await expect
            .poll(() => result.getByTestId('verify-signature').innerText(), { timeout: 15_000 })
            .toMatch(w.signatureValid);
          await expectAccessible(page, `verify by file (${locale})`);
        }
        expect(problems).toEqual([]);
        await context.close();
      });
    }

    it(`says plainly when a hash is unknown, and when it is not a hash (${locale}, phone)`, async () => {
      const w = WORDS[locale];
      const { context, page, problems } = await stranger(locale, SIZES[0]);
      await page.goto(`${gavel.url}/verify/${'0'.repeat(64)}`);
      const result = page.getByTestId('verify-result');
      await result.getByRole('heading', { name: w.noMatch }).waitFor({ timeout: 15_000 });
      await result.getByText(w.noMatchVouch).waitFor();
      expect(await result.getByRole('img').count()).toBe(0);
      expect(await page.getByText(CASE_NUMBER).count()).toBe(0);
      expect(await overflowsSideways(page)).toBe(false);
      await expectAccessible(page, `verify unknown (${locale})`);
      await page.screenshot({ path: `${OUT}verify-unknown-${locale}-375x667.png`, fullPage: true });

      await page.goto(`${gavel.url}/verify/not-a-hash`);
      await page.getByRole('alert').getByText(w.malformed).waitFor();
      expect(await page.getByTestId('verify-result').count()).toBe(0);
      await expectAccessible(page, `verify malformed (${locale})`);
      await page.screenshot({ path: `${OUT}verify-malformed-${locale}-375x667.png`, fullPage: true });
      expect(problems).toEqual([]);
      await context.close();
    });
  }
});
