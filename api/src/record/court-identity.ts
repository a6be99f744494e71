import {
  X509Certificate,
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  sign as rsaSign,
  type KeyObject,
} from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';

/** What the court signs with: its private key and the certificate anyone checks signatures against. */
export interface CourtIdentity {
  key: KeyObject;
  /** PEM of the signing certificate (first) and any chain given with a PKCS#12 file. */
  certificatePem: string;
  certificateDer: Buffer;
  /** SHA-256 of the certificate's DER, hex, as `openssl x509 -fingerprint -sha256` shows it (without colons). */
  fingerprint: string;
  subject: string;
  notBefore: string;
  notAfter: string;
  source: 'generated' | 'pkcs12';
  /** Certificates this court signed with before a rotation, newest first: still published. */
  previous: { pem: string; fingerprint: string; subject: string; notBefore: string; notAfter: string }[];
}

export interface SigningConfig {
  dataDir: string;
  sessionSecret: string;
  publicOrigin: string;
  /** CN of a generated certificate. */
  courtName?: string | undefined;
  /** A court's own certificate and key (PKCS#12) instead of a generated one. */
  p12File?: string | undefined;
  p12Password?: string | undefined;
}

export const SIGNING_DIR = 'court-signing';
const KEY_FILE = 'key.enc';
const CERT_FILE = 'certificate.pem';
const RETIRED_DIR = 'retired';

/** The key at rest: AES-256-GCM under a key derived (HKDF) from SESSION_SECRET, like TOTP secrets. */
function boxKey(sessionSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', sessionSecret, 'gavel', 'gavel court signing key v1', 32));
}

export function sealKey(pkcs8Pem: string, sessionSecret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', boxKey(sessionSecret), iv);
  const data = Buffer.concat([cipher.update(pkcs8Pem, 'utf8'), cipher.final()]);
  return `v1.${Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64url')}\n`;
}

export function openKey(sealed: string, sessionSecret: string): string {
  const text = sealed.trim();
  const raw = Buffer.from(text.slice(3), 'base64url');
  if (!text.startsWith('v1.') || raw.length < 29) throw new Error('the court signing key file is not a Gavel key box');
  try {
    const decipher = createDecipheriv('aes-256-gcm', boxKey(sessionSecret), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    throw new Error(
      'the court signing key cannot be opened: SESSION_SECRET is not the one it was created under (or the file was altered)',
    );
  }
}

export function fingerprintOf(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

/** AA:BB:… as openssl and browsers show a fingerprint. */
export function colonFingerprint(hex: string): string {
  return (hex.toUpperCase().match(/../g) ?? []).join(':');
}

function describe(pem: string) {
  const x = new X509Certificate(pem);
  return {
    pem: x.toString(),
    fingerprint: fingerprintOf(x.raw),
    subject: x.subject.replace(/\n/g, ', '),
    notBefore: new Date(x.validFrom).toISOString(),
    notAfter: new Date(x.validTo).toISOString(),
  };
}

/** A self-signed certificate for the court's key: who it says it is (name, Gavel's URL), valid 30 years. */
export function selfSignedCertificate(key: KeyObject, opts: { courtName: string; publicOrigin: string; now?: Date }) {
  const now = opts.now ?? new Date();
  const priv = forge.pki.privateKeyFromPem(key.export({ type: 'pkcs8', format: 'pem' }).toString());
  const pub = forge.pki.setRsaPublicKey((priv as forge.pki.rsa.PrivateKey).n, (priv as forge.pki.rsa.PrivateKey).e);
  const cert = forge.pki.createCertificate();
  cert.publicKey = pub;
  // Positive, 16 random bytes.
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = new Date(now);
  cert.validity.notAfter.setUTCFullYear(now.getUTCFullYear() + 30);
  const host = new URL(opts.publicOrigin).host;
  const attrs = [
    { name: 'commonName', value: `${opts.courtName} (Gavel record signing)` },
    { name: 'organizationName', value: opts.courtName },
    { shortName: 'OU', value: host },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
    { name: 'subjectAltName', altNames: [{ type: 6, value: opts.publicOrigin }] },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(priv, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

function newKey(): KeyObject {
  return generateKeyPairSync('rsa', { modulusLength: 3072 }).privateKey;
}

function retired(dir: string): CourtIdentity['previous'] {
  const r = join(dir, RETIRED_DIR);
  if (!existsSync(r)) return [];
  return readdirSync(r)
    .filter((f) => f.endsWith('.pem'))
    .sort()
    .reverse()
    .map((f) => describe(readFileSync(join(r, f), 'utf8')));
}

function fromPkcs12(file: string, password: string): { key: KeyObject; pems: string[] } {
  const der = readFileSync(file);
  const p12 = forge.pkcs12.pkcs12FromAsn1(
    forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary'))),
    password,
  );
  const keyBag =
    p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[forge.pki.oids.pkcs8ShroudedKeyBag!]?.[0] ??
    p12.getBags({ bagType: forge.pki.oids.keyBag! })[forge.pki.oids.keyBag!]?.[0];
  if (!keyBag?.key) throw new Error(`${file} holds no private key`);
  const key = createPrivateKey(forge.pki.privateKeyToPem(keyBag.key));
  const certs = (p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? []).flatMap((b) =>
    b.cert ? [forge.pki.certificateToPem(b.cert)] : [],
  );
  // The key's own certificate first, then its chain.
  const own = certs.findIndex((pem) => new X509Certificate(pem).checkPrivateKey(key));
  if (own < 0) throw new Error(`${file} holds no certificate for its private key`);
  return { key, pems: [certs[own]!, ...certs.filter((_, i) => i !== own)] };
}

function identity(
  key: KeyObject,
  pems: string[],
  source: CourtIdentity['source'],
  previous: CourtIdentity['previous'],
) {
  const d = describe(pems[0]!);
  const x = new X509Certificate(pems[0]!);
  if (!x.checkPrivateKey(key)) throw new Error('the court signing key does not match its certificate');
  return {
    key,
    certificatePem: pems.map((p) => (p.endsWith('\n') ? p : `${p}\n`)).join(''),
    certificateDer: x.raw,
    fingerprint: d.fingerprint,
    subject: d.subject,
    notBefore: d.notBefore,
    notAfter: d.notAfter,
    source,
    previous,
  } satisfies CourtIdentity;
}

const loaded = new Map<string, CourtIdentity>();

/** As a new process would: the next load reads DATA_DIR again. */
export function forgetLoadedIdentities(): void {
  loaded.clear();
}

/**
 * The court's signing identity: the PKCS#12 file when configured, else the key and self-signed
 * certificate in DATA_DIR/court-signing, created on first start.
 */
export function loadCourtIdentity(c: SigningConfig): CourtIdentity {
  const dir = join(c.dataDir, SIGNING_DIR);
  const cacheKey = [dir, c.p12File, c.p12Password, c.sessionSecret].join('\0');
  const cached = loaded.get(cacheKey);
  if (cached) return cached;
  let id: CourtIdentity;
  if (c.p12File) {
    const { key, pems } = fromPkcs12(c.p12File, c.p12Password ?? '');
    id = identity(key, pems, 'pkcs12', retired(dir));
  } else {
    if (!existsSync(join(dir, KEY_FILE))) createIdentity(c);
    const key = createPrivateKey(openKey(readFileSync(join(dir, KEY_FILE), 'utf8'), c.sessionSecret));
    id = identity(key, [readFileSync(join(dir, CERT_FILE), 'utf8')], 'generated', retired(dir));
  }
  loaded.set(cacheKey, id);
  return id;
}

function createIdentity(c: SigningConfig): void {
  const dir = join(c.dataDir, SIGNING_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const key = newKey();
  const pem = selfSignedCertificate(key, {
    courtName: c.courtName ?? new URL(c.publicOrigin).host,
    publicOrigin: c.publicOrigin,
  });
  writeFileSync(join(dir, CERT_FILE), pem, { mode: 0o644 });
  writeFileSync(
    join(dir, KEY_FILE),
    sealKey(key.export({ type: 'pkcs8', format: 'pem' }).toString(), c.sessionSecret),
    {
      mode: 0o600,
    },
  );
}

/**
 * A new key and certificate; the old certificate moves to court-signing/retired and stays published,
 * so what was signed before still verifies. The old key is not kept. Running instances pick the new
 * key up when they restart.
 */
export function rotateCourtIdentity(c: SigningConfig, now = new Date()): { retired: string; current: CourtIdentity } {
  if (c.p12File) throw new Error('the signing key comes from COURT_SIGNING_P12: replace that file to rotate');
  const dir = join(c.dataDir, SIGNING_DIR);
  const old = loadCourtIdentity(c);
  mkdirSync(join(dir, RETIRED_DIR), { recursive: true });
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  renameSync(join(dir, CERT_FILE), join(dir, RETIRED_DIR, `${stamp}-${old.fingerprint.slice(0, 16)}.pem`));
  createIdentity(c);
  forgetLoadedIdentities();
  return { retired: old.fingerprint, current: loadCourtIdentity(c) };
}

/** RSA PKCS#1 v1.5 with SHA-256, as `openssl dgst -sha256 -verify` checks it. */
export function signDetached(id: CourtIdentity, data: Uint8Array): Buffer {
  return rsaSign('sha256', data, id.key);
}

/** The certificates as published: the current one first, then those it replaced. */
export function publishedPem(id: CourtIdentity): string {
  return [id.certificatePem, ...id.previous.map((p) => p.pem)].join('');
}

export function signingConfig(config: {
  dataDir: string;
  sessionSecret: string;
  publicOrigin: string;
  signing: { courtName?: string | undefined; p12File?: string | undefined; p12Password?: string | undefined };
}): SigningConfig {
  return {
    dataDir: config.dataDir,
    sessionSecret: config.sessionSecret,
    publicOrigin: config.publicOrigin,
    courtName: config.signing.courtName,
    p12File: config.signing.p12File,
    p12Password: config.signing.p12Password,
  };
}
