import { createPrivateKey, X509Certificate } from 'node:crypto';
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { SignPdf } from '@signpdf/signpdf';
import { Signer, SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import { signDetachedCms } from '../verify/cms.ts';
import { colonFingerprint, type CourtIdentity } from './court-identity.ts';

/** What a worker thread needs to sign: plain data, since a KeyObject does not cross threads by postMessage. */
export interface PdfSigningKey {
  keyPem: string;
  certificatesPem: string;
  fingerprint: string;
  location: string;
}

export function pdfSigningKey(id: CourtIdentity, location: string): PdfSigningKey {
  return {
    keyPem: id.key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certificatesPem: id.certificatePem,
    fingerprint: id.fingerprint,
    location,
  };
}

function pemCertificates(pem: string): Buffer[] {
  return [...pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)].map(
    (m) => new X509Certificate(m[0]).raw,
  );
}

class CourtSigner extends Signer {
  private readonly k: PdfSigningKey;
  constructor(k: PdfSigningKey) {
    super();
    this.k = k;
  }
  override sign(data: Buffer): Promise<Buffer> {
    return Promise.resolve(
      signDetachedCms(data, createPrivateKey(this.k.keyPem), pemCertificates(this.k.certificatesPem)),
    );
  }
}

// The signature field sits at the foot of the last (certification) page, above the running stamp.
const BOX = { x: 72, y: 56, width: 360, height: 52 };

/**
 * Signs the whole PDF with the court's key (PAdES baseline B: ETSI.CAdES.detached), with a visible
 * signature box on its last page naming the certificate's fingerprint.
 */
export async function signPdf(pdfBytes: Uint8Array, k: PdfSigningKey, signedAt: Date): Promise<Uint8Array> {
  const pdf = await PDFDocument.load(pdfBytes, { updateMetadata: false });
  const page = pdf.getPages().at(-1)!;
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const ink = rgb(0.1, 0.15, 0.3);
  page.drawRectangle({ ...BOX, borderColor: ink, borderWidth: 0.75 });
  const fp = colonFingerprint(k.fingerprint);
  const lines = [
    'Digitally signed with the court record-signing key (PAdES)',
    `Certificate SHA-256: ${fp.slice(0, 47)}`,
    `${' '.repeat(36)}${fp.slice(48)}`,
    `Signed ${signedAt.toISOString().replace('T', ' ').slice(0, 19)} UTC`,
  ];
  lines.forEach((l, i) =>
    page.drawText(l, { x: BOX.x + 6, y: BOX.y + BOX.height - 12 - i * 11, size: 7.5, font, color: ink }),
  );
  const cert = new X509Certificate(k.certificatesPem);
  pdflibAddPlaceholder({
    pdfPage: page,
    reason: 'Sealed court record',
    contactInfo: k.location,
    name:
      cert.subject
        .split('\n')
        .find((l) => l.startsWith('CN='))
        ?.slice(3) ?? 'Gavel',
    location: k.location,
    signingTime: signedAt,
    signatureLength: 16384,
    subFilter: SUBFILTER_ETSI_CADES_DETACHED,
    widgetRect: [BOX.x, BOX.y, BOX.x + BOX.width, BOX.y + BOX.height],
    appName: 'Gavel',
  });
  const withPlaceholder = await pdf.save({ useObjectStreams: false, updateFieldAppearances: false });
  return new Uint8Array(await new SignPdf().sign(Buffer.from(withPlaceholder), new CourtSigner(k)));
}
