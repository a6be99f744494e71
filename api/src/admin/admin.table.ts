// Tables of court administration, staff accounts and two-factor sign-in (issue 9).
import type { ColumnType, Generated } from 'kysely';
import type { Timestamp } from '../db/schema.ts';

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

export interface AdminTables {
  password_links: PasswordLinkTable;
  two_factor: TwoFactorTable;
  recovery_codes: RecoveryCodeTable;
  sign_in_steps: SignInStepTable;
}
