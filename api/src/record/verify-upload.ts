import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { DomainError } from '../platform/http/errors.ts';

/** An uploaded PDF on disk, hashed as it arrived. */
export interface VerifyUpload {
  path: string;
  size: number;
  sha256: string;
}

// The client may still be sending: the answer closes the connection instead of reading the rest.
const closing = { connection: 'close' };

export const tooLarge = (limit: number) =>
  new DomainError(413, 'payload_too_large', `A PDF to verify may be at most ${limit / (1024 * 1024)} MB.`, closing);

/**
 * At most `max` verifications at once on this server: each holds a file of up to the size limit on disk
 * and reads it twice (hash, signature). More get 503 with Retry-After before their body is read.
 */
export class VerifySlots {
  readonly max: number;
  private busy = 0;
  constructor(max: number) {
    this.max = max;
  }
  get inUse(): number {
    return this.busy;
  }
  /** A release function (safe to call more than once), or a 503 when every slot is taken. */
  take(): () => void {
    if (this.busy >= this.max)
      throw new DomainError(
        503,
        'busy',
        'Too many documents are being verified right now; try again in a few seconds.',
        { 'retry-after': '5', ...closing },
      );
    this.busy++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.busy--;
    };
  }
}

/**
 * Streams `source` into a new file in `dir`, hashing it on the way and never holding it whole. Past
 * `limit` bytes it stops reading and throws 413; on any failure the file is removed. `onFile` learns the
 * path as soon as the file exists, so a caller can remove it whatever happens later.
 */
export async function receiveUpload(
  source: Readable,
  dir: string,
  limit: number,
  onFile: (path: string) => void = () => {},
): Promise<VerifyUpload> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${randomUUID()}.pdf`);
  const out = createWriteStream(path, { flags: 'wx', mode: 0o600 });
  onFile(path);
  const hash = createHash('sha256');
  let size = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      let ended = false;
      const fail = (err: unknown) => {
        source.pause();
        source.removeListener('data', onData);
        reject(err);
      };
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) return fail(tooLarge(limit));
        hash.update(chunk);
        if (!out.write(chunk)) {
          source.pause();
          out.once('drain', () => source.resume());
        }
      };
      source.on('data', onData);
      source.once('end', () => {
        ended = true;
        out.end();
      });
      source.once('error', fail);
      source.once('close', () => {
        if (!ended) fail(new DomainError(400, 'aborted', 'The upload was cut off before its end.'));
      });
      out.once('error', fail);
      out.once('finish', resolve);
    });
    return { path, size, sha256: hash.digest('hex') };
  } catch (err) {
    out.destroy();
    await rm(path, { force: true });
    throw err;
  }
}

/** Files a crashed process left behind (older than `ageMs`); live uploads are younger. */
export async function removeStale(dir: string, ageMs: number, now = Date.now()): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const p = join(dir, name);
    const s = await stat(p).catch(() => null);
    if (s && now - s.mtimeMs > ageMs) await rm(p, { force: true });
  }
}
