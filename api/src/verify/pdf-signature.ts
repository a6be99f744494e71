// Checks the court's signature inside a sealed PDF. Node built-ins only (see der.ts).
import { createHash, type X509Certificate } from 'node:crypto';
import { open } from 'node:fs/promises';
import { read } from './der.ts';
import { verifyDetachedCmsDigest } from './cms.ts';

export interface PdfSignatureCheck {
  ok: boolean;
  problem?: string;
  /** The signature covers every byte of the file except its own /Contents. */
  wholeDocument: boolean;
  certificate?: X509Certificate;
  signedAt?: string;
}

/**
 * The largest /Contents accepted, in hex digits. Gavel reserves 16 KiB for its CMS (32 Ki digits); a
 * claimed signature bigger than this is refused before any of it is read, so a hostile file cannot make
 * the check decode megabytes of "hex".
 */
export const MAX_SIGNATURE_HEX = 256 * 1024;

// Bounded runs of digits and blanks: a match is never longer than MAX_MATCH, so a file can be scanned
// in chunks that overlap by that much, and a run of millions of digits costs no backtracking.
const BYTE_RANGE =
  /\/ByteRange\s{0,64}\[\s{0,64}(\d{1,15})\s{1,64}(\d{1,15})\s{1,64}(\d{1,15})\s{1,64}(\d{1,15})\s{0,64}\]/g;
const MAX_MATCH = 512;
const CHUNK = 1024 * 1024;
const KEY = Buffer.from('/ByteRange', 'latin1');

type Range = [number, number, number, number];

const latin1 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');

function lastByteRange(text: string): Range | null {
  let last: RegExpExecArray | null = null;
  BYTE_RANGE.lastIndex = 0;
  for (let m = BYTE_RANGE.exec(text); m; m = BYTE_RANGE.exec(text)) last = m;
  return last ? (last.slice(1, 5).map(Number) as Range) : null;
}

/** What can be said from the byte range alone; null when it is well-formed and bounded. */
function rangeProblem([a, b, c, d]: Range, size: number): PdfSignatureCheck | null {
  if (a !== 0 || b >= c || c + d > size)
    return { ok: false, wholeDocument: false, problem: 'the signature byte range is malformed' };
  if (c - b - 2 > MAX_SIGNATURE_HEX)
    return { ok: false, wholeDocument: c + d === size, problem: 'the signature contents are too large' };
  return null;
}

/** The check once the byte range's parts are read: the /Contents hex, the covered bytes' SHA-256, the /M nearby. */
function conclude(
  [, , c, d]: Range,
  size: number,
  parts: { edges: [number, number]; hex: string; coveredSha256: () => Buffer; near: string },
): PdfSignatureCheck {
  if (parts.edges[0] !== 0x3c || parts.edges[1] !== 0x3e)
    return { ok: false, wholeDocument: false, problem: 'the signature byte range is malformed' };
  const wholeDocument = c + d === size;
  if (!/^[0-9a-fA-F]*$/.test(parts.hex))
    return { ok: false, wholeDocument, problem: 'the signature contents are not hex' };
  let cms: Uint8Array;
  try {
    cms = read(Buffer.from(parts.hex, 'hex')).raw;
  } catch {
    return { ok: false, wholeDocument, problem: 'the signature contents are not DER' };
  }
  const check = verifyDetachedCmsDigest(cms, parts.coveredSha256());
  const m = /\/M\s*\(D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})/.exec(parts.near);
  const signedAt = m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}` : undefined;
  const result: PdfSignatureCheck = {
    ok: check.ok && wholeDocument,
    wholeDocument,
    ...(check.certificate ? { certificate: check.certificate } : {}),
    ...(signedAt ? { signedAt } : {}),
  };
  if (!check.ok) result.problem = check.problem ?? 'the signature does not verify';
  else if (!wholeDocument) result.problem = 'the signature does not cover the whole document (bytes were appended)';
  return result;
}

const NO_SIGNATURE: PdfSignatureCheck = { ok: false, wholeDocument: false, problem: 'the PDF carries no signature' };

/** The last signature of the PDF (Gavel signs once), checked against the bytes it covers. */
export function checkPdfSignature(pdf: Uint8Array): PdfSignatureCheck {
  const range = lastByteRange(latin1(pdf));
  if (!range) return NO_SIGNATURE;
  const bad = rangeProblem(range, pdf.length);
  if (bad) return bad;
  const [a, b, c, d] = range;
  return conclude(range, pdf.length, {
    edges: [pdf[b]!, pdf[c - 1]!],
    hex: latin1(pdf.subarray(b + 1, c - 1)),
    coveredSha256: () =>
      createHash('sha256')
        .update(pdf.subarray(a, a + b))
        .update(pdf.subarray(c, c + d))
        .digest(),
    near: latin1(pdf.subarray(Math.max(0, b - 4000), Math.min(pdf.length, c + 2000))),
  });
}

/**
 * The same check on a file, in bounded memory whatever the file holds: one pass in 1 MiB chunks finds the
 * last byte range, the /Contents (at most MAX_SIGNATURE_HEX) and a few KiB around it are read, and the
 * covered bytes are hashed as they stream from disk.
 */
export async function checkPdfSignatureFile(path: string): Promise<PdfSignatureCheck> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    // Two reused buffers; a chunk is searched as bytes and only the few bytes after a hit become a string.
    const buf = Buffer.allocUnsafe(CHUNK + MAX_MATCH);
    let range: Range | null = null;
    let kept = 0;
    for (let pos = 0; pos < size;) {
      const { bytesRead } = await file.read(buf, kept, CHUNK, pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      const end = kept + bytesRead;
      for (let at = buf.indexOf(KEY); at !== -1 && at < end; at = buf.indexOf(KEY, at + 1)) {
        if (at + KEY.length > end) break;
        const found = lastByteRange(buf.toString('latin1', at, Math.min(end, at + MAX_MATCH)));
        if (found) range = found;
      }
      // A match may straddle two chunks: the last MAX_MATCH bytes are searched again with the next.
      kept = Math.min(MAX_MATCH, end);
      buf.copy(buf, 0, end - kept, end);
    }
    if (!range) return NO_SIGNATURE;
    const bad = rangeProblem(range, size);
    if (bad) return bad;
    const [a, b, c, d] = range;
    const nearStart = Math.max(0, b - 4000);
    const near = Buffer.alloc(Math.min(size, c + 2000) - nearStart);
    await file.read(near, 0, near.length, nearStart);
    const hash = createHash('sha256');
    for (const [start, stop] of [
      [a, a + b],
      [c, c + d],
    ] as const) {
      for (let p = start; p < stop;) {
        const { bytesRead } = await file.read(buf, 0, Math.min(CHUNK, stop - p), p);
        if (bytesRead === 0) break;
        hash.update(buf.subarray(0, bytesRead));
        p += bytesRead;
      }
    }
    const coveredSha256 = hash.digest();
    return conclude(range, size, {
      edges: [near[b - nearStart]!, near[c - 1 - nearStart]!],
      hex: near.toString('latin1', b + 1 - nearStart, c - 1 - nearStart),
      coveredSha256: () => coveredSha256,
      near: near.toString('latin1'),
    });
  } finally {
    await file.close();
  }
}
