// Run by storage.contract.test.ts in a process of its own, so its memory is measured alone:
//   node memory-child.ts <local|postgres> <directory|database URL> <bytes>
// Stores that many bytes under one key and reads them back, and prints as JSON the RSS before, the
// kernel's peak RSS (VmHWM, reset just before) and both SHA-256s.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { createDb } from '../db/connect.ts';
import { PostgresStorage } from './postgres-storage.ts';
import { LocalStorage, type Storage } from './storage.ts';

const [backend, target, bytesArg] = process.argv.slice(2);

// Run with --expose-gc: freed buffers are collected every few milliseconds, so the peak is what the
// storage holds at once, not the tens of megabytes V8 lets pile up before it collects by itself.
const collect = (globalThis as { gc?: () => void }).gc;
if (!collect) throw new Error('run with --expose-gc');
setInterval(collect, 10).unref();
const total = Number(bytesArg);

function status(field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  if (!m) throw new Error(`no ${field}`);
  return Number(m[1]) * 1024;
}

/** `total` bytes in 64 KiB pieces, each different, made as they are asked for. */
function source(): Readable {
  let sent = 0;
  let i = 0;
  return new Readable({
    read() {
      if (sent >= total) return this.push(null);
      const n = Math.min(64 * 1024, total - sent);
      const piece = Buffer.alloc(n, i++ % 251);
      piece.writeUInt32BE(i, 0);
      sent += n;
      this.push(piece);
    },
  });
}

const db = backend === 'postgres' ? createDb(target!, 4) : undefined;
const storage: Storage = db ? new PostgresStorage(db) : new LocalStorage(target!);
try {
  // Warm up: connections, code paths and buffers that a second file reuses.
  await storage.put('warm/up', Readable.from([Buffer.alloc(1024 * 1024, 1)]));
  for await (const piece of storage.open('warm/up')) createHash('sha256').update(piece as Buffer);
  const expected = createHash('sha256');
  for await (const piece of source()) expected.update(piece as Buffer);

  writeFileSync('/proc/self/clear_refs', '5');
  const before = status('VmRSS');
  const stored = await storage.put('big/object', source());
  const read = createHash('sha256');
  let readBytes = 0;
  for await (const piece of storage.open('big/object')) {
    read.update(piece as Buffer);
    readBytes += (piece as Buffer).length;
  }
  const peak = status('VmHWM');
  process.stdout.write(
    JSON.stringify({
      before,
      peak,
      size: stored.size,
      readBytes,
      sourceSha256: expected.digest('hex'),
      storedSha256: stored.sha256,
      readSha256: read.digest('hex'),
    }) + '\n',
  );
} finally {
  await db?.destroy();
}
