// CMS SignedData (RFC 5652), detached, as PAdES baseline B wants it: content-type, message-digest
// and ESS signing-certificate-v2 signed attributes, no signing-time (the PDF's /M holds it).
// Node built-ins only (see der.ts).
import { X509Certificate, createHash, sign, verify, type KeyObject } from 'node:crypto';
import { children, ctx, int, nul, octets, oid, oidString, read, seq, set, type Tlv } from './der.ts';

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRsa: '1.2.840.113549.1.1.11',
};

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest();

/** The issuer Name and serial INTEGER of a certificate, as DER. */
function issuerAndSerial(certDer: Uint8Array): Buffer {
  const tbs = children(children(read(certDer))[0]!);
  const hasVersion = tbs[0]!.tag === 0xa0;
  const serial = tbs[hasVersion ? 1 : 0]!;
  const issuer = tbs[hasVersion ? 3 : 2]!;
  return seq(issuer.raw, serial.raw);
}

/** A detached CMS signature over `content` by `key`, carrying `certificates` (the signer's first). */
export function signDetachedCms(content: Uint8Array, key: KeyObject, certificates: Uint8Array[]): Buffer {
  const cert = certificates[0]!;
  const attrs = [
    seq(oid(OID.contentType), set(oid(OID.data))),
    seq(oid(OID.messageDigest), set(octets(sha256(content)))),
    seq(oid(OID.signingCertificateV2), set(seq(seq(seq(octets(sha256(cert))))))),
  ].sort(Buffer.compare);
  const signedAttrs = set(...attrs);
  const signature = sign('sha256', signedAttrs, key);
  const signerInfo = seq(
    int(1),
    issuerAndSerial(cert),
    seq(oid(OID.sha256)),
    ctx(0, ...attrs),
    seq(oid(OID.rsaEncryption), nul()),
    octets(signature),
  );
  const signedData = seq(
    int(1),
    set(seq(oid(OID.sha256))),
    seq(oid(OID.data)),
    ctx(0, ...certificates),
    set(signerInfo),
  );
  return seq(oid(OID.signedData), ctx(0, signedData));
}

export interface CmsCheck {
  ok: boolean;
  /** Why not, when not ok. */
  problem?: string;
  /** The signer's certificate as carried in the signature. */
  certificate?: X509Certificate;
}

/** Checks a detached CMS signature over `content`: digest, signature, and the signing-certificate binding. */
export function verifyDetachedCms(cms: Uint8Array, content: Uint8Array): CmsCheck {
  return verifyDetachedCmsDigest(cms, sha256(content));
}

/** The same, given the content's SHA-256 (so the content can be hashed as it streams). */
export function verifyDetachedCmsDigest(cms: Uint8Array, contentSha256: Uint8Array): CmsCheck {
  let info: Tlv[];
  try {
    const ci = children(read(cms));
    if (oidString(ci[0]!.value) !== OID.signedData) return { ok: false, problem: 'not a CMS SignedData' };
    const sd = children(children(ci[1]!)[0]!);
    const certs = sd.find((t) => t.tag === 0xa0);
    const signerInfos = children(sd.at(-1)!);
    if (!certs || signerInfos.length !== 1) return { ok: false, problem: 'expected one signer and its certificate' };
    info = children(signerInfos[0]!);
    const certificates = children(certs).map((c) => new X509Certificate(Buffer.from(c.raw)));
    const sid = Buffer.from(info[1]!.raw);
    const certificate = certificates.find((c) => issuerAndSerial(c.raw).equals(sid));
    if (!certificate) return { ok: false, problem: 'the signer certificate is not in the signature' };
    const digestAlg = oidString(children(info[2]!)[0]!.value);
    if (digestAlg !== OID.sha256) return { ok: false, problem: `unsupported digest ${digestAlg}`, certificate };
    const signedAttrs = info[3]!;
    if (signedAttrs.tag !== 0xa0) return { ok: false, problem: 'no signed attributes', certificate };
    const attrs = new Map(
      children(signedAttrs).map((a) => {
        const [type, values] = children(a);
        return [oidString(type!.value), children(values!)[0]!] as const;
      }),
    );
    const digest = attrs.get(OID.messageDigest);
    if (!digest || !Buffer.from(digest.value).equals(contentSha256))
      return { ok: false, problem: 'the signed digest does not match the content', certificate };
    const essCert = attrs.get(OID.signingCertificateV2);
    if (essCert) {
      const certHash = children(children(children(essCert)[0]!)[0]!).find((t) => t.tag === 0x04);
      if (!certHash || !Buffer.from(certHash.value).equals(sha256(certificate.raw)))
        return { ok: false, problem: 'the signing-certificate attribute names another certificate', certificate };
    }
    const asSet = Buffer.from(signedAttrs.raw);
    asSet[0] = 0x31;
    const sigAlg = oidString(children(info[4]!)[0]!.value);
    if (sigAlg !== OID.rsaEncryption && sigAlg !== OID.sha256WithRsa)
      return { ok: false, problem: `unsupported signature algorithm ${sigAlg}`, certificate };
    const good = verify('sha256', asSet, certificate.publicKey, info[5]!.value);
    return good ? { ok: true, certificate } : { ok: false, problem: 'the signature does not verify', certificate };
  } catch (err) {
    return { ok: false, problem: `unreadable signature (${err instanceof Error ? err.message : String(err)})` };
  }
}
