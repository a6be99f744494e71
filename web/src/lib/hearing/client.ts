import { apiClient, type ApiBody, type ApiResponse } from '../api.ts';
import type { ChatAudience } from './types.ts';

export type StateAction = ApiBody<'post', '/hearings/{id}/state'>['action'];
export type OpenedConsultation = ApiResponse<
  'post',
  '/hearings/{id}/consultation-requests/{rid}/accept'
>['consultation'];

/** The live hearing's REST actions (the socket only pushes). */
export const live = {
  /** "I am here": into the lobby (idempotent for an admitted participant reloading the page). */
  enterLobby: (id: string) => apiClient.post('/hearings/{id}/lobby', { path: { id } }),
  leave: (id: string) => apiClient.post('/hearings/{id}/leave', { path: { id } }),
  mediaToken: (id: string) => apiClient.post('/hearings/{id}/media-token', { path: { id } }),
  setState: (id: string, action: StateAction) =>
    apiClient.post('/hearings/{id}/state', { path: { id }, body: { action } }),
  admit: (id: string, pid: string) => apiClient.post('/hearings/{id}/participants/{pid}/admit', { path: { id, pid } }),
  admitAll: (id: string) => apiClient.post('/hearings/{id}/admit-all', { path: { id } }),
  returnToLobby: (id: string, pid: string) =>
    apiClient.post('/hearings/{id}/participants/{pid}/return-to-lobby', { path: { id, pid } }),
  remove: (id: string, pid: string) =>
    apiClient.post('/hearings/{id}/participants/{pid}/remove', { path: { id, pid } }),
  mute: (id: string, pid: string, trackSid: string) =>
    apiClient.post('/hearings/{id}/participants/{pid}/mute', { path: { id, pid }, body: { trackSid } }),
  screenShare: (id: string, pid: string, allowed: boolean) =>
    apiClient.post('/hearings/{id}/participants/{pid}/screen-share', { path: { id, pid }, body: { allowed } }),
  chat: (id: string) => apiClient.get('/hearings/{id}/chat', { path: { id } }),
  say: (id: string, text: string, to: ChatAudience) =>
    apiClient.post('/hearings/{id}/chat', { path: { id }, body: { text, to } }),
  /** Ask one's own party or agent(s) to step out into a private, unrecorded room; it opens when they accept. */
  requestConsultation: (id: string, participantIds: string[]) =>
    apiClient.post('/hearings/{id}/consultation-requests', { path: { id }, body: { participantIds } }),
  acceptConsultation: (id: string, rid: string) =>
    apiClient.post('/hearings/{id}/consultation-requests/{rid}/accept', { path: { id, rid } }),
  declineConsultation: (id: string, rid: string) =>
    apiClient.post('/hearings/{id}/consultation-requests/{rid}/decline', { path: { id, rid } }),
  withdrawConsultation: (id: string, rid: string) =>
    apiClient.post('/hearings/{id}/consultation-requests/{rid}/withdraw', { path: { id, rid } }),
  consultationToken: (id: string, cid: string) =>
    apiClient.post('/hearings/{id}/consultations/{cid}/media-token', { path: { id, cid } }),
  /** Back to the hearing: the answer carries a fresh hearing token. */
  leaveConsultation: (id: string, cid: string) =>
    apiClient.post('/hearings/{id}/consultations/{cid}/leave', { path: { id, cid } }),
  /** The official recording, started and stopped by the bench while the hearing is in session. */
  recording: (id: string, what: 'start' | 'stop') =>
    what === 'start'
      ? apiClient.post('/hearings/{id}/recordings/start', { path: { id } })
      : apiClient.post('/hearings/{id}/recordings/stop', { path: { id } }),
};

/** Which state buttons the judge sees for each state (the server refuses every other move with 409). */
export function nextActions(state: string): StateAction[] {
  switch (state) {
    case 'scheduled':
      return ['open'];
    case 'open':
      return ['start', 'adjourn'];
    case 'in_session':
      return ['recess', 'adjourn'];
    case 'recess':
      return ['resume', 'adjourn'];
    default:
      return [];
  }
}
