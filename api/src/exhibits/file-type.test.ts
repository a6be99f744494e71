import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../platform/http/errors.ts';
import { TypeSniffer, typeOfBytes } from './file-type.ts';

const PDF = Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46]);

describe('typeOfBytes: the type the first bytes say', () => {
  it('knows PDF, PNG and JPEG', () => {
    expect(typeOfBytes(PDF)).toBe('application/pdf');
    expect(typeOfBytes(PNG)).toBe('image/png');
    expect(typeOfBytes(JPEG)).toBe('image/jpeg');
  });

  it('knows nothing else, nor a signature cut short or shifted', () => {
    for (const head of [
      Buffer.alloc(0),
      Buffer.from('%PDF'),
      Buffer.from(' %PDF-1.7'),
      Buffer.from('%pdf-1.7'),
      PNG.subarray(0, 7),
      JPEG.subarray(0, 2),
      Buffer.from('GIF89a'),
      Buffer.from('PK\x03\x04'),
      Buffer.from([0x7f, 0x45, 0x4c, 0x46]),
    ])
      expect(typeOfBytes(head), head.toString('hex')).toBeNull();
  });
});

/** Streams `chunks` through a sniffer: what comes out, the type it read, or the error it failed with. */
async function sniff(chunks: Buffer[]) {
  const sniffer = new TypeSniffer();
  const out: Buffer[] = [];
  try {
    await pipeline(Readable.from(chunks), sniffer, async (source: AsyncIterable<Buffer>) => {
      for await (const c of source) out.push(c);
    });
    return { type: sniffer.type, bytes: Buffer.concat(out), error: null };
  } catch (error) {
    return { type: sniffer.type, bytes: Buffer.concat(out), error };
  }
}

describe('TypeSniffer', () => {
  it('passes a PDF through whole, however it is cut, and says what it is', async () => {
    const body = Buffer.concat([PDF, Buffer.alloc(1000, 0x20)]);
    for (const cut of [1, 3, 8, 500]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < body.length; i += cut) chunks.push(body.subarray(i, i + cut));
      const r = await sniff(chunks);
      expect(r.error, `chunks of ${cut}`).toBeNull();
      expect(r.type).toBe('application/pdf');
      expect(r.bytes.equals(body)).toBe(true);
    }
  });

  it('judges a file shorter than the longest signature when it ends', async () => {
    const r = await sniff([JPEG.subarray(0, 4)]);
    expect(r).toMatchObject({ type: 'image/jpeg', error: null });
    expect(r.bytes.equals(JPEG.subarray(0, 4))).toBe(true);
  });

  it('fails at once on anything else, with a 415, and lets none of it through', async () => {
    const r = await sniff([Buffer.from('MZ\x90\x00 this is not a document'), Buffer.alloc(4096)]);
    expect(r.type).toBeNull();
    expect(r.bytes.length).toBe(0);
    expect(r.error).toBeInstanceOf(DomainError);
    expect(r.error).toMatchObject({ status: 415, code: 'unsupported_media_type' });
  });

  it('fails on an empty file', async () => {
    const r = await sniff([]);
    expect(r.error).toMatchObject({ status: 415 });
  });
});
