/**
 * A Content-Disposition header for any file name (RFC 6266): an ASCII `filename` for old clients and
 * `filename*` in UTF-8 for the real name. Node refuses header values outside Latin-1, so a Chinese
 * name written raw would be a 500.
 */
export function contentDisposition(type: 'inline' | 'attachment', fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  if (ascii === fileName) return `${type}; filename="${fileName}"`;
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * The Content-Security-Policy of every file Gavel serves that a browser could open as a document (PDFs,
 * images): a sandbox without any allow-* token (no script, a unique opaque origin, no forms, popups or
 * top navigation), framed only by Gavel's own pages.
 */
export const PDF_CSP = "sandbox; frame-ancestors 'self'";
