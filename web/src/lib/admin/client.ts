/** Calls of the admin screens, the account page and the extra sign-in steps. */
import { api } from '../api.ts';
import type { StaffRole, User } from '../auth.ts';

export type StaffStatus = 'active' | 'awaiting_password' | 'disabled';
export type CourtLocale = 'en' | 'zh-CN';

export interface CourtSettings {
  id: string;
  name: string;
  timezone: string;
  locale: string;
  rulesText: Partial<Record<CourtLocale, string>>;
  recordingRequiredDefault: boolean;
  inviteGraceMinutes: number;
  sessionIdleMinutes: number;
  sessionAbsoluteMinutes: number;
  requireTwoFactor: boolean;
  contactPhone: string | null;
  contactEmail: string | null;
  contactNote: string | null;
  updatedAt: string;
}

export interface Courtroom {
  id: string;
  name: string;
  createdAt: string;
  retiredAt: string | null;
}

export interface StaffMember {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  status: StaffStatus;
  twoFactorEnabled: boolean;
  createdAt: string;
}

/** A reset link's url is null when mail is configured: it went to the account's own address only. */
export interface PasswordLink {
  url: string | null;
  expiresAt: string;
  emailed: boolean;
}

export interface TwoFactorStatus {
  enabled: boolean;
  required: boolean;
  recoveryCodesLeft: number;
}

export interface SessionInfo {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

export interface TwoFactorSetup {
  secret: string;
  otpauthUri: string;
  qrCode: string;
}

export interface LinkInfo {
  email: string;
  name: string;
  courtName: string | null;
  purpose: 'invite' | 'reset';
  expiresAt: string;
  /** A reset of an account with two-factor sign-in: its code is needed too. */
  codeRequired: boolean;
}

/** A request to remove a staff member's second factor. */
export interface TwoFactorReset {
  id: string;
  user: { id: string; name: string; email: string; role: StaffRole };
  requestedBy: { id: string; name: string };
  requestedAt: string;
  mode: 'approval' | 'delay';
  takesEffectAt: string | null;
  status: 'pending' | 'done' | 'cancelled';
  approvedBy: { id: string; name: string } | null;
  cancelledBy: { id: string; name: string } | null;
}

export interface AccountNotice {
  id: string;
  kind: 'password_reset' | 'two_factor_removed';
  at: string;
  by: string;
  approvedBy: string | null;
  linkShownToAdmin: boolean;
}

export interface PendingReset {
  id: string;
  requestedBy: string;
  requestedAt: string;
  mode: 'approval' | 'delay';
  takesEffectAt: string | null;
}

const seg = encodeURIComponent;

export interface CourtCertificate {
  pem: string;
  fingerprint: string;
  fingerprintColons: string;
  subject: string;
  notBefore: string;
  notAfter: string;
}

export const adminApi = {
  courtCertificate: () =>
    api.get<{ source: 'generated' | 'pkcs12'; current: CourtCertificate; previous: CourtCertificate[] }>(
      '/court-certificate',
    ),
  court: async () => (await api.get<{ court: CourtSettings }>('/admin/court')).court,
  updateCourt: async (changes: Partial<Omit<CourtSettings, 'id' | 'updatedAt'>>) =>
    (await api.post<{ court: CourtSettings }>('/admin/court', changes)).court,

  courtrooms: async () => (await api.get<{ courtrooms: Courtroom[] }>('/admin/courtrooms')).courtrooms,
  createCourtroom: async (name: string) =>
    (await api.post<{ courtroom: Courtroom }>('/admin/courtrooms', { name })).courtroom,
  renameCourtroom: async (id: string, name: string) =>
    (await api.post<{ courtroom: Courtroom }>(`/admin/courtrooms/${seg(id)}/rename`, { name })).courtroom,
  setCourtroomRetired: async (id: string, retired: boolean) =>
    (await api.post<{ courtroom: Courtroom }>(`/admin/courtrooms/${seg(id)}/${retired ? 'retire' : 'reinstate'}`))
      .courtroom,

  staff: async (filters: { role?: StaffRole | ''; status?: StaffStatus | ''; q?: string }) => {
    const query = new URLSearchParams();
    if (filters.role) query.set('role', filters.role);
    if (filters.status) query.set('status', filters.status);
    if (filters.q?.trim()) query.set('q', filters.q.trim());
    const qs = query.toString();
    return (await api.get<{ staff: StaffMember[] }>(`/admin/staff${qs ? `?${qs}` : ''}`)).staff;
  },
  invite: (input: { email: string; name: string; role: StaffRole }) =>
    api.post<{ staff: StaffMember; link: PasswordLink }>('/admin/staff', input),
  changeRole: async (id: string, role: StaffRole) =>
    (await api.post<{ staff: StaffMember }>(`/admin/staff/${seg(id)}/role`, { role })).staff,
  setDisabled: async (id: string, disabled: boolean) =>
    (await api.post<{ staff: StaffMember }>(`/admin/staff/${seg(id)}/${disabled ? 'disable' : 'enable'}`)).staff,
  resetPassword: (id: string) =>
    api.post<{ staff: StaffMember; link: PasswordLink }>(`/admin/staff/${seg(id)}/password-reset`),
  resetTwoFactor: (id: string) =>
    api.post<{ staff: StaffMember; reset: TwoFactorReset | null }>(`/admin/staff/${seg(id)}/two-factor-reset`),
  twoFactorResets: async () => (await api.get<{ resets: TwoFactorReset[] }>('/admin/two-factor-resets')).resets,
  approveReset: async (id: string) =>
    (await api.post<{ reset: TwoFactorReset }>(`/admin/two-factor-resets/${seg(id)}/approve`)).reset,
  cancelReset: async (id: string) =>
    (await api.post<{ reset: TwoFactorReset }>(`/admin/two-factor-resets/${seg(id)}/cancel`)).reset,
};

export const accountApi = {
  get: () => api.get<{ user: User; twoFactor: TwoFactorStatus }>('/account'),
  changePassword: (currentPassword: string, newPassword: string) =>
    api.post<undefined>('/account/password', { currentPassword, newPassword }),
  sessions: async () => (await api.get<{ sessions: SessionInfo[] }>('/account/sessions')).sessions,
  endSession: (id: string) => api.post<undefined>(`/account/sessions/${seg(id)}/end`),
  startTwoFactor: () => api.post<TwoFactorSetup>('/account/two-factor/setup'),
  confirmTwoFactor: async (code: string) =>
    (await api.post<{ recoveryCodes: string[] }>('/account/two-factor/confirm', { code })).recoveryCodes,
  newRecoveryCodes: async (password: string) =>
    (await api.post<{ recoveryCodes: string[] }>('/account/two-factor/recovery-codes', { password })).recoveryCodes,
  disableTwoFactor: (password: string) => api.post<undefined>('/account/two-factor/disable', { password }),
  inspectLink: (token: string) => api.post<LinkInfo>('/account/set-password/inspect', { token }),
  setPassword: (token: string, password: string, code?: string) =>
    api.post<undefined>('/account/set-password', { token, password, ...(code ? { code } : {}) }),
  notices: () => api.get<{ notices: AccountNotice[]; pendingResets: PendingReset[] }>('/account/notices'),
  dismissNotice: (id: string) => api.post<undefined>(`/account/notices/${seg(id)}/dismiss`),
  cancelOwnReset: (id: string) => api.post<undefined>(`/account/two-factor-resets/${seg(id)}/cancel`),
};

/** The token of a set-password link: /login#set-password=TOKEN (a fragment never reaches a server). */
export function setPasswordToken(hash: string): string | undefined {
  const match = /^#set-password=([A-Za-z0-9_-]{20,100})$/.exec(hash);
  return match?.[1];
}
