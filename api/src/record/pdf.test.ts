import { describe, expect, it } from 'vitest';
import { LINES_PER_PAGE, TEXT_LEFT, bodyLineBaseline, renderTranscript, type TranscriptDocument } from './pdf.ts';
import { A4 } from '../platform/pdf/page.ts';
import { wrap } from '../platform/pdf/text.ts';
import { renderInWorker } from './render.ts';
import { darkPixels, pdfInfo, pdfPages, pdfText, qpdfCheck, renderPage } from '../../test/pdf-tools.ts';

const HASH = 'c0ffee'.repeat(10) + 'abcd';
const ZH = '本院认为被告应当承担违约责任并赔偿原告经济损失人民币五万元整';
const EN = 'The plaintiff asks the court to admit exhibit twelve into evidence.';

function doc(entries: TranscriptDocument['entries']): TranscriptDocument {
  return {
    court: '上海市黄浦区人民法院 Huangpu District Court',
    caseNumber: '(2026)沪0101民初123号',
    caseCaption: 'Zhang v. Li 张三诉李四',
    hearingTitle: 'First hearing',
    hearingDate: '2026-11-29',
    timeZone: 'GMT+8 (Asia/Shanghai)',
    judge: 'Judge Wang 王法官',
    clerk: 'Clerk Wu',
    appearances: [
      { name: '张三', role: 'plaintiff', represents: null },
      { name: 'Li Si', role: 'defendant', represents: null },
      { name: 'Counsel Chen', role: 'agent', represents: '张三' },
    ],
    entries,
    seal: {
      sha256: HASH,
      version: 2,
      supersedesVersion: 1,
      sealedBy: 'Clerk Wu',
      sealedAt: '2026-11-29 17:00 (Asia/Shanghai)',
      sealedAtIso: '2026-11-29T09:00:00.000Z',
      verifyUrl: `http://gavel.test/verify/${HASH}`,
    },
  };
}

const oneLiners = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    seq: i + 1,
    speaker: 'A',
    time: '10:00:00',
    text: i % 2 ? `${ZH.slice(0, 10)} ${i}` : `Line ${i} in English.`,
    procedural: false,
  }));

describe('the sealed PDF', () => {
  it('passes qpdf --check, gives back English, Chinese, the case number and the metadata', async () => {
    const r = await renderTranscript(
      doc([
        { seq: 1, speaker: '审判员', time: '09:30:00', text: ZH, procedural: false },
        { seq: 2, speaker: 'Counsel Chen', time: '09:31:10', text: EN, procedural: false },
        { seq: 3, speaker: 'Court', time: '09:32:00', text: 'Hearing in recess', procedural: true },
        { seq: 4, speaker: 'Counsel Chen', time: '09:33:00', text: '<script>alert(1)</script>', procedural: false },
      ]),
    );
    const check = qpdfCheck(r.pdf);
    expect(check.output).toContain('No syntax or stream encoding errors');
    expect(check.ok).toBe(true);
    const text = pdfText(r.pdf);
    expect(text).toContain(ZH);
    expect(text).toContain(EN);
    expect(text).toContain('(2026)沪0101民初123号');
    expect(text).toContain('<script>alert(1)</script>');
    // Gavel's note: its time in the time column once, its words set apart by layout, no brackets ("[[09:32] …]").
    expect(text).toContain('3 09:32:00');
    expect(text).toContain('Hearing in recess');
    expect(text).not.toContain('[');
    expect(text).toContain('Counsel Chen — representative, for 张三');
    expect(text).toContain(HASH.slice(0, 32));
    const info = pdfInfo(r.pdf);
    expect(info).toMatch(/^Title:\s+Transcript of proceedings — \(2026\)沪0101民初123号/m);
    expect(info).toMatch(/^Subject:\s+.*Sealed version 2\./m);
    expect(info).toMatch(/^Keywords:\s+.*sha256 c0ffee/m);
    // A few KB of subset font, not the 10 MB face.
    expect(r.pdf.length).toBeLessThan(200_000);
  });

  it('draws the Chinese glyphs: dark pixels where a Chinese line is, none on an empty line', async () => {
    const r = await renderTranscript(doc([{ seq: 1, speaker: 'A', time: '09:30:00', text: ZH, procedural: false }]));
    const img = renderPage(r.pdf, 2, 50);
    const band = (n: number) => ({
      left: TEXT_LEFT + 20,
      right: A4[0] - 50,
      top: bodyLineBaseline(n) - 11,
      bottom: bodyLineBaseline(n) + 2,
    });
    const chinese = darkPixels(img, 50, band(1));
    const empty = darkPixels(img, 50, band(10));
    expect(empty).toBe(0);
    // ~30 glyphs at 11 pt: blank (.notdef-less) glyphs would leave this near zero.
    expect(chinese).toBeGreaterThan(150);
  });

  it('numbers 25 lines a page: the page count follows the line count, and every page carries the stamp', async () => {
    for (const n of [1, 25, 26, 50, 60]) {
      const r = await renderTranscript(doc(oneLiners(n)));
      expect(r.bodyLines).toBe(n);
      const pages = pdfPages(r.pdf);
      expect(pages).toBe(2 + Math.ceil(n / LINES_PER_PAGE));
      expect(r.pages).toBe(pages);
      for (let p = 1; p <= pages; p++) {
        const text = pdfText(r.pdf, p);
        expect(text).toContain(`GAVEL SEAL v2 · ${HASH.slice(0, 12)}`);
        expect(text).toContain(`Page ${p} of ${pages}`);
        expect(text).toContain('(2026)沪0101民初123号 · 2026-11-29 · times in GMT+8 (Asia/Shanghai)');
      }
    }
  });

  it('prints its fixed wording in the court’s language: a Chinese court’s transcript is in Chinese', async () => {
    const entries = [{ seq: 1, speaker: '审判员', time: '09:30:00', text: ZH, procedural: false }];
    const zh = await renderTranscript({ ...doc(entries), locale: 'zh-CN' });
    const text = pdfText(zh.pdf);
    for (const fixed of [
      '庭审笔录',
      '案号：(2026)沪0101民初123号',
      '审判员：Judge Wang 王法官',
      '版本：2（取代第 1 版）',
      '到庭人员',
      '张三 — 原告',
      'Counsel Chen — 代理人（代理 张三）',
      '书记员证明',
      '封存人：Clerk Wu',
      '封存时间：2026-11-29 17:00 (Asia/Shanghai)',
      '核验：http://gavel.test/verify/',
    ]) {
      expect(text).toContain(fixed);
    }
    // One page of record reads as one page, not "pages 2 to 2".
    expect(text.replace(/\s+/g, '')).toContain('本人证明，第2页如实、完整地记录了');
    for (let p = 1; p <= zh.pages; p++) {
      const page = pdfText(zh.pdf, p);
      expect(page).toContain(`第 ${p} 页，共 ${zh.pages} 页`);
      expect(page).toContain(`GAVEL 电子封存 第 2 版 · ${HASH.slice(0, 12)}`);
    }
    for (const english of [
      'Transcript of proceedings',
      'Certification',
      'I certify',
      'Page 1 of',
      'GAVEL SEAL',
      'Sealed by',
    ]) {
      expect(text).not.toContain(english);
    }
    expect(pdfInfo(zh.pdf)).toMatch(/^Title:\s+庭审笔录 — \(2026\)沪0101民初123号/m);

    // And an English court's has none of the Chinese fixed wording.
    const en = pdfText((await renderTranscript(doc(entries))).pdf);
    expect(en).toContain('Certification');
    expect(en.replace(/\s+/g, ' ')).toContain('I certify that page 2 is a true and complete record');
    const longer = pdfText((await renderTranscript(doc(oneLiners(40)))).pdf).replace(/\s+/g, ' ');
    expect(longer).toMatch(/I certify that pages 2 to \d+ are a true and complete record/);
    for (const chinese of ['庭审笔录', '书记员证明', '到庭人员', '封存人']) expect(en).not.toContain(chinese);
  });

  it('says which zone its times are in, on the caption page and in the header of every page', async () => {
    const r = await renderTranscript(doc(oneLiners(30)));
    expect(pdfText(r.pdf, 1)).toContain('Times: court time, GMT+8 (Asia/Shanghai)');
    const zh = await renderTranscript({ ...doc(oneLiners(30)), locale: 'zh-CN' });
    expect(pdfText(zh.pdf, 1)).toContain('时间：法院时间，GMT+8 (Asia/Shanghai)');
    for (let p = 1; p <= zh.pages; p++) expect(pdfText(zh.pdf, p)).toContain('· 时间：GMT+8 (Asia/Shanghai)');
  });

  it('notes interpreters with their language, exhibit rulings and consultations (when, never what was said)', async () => {
    const full: TranscriptDocument = {
      ...doc(oneLiners(3)),
      appearances: [
        ...doc([]).appearances,
        { name: 'Wang Yi', role: 'interpreter', represents: 'Li Si', language: 'Mandarin 普通话' },
      ],
      exhibitRulings: [
        { label: 'P-1', title: 'Lease', ruling: 'admitted', time: '10:12' },
        { label: 'D-1', title: 'Photo', ruling: 'rejected', time: '10:40' },
      ],
      consultations: [
        { names: ['张三', 'Counsel Chen'], from: '10:20', to: '10:31' },
        { names: ['Li Si'], from: '11:02', to: null },
      ],
    };
    const en = pdfText((await renderTranscript(full)).pdf, 1).replace(/\s+/g, ' ');
    for (const s of [
      'Wang Yi — interpreter (Mandarin 普通话), for Li Si',
      'Exhibit rulings',
      'Exhibit P-1 “Lease” — admitted at 10:12',
      'Exhibit D-1 “Photo” — not admitted at 10:40',
      'Private consultations',
      '张三, Counsel Chen — 10:20 to 10:31 (not recorded)',
      'Li Si — from 11:02 (not recorded)',
    ])
      expect(en).toContain(s);
    const zh = pdfText((await renderTranscript({ ...full, locale: 'zh-CN' })).pdf, 1).replace(/\s+/g, ' ');
    for (const s of [
      'Wang Yi — 翻译人员（Mandarin 普通话）（为 Li Si 翻译）',
      '证据采纳情况',
      '证据 P-1“Lease”— 10:12 采纳',
      '证据 D-1“Photo”— 10:40 不予采纳',
      '私下协商',
      '张三、Counsel Chen — 10:20 至 10:31（未录音录像）',
    ])
      expect(zh).toContain(s);
  });

  it('continues a long caption on a second page; the certificate names the record’s pages as they are', async () => {
    const crowd = Array.from({ length: 60 }, (_, i) => ({
      name: `Witness ${i + 1}`,
      role: 'witness',
      represents: null,
    }));
    const r = await renderTranscript({ ...doc(oneLiners(3)), appearances: crowd });
    expect(r.pages).toBe(4);
    expect(pdfText(r.pdf, 2)).toContain('Witness 60');
    expect(pdfText(r.pdf, 2)).toContain('Page 2 of 4');
    const cert = pdfText(r.pdf, 4).replace(/\s+/g, ' ');
    expect(cert).toContain('I certify that page 3 is a true and complete record');
    expect(cert).not.toMatch(/pages (\d+) to \1\b/);
  });

  it('wraps long entries: English between words, Chinese between characters', () => {
    const width = (s: string) => s.length;
    expect(wrap('aaa bbb ccc', 7, width)).toEqual(['aaa bbb', 'ccc']);
    expect(wrap('一二三四五六七八', 3, width)).toEqual(['一二三', '四五六', '七八']);
    expect(wrap('x\ny', 10, width)).toEqual(['x', 'y']);
    expect(wrap('abcdefghij', 4, width)).toEqual(['abcd', 'efgh', 'ij']);
  });

  it('renders in a worker thread, the same bytes as in-thread', async () => {
    const d = doc(oneLiners(30));
    const [inWorker, inThread] = await Promise.all([renderInWorker(d), renderTranscript(d)]);
    expect(inWorker.pages).toBe(inThread.pages);
    expect(Buffer.from(inWorker.pdf).equals(Buffer.from(inThread.pdf))).toBe(true);
  });
});
