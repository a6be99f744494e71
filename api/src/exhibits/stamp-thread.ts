import { Worker } from 'node:worker_threads';
import { DomainError } from '../http/errors.ts';
import type { ExhibitMediaType } from './file-type.ts';
import { unreadablePdf, type StampText } from './stamp.ts';

type Answer =
  | { ok: true; pdf: Uint8Array; pages: number }
  | { ok: false; refused?: { status: number; code: string; message: string }; message?: string };

/**
 * Stamps in a thread of its own, so the API keeps answering while a large exhibit is parsed and
 * rewritten. One worker per stamp: a fresh thread frees its memory at once.
 */
export function stampInWorker(
  original: Uint8Array,
  type: ExhibitMediaType,
  text: StampText,
): Promise<{ pdf: Uint8Array; pages: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./stamp.worker.ts', import.meta.url));
    let settled = false;
    worker.once('message', (answer: Answer) => {
      settled = true;
      void worker.terminate();
      if (answer.ok) resolve({ pdf: answer.pdf, pages: answer.pages });
      else if (answer.refused)
        reject(new DomainError(answer.refused.status, answer.refused.code, answer.refused.message));
      // A PDF that breaks pdf-lib is the file's fault, said plainly, not a 500.
      else reject(unreadablePdf('its pages could not be stamped'));
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the stamp worker stopped (exit code ${code})`));
    });
    worker.postMessage({ original, type, text }, [original.buffer as ArrayBuffer]);
  });
}
