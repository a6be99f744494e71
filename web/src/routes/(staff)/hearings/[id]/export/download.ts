import { ApiError, send } from '#lib/api.ts';
import { t } from '#lib/i18n/index.svelte.ts';

export interface Progress {
  received: number;
  /** The server's estimate of the bundle's size (its files' sizes); 0 when unknown. */
  estimated: number;
}

export interface Downloaded {
  blob: Blob;
  name: string;
}

/**
 * Fetches the hearing's record bundle, reporting each chunk as it arrives (the server streams the
 * ZIP as it builds it, so the browser learns the total only at the end).
 */
export async function downloadRecord(
  hearingId: string,
  opts: { recordings: boolean; signal: AbortSignal; onProgress: (p: Progress) => void },
): Promise<Downloaded> {
  const path = `/hearings/${encodeURIComponent(hearingId)}/export${opts.recordings ? '?recordings=1' : ''}`;
  const response = await send(path, { signal: opts.signal });
  const estimated = Number(response.headers.get('x-gavel-estimated-bytes') ?? 0) || 0;
  const name = fileName(response.headers.get('content-disposition')) ?? `Gavel-record-${hearingId}.zip`;
  if (!response.body) throw new ApiError(0, 'network', 'No body.');
  const reader = response.body.getReader();
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let received = 0;
  opts.onProgress({ received, estimated });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.length;
      opts.onProgress({ received, estimated });
    }
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError(0, 'network', 'The download was interrupted.');
  }
  return { blob: new Blob(chunks, { type: 'application/zip' }), name };
}

/** Hands the bundle to the browser's own download. */
export function save(d: Downloaded): void {
  const href = URL.createObjectURL(d.blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = d.name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}

/** The real name from `filename*` (UTF-8, RFC 6266) when the server sent one, else the ASCII `filename`. */
export function fileName(disposition: string | null): string | null {
  if (!disposition) return null;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1]!);
    } catch {
      // A malformed encoding: the ASCII name below still names the file.
    }
  }
  return /filename="([^"]+)"/.exec(disposition)?.[1] ?? null;
}

export function exportErrorMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return t('export.error.generic');
  if (error.code === 'network') return t('export.error.network');
  if (error.status === 403) return t('export.error.forbidden');
  if (error.status === 404) return t('export.error.notFound');
  return t('export.error.generic');
}

/** 1.5 MB, 230 KB. */
export function formatBytes(bytes: number, locale: string): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: units[unit],
    unitDisplay: 'short',
    maximumFractionDigits: unit === 0 ? 0 : 1,
  }).format(value);
}
