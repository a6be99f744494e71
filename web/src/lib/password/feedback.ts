import type * as PasswordRuleModule from '@gavel/api/domain/password';
import type { PasswordContext, PasswordSuggestion, PasswordVerdict, PasswordWarning } from '@gavel/api/domain/password';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '@gavel/api/domain/password-limits';
import { getLocale, hasMessage, t } from '../i18n/index.svelte.ts';

export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH };

type PasswordRule = typeof PasswordRuleModule;
let rule: Promise<PasswordRule> | undefined;

/**
 * The password rule the server applies, with zxcvbn's dictionaries (about 1.5 MB): fetched on first use,
 * never part of the first page load.
 */
export function loadPasswordRule(): Promise<PasswordRule> {
  rule ??= import('@gavel/api/domain/password').catch((error: unknown) => {
    rule = undefined;
    throw error;
  });
  return rule;
}

export type { PasswordContext, PasswordVerdict };

/** zxcvbn's warning and suggestions, as sentences in the reader's language; unknown keys are left out. */
export function feedbackLines(warning: unknown, suggestions: unknown): string[] {
  const lines: string[] = [];
  if (typeof warning === 'string' && hasMessage(`password.warning.${warning}`)) {
    lines.push(t(`password.warning.${warning as PasswordWarning}`));
  }
  for (const s of Array.isArray(suggestions) ? suggestions : []) {
    if (typeof s === 'string' && hasMessage(`password.suggestion.${s}`)) {
      lines.push(t(`password.suggestion.${s as PasswordSuggestion}`));
    }
  }
  return lines;
}

/** Why the server refused a password (`weak_password`), and what to do instead. */
export function refusalMessage(details: Record<string, unknown>): string {
  switch (details['reason']) {
    case 'too_short':
      return t('password.refused.tooShort', { min: PASSWORD_MIN_LENGTH });
    case 'too_long':
      return t('password.refused.tooLong', { max: PASSWORD_MAX_LENGTH });
    case 'same_as_current':
      return t('password.refused.sameAsCurrent');
    default: {
      const lines = feedbackLines(details['warning'], details['suggestions']);
      if (lines.length === 0) lines.push(t('password.suggestion.anotherWord'));
      // Chinese sentences follow each other without a space.
      return [t('password.refused.guessable'), ...lines].join(getLocale() === 'zh-CN' ? '' : ' ');
    }
  }
}
