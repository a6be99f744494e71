import { apiClient, ApiError, send, type ApiBody, type ApiResponse } from '../api.ts';
import { parseSeal, parseSignatures, parseTranscript, parseEntry, parseVerify } from './entries.ts';
import type { Seal, Signature, Transcript, TranscriptEntry, VerifyResult } from './types.ts';

// The answers are typed from the API's schemas; entries.ts still reads them into the screens' shapes, the
// same way it reads the socket's events.

function entryOf(r: { entry?: unknown }): TranscriptEntry {
  const e = parseEntry(r.entry);
  if (!e) throw new ApiError(0, 'http', 'The server answered without the entry.');
  return e;
}

/**
 * A body that is not JSON (a WebVTT file, a PDF). `api.ts` sends JSON only; errors are read the
 * same way it reads them. The answer is the route's, unless the server sent no JSON at all.
 */
async function sendRaw<T>(path: string, body: Blob | string, contentType: string): Promise<T | undefined> {
  const response = await send(path, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': contentType },
    body,
  });
  return (await response.json().catch(() => undefined)) as T | undefined;
}

const h = (id: string) => `/hearings/${encodeURIComponent(id)}`;

export type NewEntry = ApiBody<'post', '/hearings/{id}/transcript/entries'>;

/** The record's REST calls; new entries and corrections also arrive over the hearing's socket. */
export const transcripts = {
  load: async (id: string): Promise<Transcript> =>
    parseTranscript(await apiClient.get('/hearings/{id}/transcript', { path: { id } })),
  add: async (id: string, body: NewEntry) =>
    entryOf(await apiClient.post('/hearings/{id}/transcript/entries', { path: { id }, body })),
  correct: async (id: string, eid: string, body: ApiBody<'patch', '/hearings/{id}/transcript/entries/{eid}'>) =>
    entryOf(await apiClient.patch('/hearings/{id}/transcript/entries/{eid}', { path: { id, eid }, body })),
  /** A WebVTT file goes as `text/vtt`; JSON segments as they are. */
  import: (id: string, body: string, format: 'vtt' | 'json') =>
    sendRaw<ApiResponse<'post', '/hearings/{id}/transcript/import'>>(
      `${h(id)}/transcript/import`,
      body,
      format === 'vtt' ? 'text/vtt' : 'application/json',
    ),
  seal: async (id: string): Promise<Seal> => {
    const s = parseSeal((await apiClient.post('/hearings/{id}/transcript/seal', { path: { id } })).seal);
    if (!s) throw new ApiError(0, 'http', 'The server answered without the seal.');
    return s;
  },
  signatures: async (id: string): Promise<Signature[]> =>
    parseSignatures(await apiClient.get('/hearings/{id}/transcript/signatures', { path: { id } })),
  sign: (sealId: string, fullName: string) =>
    apiClient.post('/transcripts/{sealId}/signatures', { path: { sealId }, body: { fullName, confirm: true } }),
  object: (sealId: string, text: string) =>
    apiClient.post('/transcripts/{sealId}/objections', { path: { sealId }, body: { text } }),
  verifyHash: async (sha256: string): Promise<VerifyResult> =>
    parseVerify(await apiClient.get('/verify/{sha256}', { path: { sha256 } })),
  verifyFile: async (file: Blob): Promise<VerifyResult> =>
    parseVerify(await sendRaw<ApiResponse<'post', '/verify'>>('/verify', file, 'application/pdf')),
};

/** The sealed PDF's address (a file, downloaded by the browser). */
export const pdfUrl = (sealId: string) => `/api/transcripts/${encodeURIComponent(sealId)}/pdf`;

/** The file's SHA-256 in hex, computed in the browser; null where Web Crypto is not offered (plain http). */
export async function sha256Hex(file: Blob): Promise<string | null> {
  if (typeof crypto === 'undefined' || !crypto.subtle) return null;
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
