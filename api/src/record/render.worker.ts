// A worker thread's entry: Node strips the types itself, so this runs the same under the server and vitest.
import { parentPort } from 'node:worker_threads';
import { renderTranscript, type TranscriptDocument } from './pdf.ts';
import { signPdf, type PdfSigningKey } from './pades.ts';
import { renderFirstPage } from '../platform/pdf/first-page.ts';

parentPort?.on('message', ({ doc, signing }: { doc: TranscriptDocument; signing?: PdfSigningKey }) => {
  renderTranscript(doc)
    .then(async (r) => (signing ? { ...r, pdf: await signPdf(r.pdf, signing, new Date(doc.seal.sealedAtIso)) } : r))
    .then(async (r) => ({ ...r, firstPagePng: await renderFirstPage(r.pdf) }))
    .then(
      (r) =>
        parentPort?.postMessage(
          { ok: true, pdf: r.pdf, pages: r.pages, bodyLines: r.bodyLines, firstPagePng: r.firstPagePng },
          [r.pdf.buffer as ArrayBuffer, r.firstPagePng.buffer as ArrayBuffer],
        ),
      (err: unknown) =>
        parentPort?.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err) }),
    );
});
