import { ApiError } from '../api.ts';
import { t } from '../i18n/index.svelte.ts';
import { refusalMessage } from '../password/feedback.ts';

// Functions, so a message is looked up in the current language each time.
const byCode: Record<string, () => string> = {
  wrong_password: () => t('myAccount.error.wrongPassword'),
  invalid_code: () => t('myAccount.error.invalidCode'),
  two_factor_required: () => t('myAccount.error.required'),
  link_invalid: () => t('myAccount.error.linkInvalid'),
  link_expired: () => t('myAccount.error.linkExpired'),
  link_used: () => t('myAccount.error.linkUsed'),
  email_taken: () => t('admin.staff.error.emailTaken'),
  last_admin: () => t('admin.staff.error.lastAdmin'),
  own_account: () => t('admin.staff.error.ownAccount'),
  account_disabled: () => t('admin.staff.error.disabled'),
  courtroom_name_taken: () => t('admin.courtrooms.error.nameTaken'),
  validation: () => t('myAccount.error.validation'),
  code_required: () => t('myAccount.error.codeRequired'),
  own_request: () => t('admin.resets.error.ownRequest'),
  reset_not_pending: () => t('admin.resets.error.notPending'),
  two_factor_reset_pending: () => t('admin.resets.error.pending'),
  awaiting_password: () => t('admin.resets.error.awaitingPassword'),
};

/** A translated message for a failed call; follows a language switch when used in $derived. */
export function errorMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return t('myAccount.error.unexpected');
  if (error.code === 'weak_password') return refusalMessage(error.details);
  if (error.code === 'rate_limited') return t('myAccount.error.rateLimited', { seconds: error.retryAfter ?? 60 });
  const message = byCode[error.code];
  if (message) return message();
  if (error.code === 'network' || (error.code === 'http' && error.status >= 500)) return t('myAccount.error.network');
  return t('myAccount.error.unexpected');
}

/** Dates and times as the reader's language writes them. */
export function formatDateTime(iso: string, locale: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    ...(timeZone ? { timeZone } : {}),
  }).format(new Date(iso));
}
