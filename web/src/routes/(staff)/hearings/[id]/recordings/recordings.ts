import { apiClient, type ApiResponse } from '#lib/api.ts';
import { t } from '#lib/i18n/index.svelte.ts';

export type Recording = ApiResponse<'get', '/hearings/{id}/recordings'>['recordings'][number];
export type RecordingStatus = Recording['status'];

/** The hearing's recordings; a page's load function passes SvelteKit's fetch. */
export const listRecordings = (hearingId: string, fetch?: typeof globalThis.fetch) =>
  apiClient.get('/hearings/{id}/recordings', { path: { id: hearingId }, fetch });

/** Through Gavel, which checks who asks (and streams the file, or hands out a short-lived S3 link). */
export const downloadUrl = (hearingId: string, recordingId: string) =>
  `/api/hearings/${encodeURIComponent(hearingId)}/recordings/${encodeURIComponent(recordingId)}/download`;

export function statusName(s: RecordingStatus): string {
  switch (s) {
    case 'starting':
      return t('recording.status.starting');
    case 'active':
      return t('recording.status.active');
    case 'ending':
      return t('recording.status.ending');
    case 'complete':
      return t('recording.status.complete');
    case 'failed':
      return t('recording.status.failed');
    case 'aborted':
      return t('recording.status.aborted');
  }
}

/** 1:02:05 or 2:05. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return t('recording.unknown');
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${String(h)}:${two(m)}:${two(s)}` : `${String(m)}:${two(s)}`;
}

export function formatSize(bytes: number | null, locale: string): string {
  if (bytes === null) return t('recording.unknown');
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
