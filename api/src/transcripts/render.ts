import { Worker } from 'node:worker_threads';
import type { RenderedTranscript, TranscriptDocument } from './pdf.ts';

type WorkerAnswer = ({ ok: true } & RenderedTranscript) | { ok: false; message: string };

/**
 * Renders the sealed PDF in its own thread, so the API keeps answering while a long transcript
 * renders. One worker per seal: sealing is rare, and a fresh thread frees its memory at once.
 */
export function renderInWorker(doc: TranscriptDocument): Promise<RenderedTranscript> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./render.worker.ts', import.meta.url));
    let settled = false;
    worker.once('message', (answer: WorkerAnswer) => {
      settled = true;
      void worker.terminate();
      if (answer.ok) resolve({ pdf: answer.pdf, pages: answer.pages, bodyLines: answer.bodyLines });
      else reject(new Error(`rendering the transcript failed: ${answer.message}`));
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the render worker stopped (exit code ${code})`));
    });
    worker.postMessage(doc);
  });
}
