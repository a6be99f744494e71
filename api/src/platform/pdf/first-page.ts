import { createCanvas } from '@napi-rs/canvas';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** Pixels per PDF point: 1.5 is 108 dpi, an A4 page 893 × 1263, enough to read the caption and the stamp. */
const SCALE = 1.5;

/**
 * The first page of a sealed PDF as a PNG, drawn by pdf.js from the very bytes that were sealed, so the
 * public verification page can show what a printout's first page must look like. Glyphs are drawn as
 * paths (no font loading): the result depends on nothing but the PDF.
 */
export async function renderFirstPage(pdf: Uint8Array): Promise<Uint8Array> {
  const task = getDocument({
    data: Uint8Array.from(pdf),
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: true,
  });
  try {
    const doc = await task.promise;
    const page = await doc.getPage(1);
    const viewport = page.getViewport({ scale: SCALE });
    const canvas = createCanvas(Math.round(viewport.width), Math.round(viewport.height));
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    // @napi-rs/canvas stands in for the DOM canvas pdf.js is typed against.
    await page.render({ canvas, canvasContext: ctx, viewport } as unknown as Parameters<typeof page.render>[0]).promise;
    return new Uint8Array(await canvas.encode('png'));
  } finally {
    await task.destroy();
  }
}
