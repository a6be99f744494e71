// Tables of staff accounts and sign-in: who they are, their sessions, and failed sign-ins.
import type { Generated, Insertable, Selectable } from 'kysely';
import type { Timestamp } from '../platform/db/schema.ts';
import type { StaffRole } from '../domain/hearing/index.ts';

export interface UserTable {
  id: Generated<string>;
  court_id: string | null;
  email: string;
  name: string;
  role: StaffRole;
  password_hash: string;
  disabled: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SessionTable {
  id: Generated<string>;
  token_hash: string;
  user_id: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Date;
  idle_expires_at: Date;
  ip: string | null;
  user_agent: string | null;
}

export interface LoginFailureTable {
  id: Generated<string>;
  key: string;
  at: Date;
}

export type User = Selectable<UserTable>;
export type NewUser = Insertable<UserTable>;

export interface AccountTables {
  users: UserTable;
  sessions: SessionTable;
  login_failures: LoginFailureTable;
}
