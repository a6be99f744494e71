// Checks a hearing's record bundle with nothing but Node: no database, no DATA_DIR, no network.
import { X509Certificate, createHash, verify } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { eventHash, GENESIS_HASH } from '../audit/audit.hash.ts';
import { leafHash, verifyInclusion } from './merkle.ts';
import { checkPdfSignature } from './pdf-signature.ts';
import type { InclusionProof, SignedTreeHead } from './log-types.ts';
import { readZip } from './zip.ts';

export interface Check {
  ok: boolean;
  name: string;
  detail?: string;
}

/** Files the manifest cannot list: itself and what is made from it. */
const AFTER_MANIFEST = new Set([
  'manifest.json',
  'manifest.json.sig',
  'SHA256SUMS',
  'log/sth.json',
  'log/inclusion.json',
]);
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

export function loadBundle(path: string): Map<string, Buffer> {
  if (statSync(path).isDirectory()) {
    const files = new Map<string, Buffer>();
    for (const e of readdirSync(path, { recursive: true, withFileTypes: true })) {
      if (e.isFile())
        files.set(
          relative(path, join(e.parentPath, e.name)).split('\\').join('/'),
          readFileSync(join(e.parentPath, e.name)),
        );
    }
    return files;
  }
  return readZip(readFileSync(path));
}

/** Every check, in order; a check that cannot run because an earlier one failed says so. */
export function verifyBundle(files: Map<string, Buffer>, opts: { courtCert?: string } = {}): Check[] {
  const checks: Check[] = [];
  const check = (name: string, fn: () => string | undefined | void) => {
    try {
      const problem = fn();
      checks.push(problem ? { ok: false, name, detail: problem } : { ok: true, name });
    } catch (err) {
      checks.push({ ok: false, name, detail: err instanceof Error ? err.message : String(err) });
    }
  };
  const json = <T>(path: string): T => {
    const b = files.get(path);
    if (!b) throw new Error(`${path} is missing`);
    return JSON.parse(b.toString('utf8')) as T;
  };

  type Manifest = { files: { path: string; sha256: string; size: number }[]; courtCertificateSha256?: string };
  let manifest: Manifest | null = null;
  check('manifest.json lists every file, each with its SHA-256 and size', () => {
    const m = json<Manifest>('manifest.json');
    manifest = m;
    const listed = new Set(m.files.map((f) => f.path));
    const problems: string[] = [];
    for (const f of m.files) {
      const b = files.get(f.path);
      if (!b) problems.push(`${f.path} is missing`);
      else if (sha256(b) !== f.sha256 || b.length !== f.size) problems.push(`${f.path} does not match its SHA-256`);
    }
    for (const path of files.keys())
      if (!listed.has(path) && !AFTER_MANIFEST.has(path)) problems.push(`${path} is not listed`);
    return problems.join('; ') || undefined;
  });

  check('SHA256SUMS agrees with the files', () => {
    const sums = files.get('SHA256SUMS')?.toString('utf8');
    if (!sums) return 'SHA256SUMS is missing';
    for (const line of sums.trim().split('\n')) {
      const [hash, path] = [line.slice(0, 64), line.slice(66)];
      const b = files.get(path);
      if (!b || sha256(b) !== hash) return `${path} does not match`;
    }
  });

  let cert: X509Certificate | null = null;
  check('court.pem is the certificate the manifest names', () => {
    const pem = files.get('court.pem');
    if (!pem) return 'court.pem is missing';
    cert = new X509Certificate(pem);
    const fp = sha256(cert.raw);
    const m = manifest as Manifest | null;
    if (!m) return 'no manifest to compare with';
    if (m.courtCertificateSha256 !== fp) return 'manifest.json names another certificate';
  });
  if (opts.courtCert) {
    check("the bundle was signed by the court's certificate given with --court-cert", () => {
      if (!cert) return 'no certificate in the bundle';
      const expected = new X509Certificate(readFileSync(opts.courtCert!));
      if (!expected.raw.equals(cert.raw)) return `court.pem is ${cert.fingerprint256}, not ${expected.fingerprint256}`;
    });
  }
  const signer = () => {
    if (!cert) throw new Error('no usable court.pem');
    return cert;
  };

  check("manifest.json is signed by the court's key", () => {
    const sig = files.get('manifest.json.sig');
    if (!sig) return 'manifest.json.sig is missing';
    if (!verify('sha256', files.get('manifest.json')!, signer().publicKey, sig)) return 'the signature does not verify';
  });

  for (const path of [...files.keys()].filter((p) => /^transcript\/v\d+\.pdf$/.test(p)).sort()) {
    check(`${path} carries the court's PDF signature over the whole document`, () => {
      const r = checkPdfSignature(files.get(path)!);
      if (!r.ok) return r.problem;
      if (!r.certificate?.raw.equals(signer().raw)) return 'signed by another certificate than court.pem';
    });
  }

  let sth: SignedTreeHead | null = null;
  check("log/sth.json is a tree head signed by the court's key", () => {
    sth = json<SignedTreeHead>('log/sth.json');
    const signed = JSON.parse(sth.signed) as { treeSize: number; rootHash: string };
    if (signed.treeSize !== sth.treeSize || signed.rootHash !== sth.rootHash)
      return 'the head does not match what was signed';
    if (!verify('sha256', Buffer.from(sth.signed, 'utf8'), signer().publicKey, Buffer.from(sth.signature, 'base64')))
      return 'the signature does not verify';
  });

  let proofs: (InclusionProof & { path: string; sha256: string })[] = [];
  check('log/inclusion.json proves every sealed file is in that tree', () => {
    proofs = json('log/inclusion.json');
    const head = sth as SignedTreeHead | null;
    if (!head) return 'no signed tree head';
    const problems: string[] = [];
    const needed = [...files.keys()].filter((p) => /^transcript\/v\d+\.pdf$/.test(p) || p === 'manifest.json');
    for (const p of needed) if (!proofs.some((x) => x.path === p)) problems.push(`${p} has no proof`);
    const audit = files.get('audit.jsonl')?.toString('utf8').trim().split('\n').at(-1);
    for (const x of proofs) {
      const actual =
        x.path === 'audit.jsonl#head'
          ? audit
            ? (JSON.parse(audit) as { hash: string }).hash
            : undefined
          : files.get(x.path) && sha256(files.get(x.path)!);
      const entry = JSON.parse(x.entry) as { sha256: string };
      if (actual !== x.sha256 || entry.sha256 !== x.sha256) problems.push(`${x.path} is not the file that was logged`);
      else if (x.treeSize !== head.treeSize)
        problems.push(`${x.path}'s proof is for a tree of ${x.treeSize}, the head is ${head.treeSize}`);
      else if (
        !verifyInclusion(
          x.leafIndex,
          x.treeSize,
          leafHash(Buffer.from(x.entry, 'utf8')),
          x.proof.map((h) => Buffer.from(h, 'hex')),
          Buffer.from(head.rootHash, 'hex'),
        )
      )
        problems.push(`${x.path}'s proof does not lead to the signed root`);
    }
    return problems.join('; ') || undefined;
  });

  check('audit.jsonl is an unbroken hash chain', () => {
    const text = files.get('audit.jsonl')?.toString('utf8');
    if (text === undefined) return 'audit.jsonl is missing';
    let prev = GENESIS_HASH;
    for (const line of text.split('\n').filter(Boolean)) {
      const e = JSON.parse(line) as {
        stream: string;
        seq: number;
        occurredAt: string;
        actorType: string;
        actorId: string | null;
        action: string;
        payload: unknown;
        prevHash: string;
        hash: string;
      };
      const hash = eventHash(prev, { ...e, occurredAt: new Date(e.occurredAt) });
      if (e.prevHash !== prev || e.hash !== hash) return `broken at seq ${e.seq}`;
      prev = e.hash;
    }
  });
  return checks;
}

/** One line per check; the exit code is 1 when any failed. */
export function report(checks: Check[]): { text: string; ok: boolean } {
  const text = checks.map((c) => (c.ok ? `ok    ${c.name}` : `FAIL  ${c.name}: ${c.detail ?? ''}`)).join('\n') + '\n';
  return { text, ok: checks.every((c) => c.ok) };
}
