// pdf.js, loaded only when an exhibit is first shown: the hearing room's first load stays as it was.
// The legacy build runs on the older phone browsers parties join from; the worker is served by the app
// itself (the page's Content-Security-Policy allows scripts and workers from 'self' only).
import type * as PdfJsModule from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';

export type { PDFDocumentProxy };

type PdfJs = typeof PdfJsModule;

let loading: Promise<PdfJs> | null = null;

export function pdfjs(): Promise<PdfJs> {
  loading ??= Promise.all([
    import('pdfjs-dist/legacy/build/pdf.mjs'),
    import('pdfjs-dist/legacy/build/pdf.worker.min.mjs?url'),
  ]).then(([lib, worker]) => {
    lib.GlobalWorkerOptions.workerSrc = worker.default;
    return lib;
  });
  // A failed load (a network blip) is tried again next time.
  loading.catch(() => (loading = null));
  return loading;
}

/**
 * Opens an exhibit's stamped copy from its bytes. The file is served with `Content-Security-Policy:
 * sandbox` and as no document of this page, so it is fetched (with the viewer's own session) and
 * handed to pdf.js as data.
 */
export async function openPdf(url: string, signal: AbortSignal): Promise<PDFDocumentProxy> {
  const response = await fetch(url, { credentials: 'same-origin', signal });
  if (!response.ok) throw new Error(`exhibit file: ${String(response.status)}`);
  const data = new Uint8Array(await response.arrayBuffer());
  const lib = await pdfjs();
  // Nothing is fetched beyond the bytes given.
  return lib.getDocument({ data, disableAutoFetch: true, disableStream: true }).promise;
}
