import { PDFDocument, type PDFRef } from 'pdf-lib';
import QRCode from 'qrcode';
import { localeOf, roleWord, wordsFor, type Locale } from '../domain/words/index.ts';
import { embedFont } from '../platform/pdf/font.ts';
import { A4, Content, Glyphs, addPage as addPdfPage, fontResources, type Colour } from '../platform/pdf/page.ts';
import { Measure, printable, wrap } from '../platform/pdf/text.ts';

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
  /** The zone every time in the document is in, as printed: "Asia/Shanghai (GMT+8)". */
  timeZone: string;
  judge: string;
  clerk: string | null;
  /** Who appeared; `represents` is the party a representative acts for or the person an interpreter interprets for. */
  appearances: Array<{ name: string; role: string; represents: string | null; language?: string | null }>;
  /** The judge's rulings on exhibits, in order; `time` in the court's zone. */
  exhibitRulings?: Array<{ label: string; title: string; ruling: 'admitted' | 'rejected'; time: string }>;
  /** Private consultations held: who and when (court time), never what was said. */
  consultations?: Array<{ names: string[]; from: string; to: string | null }>;
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

type Appearance = TranscriptDocument['appearances'][number];
type Ruling = NonNullable<TranscriptDocument['exhibitRulings']>[number];
type Consultation = NonNullable<TranscriptDocument['consultations']>[number];

/** The fixed wording of a transcript in one language, from the catalog's 'pdf.' messages and its role words. */
function wordingIn(locale: Locale) {
  const w = wordsFor(locale);
  return {
    title: w['pdf.title'],
    documentTitle: (caseNumber: string) => w['pdf.documentTitle']({ caseNumber }),
    page: (page: number, pages: number) => w['pdf.page']({ page, pages }),
    header: (d: TranscriptDocument) =>
      w['pdf.header']({ caseNumber: d.caseNumber, date: d.hearingDate, zone: d.timeZone }),
    stamp: (version: number, hash: string) => w['pdf.stamp']({ version, hash }),
    caseNumber: w['pdf.caseNumber'],
    caption: w['pdf.caption'],
    hearing: w['pdf.hearing'],
    date: w['pdf.date'],
    times: w['pdf.times'],
    timesValue: (zone: string) => w['pdf.timesValue']({ zone }),
    judge: w['role.judge'],
    clerk: w['role.clerk'],
    version: w['pdf.version'],
    supersedes: (version: number) => w['pdf.supersedes']({ version }),
    appearances: w['pdf.appearances'],
    /** A role as every other place names it: the catalog's `role.word.<role>`. */
    role: (role: string) => roleWord(locale, role),
    appearance: (a: Appearance, role: string) =>
      w['pdf.appearance']({
        name: a.name,
        role,
        language: a.language ?? null,
        represents: a.represents,
        interprets: a.role === 'interpreter',
      }),
    rulings: w['pdf.rulings'],
    ruling: (r: Ruling) =>
      w['pdf.ruling']({ label: r.label, title: r.title, admitted: r.ruling === 'admitted', time: r.time }),
    consultations: w['pdf.consultations'],
    consultation: (c: Consultation) => w['pdf.consultation']({ names: c.names, from: c.from, to: c.to }),
    certification: w['pdf.certification'],
    certify: (first: number, last: number, d: TranscriptDocument) =>
      w['pdf.certify']({ first, last, caseNumber: d.caseNumber, hearingTitle: d.hearingTitle, date: d.hearingDate }),
    sealedBy: w['pdf.sealedBy'],
    sealedAt: w['pdf.sealedAt'],
    sealHash: w['pdf.sealHash'],
    verify: w['pdf.verify'],
    subject: (d: TranscriptDocument) =>
      w['pdf.subject']({
        court: d.court,
        caseCaption: d.caseCaption,
        hearingTitle: d.hearingTitle,
        date: d.hearingDate,
        version: d.seal.version,
      }),
    colon: w['pdf.colon'],
  };
}

export type TranscriptWording = ReturnType<typeof wordingIn>;

const wording: Record<Locale, TranscriptWording> = { en: wordingIn('en'), 'zh-CN': wordingIn('zh-CN') };

/** The wording for a court's locale; English for any locale without a dictionary. */
export function transcriptWording(locale: string | undefined): TranscriptWording {
  return wording[localeOf(locale)];
}

export interface RenderedTranscript {
  pdf: Uint8Array;
  pages: number;
  /** Numbered lines in the body (the pages between the caption and the certification). */
  bodyLines: number;
}

export const LINES_PER_PAGE = 25;
const MARGIN_LEFT = 72;
const MARGIN_RIGHT = 48;
export const TEXT_LEFT = MARGIN_LEFT + 56;
const BODY_TOP = 740;
const LINE_HEIGHT = 25.2;
const SIZE = 11;
/** A caption line lower than this continues on the next page, clear of the stamp. */
const CAPTION_BOTTOM = 72;

/** Where body line n (1..25) sits, in points from the top of the page: its baseline. */
export const bodyLineBaseline = (n: number) => A4[1] - (BODY_TOP - (n - 1) * LINE_HEIGHT);

const GREY: Colour = [0.35, 0.35, 0.35];
const INK: Colour = [0, 0, 0];
const SEAL_RED: Colour = [0.6, 0.05, 0.05];

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
      // Set apart by its indent, grey type and the bar beside it; no brackets around words that may carry their own.
      const lines = wrap(printable(e.text), full - 48, (s) => m.width(s, SIZE - 1));
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
  const font = await embedFont(pdf);
  const m = new Measure(font);
  const glyphs = new Glyphs(font);
  const lines = layoutBody(doc, m);
  const bodyPages = Math.max(1, Math.ceil(lines.length / LINES_PER_PAGE));
  const shortHash = doc.seal.sha256.slice(0, 12);
  const words = transcriptWording(doc.locale);
  const title = words.documentTitle(doc.caseNumber);
  const field = (label: string, value: string) => `${label}${words.colon}${value}`;
  const [w, h] = A4;

  // Every page shares one resource dictionary (the font) and the frame's stream: the running header,
  // its rule and the stamp are the same on every page, so they are written and compressed once.
  const resources = fontResources(pdf, font);
  const frame = new Content(glyphs);
  frame.text(words.header(doc), MARGIN_LEFT, h - 40, 9, GREY);
  frame.line(MARGIN_LEFT, h - 48, w - MARGIN_RIGHT, h - 48, 0.5, GREY);
  // The stamp: version and short hash of the seal, on every page.
  const stamp = words.stamp(doc.seal.version, shortHash);
  const sw = m.width(stamp, 8) + 12;
  frame.box(w - MARGIN_RIGHT - sw, 24, sw, 18, 1, SEAL_RED);
  frame.text(stamp, w - MARGIN_RIGHT - sw + 6, 30, 8, SEAL_RED);
  const frameRef = frame.stream(pdf);

  /** A page of its own content after the shared streams, with "Page n of total" at its head. */
  const addPage = (n: number, total: number, content: Content, shared: PDFRef[]) => {
    const pageLabel = words.page(n, total);
    content.text(pageLabel, w - MARGIN_RIGHT - m.width(pageLabel, 9), h - 40, 9, GREY);
    addPdfPage(pdf, A4, resources, shared, content);
  };

  // Caption page(s): a long list of appearances continues on the next page.
  const captions = [new Content(glyphs)];
  let y = 760;
  const line = (s: string, size = SIZE, color = INK, x = MARGIN_LEFT) => {
    for (const l of wrap(printable(s), A4[0] - MARGIN_RIGHT - x, (t) => m.width(t, size))) {
      if (y < CAPTION_BOTTOM) {
        captions.push(new Content(glyphs));
        y = 760;
      }
      captions.at(-1)!.text(l, x, y, size, color);
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
  line(field(words.times, words.timesValue(doc.timeZone)));
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
    line(words.appearance(a, words.role(a.role)), SIZE, INK, MARGIN_LEFT + 12);
  }
  if (doc.exhibitRulings?.length) {
    y -= 10;
    line(words.rulings, 13);
    for (const r of doc.exhibitRulings) line(words.ruling(r), SIZE, INK, MARGIN_LEFT + 12);
  }
  if (doc.consultations?.length) {
    y -= 10;
    line(words.consultations, 13);
    for (const c of doc.consultations) line(words.consultation(c), SIZE, INK, MARGIN_LEFT + 12);
  }
  const firstBodyPage = captions.length + 1;
  const total = captions.length + bodyPages + 1;
  captions.forEach((caption, i) => addPage(i + 1, total, caption, [frameRef]));

  // Body: 25 numbered lines a page. The margin rule and the line numbers are the same on every body
  // page: one more shared stream. Numbers are right-aligned: 1–9 one digit further in (the font's digits share a width).
  const digit = m.width('0', 9);
  const margin = new Content(glyphs)
    .line(TEXT_LEFT - 8, BODY_TOP + 14, TEXT_LEFT - 8, 64, 0.5, GREY)
    .text(
      Array.from({ length: 9 }, (_, i) => String(i + 1)),
      MARGIN_LEFT - 8 - digit,
      BODY_TOP,
      9,
      GREY,
      LINE_HEIGHT,
    )
    .text(
      Array.from({ length: LINES_PER_PAGE - 9 }, (_, i) => String(i + 10)),
      MARGIN_LEFT - 8 - 2 * digit,
      BODY_TOP - 9 * LINE_HEIGHT,
      9,
      GREY,
      LINE_HEIGHT,
    );
  const marginRef = margin.stream(pdf);
  for (let p = 0; p < bodyPages; p++) {
    const body = new Content(glyphs);
    const onPage = lines.slice(p * LINES_PER_PAGE, (p + 1) * LINES_PER_PAGE);
    const times = onPage.map((l) => l.time);
    if (times.some((t) => t.trim())) body.text(times, MARGIN_LEFT, BODY_TOP, 8, GREY, LINE_HEIGHT);
    onPage.forEach((l, i) => {
      const ly = BODY_TOP - i * LINE_HEIGHT;
      if (l.procedural) {
        body.line(TEXT_LEFT + 36, ly - 4, TEXT_LEFT + 36, ly + 12, 1.5, GREY);
        if (l.text) body.text(l.text, TEXT_LEFT + l.indent, ly, SIZE - 1, GREY);
        return;
      }
      // The label and the first line of its text in one run: the label's width is the text's indent.
      if (l.speaker) body.text(`${l.speaker}${l.text}`, TEXT_LEFT, ly, SIZE, INK);
      else if (l.text) body.text(l.text, TEXT_LEFT + l.indent, ly, SIZE, INK);
    });
    addPage(firstBodyPage + p, total, body, [frameRef, marginRef]);
  }

  // Certification page.
  const cert = new Content(glyphs);
  y = 760;
  const certLine = (s: string, size = SIZE, color = INK) => {
    for (const l of wrap(printable(s), A4[0] - MARGIN_RIGHT - MARGIN_LEFT, (t) => m.width(t, size))) {
      cert.text(l, MARGIN_LEFT, y, size, color);
      y -= size * 1.6;
    }
  };
  certLine(words.certification, 16);
  y -= 6;
  certLine(words.certify(firstBodyPage, total - 1, doc));
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
  const dark: Array<[number, number]> = [];
  for (let r = 0; r < qr.modules.size; r++) {
    for (let c = 0; c < qr.modules.size; c++) {
      if (qr.modules.get(r, c)) dark.push([MARGIN_LEFT + c * cell, qrTop - (r + 1) * cell]);
    }
  }
  cert.squares(dark, cell, INK);
  addPage(total, total, cert, [frameRef]);

  const sealedAt = new Date(doc.seal.sealedAtIso);
  pdf.setTitle(title);
  pdf.setSubject(words.subject(doc));
  pdf.setKeywords(['transcript', 'sealed', doc.caseNumber, `version ${doc.seal.version}`, `sha256 ${doc.seal.sha256}`]);
  pdf.setAuthor(doc.court);
  pdf.setCreator('Gavel');
  pdf.setProducer('Gavel (pdf-lib)');
  pdf.setCreationDate(sealedAt);
  pdf.setModificationDate(sealedAt);
  // Rendering runs in a worker thread of its own: no need to yield every 50 objects while writing.
  const bytes = await pdf.save({ useObjectStreams: false, objectsPerTick: Number.POSITIVE_INFINITY });
  return { pdf: bytes, pages: total, bodyLines: lines.length };
}
