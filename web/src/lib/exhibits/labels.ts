import { ApiError } from '../api.ts';
import { t } from '../i18n/index.svelte.ts';
import type { ExhibitSide, ExhibitStatus } from './client.ts';

const KNOWN = [
  'unsupported_media_type',
  'encrypted_pdf',
  'unreadable_pdf',
  'unreadable_image',
  'empty_file',
  'payload_too_large',
  'too_many_pages',
  'too_complex',
  'stamping_busy',
  'hearing_ended',
  'already_ruled',
  'not_in_session',
  'page_out_of_range',
  'forbidden',
  'network',
] as const;

/** What went wrong, in the reader's language. */
export function exhibitErrorMessage(e: unknown, maxBytes?: number, maxPages?: number): string {
  if (e instanceof ApiError) {
    if (e.code === 'payload_too_large' && maxBytes) {
      return t('exhibits.upload.tooLarge', { mb: Math.round(maxBytes / (1024 * 1024)) });
    }
    if (e.code === 'too_many_pages' && maxPages) return t('exhibits.upload.tooManyPages', { pages: maxPages });
    const known = KNOWN.find((k) => k === e.code);
    if (known) return t(`exhibits.error.${known}`);
    if (e.status === 403) return t('exhibits.error.forbidden');
  }
  return t('exhibits.error.other');
}

export const statusName = (s: ExhibitStatus) => t(`exhibits.status.${s}`);
export const sideName = (s: ExhibitSide) => t(`exhibits.side.${s}`);
