import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { create as createFontkitFont, type FontkitFont } from 'fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import QRCode from 'qrcode';
import { UNPRINTABLE_ALL } from './text.ts';

/** Everything the sealed PDF shows; built by the seal service, rendered in a worker thread. */
export interface TranscriptDocument {
  /** The court's locale: the PDF's fixed wording (caption, certification, stamp) is in its language. */
  locale?: string;
  court: string;
  caseNumber: string;
  caseCaption: string;
  hearingTitle: string;
  /** The hearing's date in the court's time zone, as printed. */
  hearingDate: string;
  judge: string;
  clerk: string | null;
  appearances: Array<{ name: string; role: string; represents: string | null }>;
  entries: Array<{ seq: number; speaker: string; time: string; text: string; procedural: boolean }>;
  seal: {
    sha256: string;
    version: number;
    supersedesVersion: number | null;
    sealedBy: string;
    /** As printed, in the court's time zone. */
    sealedAt: string;
    sealedAtIso: string;
    verifyUrl: string;
  };
}

type Role = 'plaintiff' | 'defendant' | 'agent' | 'witness' | 'interpreter' | 'observer';

/** The fixed wording of a transcript, in the court's language. */
const wording = {
  en: {
    title: 'Transcript of proceedings',
    documentTitle: (caseNumber: string) => `Transcript of proceedings — ${caseNumber}`,
    page: (n: number, total: number) => `Page ${n} of ${total}`,
    stamp: (version: number, hash: string) => `GAVEL SEAL v${version} · ${hash}`,
    caseNumber: 'Case number',
    caption: 'Caption',
    hearing: 'Hearing',
    date: 'Date',
    judge: 'Judge',
    clerk: 'Clerk',
    version: 'Version',
    supersedes: (v: number) => ` (supersedes version ${v})`,
    appearances: 'Appearances',
    appearance: (name: string, role: string, represents: string | null) =>
      `${name} — ${role}${represents ? `, for ${represents}` : ''}`,
    roles: {
      plaintiff: 'plaintiff',
      defendant: 'defendant',
      agent: 'agent',
      witness: 'witness',
      interpreter: 'interpreter',
      observer: 'observer',
    } satisfies Record<Role, string>,
    certification: 'Certification',
    certify: (last: number, d: TranscriptDocument) =>
      `I certify that pages 2 to ${last} are a true and complete record of the proceedings in case ${d.caseNumber}, ${d.hearingTitle}, on ${d.hearingDate}, as kept by the clerk.`,
    sealedBy: 'Sealed by',
    sealedAt: 'Sealed at',
    sealHash: 'Seal SHA-256',
    verify: 'Verify',
    subject: (d: TranscriptDocument) =>
      `${d.court}: ${d.caseCaption} — ${d.hearingTitle}, ${d.hearingDate}. Sealed version ${d.seal.version}.`,
    colon: ': ',
  },
  'zh-CN': {
    title: '庭审笔录',
    documentTitle: (caseNumber: string) => `庭审笔录 — ${caseNumber}`,
    page: (n: number, total: number) => `第 ${n} 页，共 ${total} 页`,
    stamp: (version: number, hash: string) => `GAVEL 电子封存 第 ${version} 版 · ${hash}`,
    caseNumber: '案号',
    caption: '案件名称',
    hearing: '庭审',
    date: '日期',
    judge: '审判员',
    clerk: '书记员',
    version: '版本',
    supersedes: (v: number) => `（取代第 ${v} 版）`,
    appearances: '到庭人员',
    appearance: (name: string, role: string, represents: string | null) =>
      `${name} — ${role}${represents ? `（代理 ${represents}）` : ''}`,
    roles: {
      plaintiff: '原告',
      defendant: '被告',
      agent: '诉讼代理人',
      witness: '证人',
      interpreter: '翻译人员',
      observer: '旁听人员',
    } satisfies Record<Role, string>,
    certification: '书记员证明',
    certify: (last: number, d: TranscriptDocument) =>
      `本人证明，第 2 页至第 ${last} 页如实、完整地记录了 ${d.caseNumber} 号案件 ${d.hearingTitle}（${d.hearingDate}）的庭审经过，由书记员记录。`,
    sealedBy: '封存人',
    sealedAt: '封存时间',
    sealHash: '封存哈希（SHA-256）',
    verify: '核验',
    subject: (d: TranscriptDocument) =>
      `${d.court}：${d.caseCaption} — ${d.hearingTitle}，${d.hearingDate}。已封存第 ${d.seal.version} 版。`,
    colon: '：',
  },
};

export type TranscriptWording = (typeof wording)['en'];

/** The wording for a court's locale; English for any locale without a dictionary. */
export function transcriptWording(locale: string | undefined): TranscriptWording {
  return locale === 'zh-CN' ? wording['zh-CN'] : wording.en;
}

export interface RenderedTranscript {
  pdf: Uint8Array;
  pages: number;
  /** Numbered lines in the body (the pages between the caption and the certification). */
  bodyLines: number;
}

export const LINES_PER_PAGE = 25;
export const A4: [number, number] = [595.28, 841.89];
const MARGIN_LEFT = 72;
const MARGIN_RIGHT = 48;
export const TEXT_LEFT = MARGIN_LEFT + 56;
const BODY_TOP = 740;
const LINE_HEIGHT = 25.2;
const SIZE = 11;

/** Where body line n (1..25) sits, in points from the top of the page: its baseline. */
export const bodyLineBaseline = (n: number) => A4[1] - (BODY_TOP - (n - 1) * LINE_HEIGHT);
const GREY = rgb(0.35, 0.35, 0.35);
const INK = rgb(0, 0, 0);
const SEAL_RED = rgb(0.6, 0.05, 0.05);

const require = createRequire(import.meta.url);
let fontBytes: Uint8Array | undefined;

/** Noto Sans SC with TrueType outlines (the CFF subsets of @pdf-lib/fontkit render blank in poppler). */
export function fontFile(): Uint8Array {
  fontBytes ??= readFileSync(require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf'));
  return fontBytes;
}

/**
 * pdf-lib expects @pdf-lib/fontkit's subset, which streams its bytes; upstream fontkit 2's subset
 * has encode() instead. This hands pdf-lib a font whose subset streams what encode() returns.
 */
export const fontkitAdapter = {
  create(buffer: Uint8Array): FontkitFont {
    const font = createFontkitFont(buffer);
    const createSubset = font.createSubset.bind(font);
    const glyphsForString = (font.glyphsForString as (text: string) => unknown[]).bind(font);
    return new Proxy(font, {
      get(target, key) {
        // Glyphs straight from the cmap, without OpenType shaping: CJK and Latin court text needs no
        // ligatures or contextual forms, and shaping every line was most of the render time.
        if (key === 'layout') return (text: string) => ({ glyphs: glyphsForString(text), positions: [] });
        if (key === 'createSubset') {
          return () => {
            const subset = createSubset();
            return {
              includeGlyph: (glyph: unknown) => subset.includeGlyph(glyph),
              encodeStream: () => {
                const handlers: Record<string, (arg?: unknown) => void> = {};
                const stream = {
                  on(event: string, fn: (arg?: unknown) => void) {
                    handlers[event] = fn;
                    return stream;
                  },
                };
                queueMicrotask(() => {
                  try {
                    handlers.data?.(subset.encode());
                    handlers.end?.();
                  } catch (err) {
                    handlers.error?.(err);
                  }
                });
                return stream;
              },
            };
          };
        }
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  },
};

/** Measures text with a per-character cache: layout of each line by fontkit is the slow part. */
class Measure {
  private readonly widths = new Map<string, number>();
  private readonly font: PDFFont;
  constructor(font: PDFFont) {
    this.font = font;
  }
  width(text: string, size: number): number {
    let w = 0;
    for (const ch of text) {
      let cw = this.widths.get(ch);
      if (cw === undefined) {
        cw = this.font.widthOfTextAtSize(ch, 1);
        this.widths.set(ch, cw);
      }
      w += cw;
    }
    return w * size;
  }
}

/**
 * Line numbers, times, speaker labels and the header repeat on every page; fontkit's layout of
 * each is the costly part of drawText, so short strings are encoded once. Safe: the first encoding
 * already put their glyphs in the subset.
 */
function memoizeShortTexts(font: PDFFont): PDFFont {
  const encode = font.encodeText.bind(font);
  const cache = new Map<string, ReturnType<PDFFont['encodeText']>>();
  font.encodeText = (text: string) => {
    if (text.length > 40) return encode(text);
    let hex = cache.get(text);
    if (!hex) {
      hex = encode(text);
      cache.set(text, hex);
    }
    return hex;
  };
  return font;
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

/** Control characters other than line breaks are drawn as spaces (NUL is refused at the API). */
const printable = (s: string) => s.replace(/\t/g, '    ').replace(UNPRINTABLE_ALL, ' ');

interface BodyLine {
  time: string;
  speaker: string;
  /** Where the text starts: after the speaker label, also on its continuation lines. */
  indent: number;
  text: string;
  procedural: boolean;
}

/** A speaker label wider than half the line is shortened with an ellipsis. */
function fitLabel(label: string, max: number, measure: (s: string) => number): string {
  if (measure(label) <= max) return label;
  const chars = Array.from(label.replace(/:\s*$/, ''));
  while (chars.length > 1 && measure(`${chars.join('')}…:  `) > max) chars.pop();
  return `${chars.join('')}…:  `;
}

function layoutBody(doc: TranscriptDocument, m: Measure): BodyLine[] {
  const out: BodyLine[] = [];
  const full = A4[0] - MARGIN_RIGHT - TEXT_LEFT;
  for (const e of doc.entries) {
    if (e.procedural) {
      const lines = wrap(printable(`[${e.text}]`), full - 48, (s) => m.width(s, SIZE - 1));
      lines.forEach((text, i) =>
        out.push({ time: i === 0 ? e.time : '', speaker: '', indent: 48, text, procedural: true }),
      );
      continue;
    }
    const label = fitLabel(`${printable(e.speaker)}:  `, full / 2, (t) => m.width(t, SIZE));
    const labelWidth = m.width(label, SIZE);
    const lines = wrap(printable(e.text), full - labelWidth, (s) => m.width(s, SIZE));
    lines.forEach((text, i) =>
      out.push({
        time: i === 0 ? e.time : '',
        speaker: i === 0 ? label : '',
        indent: labelWidth,
        text,
        procedural: false,
      }),
    );
  }
  return out;
}

export async function renderTranscript(doc: TranscriptDocument): Promise<RenderedTranscript> {
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkitAdapter as unknown as Parameters<PDFDocument['registerFontkit']>[0]);
  const font = memoizeShortTexts(await pdf.embedFont(fontFile(), { subset: true }));
  const m = new Measure(font);
  const lines = layoutBody(doc, m);
  const bodyPages = Math.max(1, Math.ceil(lines.length / LINES_PER_PAGE));
  const total = bodyPages + 2;
  const shortHash = doc.seal.sha256.slice(0, 12);
  const words = transcriptWording(doc.locale);
  const title = words.documentTitle(doc.caseNumber);
  const field = (label: string, value: string) => `${label}${words.colon}${value}`;

  const text = (page: PDFPage, s: string, x: number, y: number, size = SIZE, color = INK) =>
    page.drawText(s, { x, y, size, font, color });

  const frame = (page: PDFPage, n: number) => {
    const [w, h] = A4;
    const header = `${doc.caseNumber} · ${doc.hearingDate}`;
    text(page, header, MARGIN_LEFT, h - 40, 9, GREY);
    const pageLabel = words.page(n, total);
    text(page, pageLabel, w - MARGIN_RIGHT - m.width(pageLabel, 9), h - 40, 9, GREY);
    page.drawLine({
      start: { x: MARGIN_LEFT, y: h - 48 },
      end: { x: w - MARGIN_RIGHT, y: h - 48 },
      thickness: 0.5,
      color: GREY,
    });
    // The stamp: version and short hash of the seal, on every page.
    const stamp = words.stamp(doc.seal.version, shortHash);
    const sw = m.width(stamp, 8) + 12;
    page.drawRectangle({
      x: w - MARGIN_RIGHT - sw,
      y: 24,
      width: sw,
      height: 18,
      borderColor: SEAL_RED,
      borderWidth: 1,
    });
    text(page, stamp, w - MARGIN_RIGHT - sw + 6, 30, 8, SEAL_RED);
  };

  // Caption page.
  const caption = pdf.addPage(A4);
  frame(caption, 1);
  let y = 760;
  const line = (s: string, size = SIZE, color = INK, x = MARGIN_LEFT) => {
    for (const l of wrap(printable(s), A4[0] - MARGIN_RIGHT - x, (t) => m.width(t, size))) {
      text(caption, l, x, y, size, color);
      y -= size * 1.6;
    }
  };
  line(doc.court, 14);
  y -= 8;
  line(words.title, 18);
  y -= 8;
  line(field(words.caseNumber, doc.caseNumber));
  line(field(words.caption, doc.caseCaption));
  line(field(words.hearing, doc.hearingTitle));
  line(field(words.date, doc.hearingDate));
  line(field(words.judge, doc.judge));
  line(field(words.clerk, doc.clerk ?? '—'));
  line(
    field(
      words.version,
      `${doc.seal.version}${doc.seal.supersedesVersion ? words.supersedes(doc.seal.supersedesVersion) : ''}`,
    ),
  );
  y -= 10;
  line(words.appearances, 13);
  for (const a of doc.appearances) {
    const role = (words.roles as Record<string, string>)[a.role] ?? a.role;
    line(words.appearance(a.name, role, a.represents), SIZE, INK, MARGIN_LEFT + 12);
  }

  // Body: 25 numbered lines a page. Numbers are right-aligned: 1–9 one digit further in (the font's digits share a width).
  const units = Array.from({ length: 9 }, (_, i) => String(i + 1)).join('\n');
  const tens = Array.from({ length: LINES_PER_PAGE - 9 }, (_, i) => String(i + 10)).join('\n');
  const digit = m.width('0', 9);
  for (let p = 0; p < bodyPages; p++) {
    const page = pdf.addPage(A4);
    frame(page, p + 2);
    page.drawLine({
      start: { x: TEXT_LEFT - 8, y: BODY_TOP + 14 },
      end: { x: TEXT_LEFT - 8, y: 64 },
      thickness: 0.5,
      color: GREY,
    });
    // pdf-lib's cost is per drawText call, so the number and time columns are one call each.
    const numbersAt = { size: 9, font, color: GREY, lineHeight: LINE_HEIGHT };
    page.drawText(units, { ...numbersAt, x: MARGIN_LEFT - 8 - digit, y: BODY_TOP });
    page.drawText(tens, { ...numbersAt, x: MARGIN_LEFT - 8 - 2 * digit, y: BODY_TOP - 9 * LINE_HEIGHT });
    const onPage = lines.slice(p * LINES_PER_PAGE, (p + 1) * LINES_PER_PAGE);
    const times = onPage.map((l) => l.time).join('\n');
    if (times.trim())
      page.drawText(times, { x: MARGIN_LEFT, y: BODY_TOP, size: 8, font, color: GREY, lineHeight: LINE_HEIGHT });
    onPage.forEach((l, i) => {
      const ly = BODY_TOP - i * LINE_HEIGHT;
      if (l.procedural) {
        page.drawLine({
          start: { x: TEXT_LEFT + 36, y: ly - 4 },
          end: { x: TEXT_LEFT + 36, y: ly + 12 },
          thickness: 1.5,
          color: GREY,
        });
        if (l.text) text(page, l.text, TEXT_LEFT + l.indent, ly, SIZE - 1, GREY);
        return;
      }
      // The label and the first line of its text in one call: the label's width is the text's indent.
      if (l.speaker) text(page, `${l.speaker}${l.text}`, TEXT_LEFT, ly, SIZE);
      else if (l.text) text(page, l.text, TEXT_LEFT + l.indent, ly, SIZE);
    });
  }

  // Certification page.
  const cert = pdf.addPage(A4);
  frame(cert, total);
  y = 760;
  const certLine = (s: string, size = SIZE, color = INK) => {
    for (const l of wrap(printable(s), A4[0] - MARGIN_RIGHT - MARGIN_LEFT, (t) => m.width(t, size))) {
      text(cert, l, MARGIN_LEFT, y, size, color);
      y -= size * 1.6;
    }
  };
  certLine(words.certification, 16);
  y -= 6;
  certLine(words.certify(total - 1, doc));
  y -= 6;
  certLine(field(words.clerk, doc.clerk ?? '—'));
  certLine(field(words.sealedBy, doc.seal.sealedBy));
  certLine(field(words.sealedAt, doc.seal.sealedAt));
  certLine(field(words.version, String(doc.seal.version)));
  certLine(`${words.sealHash}${words.colon.trimEnd()}`);
  certLine(doc.seal.sha256.slice(0, 32), 10);
  certLine(doc.seal.sha256.slice(32), 10);
  y -= 6;
  certLine(field(words.verify, doc.seal.verifyUrl), 9, GREY);
  const qr = QRCode.create(doc.seal.verifyUrl, { errorCorrectionLevel: 'M' });
  const cell = 3;
  const qrTop = y - 8;
  for (let r = 0; r < qr.modules.size; r++) {
    for (let c = 0; c < qr.modules.size; c++) {
      if (qr.modules.get(r, c)) {
        cert.drawRectangle({
          x: MARGIN_LEFT + c * cell,
          y: qrTop - (r + 1) * cell,
          width: cell,
          height: cell,
          color: INK,
        });
      }
    }
  }

  const sealedAt = new Date(doc.seal.sealedAtIso);
  pdf.setTitle(title);
  pdf.setSubject(words.subject(doc));
  pdf.setKeywords(['transcript', 'sealed', doc.caseNumber, `version ${doc.seal.version}`, `sha256 ${doc.seal.sha256}`]);
  pdf.setAuthor(doc.court);
  pdf.setCreator('Gavel');
  pdf.setProducer('Gavel (pdf-lib)');
  pdf.setCreationDate(sealedAt);
  pdf.setModificationDate(sealedAt);
  const bytes = await pdf.save({ useObjectStreams: false });
  return { pdf: bytes, pages: total, bodyLines: lines.length };
}
