import { ApiError } from '../api.ts';
import { t } from '../i18n/index.svelte.ts';
import { COURT_SPEAKER } from './speakers.ts';
import { courtClock, formatCourtTime, zoneName as zoneNameAt } from '@gavel/api/domain/court-time';

/** A failed call about the record, in the reader's language. */
export function transcriptErrorMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return t('transcript.error.generic');
  switch (error.code) {
    case 'network':
      return t('transcript.error.network');
    case 'not_found':
      return t('transcript.error.notFound');
    case 'forbidden':
      return t('transcript.error.forbidden');
    case 'hearing_not_adjourned':
    case 'not_adjourned':
      return t('transcript.error.notAdjourned');
    case 'nothing_to_seal':
      return t('transcript.error.nothingToSeal');
    case 'empty_record':
      return t('transcript.error.emptyRecord');
    case 'already_signed':
      return t('transcript.review.error.alreadySigned');
    case 'superseded':
    case 'seal_superseded':
      return t('transcript.review.error.superseded');
    case 'rate_limited':
      return error.retryAfter !== undefined
        ? t('transcript.error.rateLimited', { seconds: error.retryAfter })
        : t('transcript.error.generic');
    default:
      if (error.status === 403) return t('transcript.error.forbidden');
      if (error.status === 404) return t('transcript.error.notFound');
      // Validation and rule messages name the problem in English; better than nothing.
      return error.status >= 400 && error.status < 500 && error.message ? error.message : t('transcript.error.generic');
  }
}

/** The printed label, with the Court's own label in the reader's language. */
export const speakerLabel = (speaker: string) => (speaker === COURT_SPEAKER ? t('transcript.speaker.court') : speaker);

const SOURCES = ['clerk', 'captions', 'import', 'procedural'] as const;

export function sourceName(source: string): string {
  const known = SOURCES.find((s) => s === source);
  return known ? t(`transcript.source.${known}`) : source;
}

/** A time of day in the court's zone, to the second (as the record prints it); the list names the zone once. */
export function clock(iso: string, timeZone: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : courtClock(d, timeZone, { seconds: true });
}

/** The zone a list of court times is in, named once for the list: "GMT+8 (Asia/Shanghai)". */
export const zoneName = (timeZone: string, locale: string) => zoneNameAt(timeZone, new Date(), locale);

export function dateTime(iso: string, timeZone: string, locale: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  // Always with the zone's name: a time that changed zone silently is a wrong time to a reader elsewhere.
  return formatCourtTime(d, timeZone, locale, { date: 'medium' });
}
