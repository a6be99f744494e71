import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** poppler-utils and qpdf, as the tests use them on a PDF held in memory. */
export function withPdfFile<T>(pdf: Uint8Array, fn: (file: string, dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'gavel-pdf-'));
  try {
    const file = join(dir, 'transcript.pdf');
    writeFileSync(file, pdf);
    return fn(file, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function qpdfCheck(pdf: Uint8Array): { ok: boolean; output: string } {
  return withPdfFile(pdf, (file) => {
    try {
      return { ok: true, output: execFileSync('qpdf', ['--check', file], { encoding: 'utf8' }) };
    } catch (err) {
      return { ok: false, output: String((err as { stdout?: string }).stdout ?? err) };
    }
  });
}

export const pdfText = (pdf: Uint8Array, page?: number): string =>
  withPdfFile(pdf, (file) =>
    execFileSync('pdftotext', [...(page ? ['-f', String(page), '-l', String(page)] : []), '-enc', 'UTF-8', file, '-'], {
      encoding: 'utf8',
    }),
  );

export const pdfPages = (pdf: Uint8Array): number =>
  withPdfFile(pdf, (file) => {
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    return Number(/^Pages:\s+(\d+)/m.exec(info)?.[1] ?? NaN);
  });

export const pdfInfo = (pdf: Uint8Array): string =>
  withPdfFile(pdf, (file) => execFileSync('pdfinfo', [file], { encoding: 'utf8' }));

export interface GreyImage {
  width: number;
  height: number;
  /** One byte per pixel, 0 black to maxval white. */
  pixels: Uint8Array;
}

/** A binary PGM (P5) as pdftoppm -gray writes it. */
export function parsePgm(data: Uint8Array): GreyImage {
  let pos = 0;
  const token = () => {
    for (;;) {
      while (/\s/.test(String.fromCharCode(data[pos]!))) pos++;
      if (data[pos] === 0x23) while (data[pos] !== 0x0a) pos++;
      else break;
    }
    const start = pos;
    while (!/\s/.test(String.fromCharCode(data[pos]!))) pos++;
    return new TextDecoder().decode(data.subarray(start, pos));
  };
  if (token() !== 'P5') throw new Error('not a binary PGM');
  const width = Number(token());
  const height = Number(token());
  const maxval = Number(token());
  if (maxval > 255) throw new Error('16-bit PGM not supported');
  pos++;
  return { width, height, pixels: data.subarray(pos, pos + width * height) };
}

/** One page rendered to grey pixels by poppler (pdftoppm -gray). */
export function renderPage(pdf: Uint8Array, page: number, dpi = 50): GreyImage {
  return withPdfFile(pdf, (file, dir) => {
    execFileSync('pdftoppm', [
      '-gray',
      '-r',
      String(dpi),
      '-f',
      String(page),
      '-l',
      String(page),
      '-singlefile',
      file,
      join(dir, 'page'),
    ]);
    return parsePgm(readFileSync(join(dir, 'page.pgm')));
  });
}

/** Dark pixels in a rectangle given in PDF points from the page's top-left corner. */
export function darkPixels(
  img: GreyImage,
  dpi: number,
  box: { left: number; top: number; right: number; bottom: number },
) {
  const s = dpi / 72;
  let n = 0;
  for (let y = Math.floor(box.top * s); y < Math.min(img.height, Math.ceil(box.bottom * s)); y++) {
    for (let x = Math.floor(box.left * s); x < Math.min(img.width, Math.ceil(box.right * s)); x++) {
      if (img.pixels[y * img.width + x]! < 128) n++;
    }
  }
  return n;
}

/** poppler's pdfsig on the PDF: its report, whatever its exit code (it exits non-zero on a bad signature). */
export function pdfSig(pdf: Uint8Array): string {
  return withPdfFile(pdf, (file) => {
    try {
      return execFileSync('pdfsig', [file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string };
      return `${e.stdout ?? ''}${e.stderr ?? ''}`;
    }
  });
}
