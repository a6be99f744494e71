import { Worker } from 'node:worker_threads';
import type { RenderedTranscript, TranscriptDocument } from './pdf.ts';
import type { PdfSigningKey } from './pades.ts';

/** The sealed PDF, and its first page as a PNG (drawn from the final, signed bytes). */
export type SealedRendering = RenderedTranscript & { firstPagePng: Uint8Array };
type WorkerAnswer = ({ ok: true } & SealedRendering) | { ok: false; message: string };

/**
 * Renders the sealed PDF in its own thread, so the API keeps answering while a long transcript
 * renders, and signs it with the court's key there when given one. One worker per seal: sealing is rare, and a fresh thread frees its memory at once.
 */
export function renderInWorker(doc: TranscriptDocument, signing?: PdfSigningKey): Promise<SealedRendering> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./render.worker.ts', import.meta.url));
    let settled = false;
    worker.once('message', (answer: WorkerAnswer) => {
      settled = true;
      void worker.terminate();
      if (answer.ok)
        resolve({
          pdf: answer.pdf,
          pages: answer.pages,
          bodyLines: answer.bodyLines,
          firstPagePng: answer.firstPagePng,
        });
      else reject(new Error(`rendering the transcript failed: ${answer.message}`));
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the render worker stopped (exit code ${code})`));
    });
    worker.postMessage({ doc, signing });
  });
}
