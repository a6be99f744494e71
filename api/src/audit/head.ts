import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The key that signs each audit stream's head (its latest seq and hash). It lives in DATA_DIR, not in
 * the database, so whoever can rewrite the database cannot sign a shortened chain's head.
 */
export interface HeadKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SHA-256 of the public key (SPKI DER), hex: which key signed a head. */
  keyId: string;
  /** The public key as PEM, for operators who keep heads elsewhere and check them. */
  publicPem: string;
}

export const HEAD_KEY_FILE = 'audit-head-key.pem';

/** Reads DATA_DIR/audit-head-key.pem, creating an Ed25519 key there on first start. */
export function loadHeadKey(dataDir: string): HeadKey {
  const file = join(dataDir, HEAD_KEY_FILE);
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    const { privateKey } = generateKeyPairSync('ed25519');
    try {
      writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      // Another process created it first: use theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  const privateKey = createPrivateKey(readFileSync(file));
  const publicKey = createPublicKey(privateKey);
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return {
    privateKey,
    publicKey,
    keyId: createHash('sha256').update(der).digest('hex'),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

let current: HeadKey | null = null;

/** The key appends sign heads with (set once at start by the server and the CLI). */
export function useHeadKey(key: HeadKey | null): void {
  current = key;
}
export function headKey(): HeadKey | null {
  return current;
}

export interface Head {
  stream: string;
  seq: number;
  hash: string;
  signedAt: Date;
}

const message = (h: Head) =>
  Buffer.from(`gavel-audit-head/1\n${h.stream}\n${h.seq}\n${h.hash}\n${h.signedAt.toISOString()}`);

export function signHead(key: HeadKey, h: Head): string {
  return sign(null, message(h), key.privateKey).toString('base64');
}

export function headSignatureHolds(key: HeadKey, h: Head, signature: string): boolean {
  return verify(null, message(h), key.publicKey, Buffer.from(signature, 'base64'));
}
