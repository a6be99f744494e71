/** Calls of the admin screens, the account page and the extra sign-in steps. */
import { apiClient, type ApiBody, type ApiResponse } from '../api.ts';
import type { StaffRole } from '../auth.ts';

export type CourtSettings = ApiResponse<'get', '/admin/court'>['court'];
export type CourtChanges = ApiBody<'post', '/admin/court'>;
export type CourtLocale = NonNullable<CourtChanges['locale']>;
export type Courtroom = ApiResponse<'get', '/admin/courtrooms'>['courtrooms'][number];
export type StaffMember = ApiResponse<'get', '/admin/staff'>['staff'][number];
export type StaffStatus = StaffMember['status'];
/** A reset link's url is null when mail is configured: it went to the account's own address only. */
export type PasswordLink = ApiResponse<'post', '/admin/staff'>['link'];
/** A request to remove a staff member's second factor. */
export type TwoFactorReset = ApiResponse<'get', '/admin/two-factor-resets'>['resets'][number];
export type CourtCertificate = ApiResponse<'get', '/court-certificate'>['current'];

export type TwoFactorStatus = ApiResponse<'get', '/account'>['twoFactor'];
export type SessionInfo = ApiResponse<'get', '/account/sessions'>['sessions'][number];
export type TwoFactorSetup = ApiResponse<'post', '/account/two-factor/setup'>;
/** What a set-password link is for; `codeRequired`: a reset of an account with two-factor sign-in needs its code too. */
export type LinkInfo = ApiResponse<'post', '/account/set-password/inspect'>;
export type AccountNotice = ApiResponse<'get', '/account/notices'>['notices'][number];
export type PendingReset = ApiResponse<'get', '/account/notices'>['pendingResets'][number];

/** The fetch a read is made with: a page's load function passes SvelteKit's. */
type Fetch = typeof fetch;

/** The staff list's filters, as the page's address carries them. */
export interface StaffFilters {
  role: StaffRole | '';
  status: StaffStatus | '';
  q: string;
}

export const adminApi = {
  courtCertificate: () => apiClient.get('/court-certificate'),
  court: async (fetch?: Fetch) => (await apiClient.get('/admin/court', { fetch })).court,
  updateCourt: async (changes: CourtChanges) => (await apiClient.post('/admin/court', { body: changes })).court,

  courtrooms: async (fetch?: Fetch) => (await apiClient.get('/admin/courtrooms', { fetch })).courtrooms,
  createCourtroom: async (name: string) => (await apiClient.post('/admin/courtrooms', { body: { name } })).courtroom,
  renameCourtroom: async (courtroomId: string, name: string) =>
    (await apiClient.post('/admin/courtrooms/{courtroomId}/rename', { path: { courtroomId }, body: { name } }))
      .courtroom,
  setCourtroomRetired: async (courtroomId: string, retired: boolean) =>
    (retired
      ? await apiClient.post('/admin/courtrooms/{courtroomId}/retire', { path: { courtroomId } })
      : await apiClient.post('/admin/courtrooms/{courtroomId}/reinstate', { path: { courtroomId } })
    ).courtroom,

  staff: async (filters: StaffFilters, fetch?: Fetch) =>
    (
      await apiClient.get('/admin/staff', {
        query: { role: filters.role || undefined, status: filters.status || undefined, q: filters.q.trim() },
        fetch,
      })
    ).staff,
  invite: (input: { email: string; name: string; role: StaffRole }) => apiClient.post('/admin/staff', { body: input }),
  changeRole: async (userId: string, role: StaffRole) =>
    (await apiClient.post('/admin/staff/{userId}/role', { path: { userId }, body: { role } })).staff,
  setDisabled: async (userId: string, disabled: boolean) =>
    (disabled
      ? await apiClient.post('/admin/staff/{userId}/disable', { path: { userId } })
      : await apiClient.post('/admin/staff/{userId}/enable', { path: { userId } })
    ).staff,
  resetPassword: (userId: string) => apiClient.post('/admin/staff/{userId}/password-reset', { path: { userId } }),
  resetTwoFactor: (userId: string) => apiClient.post('/admin/staff/{userId}/two-factor-reset', { path: { userId } }),
  twoFactorResets: async (fetch?: Fetch) => (await apiClient.get('/admin/two-factor-resets', { fetch })).resets,
  approveReset: async (resetId: string) =>
    (await apiClient.post('/admin/two-factor-resets/{resetId}/approve', { path: { resetId } })).reset,
  cancelReset: async (resetId: string) =>
    (await apiClient.post('/admin/two-factor-resets/{resetId}/cancel', { path: { resetId } })).reset,
};

export const accountApi = {
  get: (fetch?: Fetch) => apiClient.get('/account', { fetch }),
  changePassword: (currentPassword: string, newPassword: string) =>
    apiClient.post('/account/password', { body: { currentPassword, newPassword } }),
  sessions: async (fetch?: Fetch) => (await apiClient.get('/account/sessions', { fetch })).sessions,
  endSession: (sessionId: string) => apiClient.post('/account/sessions/{sessionId}/end', { path: { sessionId } }),
  startTwoFactor: () => apiClient.post('/account/two-factor/setup'),
  confirmTwoFactor: async (code: string) =>
    (await apiClient.post('/account/two-factor/confirm', { body: { code } })).recoveryCodes,
  newRecoveryCodes: async (password: string) =>
    (await apiClient.post('/account/two-factor/recovery-codes', { body: { password } })).recoveryCodes,
  disableTwoFactor: (password: string) => apiClient.post('/account/two-factor/disable', { body: { password } }),
  inspectLink: (token: string) => apiClient.post('/account/set-password/inspect', { body: { token } }),
  setPassword: (token: string, password: string, code?: string) =>
    apiClient.post('/account/set-password', { body: { token, password, ...(code ? { code } : {}) } }),
  notices: () => apiClient.get('/account/notices'),
  dismissNotice: (noticeId: string) => apiClient.post('/account/notices/{noticeId}/dismiss', { path: { noticeId } }),
  cancelOwnReset: (resetId: string) =>
    apiClient.post('/account/two-factor-resets/{resetId}/cancel', { path: { resetId } }),
};

/** The token of a set-password link: /login#set-password=TOKEN (a fragment never reaches a server). */
export function setPasswordToken(hash: string): string | undefined {
  const match = /^#set-password=([A-Za-z0-9_-]{20,100})$/.exec(hash);
  return match?.[1];
}
