import { deflateSync, crc32 } from 'node:zlib';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { buildApp } from '../src/app.ts';
import { CapturingMailer } from '../src/platform/mail/mailer.ts';
import type { TestDatabase } from './db.ts';
import { ORIGIN, passwords, testConfig } from './app.ts';
import {
  admit,
  enterLobby,
  invite,
  inviteBothSides,
  liveEnv,
  scheduleHearing,
  setState,
  type Invited,
  type LiveCourt,
} from './live.ts';

// Test helpers of the exhibits feature: real PDFs and images, a hearing with exhibits.

/** A real PDF of `pages` pages, each saying which page it is. */
export async function pdfBytes(pages = 2, text = 'Contract of sale'): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= pages; i++) {
    const page = doc.addPage([595, 842]);
    page.drawText(`${text} - body page ${i}`, { x: 72, y: 700, size: 14, font });
  }
  return doc.save();
}

/** A real width×height RGB PNG. */
export function pngBytes(width = 40, height = 30): Uint8Array {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) row.set([(x * 6) & 255, (y * 8) & 255, 128], 1 + x * 3);
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The first bytes of a Linux executable, dressed as a PDF by its name only. */
export const elfBytes = () =>
  Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]), Buffer.alloc(4096, 0x90)]);

/** Every file under `dir`, at any depth (none when it does not exist yet). */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  try {
    walk(dir);
  } catch {
    // no files directory yet
  }
  return out;
}

export interface Part {
  name: string;
  value?: string;
  file?: { fileName: string; bytes: Uint8Array; contentType?: string };
}

export function multipart(parts: Part[]): { body: Buffer; contentType: string } {
  const boundary = `----gavel${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    if (p.file) {
      chunks.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"; filename="${p.file.fileName}"\r\n` +
            `Content-Type: ${p.file.contentType ?? 'application/octet-stream'}\r\n\r\n`,
        ),
        Buffer.from(p.file.bytes),
        Buffer.from('\r\n'),
      );
    } else {
      chunks.push(
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"\r\n\r\n${p.value ?? ''}\r\n`),
      );
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

export function upload(
  app: FastifyInstance,
  hearingId: string,
  cookie: string | undefined,
  file: { fileName: string; bytes: Uint8Array; contentType?: string },
  fields: Record<string, string> = { title: 'Contract of sale' },
): Promise<LightMyRequestResponse> {
  const m = multipart([...Object.entries(fields).map(([name, value]) => ({ name, value })), { name: 'file', file }]);
  return app.inject({
    method: 'POST',
    url: `/api/hearings/${hearingId}/exhibits`,
    headers: { origin: ORIGIN, 'content-type': m.contentType, ...(cookie ? { cookie } : {}) },
    payload: m.body,
  });
}

export async function exhibitsApp(t: TestDatabase, apiUrl: string, env: Record<string, string> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'gavel-exhibits-'));
  const app = await buildApp({
    config: testConfig({ ...liveEnv(apiUrl), DATA_DIR: dataDir, ...env }),
    db: t.db,
    passwords,
    logger: false,
    mailer: new CapturingMailer(),
  });
  return { app, dataDir };
}

export interface Courtroom {
  id: string;
  plaintiff: Invited;
  agent: Invited;
  defendant: Invited;
  defAgent: Invited;
  witness: Invited;
  observer: Invited;
}

/** A hearing in session with both sides, each with an agent, a witness and an observer, all admitted. */
export async function hearingInSession(app: FastifyInstance, c: LiveCourt, opts: { start?: boolean } = {}) {
  const id = await scheduleHearing(app, c);
  const { plaintiff, defendant, agent, defAgent } = await inviteBothSides(app, c, id);
  const witness = await invite(app, c, id, 'witness');
  const observer = await invite(app, c, id, 'observer');
  const everyone = { plaintiff, agent, defendant, defAgent, witness, observer };
  if (opts.start !== false) {
    await setState(app, c, id, 'open');
    await enterLobby(app, id, Object.values(everyone));
    await admit(app, c, id, 'all');
    // The witness is called too: a witness still waiting in the lobby sees nothing of the room's material.
    await admit(app, c, id, [witness]);
    await setState(app, c, id, 'start');
  }
  return { id, ...everyone } satisfies Courtroom;
}
