import { createHash, randomUUID } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { checkKey, noSuchKey, type PutOptions, type Storage, type StoredFile } from './storage.ts';

/** Bytes per stored chunk: large enough that a 50 MB file is 100 rows, small enough to hold a few at once. */
export const CHUNK_BYTES = 512 * 1024;

/** A blob with no object this long after its first chunk was written is a crashed upload's: swept. */
const ORPHAN_AFTER_MS = 24 * 3600_000;

/**
 * Files in the database itself (STORAGE=postgres), so every instance of a deployment serves what any
 * other stored, with no shared disk. A file is written chunk by chunk under a new blob id, each chunk
 * its own short statement (a slow upload holds no transaction and no pooled connection between
 * chunks), and appears under its key in one short transaction after the last. It is read back chunk by
 * chunk, one query per chunk as the reader asks for more; neither way is it ever whole in memory.
 * The database refuses to update an object or a chunk (see the storage-blobs migration).
 */
export class PostgresStorage implements Storage {
  private readonly db: Kysely<Database>;
  private readonly chunkBytes: number;

  constructor(db: Kysely<Database>, opts: { chunkBytes?: number } = {}) {
    this.db = db;
    this.chunkBytes = opts.chunkBytes ?? CHUNK_BYTES;
  }

  async put(key: string, source: Readable, opts: PutOptions = {}): Promise<StoredFile> {
    checkKey(key);
    const { db, chunkBytes } = this;
    const blobId = randomUUID();
    const hash = createHash('sha256');
    let size = 0;
    let n = 0;
    let held: Buffer[] = [];
    let heldBytes = 0;
    const writeChunk = async (data: Buffer) => {
      await db.insertInto('storage_chunks').values({ blob_id: blobId, n, data }).execute();
      n += 1;
    };
    // Whole chunks go out as soon as they are full; the rest waits for the next write or the end.
    const drain = async (final: boolean) => {
      if (heldBytes === 0 || (!final && heldBytes < chunkBytes)) return;
      const all = held.length === 1 ? held[0]! : Buffer.concat(held, heldBytes);
      held = [];
      heldBytes = 0;
      let at = 0;
      for (; all.length - at >= chunkBytes; at += chunkBytes) await writeChunk(all.subarray(at, at + chunkBytes));
      if (at < all.length) {
        if (final) await writeChunk(all.subarray(at));
        else {
          held = [Buffer.from(all.subarray(at))];
          heldBytes = all.length - at;
        }
      }
    };
    const sink = new Writable({
      highWaterMark: chunkBytes,
      write(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        size += chunk.length;
        held.push(chunk);
        heldBytes += chunk.length;
        drain(false).then(() => done(), done);
      },
      final(done) {
        drain(true).then(() => done(), done);
      },
    });
    try {
      await pipeline([source, ...(opts.through ?? []), sink]);
      const file = { key, size, sha256: hash.digest('hex') };
      await opts.check?.(file);
      await db.transaction().execute(async (trx) => {
        // A key written again is replaced whole, as a file renamed over another; nothing is changed in place.
        const old = await trx.deleteFrom('storage_objects').where('key', '=', key).returning('blob_id').execute();
        for (const o of old) await trx.deleteFrom('storage_chunks').where('blob_id', '=', o.blob_id).execute();
        await trx
          .insertInto('storage_objects')
          .values({ key, blob_id: blobId, size, chunks: n, sha256: file.sha256 })
          .execute();
      });
      return file;
    } catch (err) {
      await this.dropBlob(blobId).catch(() => {});
      throw err;
    }
  }

  open(key: string): Readable {
    checkKey(key);
    const db = this.db;
    let blob: { blob_id: string; chunks: number } | undefined;
    let n = 0;
    return new Readable({
      // One chunk ahead at most: the next is fetched only when the reader has taken this one.
      highWaterMark: this.chunkBytes,
      read() {
        const next = async () => {
          blob ??= await db
            .selectFrom('storage_objects')
            .select(['blob_id', 'chunks'])
            .where('key', '=', key)
            .executeTakeFirst();
          if (!blob) throw noSuchKey(key);
          if (n >= blob.chunks) return null;
          const row = await db
            .selectFrom('storage_chunks')
            .select('data')
            .where('blob_id', '=', blob.blob_id)
            .where('n', '=', n)
            .executeTakeFirst();
          // Only a delete of the object while it was being read takes a chunk away.
          if (!row) throw new Error(`stored file ${key} was removed while it was read (chunk ${n})`);
          n += 1;
          return row.data;
        };
        next().then(
          (data) => this.push(data),
          (err: Error) => this.destroy(err),
        );
      },
    });
  }

  async size(key: string): Promise<number | null> {
    checkKey(key);
    const row = await this.db.selectFrom('storage_objects').select('size').where('key', '=', key).executeTakeFirst();
    return row ? Number(row.size) : null;
  }

  async remove(key: string): Promise<void> {
    checkKey(key);
    await this.db.transaction().execute(async (trx) => {
      const old = await trx.deleteFrom('storage_objects').where('key', '=', key).returning('blob_id').execute();
      for (const o of old) await trx.deleteFrom('storage_chunks').where('blob_id', '=', o.blob_id).execute();
    });
  }

  /** Removes the chunks of uploads that never became an object (the process died mid-way); returns how many blobs. */
  async sweep(olderThanMs = ORPHAN_AFTER_MS): Promise<number> {
    const cutoff = new Date(Date.now() - olderThanMs);
    const orphans = await this.db
      .selectFrom('storage_chunks as c')
      .select('c.blob_id')
      .where('c.n', '=', 0)
      .where('c.written_at', '<', cutoff)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('storage_objects as o').select('o.key').whereRef('o.blob_id', '=', 'c.blob_id'))),
      )
      .execute();
    for (const o of orphans) await this.dropBlob(o.blob_id);
    return orphans.length;
  }

  private async dropBlob(blobId: string): Promise<void> {
    await this.db.deleteFrom('storage_chunks').where('blob_id', '=', blobId).execute();
  }
}
