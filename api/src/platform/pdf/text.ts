import type { PDFFont } from 'pdf-lib';

/** Control characters other than tab and line breaks: they cannot be printed in a PDF. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this matches
export const UNPRINTABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
export const UNPRINTABLE_ALL = new RegExp(UNPRINTABLE.source, 'g');

/** Control characters other than line breaks are drawn as spaces (NUL is refused at the API). */
export const printable = (s: string) => s.replace(/\t/g, '    ').replace(UNPRINTABLE_ALL, ' ');

/**
 * Widths with caches: per character (fontkit's layout of a string is the slow part) and per short
 * string, since words, labels and times repeat through a transcript.
 */
export class Measure {
  private readonly chars = new Map<string, number>();
  private readonly strings = new Map<string, number>();
  private readonly font: PDFFont;
  constructor(font: PDFFont) {
    this.font = font;
  }
  /** Width at size 1. */
  private unit(text: string): number {
    const short = text.length <= 32;
    if (short) {
      const known = this.strings.get(text);
      if (known !== undefined) return known;
    }
    let w = 0;
    for (const ch of text) {
      let cw = this.chars.get(ch);
      if (cw === undefined) {
        cw = this.font.widthOfTextAtSize(ch, 1);
        this.chars.set(ch, cw);
      }
      w += cw;
    }
    if (short) this.strings.set(text, w);
    return w;
  }
  width(text: string, size: number): number {
    return this.unit(text) * size;
  }
}

const CJK = '\\u2E80-\\u9FFF\\uF900-\\uFAFF\\uFF00-\\uFFEF\\u3000-\\u303F';
const TOKENS = new RegExp(`[${CJK}]|\\s+|[^\\s${CJK}]+`, 'gu');

/** Greedy wrap: Latin words stay whole unless longer than a line; CJK breaks between characters. */
export function wrap(text: string, width: number, measure: (s: string) => number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\r\n|\r|\n/)) {
    let line = '';
    let lineWidth = 0;
    for (const token of paragraph.match(TOKENS) ?? []) {
      const w = measure(token);
      if (lineWidth + w <= width) {
        line += token;
        lineWidth += w;
        continue;
      }
      if (/^\s+$/u.test(token)) {
        lines.push(line);
        line = '';
        lineWidth = 0;
        continue;
      }
      if (line.trim()) lines.push(line.trimEnd());
      line = '';
      lineWidth = 0;
      if (w <= width) {
        line = token;
        lineWidth = w;
        continue;
      }
      for (const ch of token) {
        const cw = measure(ch);
        if (lineWidth + cw > width && line) {
          lines.push(line);
          line = '';
          lineWidth = 0;
        }
        line += ch;
        lineWidth += cw;
      }
    }
    lines.push(line.trimEnd());
  }
  return lines;
}
