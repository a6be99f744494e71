import { api } from '../api.ts';
import type { ChatAudience, ChatMessage, ConsultationRequest, MediaToken } from './types.ts';

export type StateAction = 'open' | 'start' | 'recess' | 'resume' | 'adjourn';

const h = (id: string) => `/hearings/${encodeURIComponent(id)}`;
const p = (id: string, pid: string) => `${h(id)}/participants/${encodeURIComponent(pid)}`;
const c = (id: string, cid: string) => `${h(id)}/consultations/${encodeURIComponent(cid)}`;
const r = (id: string, rid: string) => `${h(id)}/consultation-requests/${encodeURIComponent(rid)}`;

export interface OpenedConsultation {
  id: string;
  room: string;
  participantIds: string[];
}

/** The live hearing's REST actions (the socket only pushes). */
export const live = {
  /** "I am here": into the lobby (idempotent for an admitted participant reloading the page). */
  enterLobby: (id: string) => api.post<unknown>(`${h(id)}/lobby`, {}),
  leave: (id: string) => api.post<unknown>(`${h(id)}/leave`, {}),
  mediaToken: (id: string) => api.post<MediaToken>(`${h(id)}/media-token`, {}),
  setState: (id: string, action: StateAction) =>
    api.post<{ hearing: { id: string; state: string; stateChangedAt: string } }>(`${h(id)}/state`, { action }),
  admit: (id: string, pid: string) => api.post<unknown>(`${p(id, pid)}/admit`, {}),
  admitAll: (id: string) => api.post<{ admitted: string[] }>(`${h(id)}/admit-all`, {}),
  returnToLobby: (id: string, pid: string) => api.post<unknown>(`${p(id, pid)}/return-to-lobby`, {}),
  remove: (id: string, pid: string) => api.post<unknown>(`${p(id, pid)}/remove`, {}),
  mute: (id: string, pid: string, trackSid: string) => api.post<unknown>(`${p(id, pid)}/mute`, { trackSid }),
  screenShare: (id: string, pid: string, allowed: boolean) =>
    api.post<unknown>(`${p(id, pid)}/screen-share`, { allowed }),
  chat: (id: string) => api.get<{ messages: ChatMessage[] }>(`${h(id)}/chat`),
  say: (id: string, text: string, to: ChatAudience) =>
    api.post<{ message: ChatMessage }>(`${h(id)}/chat`, { text, to }),
  /** Ask one's own party or agent(s) to step out into a private, unrecorded room; it opens when they accept. */
  requestConsultation: (id: string, participantIds: string[]) =>
    api.post<{ request: ConsultationRequest }>(`${h(id)}/consultation-requests`, { participantIds }),
  acceptConsultation: (id: string, rid: string) =>
    api.post<{ consultation: OpenedConsultation }>(`${r(id, rid)}/accept`, {}),
  declineConsultation: (id: string, rid: string) => api.post<unknown>(`${r(id, rid)}/decline`, {}),
  withdrawConsultation: (id: string, rid: string) => api.post<unknown>(`${r(id, rid)}/withdraw`, {}),
  consultationToken: (id: string, cid: string) => api.post<MediaToken>(`${c(id, cid)}/media-token`, {}),
  /** Back to the hearing: the answer carries a fresh hearing token. */
  leaveConsultation: (id: string, cid: string) => api.post<{ hearingToken: MediaToken }>(`${c(id, cid)}/leave`, {}),
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
