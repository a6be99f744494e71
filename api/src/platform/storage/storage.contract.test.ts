import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/db.ts';
import { PostgresStorage } from './postgres-storage.ts';
import { LocalStorage, type Storage } from './storage.ts';

// One contract, every backend: what exhibits and exports rely on holds whichever STORAGE a court picks.

const MB = 1024 * 1024;

let t: TestDatabase;
let dir: string;
beforeAll(async () => {
  t = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'gavel-storage-'));
});
afterAll(async () => {
  await t.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of stream) parts.push(p as Buffer);
  return Buffer.concat(parts);
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Deterministic bytes that differ by seed and position. */
function bytes(length: number, seed: number): Buffer {
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i++) b[i] = (i * 31 + seed * 17 + (i >> 8)) & 0xff;
  return b;
}

/** The bytes in pieces of awkward sizes, so chunk boundaries fall inside writes. */
function piecewise(b: Buffer, piece = 70_001): Readable {
  const parts: Buffer[] = [];
  for (let at = 0; at < b.length; at += piece) parts.push(b.subarray(at, at + piece));
  return Readable.from(parts);
}

interface Backend {
  name: 'local' | 'postgres';
  make(): Storage;
  /** What is left of files that never appeared under a key (partials, chunks of no object). */
  leftovers(): Promise<number>;
}

const backends: Backend[] = [
  {
    name: 'local',
    make: () => new LocalStorage(join(dir, 'files')),
    leftovers: async () => {
      const walk = (d: string): string[] =>
        readdirSync(d, { withFileTypes: true }).flatMap((e) =>
          e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.part') ? [e.name] : [],
        );
      try {
        return walk(join(dir, 'files')).length;
      } catch {
        return 0;
      }
    },
  },
  {
    name: 'postgres',
    // Small chunks here so that ordinary test files span many of them.
    make: () => new PostgresStorage(t.db, { chunkBytes: 64 * 1024 }),
    leftovers: async () => {
      const r = await sql<{ n: string }>`
        select count(*) as n from storage_chunks c
        where not exists (select 1 from storage_objects o where o.blob_id = c.blob_id)`.execute(t.db);
      return Number(r.rows[0]!.n);
    },
  },
];

describe.each(backends)('storage contract: $name', (backend) => {
  const s = () => backend.make();
  const prefix = `c-${backend.name}`;

  it('gives back what was put, byte for byte, with its size and SHA-256', async () => {
    const data = bytes(1_000_003, 1);
    const stored = await s().put(`${prefix}/a/original`, piecewise(data));
    expect(stored).toEqual({ key: `${prefix}/a/original`, size: data.length, sha256: sha(data) });
    expect(await s().size(`${prefix}/a/original`)).toBe(data.length);
    expect(sha(await readAll(s().open(`${prefix}/a/original`)))).toBe(sha(data));
  });

  it('keeps an empty file, and a file of exactly one chunk', async () => {
    expect(await s().put(`${prefix}/empty`, Readable.from([]))).toMatchObject({
      size: 0,
      sha256: sha(Buffer.alloc(0)),
    });
    expect(await s().size(`${prefix}/empty`)).toBe(0);
    expect(await readAll(s().open(`${prefix}/empty`))).toHaveLength(0);
    const exact = bytes(64 * 1024, 2);
    await s().put(`${prefix}/exact`, Readable.from([exact]));
    expect((await readAll(s().open(`${prefix}/exact`))).equals(exact)).toBe(true);
  });

  it('answers a missing key: no size, a stream that fails with ENOENT, a remove that does nothing', async () => {
    expect(await s().size(`${prefix}/never/written`)).toBeNull();
    await expect(readAll(s().open(`${prefix}/never/written`))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(s().remove(`${prefix}/never/written`)).resolves.toBeUndefined();
  });

  it('refuses a key that could leave the store', async () => {
    for (const key of ['../x', 'a/../../x', '/abs', 'a//b', '']) {
      await expect(s().put(key, Readable.from([Buffer.from('x')]))).rejects.toThrow(/bad storage key/);
      expect(() => s().open(key)).toThrow(/bad storage key/);
    }
  });

  it('leaves nothing when the check refuses the file or a stream it passes through fails', async () => {
    const data = bytes(300_000, 3);
    await expect(
      s().put(`${prefix}/refused`, piecewise(data), {
        check: (f) => {
          expect(f.size).toBe(data.length);
          throw new Error('refused after the last byte');
        },
      }),
    ).rejects.toThrow('refused after the last byte');
    let seen = 0;
    const failing = new Transform({
      transform(chunk: Buffer, _e, done) {
        seen += chunk.length;
        done(seen > 200_000 ? new Error('wrong type') : null, chunk);
      },
    });
    await expect(s().put(`${prefix}/failed`, piecewise(data), { through: [failing] })).rejects.toThrow('wrong type');
    expect(await s().size(`${prefix}/refused`)).toBeNull();
    expect(await s().size(`${prefix}/failed`)).toBeNull();
    expect(await backend.leftovers()).toBe(0);
  });

  it('replaces a key written again whole, and removes it', async () => {
    await s().put(`${prefix}/again`, piecewise(bytes(200_000, 4)));
    const second = bytes(90_000, 5);
    await s().put(`${prefix}/again`, piecewise(second));
    expect((await readAll(s().open(`${prefix}/again`))).equals(second)).toBe(true);
    await s().remove(`${prefix}/again`);
    expect(await s().size(`${prefix}/again`)).toBeNull();
    expect(await backend.leftovers()).toBe(0);
  });

  it('takes concurrent writes of different keys, each whole and its own', async () => {
    const files = Array.from({ length: 8 }, (_, i) => bytes(150_000 + i * 40_000, 10 + i));
    const stored = await Promise.all(files.map((f, i) => s().put(`${prefix}/many/${i}`, piecewise(f, 9_999 + i))));
    expect(stored.map((x) => x.sha256)).toEqual(files.map(sha));
    const back = await Promise.all(files.map((_, i) => readAll(s().open(`${prefix}/many/${i}`))));
    expect(back.map(sha)).toEqual(files.map(sha));
  });

  it('stores and reads back a 50 MB file with the RSS of its process growing far less than the file', async () => {
    const target = backend.name === 'postgres' ? t.url : join(dir, 'big');
    const child = spawn(
      process.execPath,
      ['--expose-gc', new URL('./memory-child.ts', import.meta.url).pathname, backend.name, target, String(50 * MB)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect({ code, err: code === 0 ? '' : err }).toEqual({ code: 0, err: '' });
    const r = JSON.parse(out) as {
      before: number;
      peak: number;
      size: number;
      readBytes: number;
      sourceSha256: string;
      storedSha256: string;
      readSha256: string;
    };
    expect(r.size).toBe(50 * MB);
    expect(r.readBytes).toBe(50 * MB);
    expect(r.storedSha256).toBe(r.sourceSha256);
    expect(r.readSha256).toBe(r.sourceSha256);
    const growth = r.peak - r.before;
    console.info(
      `storage ${backend.name}: 50 MB put and read back; RSS ${(r.before / MB).toFixed(1)} MB before, ` +
        `peak ${(r.peak / MB).toFixed(1)} MB (growth ${(growth / MB).toFixed(1)} MB)`,
    );
    // Chunk by chunk it holds a few chunks at once (about 4 MB measured); whole, it held 250 MB.
    expect(growth).toBeLessThan(16 * MB);
  }, 120_000);
});

describe('postgres storage keeps what it stored', () => {
  const s = () => new PostgresStorage(t.db, { chunkBytes: 64 * 1024 });

  it('refuses to update a stored object or its chunks, or to delete a chunk of it; deleting it removes both', async () => {
    const data = bytes(200_000, 20);
    await s().put('sealed/record.pdf', piecewise(data));
    const { blob_id } = await t.db
      .selectFrom('storage_objects')
      .select('blob_id')
      .where('key', '=', 'sealed/record.pdf')
      .executeTakeFirstOrThrow();
    await expect(
      sql`update storage_chunks set data = '\\x00'::bytea where blob_id = ${blob_id} and n = 1`.execute(t.db),
    ).rejects.toThrow(/immutable/);
    await expect(
      sql`update storage_objects set sha256 = repeat('0', 64) where key = 'sealed/record.pdf'`.execute(t.db),
    ).rejects.toThrow(/immutable/);
    await expect(sql`delete from storage_chunks where blob_id = ${blob_id} and n = 1`.execute(t.db)).rejects.toThrow(
      /immutable/,
    );
    expect(sha(await readAll(s().open('sealed/record.pdf')))).toBe(sha(data));

    await s().remove('sealed/record.pdf');
    const left = await t.db.selectFrom('storage_chunks').select('n').where('blob_id', '=', blob_id).execute();
    expect(left).toEqual([]);
  });

  it('sweeps the chunks of an upload that never finished, and only those', async () => {
    await s().put('kept/file', piecewise(bytes(150_000, 21)));
    const crashed = '00000000-0000-4000-8000-000000000001';
    await t.db
      .insertInto('storage_chunks')
      .values(
        [0, 1].map((n) => ({
          blob_id: crashed,
          n,
          data: bytes(1000, n),
          written_at: new Date(Date.now() - 2 * 86_400_000),
        })),
      )
      .execute();
    expect(await s().sweep()).toBe(1);
    expect(await t.db.selectFrom('storage_chunks').select('n').where('blob_id', '=', crashed).execute()).toEqual([]);
    expect(await s().size('kept/file')).toBe(150_000);
    expect(await s().sweep()).toBe(0);
  });

  it('fails a read whose object is removed part-way, rather than end it short as if whole', async () => {
    const data = bytes(400_000, 22);
    await s().put('goes/away', piecewise(data));
    const stream = s().open('goes/away');
    const first = await new Promise<Buffer>((resolve) => stream.once('data', resolve));
    stream.pause();
    expect(first).toHaveLength(64 * 1024);
    await s().remove('goes/away');
    stream.resume();
    await expect(readAll(stream)).rejects.toThrow(/removed while it was read/);
  });
});
