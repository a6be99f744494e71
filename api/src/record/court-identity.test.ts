import { X509Certificate, generateKeyPairSync, verify } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { testApp } from '../../test/app.ts';
import {
  forgetLoadedIdentities,
  loadCourtIdentity,
  rotateCourtIdentity,
  selfSignedCertificate,
  signDetached,
  type SigningConfig,
} from './court-identity.ts';

const SECRET = 'a-session-secret-of-at-least-32-chars';
const fresh = (over: Partial<SigningConfig> = {}): SigningConfig => ({
  dataDir: mkdtempSync(join(tmpdir(), 'gavel-signing-')),
  sessionSecret: SECRET,
  publicOrigin: 'https://court.example.org',
  courtName: 'Riverside District Court',
  ...over,
});

describe('the court signing identity', () => {
  it('is created on first start: an RSA-3072 key sealed under SESSION_SECRET and a self-signed certificate naming the court and its URL', () => {
    const c = fresh();
    const id = loadCourtIdentity(c);
    const dir = join(c.dataDir, 'court-signing');
    const keyFile = readFileSync(join(dir, 'key.enc'), 'utf8');
    expect(keyFile).not.toMatch(/PRIVATE KEY/);
    expect(keyFile).toMatch(/^v1\./);
    const x = new X509Certificate(readFileSync(join(dir, 'certificate.pem')));
    expect(x.subject).toContain('Riverside District Court');
    expect(x.subjectAltName).toContain('https://court.example.org');
    expect(x.checkPrivateKey(id.key)).toBe(true);
    expect(x.verify(x.publicKey)).toBe(true);
    expect(id.key.asymmetricKeyDetails?.modulusLength).toBe(3072);
    expect(id.fingerprint).toBe(x.fingerprint256.replace(/:/g, '').toLowerCase());
    const sig = signDetached(id, Buffer.from('manifest'));
    expect(verify('sha256', Buffer.from('manifest'), x.publicKey, sig)).toBe(true);
  });

  it('is the same key after a restart, and cannot be opened under another SESSION_SECRET', () => {
    const c = fresh();
    const first = loadCourtIdentity(c);
    forgetLoadedIdentities();
    const again = loadCourtIdentity(c);
    expect(again.fingerprint).toBe(first.fingerprint);
    expect(() => loadCourtIdentity({ ...c, sessionSecret: 'x'.repeat(40) })).toThrow(/SESSION_SECRET/);
  });

  it('rotates to a new key and keeps the old certificate published', () => {
    const c = fresh();
    const old = loadCourtIdentity(c);
    const { current } = rotateCourtIdentity(c);
    expect(current.fingerprint).not.toBe(old.fingerprint);
    expect(current.previous.map((p) => p.fingerprint)).toEqual([old.fingerprint]);
    expect(readdirSync(join(c.dataDir, 'court-signing', 'retired'))).toHaveLength(1);
    const twice = rotateCourtIdentity(c).current;
    expect(twice.previous.map((p) => p.fingerprint)).toEqual([current.fingerprint, old.fingerprint]);
  });

  it("uses a court's own PKCS#12 file when configured, and writes no key of its own", () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = selfSignedCertificate(privateKey, { courtName: 'PKI Court', publicOrigin: 'https://pki.example.org' });
    const p12 = forge.pkcs12.toPkcs12Asn1(
      forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
      [forge.pki.certificateFromPem(pem)],
      'p12 password',
      { algorithm: '3des' },
    );
    const c = fresh();
    const file = join(c.dataDir, 'court.p12');
    writeFileSync(file, Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary'));
    const id = loadCourtIdentity({ ...c, p12File: file, p12Password: 'p12 password' });
    expect(id.source).toBe('pkcs12');
    expect(id.fingerprint).toBe(new X509Certificate(pem).fingerprint256.replace(/:/g, '').toLowerCase());
    expect(existsSync(join(c.dataDir, 'court-signing', 'key.enc'))).toBe(false);
    expect(() => loadCourtIdentity({ ...c, p12File: file, p12Password: 'wrong' })).toThrow();
  });
});

describe('the published certificate', () => {
  let t: TestDatabase;
  let app: FastifyInstance;
  beforeAll(async () => {
    t = await createTestDatabase();
    app = await testApp(t.db);
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  it('is at /.well-known/gavel/court.pem and /api/court-certificate, for anyone', async () => {
    const pem = await app.inject({ method: 'GET', url: '/.well-known/gavel/court.pem' });
    expect(pem.statusCode).toBe(200);
    expect(pem.headers['content-type']).toContain('application/x-pem-file');
    const x = new X509Certificate(pem.body);
    expect(x.checkPrivateKey(app.courtIdentity.key)).toBe(true);
    const json = await app.inject({ method: 'GET', url: '/api/court-certificate' });
    expect(json.statusCode).toBe(200);
    const body = json.json<{ current: { fingerprint: string; fingerprintColons: string }; source: string }>();
    expect(body.source).toBe('generated');
    expect(body.current.fingerprintColons).toBe(x.fingerprint256);
    const all = await app.inject({ method: 'GET', url: '/.well-known/gavel/court-certificates.pem' });
    expect(all.body.startsWith(pem.body)).toBe(true);
  });
});
