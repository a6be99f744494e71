// Tables of court administration, staff accounts and two-factor sign-in.
import type { ColumnType, Generated, Selectable } from 'kysely';
import type { Timestamp } from '../platform/db/schema.ts';

export interface CourtTable {
  id: Generated<string>;
  name: string;
  timezone: string;
  locale: Generated<string>;
  created_at: Timestamp;
  /** Pre-join rules per locale, e.g. { en: '…', 'zh-CN': '…' }. */
  rules_text: ColumnType<Record<string, string>, string | undefined, string>;
  recording_required_default: Generated<boolean>;
  invite_grace_minutes: Generated<number>;
  session_idle_minutes: Generated<number>;
  session_absolute_minutes: Generated<number>;
  require_two_factor: Generated<boolean>;
  /** How the public reaches the court: shown on dead links and after a hearing. */
  contact_phone: string | null;
  contact_email: string | null;
  contact_note: string | null;
  updated_at: Timestamp;
}

export interface CourtroomTable {
  id: Generated<string>;
  court_id: string;
  name: string;
  created_at: Timestamp;
  retired_at: Date | null;
}

export type Court = Selectable<CourtTable>;

export type PasswordLinkPurpose = 'invite' | 'reset';

/** One-time set-password links; only a SHA-256 of the token is stored. */
export interface PasswordLinkTable {
  id: Generated<string>;
  user_id: string;
  token_hash: string;
  purpose: PasswordLinkPurpose;
  created_by: string | null;
  created_at: Timestamp;
  expires_at: Date;
  used_at: Date | null;
}

/** A staff member's TOTP secret (encrypted); enabled once the first code confirmed it. */
export interface TwoFactorTable {
  user_id: string;
  secret_encrypted: string;
  enabled_at: Date | null;
  // bigint comes back from pg as a string.
  last_used_step: ColumnType<string | null, number | null | undefined, number | null>;
  created_at: Timestamp;
}

export interface RecoveryCodeTable {
  id: Generated<string>;
  user_id: string;
  code_hash: string;
  created_at: Timestamp;
  used_at: Date | null;
}

export type SignInStep = 'second_factor';

export interface SignInStepTable {
  session_id: string;
  step: SignInStep;
  expires_at: Date;
}

export type TwoFactorResetMode = 'approval' | 'delay';

/** An admin's request to remove a staff member's second factor; open until done or cancelled. */
export interface TwoFactorResetTable {
  id: Generated<string>;
  court_id: string;
  user_id: string;
  requested_by: string;
  requested_at: Date;
  mode: TwoFactorResetMode;
  /** For 'delay': when it takes effect unless cancelled. */
  takes_effect_at: Date | null;
  approved_by: string | null;
  approved_at: Date | null;
  cancelled_by: string | null;
  cancelled_at: Date | null;
  done_at: Date | null;
}

export type AccountNoticeKind = 'password_reset' | 'two_factor_removed';

/** What an admin did to an account, told to its owner at their next sign-in until dismissed. */
export interface AccountNoticeTable {
  id: Generated<string>;
  user_id: string;
  kind: AccountNoticeKind;
  payload: ColumnType<Record<string, unknown>, string, never>;
  created_at: Date;
  dismissed_at: Date | null;
}

export interface AdminTables {
  courts: CourtTable;
  courtrooms: CourtroomTable;
  two_factor_resets: TwoFactorResetTable;
  account_notices: AccountNoticeTable;
  password_links: PasswordLinkTable;
  two_factor: TwoFactorTable;
  recovery_codes: RecoveryCodeTable;
  sign_in_steps: SignInStepTable;
}
