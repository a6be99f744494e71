import { apiClient, type ApiResponse } from './api.ts';

/** A signed-in member of staff, with their court (its IANA time zone, e.g. "Asia/Shanghai"). */
export type User = ApiResponse<'get', '/auth/me'>['user'];
export type StaffRole = User['role'];

export type LoginResult = ApiResponse<'post', '/auth/login'>;

/** What the session still owes after the password: its second-factor code, or enrolment in it. */
export type PendingStep = Extract<LoginResult, { step: unknown }>['step'];

export async function fetchMe(): Promise<User> {
  return (await apiClient.get('/auth/me')).user;
}

export async function login(email: string, password: string): Promise<LoginResult> {
  return apiClient.post('/auth/login', { body: { email, password } });
}

export async function completeSecondFactor(code: string): Promise<User> {
  return (await apiClient.post('/auth/login/second-factor', { body: { code } })).user;
}

export async function logout(): Promise<void> {
  await apiClient.post('/auth/logout');
}
