import type { Action, HearingState, Presence } from '@gavel/api/domain/hearing';
import { api, ApiError } from '../api.ts';
import type { Locale } from '../i18n/locales.ts';

export type ParticipantRole = 'plaintiff' | 'defendant' | 'agent' | 'witness' | 'interpreter' | 'observer';
export const PARTICIPANT_ROLES: ParticipantRole[] = [
  'plaintiff',
  'defendant',
  'agent',
  'witness',
  'interpreter',
  'observer',
];

export interface Named {
  id: string;
  name: string;
}

export interface Hearing {
  id: string;
  court: { id: string; name: string; timezone: string };
  case: { id: string; number: string; caption: string; caseType: string };
  courtroom: Named;
  judge: Named;
  clerk: Named | null;
  title: string;
  scheduledStart: string;
  scheduledEnd: string;
  state: HearingState;
  public: boolean;
  recordingRequired: boolean;
  notes: string;
  sequence: number;
}

export interface Case {
  id: string;
  number: string;
  caption: string;
  caseType: string;
}

export interface Participant {
  id: string;
  hearingId: string;
  role: ParticipantRole;
  displayName: string;
  email: string | null;
  phone: string | null;
  representsId: string | null;
  interpretsForId: string | null;
  language: string | null;
  /** The language Gavel writes to them in. */
  locale: Locale;
  presence: string;
  accessCodeRequired: boolean;
  invite: { status: 'active' | 'revoked' | 'expired' | 'closed'; issuedAt: string | null; expiresAt: string | null };
  joined: boolean;
  message: { text: string; sentAt: string | null; delivered: boolean } | null;
}

export interface InviteIssued {
  participant: Participant;
  inviteUrl: string;
  accessCode: string | null;
  message: { subject: string; text: string };
  delivered: boolean;
}

export interface HearingOptions {
  court: { id: string; name: string; timezone: string; recordingRequiredDefault: boolean };
  judges: Named[];
  clerks: Named[];
  courtrooms: Named[];
}

export interface Conflict {
  id: string;
  title: string;
  caseNumber: string;
  scheduledStart: string;
  scheduledEnd: string;
  judge: boolean;
  courtroom: boolean;
}

/** How the public reaches a court, as its admin published it. */
export interface CourtContact {
  court: string;
  phone: string | null;
  email: string | null;
  note: string | null;
}

export interface Landing {
  court: { name: string; timezone: string; contact: CourtContact };
  case: { number: string; caption: string };
  hearing: { title: string; scheduledStart: string; scheduledEnd: string; state: HearingState };
  invitee: { displayName: string; role: ParticipantRole; locale: Locale; presence: Presence };
  accessCodeRequired: boolean;
  rules: Record<string, string>;
  /** For a signed-in participant: what the hearing policy lets them do now. */
  may?: Action[];
}

export interface HearingInput {
  caseId: string;
  courtroomId: string;
  judgeId: string;
  title: string;
  scheduledStart: string;
  scheduledEnd: string;
  public: boolean;
  recordingRequired: boolean;
  notes: string;
}

export interface NewParticipant {
  role: ParticipantRole;
  displayName: string;
  email?: string;
  phone?: string;
  representsId?: string;
  interpretsForId?: string;
  language?: string;
  /** Left out: the court's language. */
  locale?: Locale;
  accessCode?: boolean;
}

const q = (params: Record<string, string | undefined>) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) s.set(k, v);
  return s.toString();
};

export const scheduling = {
  options: () => api.get<HearingOptions>('/hearings/options'),
  docket: (p: { from: string; to: string; judgeId?: string; courtroomId?: string }, signal?: AbortSignal) =>
    api.get<{ hearings: Hearing[] }>(`/hearings?${q(p)}`, { signal }),
  conflicts: (
    p: { start: string; end: string; judgeId: string; courtroomId: string; excludeId?: string },
    signal?: AbortSignal,
  ) => api.get<{ conflicts: Conflict[] }>(`/hearings/conflicts?${q(p)}`, { signal }),
  searchCases: (text: string, signal?: AbortSignal) =>
    api.get<{ cases: Case[] }>(`/cases?${q({ q: text })}`, { signal }),
  createCase: (body: { number: string; caption: string; caseType: string }) => api.post<{ case: Case }>('/cases', body),
  createHearing: (body: HearingInput) => api.post<{ hearing: Hearing }>('/hearings', body),
  hearing: (id: string) => api.get<{ hearing: Hearing; participants: Participant[]; may: string[] }>(`/hearings/${id}`),
  updateHearing: (id: string, body: Partial<HearingInput>) =>
    api.patch<{ hearing: Hearing; notified: number }>(`/hearings/${id}`, body),
  cancelHearing: (id: string) => api.post<{ hearing: Hearing; notified: number }>(`/hearings/${id}/cancel`, {}),
  addParticipant: (hearingId: string, body: NewParticipant) =>
    api.post<InviteIssued>(`/hearings/${hearingId}/participants`, body),
  newLink: (hearingId: string, participantId: string) =>
    api.post<InviteIssued>(`/hearings/${hearingId}/participants/${participantId}/invite`, {}),
  revoke: (hearingId: string, participantId: string) =>
    api.delete<undefined>(`/hearings/${hearingId}/participants/${participantId}`),
  landing: (token: string) => api.get<Landing>(`/join/${encodeURIComponent(token)}`),
  join: (token: string, accessCode?: string) =>
    api.post<{ hearingId: string; landing: Landing }>('/join', accessCode ? { token, accessCode } : { token }),
  me: (hearingId: string) => api.get<Landing>(`/hearings/${hearingId}/me`),
};

/** The contact a 410 (or a 404, where the court is known) carries: whom to ask for a new link. */
export interface GoneContact extends CourtContact {
  clerkName?: string | null;
  clerkEmail?: string | null;
}

/** GET /api/join/:token for the landing page, keeping a 410's contact (ApiError drops extra fields). */
export async function openInvite(
  token: string,
): Promise<
  | { ok: true; landing: Landing }
  | { ok: false; status: number; code: string; retryAfter?: number; contact?: GoneContact }
> {
  let response: Response;
  try {
    response = await fetch(`/api/join/${encodeURIComponent(token)}`, { headers: { Accept: 'application/json' } });
  } catch {
    return { ok: false, status: 0, code: 'network' };
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (response.ok) return { ok: true, landing: body as Landing };
  const b = (body ?? {}) as { error?: { code?: string }; contact?: GoneContact };
  const retry = Number(response.headers.get('Retry-After'));
  return {
    ok: false,
    status: response.status,
    code: b.error?.code ?? 'http',
    ...(Number.isFinite(retry) && retry > 0 ? { retryAfter: retry } : {}),
    ...(b.contact ? { contact: b.contact } : {}),
  };
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError;
