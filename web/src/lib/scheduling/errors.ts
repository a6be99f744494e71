import { ApiError } from '../api.ts';
import { t } from '../i18n/index.svelte.ts';

/** A failed scheduling call in the reader's language (a 401 has already ended the session in the app). */
export function schedulingErrorMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return t('scheduling.error.generic');
  switch (error.code) {
    case 'network':
      return t('scheduling.error.network');
    case 'not_found':
      return t('scheduling.error.notFound');
    case 'forbidden':
      return t('scheduling.error.forbidden');
    case 'schedule_conflict':
      return t('scheduling.error.conflict');
    case 'end_before_start':
      return t('scheduling.error.endBeforeStart');
    case 'case_exists':
      return t('scheduling.error.caseExists');
    case 'courtroom_retired':
      return t('scheduling.error.retiredCourtroom');
    case 'judge_not_in_court':
      return t('scheduling.error.judge');
    case 'agent_needs_party':
      return t('participants.error.agentNeedsParty');
    case 'interpreter_needs_party':
      return t('participants.error.interpreter');
    case 'hearing_closed':
      return t('participants.error.closed');
    default:
      // Validation messages name the field in English; better than nothing for the clerk.
      return error.code === 'validation' ? error.message : t('scheduling.error.generic');
  }
}
