import { Transform } from 'node:stream';
import { DomainError } from '../platform/http/errors.ts';

export type ExhibitMediaType = 'application/pdf' | 'image/png' | 'image/jpeg';

const SIGNATURES: Array<{ type: ExhibitMediaType; bytes: number[] }> = [
  { type: 'application/pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
  { type: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
];
const NEEDED = Math.max(...SIGNATURES.map((s) => s.bytes.length));

/** The type the first bytes say, whatever the file is called; null when it is none Gavel accepts. */
export function typeOfBytes(head: Uint8Array): ExhibitMediaType | null {
  for (const s of SIGNATURES) {
    if (head.length >= s.bytes.length && s.bytes.every((b, i) => head[i] === b)) return s.type;
  }
  return null;
}

export const unsupportedType = () =>
  new DomainError(
    415,
    'unsupported_media_type',
    'Only PDF, PNG and JPEG files can be exhibits (judged by the content, not the name).',
  );

/**
 * Passes bytes through, reading the type from the first ones and failing the stream at once when
 * it is not PDF, PNG or JPEG, so a refused upload is never written out.
 */
export class TypeSniffer extends Transform {
  type: ExhibitMediaType | null = null;
  private head = Buffer.alloc(0);
  private decided = false;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null, data?: Buffer) => void): void {
    if (this.decided) return done(null, chunk);
    this.head = Buffer.concat([this.head, chunk]);
    if (this.head.length < NEEDED) return done();
    this.decide(done);
  }

  override _flush(done: (err?: Error | null, data?: Buffer) => void): void {
    if (this.decided) return done();
    this.decide(done);
  }

  private decide(done: (err?: Error | null, data?: Buffer) => void): void {
    this.decided = true;
    this.type = typeOfBytes(this.head);
    if (!this.type) return done(unsupportedType());
    const head = this.head;
    this.head = Buffer.alloc(0);
    done(null, head);
  }
}
