import { PDFName, PDFRawStream, type PDFDocument, type PDFFont, type PDFRef } from 'pdf-lib';
import pako from 'pako';

/** An A4 page, in points. */
export const A4: [number, number] = [595.28, 841.89];

/** Variation selectors pick a glyph with the character before them: such strings are encoded whole. */
const VARIATION_SELECTOR = /[\uFE00-\uFE0F]|\uDB40[\uDD00-\uDDEF]/u;

/**
 * The subset's glyph codes of a string, as hex for a content stream. Each character is encoded by
 * pdf-lib once (which also puts its glyph in the subset, in first-use order, so the output stays
 * deterministic); a string is then the concatenation of its characters' codes, and short strings
 * (times, labels, the header) are kept whole.
 */
export class Glyphs {
  private readonly chars = new Map<string, string>();
  private readonly strings = new Map<string, string>();
  private readonly font: PDFFont;
  constructor(font: PDFFont) {
    this.font = font;
  }
  hex(text: string): string {
    const short = text.length <= 40;
    if (short) {
      const known = this.strings.get(text);
      if (known !== undefined) return known;
    }
    let hex: string;
    if (VARIATION_SELECTOR.test(text)) hex = this.font.encodeText(text).asString();
    else {
      hex = '';
      for (const ch of text) {
        let code = this.chars.get(ch);
        if (code === undefined) {
          code = this.font.encodeText(ch).asString();
          this.chars.set(ch, code);
        }
        hex += code;
      }
    }
    if (short) this.strings.set(text, hex);
    return hex;
  }
}

/** A number as a content stream writes it: at most three decimals, never an exponent. */
function num(v: number): string {
  const r = Math.round(v * 1000) / 1000;
  return r === 0 ? '0' : String(r);
}

export type Colour = [number, number, number];
const FONT_KEY = 'F1';

/**
 * One page's drawing operators, written straight as content-stream text. pdf-lib's drawText builds
 * an operator object per token and validates every option on every call; a transcript draws the
 * same few kinds of thing tens of thousands of times, so the operators are written here instead.
 */
export class Content {
  private out = '';
  private readonly glyphs: Glyphs;
  constructor(glyphs: Glyphs) {
    this.glyphs = glyphs;
  }
  /** One or more lines of text, the first with its baseline at (x, y), each `lineHeight` below the one before. */
  text(lines: string | string[], x: number, y: number, size: number, colour: Colour, lineHeight = 0): this {
    const all = typeof lines === 'string' ? [lines] : lines;
    let ops = `BT /${FONT_KEY} ${num(size)} Tf ${colour.map(num).join(' ')} rg`;
    if (all.length > 1) ops += ` ${num(lineHeight)} TL`;
    ops += ` 1 0 0 1 ${num(x)} ${num(y)} Tm`;
    all.forEach((l, i) => {
      if (i > 0) ops += ' T*';
      if (l) ops += ` <${this.glyphs.hex(l)}> Tj`;
    });
    this.out += `${ops} ET\n`;
    return this;
  }
  line(x1: number, y1: number, x2: number, y2: number, thickness: number, colour: Colour): this {
    this.out += `q ${num(thickness)} w ${colour.map(num).join(' ')} RG ${num(x1)} ${num(y1)} m ${num(x2)} ${num(y2)} l S Q\n`;
    return this;
  }
  box(x: number, y: number, width: number, height: number, thickness: number, colour: Colour): this {
    this.out += `q ${num(thickness)} w ${colour.map(num).join(' ')} RG ${num(x)} ${num(y)} ${num(width)} ${num(height)} re S Q\n`;
    return this;
  }
  /** Filled squares of one colour, one fill for all of them. */
  squares(cells: Array<[number, number]>, side: number, colour: Colour): this {
    if (!cells.length) return this;
    let ops = `q ${colour.map(num).join(' ')} rg`;
    for (const [x, y] of cells) ops += ` ${num(x)} ${num(y)} ${num(side)} ${num(side)} re`;
    this.out += `${ops} f Q\n`;
    return this;
  }
  /**
   * The operators so far as a compressed stream of the document; the text is let go. pako, the
   * deflate pdf-lib itself uses (pure JavaScript: the same bytes on every machine), with an 8 KB
   * window: a page's operators are a few KB, and setting up the default 32 KB window and its tables
   * for each page cost more than compressing it.
   */
  stream(pdf: PDFDocument): PDFRef {
    const deflated = pako.deflate(Buffer.from(this.out, 'latin1'), { windowBits: 13, memLevel: 6 });
    const stream = PDFRawStream.of(pdf.context.obj({ Filter: 'FlateDecode', Length: deflated.length }), deflated);
    const ref = pdf.context.register(stream);
    this.out = '';
    return ref;
  }
}

/** One resource dictionary naming the font the pages' text is drawn in, for every page to share. */
export function fontResources(pdf: PDFDocument, font: PDFFont): PDFRef {
  return pdf.context.register(pdf.context.obj({ Font: { [FONT_KEY]: font.ref } }));
}

/**
 * A page of the given size, drawn by the shared streams and then its own content (written out last, so
 * the document's objects keep the order they are made in), with the shared resources.
 */
export function addPage(
  pdf: PDFDocument,
  size: [number, number],
  resources: PDFRef,
  shared: PDFRef[],
  content: Content,
): void {
  const page = pdf.addPage(size);
  page.node.set(PDFName.of('Resources'), resources);
  page.node.set(PDFName.of('Contents'), pdf.context.obj([...shared, content.stream(pdf)]));
}
