import { X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TranscriptDocument } from './pdf.ts';
import { renderInWorker } from './render.ts';
import { darkPixels, pdfSig, pdfText, qpdfCheck, renderPage } from '../../test/pdf-tools.ts';
import { MAX_SIGNATURE_HEX, checkPdfSignature, checkPdfSignatureFile } from '../verify/pdf-signature.ts';
import { loadCourtIdentity, type CourtIdentity } from './court-identity.ts';
import { pdfSigningKey } from './pades.ts';

const HASH = 'ab12'.repeat(16);
const ZH = '本院认为被告应当承担违约责任';
const doc: TranscriptDocument = {
  locale: 'zh-CN',
  court: '上海市黄浦区人民法院',
  caseNumber: '(2026)沪0101民初123号',
  caseCaption: 'Zhang v. Li 张三诉李四',
  hearingTitle: 'First hearing',
  hearingDate: '2026-11-29',
  timeZone: 'GMT+8 (Asia/Shanghai)',
  judge: 'Judge Wang 王法官',
  clerk: 'Clerk Wu',
  appearances: [{ name: '张三', role: 'plaintiff', represents: null }],
  entries: Array.from({ length: 40 }, (_, i) => ({
    seq: i + 1,
    speaker: i % 2 ? '审判员' : 'Counsel',
    time: '10:00:00',
    text: i % 2 ? ZH : `Line ${i} of the record.`,
    procedural: false,
  })),
  seal: {
    sha256: HASH,
    version: 1,
    supersedesVersion: null,
    sealedBy: 'Clerk Wu',
    sealedAt: '2026-11-29 17:00 (Asia/Shanghai)',
    sealedAtIso: '2026-11-29T09:00:00.000Z',
    verifyUrl: `http://gavel.test/verify/${HASH}`,
  },
};

let id: CourtIdentity;
let signed: Uint8Array;
let unsigned: Uint8Array;
let pages: number;
beforeAll(async () => {
  id = loadCourtIdentity({
    dataDir: mkdtempSync(join(tmpdir(), 'gavel-pades-')),
    sessionSecret: 'pades-test-secret-pades-test-secret-0',
    publicOrigin: 'https://court.example.org',
    courtName: 'Huangpu District Court',
  });
  const [s, u] = await Promise.all([
    renderInWorker(doc, pdfSigningKey(id, 'https://court.example.org')),
    renderInWorker(doc),
  ]);
  signed = s.pdf;
  unsigned = u.pdf;
  pages = s.pages;
});

/** One byte changed well inside the signed range (a page's content, not the signature). */
function tamper(pdf: Uint8Array): Uint8Array {
  const out = Uint8Array.from(pdf);
  const at = Buffer.from(out).indexOf('Line 2 of the record');
  const i = at > 0 ? at : 2000;
  out[i] = out[i] === 0x41 ? 0x42 : 0x41;
  return out;
}

describe('the signed sealed PDF (PAdES baseline B)', () => {
  it('pdfsig says the signature is valid and covers the total document; qpdf --check stays clean', () => {
    const report = pdfSig(signed);
    expect(report).toContain('Signature is Valid');
    expect(report).toContain('Total document signed');
    expect(report).toContain('ETSI.CAdES.detached');
    expect(qpdfCheck(signed).ok).toBe(true);
    expect(pdfSig(unsigned)).toMatch(/does not contain any signatures/);
  });

  it('one changed byte makes pdfsig and Gavel’s own check say it is not valid', () => {
    const forged = tamper(signed);
    expect(pdfSig(forged)).not.toContain('Signature is Valid');
    const check = checkPdfSignature(forged);
    expect(check.ok).toBe(false);
    expect(check.problem).toMatch(/digest does not match/);
  });

  it('bytes appended after signing are not "the whole document"', () => {
    const appended = Buffer.concat([Buffer.from(signed), Buffer.from('\n% added later\n')]);
    expect(pdfSig(appended)).not.toContain('Total document signed');
    expect(checkPdfSignature(appended)).toMatchObject({ ok: false, wholeDocument: false });
  });

  it("is signed by the court's certificate, by Gavel's own dependency-free check too", () => {
    const check = checkPdfSignature(signed);
    expect(check).toMatchObject({ ok: true, wholeDocument: true, signedAt: '2026-11-29T09:00:00' });
    expect(check.certificate?.raw.equals(new X509Certificate(id.certificatePem).raw)).toBe(true);
  });

  it('shows the signature on the certification page and leaves every other page as it was', () => {
    const dpi = 50;
    const box = { left: 72, top: 842 - 108, right: 432, bottom: 842 - 56 };
    expect(darkPixels(renderPage(signed, pages, dpi), dpi, box)).toBeGreaterThan(
      darkPixels(renderPage(unsigned, pages, dpi), dpi, box) + 100,
    );
    for (const p of [1, 2]) {
      expect(
        Buffer.from(renderPage(signed, p, dpi).pixels).equals(Buffer.from(renderPage(unsigned, p, dpi).pixels)),
      ).toBe(true);
    }
    expect(pdfText(signed, pages)).toContain('Digitally signed with the court record-signing key');
    expect(pdfText(signed)).toContain(ZH);
  });
});

describe('the signature check on a file (an upload to verify)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gavel-sigfile-'));
  const onDisk = (name: string, bytes: Uint8Array) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };
  const plain = (c: Awaited<ReturnType<typeof checkPdfSignatureFile>>) => ({
    ...c,
    certificate: c.certificate?.fingerprint256,
  });

  it('says what the in-memory check says: signed, tampered, appended, unsigned', async () => {
    const cases = {
      signed,
      forged: tamper(signed),
      appended: Buffer.concat([Buffer.from(signed), Buffer.from('\n% added later\n')]),
      unsigned,
    };
    for (const [name, bytes] of Object.entries(cases)) {
      expect(plain(await checkPdfSignatureFile(onDisk(`${name}.pdf`, bytes))), name).toEqual(
        plain(checkPdfSignature(bytes)),
      );
    }
    expect(await checkPdfSignatureFile(join(dir, 'signed.pdf'))).toMatchObject({ ok: true, wholeDocument: true });
  });

  it('finds a byte range that straddles its 1 MiB read chunks', async () => {
    // The signed PDF pushed along so its /ByteRange sits across the first chunk boundary: the range's
    // offsets then no longer fit the bytes, so it must be found and called malformed or not whole.
    const at = Buffer.from(signed).indexOf('/ByteRange');
    const pad = 1024 * 1024 - at - 5;
    const shifted = Buffer.concat([Buffer.alloc(pad, 0x20), Buffer.from(signed)]);
    const c = await checkPdfSignatureFile(onDisk('shifted.pdf', shifted));
    expect(c.problem).not.toBe('the PDF carries no signature');
    expect(plain(c)).toEqual(plain(checkPdfSignature(shifted)));
  });

  it('refuses a /Contents larger than any court signature without decoding it', async () => {
    const size = 4 * 1024 * 1024;
    const c = size - 64;
    const head = `%PDF-1.7\n<< /ByteRange [0 100 ${c} ${size - c}] /Contents `;
    const body = Buffer.alloc(size, 0x61);
    body.write(head.padEnd(100, ' '), 0, 'latin1');
    body[100] = 0x3c;
    body[c - 1] = 0x3e;
    expect(c - 100 - 2).toBeGreaterThan(MAX_SIGNATURE_HEX);
    for (const check of [await checkPdfSignatureFile(onDisk('huge.pdf', body)), checkPdfSignature(body)])
      expect(check).toMatchObject({ ok: false, problem: 'the signature contents are too large' });
  });
});
