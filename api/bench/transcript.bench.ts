/**
 * Rendering the sealed transcript: time and peak memory of a 300-page and a 1,000-page record
 * (half Chinese, half English), beside a bare pdf-lib loop drawing the same lines with the same
 * font and no layout, measured in the same run. Each figure comes from a fresh process, so its
 * peak RSS is its own. `make bench`; no database needed; BENCH_PAGES (default 300,1000).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { PDFDocument } from 'pdf-lib';
import { renderTranscript, LINES_PER_PAGE, type TranscriptDocument } from '../src/record/pdf.ts';
import { fontFile, fontkitAdapter } from '../src/platform/pdf/font.ts';
import { renderInWorker } from '../src/record/render.ts';
import { SERVER_NODE_FLAGS, envList, loadAverage, main, ms, report, say, times, type Row } from './lib.ts';

const ZH = '本院认为被告应当承担违约责任赔偿原告损失';
const EN = 'The witness confirmed the delivery date in the contract.';
const HASH = 'ab12'.repeat(16);

/** One line per entry, alternating Chinese and English, enough for `pages` body pages. */
function transcript(pages: number): TranscriptDocument {
  const entries = Array.from({ length: pages * LINES_PER_PAGE }, (_, i) => ({
    seq: i + 1,
    speaker: i % 2 ? '证人' : 'Counsel',
    time: '10:00:00',
    text: i % 2 ? `${ZH}${i}` : `${EN} ${i}`,
    procedural: false,
  }));
  return {
    court: 'Bench Court 基准法院',
    caseNumber: '(2026)沪0101民初1号',
    caseCaption: 'Zhang v. Li',
    hearingTitle: 'Trial',
    hearingDate: '2026-11-29',
    timeZone: 'GMT+8 (Asia/Shanghai)',
    judge: 'Judge Wang',
    clerk: 'Clerk Wu',
    appearances: [{ name: '张三', role: 'plaintiff', represents: null }],
    entries,
    seal: {
      sha256: HASH,
      version: 1,
      supersedesVersion: null,
      sealedBy: 'Clerk Wu',
      sealedAt: '2026-11-29 17:00',
      sealedAtIso: '2026-11-29T09:00:00Z',
      verifyUrl: `http://gavel.bench/verify/${HASH}`,
    },
  };
}

/** The ceiling: the same lines, the same subset font, drawText in a loop, nothing else. */
async function bareLoop(doc: TranscriptDocument): Promise<{ pdf: Uint8Array; pages: number }> {
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkitAdapter as unknown as Parameters<PDFDocument['registerFontkit']>[0]);
  const font = await pdf.embedFont(fontFile(), { subset: true });
  let page = pdf.addPage([595.28, 841.89]);
  doc.entries.forEach((e, i) => {
    if (i > 0 && i % LINES_PER_PAGE === 0) page = pdf.addPage([595.28, 841.89]);
    page.drawText(`${e.speaker}: ${e.text}`, { x: 128, y: 740 - (i % LINES_PER_PAGE) * 25.2, size: 11, font });
  });
  return { pdf: await pdf.save({ useObjectStreams: false }), pages: pdf.getPageCount() };
}

async function one(kind: string, pages: number) {
  const doc = transcript(pages);
  const t0 = performance.now();
  const r = kind === 'bare' ? await bareLoop(doc) : await renderTranscript(doc);
  const ms = performance.now() - t0;
  process.stdout.write(
    JSON.stringify({ ms, pages: r.pages, bytes: r.pdf.length, peakRssMb: process.resourceUsage().maxRSS / 1024 }),
  );
}

async function all() {
  const self = fileURLToPath(import.meta.url);
  const run = (kind: string, pages: number) =>
    // With the server's Node flags: the server renders the PDF in a worker thread, which shares them.
    JSON.parse(
      execFileSync(process.execPath, [...SERVER_NODE_FLAGS, self, 'one', kind, String(pages)], { encoding: 'utf8' }),
    ) as {
      ms: number;
      pages: number;
      bytes: number;
      peakRssMb: number;
    };
  say('Sealed transcript PDF (pdf-lib + fontkit 2, Noto Sans SC TrueType subset), half Chinese / half English');
  say(`load average ${loadAverage()} at start (other work on the machine skews the figures)`);
  say('body pages | layout: time, peak RSS, pages, size | bare loop: time, peak RSS | time ratio');
  const rows: Row[] = [];
  for (const pages of envList('BENCH_PAGES', [300, 1000])) {
    const layout = run('layout', pages);
    const bare = run('bare', pages);
    say(
      `${pages} | ${(layout.ms / 1000).toFixed(2)} s, ${layout.peakRssMb.toFixed(0)} MB, ${layout.pages} pages, ${(layout.bytes / 1024).toFixed(0)} KB` +
        ` | ${(bare.ms / 1000).toFixed(2)} s, ${bare.peakRssMb.toFixed(0)} MB | ${(layout.ms / bare.ms).toFixed(2)}×`,
    );
    rows.push({
      measure: `Sealed transcript PDF, ${pages.toLocaleString('en-US')} body pages (fresh process each)`,
      gavel: `${(layout.ms / 1000).toFixed(2)} s · peak RSS ${layout.peakRssMb.toFixed(0)} MiB · ${(layout.bytes / 1024).toFixed(0)} KB`,
      baseline: `bare pdf-lib loop: ${(bare.ms / 1000).toFixed(2)} s · ${bare.peakRssMb.toFixed(0)} MiB`,
      ratio: `${times(layout.ms / bare.ms)} time`,
    });
  }
  // The API's event loop while a worker renders 300 pages: it keeps answering.
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const t0 = performance.now();
  await renderInWorker(transcript(300));
  delay.disable();
  const seconds = (performance.now() - t0) / 1000;
  rows.push({
    measure: '300 pages rendered in the worker thread: the main event loop meanwhile',
    gavel: `${seconds.toFixed(2)} s; loop delay p99 ${ms(delay.percentile(99) / 1e6)} · max ${ms(delay.max / 1e6)}`,
    baseline: '—',
    ratio: '—',
  });
  await report({ rows });
}

if (process.argv[2] === 'one') await one(process.argv[3]!, Number(process.argv[4]));
else await main(all);
