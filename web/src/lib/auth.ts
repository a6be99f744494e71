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

export async function login(email: string, password: string): Promise<User> {
  return (await api.post<UserResponse>('/auth/login', { email, password })).user;
}

export async function logout(): Promise<void> {
  await api.post<undefined>('/auth/logout');
}
