// A worker thread's entry: Node strips the types itself, so this runs the same under the server and vitest.
import { parentPort } from 'node:worker_threads';
import { DomainError } from '../platform/http/errors.ts';
import { stampExhibit } from './stamp.ts';
import type { StampJob } from './stamp-thread.ts';

parentPort?.once('message', (job: StampJob) => {
  stampExhibit(job.original, job.type, job.text, { maxPages: job.maxPages }).then(
    (r) => parentPort?.postMessage({ ok: true, pdf: r.pdf, pages: r.pages }, [r.pdf.buffer as ArrayBuffer]),
    (err: unknown) =>
      parentPort?.postMessage(
        err instanceof DomainError
          ? { ok: false, refused: { status: err.status, code: err.code, message: err.message } }
          : { ok: false, message: err instanceof Error ? err.message : String(err) },
      ),
  );
});
