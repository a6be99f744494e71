import { apiClient, ApiError, type ApiAnswer, type ApiBody, type ApiQuery, type ApiResponse } from '../api.ts';

export type HearingOptions = ApiResponse<'get', '/hearings/options'>;
export type Named = HearingOptions['judges'][number];
export type Hearing = ApiResponse<'get', '/hearings/{id}'>['hearing'];
export type Participant = ApiResponse<'get', '/hearings/{id}'>['participants'][number];
export type ParticipantRole = Participant['role'];
export const PARTICIPANT_ROLES: ParticipantRole[] = [
  'plaintiff',
  'defendant',
  'agent',
  'witness',
  'interpreter',
  'observer',
];
/** A case as the screens hold it: the new-hearing form lists the case it just created without its `createdAt`. */
export type Case = Omit<ApiResponse<'get', '/cases'>['cases'][number], 'createdAt'>;
export type Conflict = ApiResponse<'get', '/hearings/conflicts'>['conflicts'][number];
export type InviteIssued = ApiResponse<'post', '/hearings/{id}/participants'>;
/** What an invitee sees before and after joining; `may` (a signed-in participant's) is what the hearing policy lets them do now. */
export type Landing = ApiResponse<'get', '/join/{token}'>;
/** How the public reaches a court, as its admin published it. */
export type CourtContact = Landing['court']['contact'];
export type HearingInput = ApiBody<'post', '/hearings'>;
export type HearingChanges = ApiBody<'patch', '/hearings/{id}'>;
/** A participant to add; a left-out `locale` is the court's language. */
export type NewParticipant = ApiBody<'post', '/hearings/{id}/participants'>;

/** The fetch a read is made with: a page's load function passes SvelteKit's. */
type Fetch = typeof fetch;

export const scheduling = {
  options: (fetch?: Fetch) => apiClient.get('/hearings/options', { fetch }),
  docket: (query: ApiQuery<'get', '/hearings'>, signal?: AbortSignal) => apiClient.get('/hearings', { query, signal }),
  conflicts: (query: ApiQuery<'get', '/hearings/conflicts'>, signal?: AbortSignal) =>
    apiClient.get('/hearings/conflicts', { query, signal }),
  searchCases: (text: string, signal?: AbortSignal) => apiClient.get('/cases', { query: { q: text }, signal }),
  createCase: (body: ApiBody<'post', '/cases'>) => apiClient.post('/cases', { body }),
  createHearing: (body: HearingInput) => apiClient.post('/hearings', { body }),
  hearing: (id: string, fetch?: Fetch) => apiClient.get('/hearings/{id}', { path: { id }, fetch }),
  updateHearing: (id: string, body: HearingChanges) => apiClient.patch('/hearings/{id}', { path: { id }, body }),
  cancelHearing: (id: string) => apiClient.post('/hearings/{id}/cancel', { path: { id } }),
  addParticipant: (id: string, body: NewParticipant) =>
    apiClient.post('/hearings/{id}/participants', { path: { id }, body }),
  newLink: (id: string, pid: string) =>
    apiClient.post('/hearings/{id}/participants/{pid}/invite', { path: { id, pid } }),
  revoke: (id: string, pid: string) => apiClient.delete('/hearings/{id}/participants/{pid}', { path: { id, pid } }),
  landing: (token: string) => apiClient.get('/join/{token}', { path: { token } }),
  join: (token: string, accessCode?: string) =>
    apiClient.post('/join', { body: accessCode ? { token, accessCode } : { token } }),
  me: (id: string) => apiClient.get('/hearings/{id}/me', { path: { id } }),
};

/** The contact a 410 (or a 404, where the court is known) carries: whom to ask for a new link. */
export type GoneContact = CourtContact &
  Partial<Pick<ApiAnswer<'get', '/join/{token}', 410>['contact'], 'clerkName' | 'clerkEmail'>>;

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
