import { api, ApiError, send } from '../api.ts';
import { parseSeal, parseSignatures, parseTranscript, parseEntry, parseVerify } from './entries.ts';
import type { Seal, Signature, Transcript, TranscriptEntry, VerifyResult } from './types.ts';

const h = (id: string) => `/hearings/${encodeURIComponent(id)}`;

function entryOf(r: { entry?: unknown }): TranscriptEntry {
  const e = parseEntry(r.entry);
  if (!e) throw new ApiError(0, 'http', 'The server answered without the entry.');
  return e;
}

/**
 * A body that is not JSON (a WebVTT file, a PDF). `api.ts` sends JSON only; errors are read the
 * same way it reads them.
 */
async function sendRaw(path: string, body: Blob | string, contentType: string): Promise<unknown> {
  const response = await send(path, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': contentType },
    body,
  });
  return response.json().catch(() => undefined);
}

export interface NewEntry {
  speaker: string;
  speakerParticipantId?: string;
  spokenAt?: string;
  text: string;
}

/** The record's REST calls; new entries and corrections also arrive over the hearing's socket. */
export const transcripts = {
  load: async (id: string): Promise<Transcript> => parseTranscript(await api.get<unknown>(`${h(id)}/transcript`)),
  add: async (id: string, body: NewEntry) =>
    entryOf(await api.post<{ entry?: unknown }>(`${h(id)}/transcript/entries`, body)),
  correct: async (id: string, entryId: string, body: { text: string; reason: string }) =>
    entryOf(await api.patch<{ entry?: unknown }>(`${h(id)}/transcript/entries/${encodeURIComponent(entryId)}`, body)),
  /** A WebVTT file goes as `text/vtt`; JSON segments as they are. */
  import: (id: string, body: string, format: 'vtt' | 'json') =>
    sendRaw(`${h(id)}/transcript/import`, body, format === 'vtt' ? 'text/vtt' : 'application/json'),
  seal: async (id: string): Promise<Seal> => {
    const s = parseSeal((await api.post<{ seal?: unknown }>(`${h(id)}/transcript/seal`, {})).seal);
    if (!s) throw new ApiError(0, 'http', 'The server answered without the seal.');
    return s;
  },
  signatures: async (id: string): Promise<Signature[]> =>
    parseSignatures(await api.get<unknown>(`${h(id)}/transcript/signatures`)),
  sign: (sealId: string, fullName: string) =>
    api.post<unknown>(`/transcripts/${encodeURIComponent(sealId)}/signatures`, { fullName, confirm: true }),
  object: (sealId: string, text: string) =>
    api.post<unknown>(`/transcripts/${encodeURIComponent(sealId)}/objections`, { text }),
  verifyHash: async (sha256: string): Promise<VerifyResult> =>
    parseVerify(await api.get<unknown>(`/verify/${encodeURIComponent(sha256)}`)),
  verifyFile: async (file: Blob): Promise<VerifyResult> =>
    parseVerify(await sendRaw('/verify', file, 'application/pdf')),
};

/** The sealed PDF's address (a file, downloaded by the browser). */
export const pdfUrl = (sealId: string) => `/api/transcripts/${encodeURIComponent(sealId)}/pdf`;

/** The file's SHA-256 in hex, computed in the browser; null where Web Crypto is not offered (plain http). */
export async function sha256Hex(file: Blob): Promise<string | null> {
  if (typeof crypto === 'undefined' || !crypto.subtle) return null;
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
