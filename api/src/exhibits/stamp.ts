import { PDFDocument, degrees, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { DomainError } from '../platform/http/errors.ts';
import { embedFont } from '../platform/pdf/font.ts';
import { removeActiveContent } from './active-content.ts';
import type { ExhibitMediaType } from './file-type.ts';

/** What the exhibit sticker and the Bates footer say. */
export interface StampText {
  court: string;
  caseNumber: string;
  label: string;
  /** As printed: MARKED, ADMITTED or REJECTED. */
  status: string;
  /** The date, as printed in the court's time zone. */
  date: string;
}

const A4: [number, number] = [595.28, 841.89];
const INK = rgb(0, 0, 0);
const STATUS_COLOUR: Record<string, ReturnType<typeof rgb>> = {
  ADMITTED: rgb(0.05, 0.4, 0.1),
  REJECTED: rgb(0.6, 0.05, 0.05),
  MARKED: rgb(0.1, 0.2, 0.5),
};

export const unreadablePdf = (why: string) =>
  new DomainError(400, 'unreadable_pdf', `The PDF cannot be read: ${why}. Save it again as a plain, unprotected PDF.`);
const encryptedPdf = () =>
  new DomainError(
    400,
    'encrypted_pdf',
    'The PDF is encrypted or password-protected. Remove the protection and upload it again.',
  );
const tooManyPages = (pages: number, max: number) =>
  new DomainError(
    413,
    'too_many_pages',
    `The PDF has ${pages} pages; an exhibit may have at most ${max}. Split it into parts and submit each.`,
  );
const unreadableImage = () => new DomainError(400, 'unreadable_image', 'The image cannot be read.');

/**
 * The exhibit as a PDF: a PDF as it is, without its active content (the original file keeps it), or
 * an image on one page of its own.
 */
async function asPdf(original: Uint8Array, type: ExhibitMediaType, maxPages: number): Promise<PDFDocument> {
  if (type === 'application/pdf') {
    let doc: PDFDocument;
    try {
      doc = await PDFDocument.load(original, { throwOnInvalidObject: true, updateMetadata: false });
    } catch (err) {
      // Encrypted objects fail to parse before pdf-lib gets to say why; the trailer's /Encrypt does.
      if (/encrypt/i.test((err as Error).message) || Buffer.from(original).includes('/Encrypt')) throw encryptedPdf();
      throw unreadablePdf('its structure is broken');
    }
    if (doc.isEncrypted) throw encryptedPdf();
    const pages = doc.getPageCount();
    if (pages === 0) throw unreadablePdf('it has no pages');
    // Refused before any page is drawn on: stamping costs time and memory by the page.
    if (pages > maxPages) throw tooManyPages(pages, maxPages);
    removeActiveContent(doc);
    return doc;
  }
  const doc = await PDFDocument.create();
  let image;
  try {
    image = type === 'image/png' ? await doc.embedPng(original) : await doc.embedJpg(original);
  } catch {
    throw unreadableImage();
  }
  // Portrait or landscape as the image is; room at the top for the sticker and at the bottom for the footer.
  const [w, h] = image.width > image.height ? [A4[1], A4[0]] : A4;
  const page = doc.addPage([w, h]);
  const box = { x: 36, y: 40, width: w - 72, height: h - 40 - 110 };
  const scale = Math.min(box.width / image.width, box.height / image.height, 1);
  const iw = image.width * scale;
  const ih = image.height * scale;
  page.drawImage(image, { x: box.x + (box.width - iw) / 2, y: box.y + (box.height - ih) / 2, width: iw, height: ih });
  return doc;
}

/**
 * The page as it is shown, whatever its /Rotate: width and height as seen, and where a point seen at
 * (X, Y) from the bottom left lies in the page's own coordinates, with the turn that keeps text upright.
 */
function viewOf(page: PDFPage) {
  const c = page.getCropBox();
  const angle = (((page.getRotation().angle % 360) + 360) % 360) as 0 | 90 | 180 | 270;
  const turn = degrees(angle);
  const at: Record<number, (X: number, Y: number) => { x: number; y: number }> = {
    0: (X, Y) => ({ x: c.x + X, y: c.y + Y }),
    90: (X, Y) => ({ x: c.x + c.width - Y, y: c.y + X }),
    180: (X, Y) => ({ x: c.x + c.width - X, y: c.y + c.height - Y }),
    270: (X, Y) => ({ x: c.x + Y, y: c.y + c.height - X }),
  };
  const place = at[angle] ?? at[0]!;
  const sideways = angle === 90 || angle === 270;
  return {
    width: sideways ? c.height : c.width,
    height: sideways ? c.width : c.height,
    at: (X: number, Y: number) => ({ ...place(X, Y), rotate: turn }),
  };
}

function drawSticker(page: PDFPage, font: PDFFont, s: StampText): void {
  const view = viewOf(page);
  const width = Math.min(210, view.width - 24);
  const height = 92;
  const X = view.width - width - 12;
  const Y = view.height - height - 12;
  const colour = STATUS_COLOUR[s.status] ?? INK;
  page.drawRectangle({
    ...view.at(X, Y),
    width,
    height,
    color: rgb(1, 1, 0.94),
    borderColor: colour,
    borderWidth: 1.5,
    opacity: 0.96,
  });
  const fit = (text: string, size: number) => {
    let t = text;
    while (t.length > 1 && font.widthOfTextAtSize(t, size) > width - 16) t = `${t.slice(0, -2)}…`;
    return t;
  };
  const line = (text: string, dy: number, size: number, color = INK) =>
    page.drawText(fit(text, size), { ...view.at(X + 8, Y + dy), size, font, color });
  line(s.court, height - 14, 8);
  line(`Case No. ${s.caseNumber}`, height - 26, 8);
  line(`EXHIBIT ${s.label}`, height - 50, 18, colour);
  line(s.status, 20, 11, colour);
  line(s.date, 8, 8);
}

function drawFooter(page: PDFPage, font: PDFFont, text: string): void {
  const view = viewOf(page);
  const size = 8;
  const w = font.widthOfTextAtSize(text, size);
  const X = Math.max(4, (view.width - w) / 2);
  const Y = 12;
  page.drawRectangle({ ...view.at(X - 4, Y - 3), width: w + 8, height: size + 6, color: rgb(1, 1, 1), opacity: 0.9 });
  page.drawText(text, { ...view.at(X, Y), size, font, color: INK });
}

/**
 * The stamped copy: the sticker on the first page and "CASE-NO · P-1 · page k of n" on every page,
 * with nothing a viewer could run. The original bytes are not changed; this is a new document built
 * from them.
 */
export async function stampExhibit(
  original: Uint8Array,
  type: ExhibitMediaType,
  s: StampText,
  opts: { maxPages: number } = { maxPages: Infinity },
): Promise<{ pdf: Uint8Array; pages: number }> {
  const doc = await asPdf(original, type, opts.maxPages);
  const font = await embedFont(doc);
  const pages = doc.getPages();
  pages.forEach((page, i) => drawFooter(page, font, `${s.caseNumber} · ${s.label} · page ${i + 1} of ${pages.length}`));
  drawSticker(pages[0]!, font, s);
  try {
    return { pdf: await doc.save({ useObjectStreams: false }), pages: pages.length };
  } catch {
    throw unreadablePdf('its pages could not be copied');
  }
}
