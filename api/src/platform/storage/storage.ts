import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** What was stored: its size and SHA-256, computed on the way in. */
export interface StoredFile {
  key: string;
  size: number;
  sha256: string;
}

/**
 * Gavel's files (exhibits, their stamped copies, later other record files). Keys are relative
 * paths like `exhibits/<hearing>/<exhibit>/original`; a file appears under its key whole or not at all.
 */
export interface Storage {
  /**
   * Streams `source` into `key`, hashing on the way, never holding it whole. `check` runs after the
   * last byte and before the file appears: when it (or the stream) throws, nothing is left behind.
   */
  put(key: string, source: Readable, opts?: PutOptions): Promise<StoredFile>;
  open(key: string): Readable;
  /** Size in bytes, or null when there is no such file. */
  size(key: string): Promise<number | null>;
  remove(key: string): Promise<void>;
}

/** What open() streams when there is no such key: an error whose code is ENOENT, as for a missing file. */
export function noSuchKey(key: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`no stored file ${key}`);
  err.code = 'ENOENT';
  return err;
}

export interface PutOptions {
  /** Streams the bytes pass through first (e.g. a type check that fails early). */
  through?: Transform[];
  check?: (file: StoredFile) => void | Promise<void>;
}

const KEY = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/i;

/** Keys are Gavel's own, but one that could name a path outside the store is refused whatever it is. */
export function checkKey(key: string): void {
  if (!KEY.test(key) || key.split('/').some((s) => s === '..' || s === '.')) throw new Error(`bad storage key ${key}`);
}

/** Files in a local directory (DATA_DIR/files by default). */
export class LocalStorage implements Storage {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  private path(key: string): string {
    checkKey(key);
    const p = resolve(this.root, key);
    if (!p.startsWith(this.root + sep)) throw new Error(`bad storage key ${key}`);
    return p;
  }

  async put(key: string, source: Readable, opts: PutOptions = {}): Promise<StoredFile> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true });
    // Written beside the target and renamed into place, so a half-written file never has the key.
    const partial = join(dirname(target), `.${randomUUID()}.part`);
    const hash = createHash('sha256');
    let size = 0;
    const measure = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await pipeline([
        source,
        ...(opts.through ?? []),
        measure,
        createWriteStream(partial, { flags: 'wx', mode: 0o640 }),
      ]);
      const file = { key, size, sha256: hash.digest('hex') };
      await opts.check?.(file);
      await rename(partial, target);
      return file;
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
  }

  open(key: string): Readable {
    return createReadStream(this.path(key));
  }

  async size(key: string): Promise<number | null> {
    try {
      return (await stat(this.path(key))).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async remove(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }
}

/** The default storage of a deployment: DATA_DIR/files. */
export function localStorageIn(dataDir: string): LocalStorage {
  return new LocalStorage(join(dataDir, 'files'));
}
