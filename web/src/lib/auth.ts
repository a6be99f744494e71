import { api } from './api.ts';

export type StaffRole = 'judge' | 'clerk' | 'admin';

export interface Court {
  id: string;
  name: string;
  /** IANA time zone, e.g. "Asia/Shanghai". */
  timezone: string;
  locale: string;
}

export interface User {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  court: Court | null;
}

interface UserResponse {
  user: User;
}

export async function fetchMe(): Promise<User> {
  return (await api.get<UserResponse>('/auth/me')).user;
}

/** What the session still owes after the password: its second-factor code, or enrolment in it. */
export type PendingStep = 'second_factor' | 'enrol';

export type LoginResult = { user: User } | { step: PendingStep };

export async function login(email: string, password: string): Promise<LoginResult> {
  return api.post<LoginResult>('/auth/login', { email, password });
}

export async function completeSecondFactor(code: string): Promise<User> {
  return (await api.post<UserResponse>('/auth/login/second-factor', { code })).user;
}

export async function logout(): Promise<void> {
  await api.post<undefined>('/auth/logout');
}
