// A worker thread's entry: Node strips the types itself, so this runs the same under the server and vitest.
import { parentPort } from 'node:worker_threads';
import { renderTranscript, type TranscriptDocument } from './pdf.ts';

parentPort?.on('message', (doc: TranscriptDocument) => {
  renderTranscript(doc).then(
    (r) =>
      parentPort?.postMessage({ ok: true, pdf: r.pdf, pages: r.pages, bodyLines: r.bodyLines }, [
        r.pdf.buffer as ArrayBuffer,
      ]),
    (err: unknown) => parentPort?.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err) }),
  );
});
