import type { ParticipantRole } from '../scheduling/client.ts';

import type { Action, CallerClass, HearingState, Presence } from '@gavel/api/domain/hearing';

/** The hearing's states, presences and policy come from the API's own domain module: one definition. */
export type { Action, CallerClass, HearingState, Presence };

/** A participant as the socket shows them (the lobby and observers only to staff). */
export interface LiveParticipant {
  id: string;
  role: ParticipantRole;
  displayName: string;
  presence: Presence;
  screenShareAllowed: boolean;
  representsId: string | null;
  /** Staff only: connected to LiveKit right now (from its webhooks). */
  connected?: boolean;
}

export interface LiveHearing {
  id: string;
  title: string;
  state: HearingState;
  caseNumber: string;
  caption: string;
  scheduledStart: string;
  scheduledEnd: string;
  courtTimezone: string;
  recording: boolean;
}

export type ChatAudience = 'all' | 'bench';

export interface ChatMessage {
  id: string;
  at: string;
  from: { kind: 'staff' | 'participant'; id: string; name: string; role: string };
  to: ChatAudience;
  text: string;
}

/** Who the viewer is, as the snapshot says: a participant of this hearing, or a member of staff. */
export interface Viewer {
  kind?: 'staff' | 'participant';
  id?: string;
  role?: string | null;
  displayName?: string | null;
  presence?: Presence | null;
  screenShareAllowed?: boolean;
  /** Staff: their seat in this hearing (the judge of it, its clerk) or null for other court staff. */
  bench?: 'judge' | 'clerk' | null;
  /** An agent: the party they represent. */
  representsId?: string | null;
  /** The private consultation the participant is in, when the server says (the client also remembers it). */
  consultation?: unknown;
  /** The viewer's class as the hearing policy sees it, and what it lets them do now (the controls follow it). */
  caller?: CallerClass;
  may?: Action[];
}

export interface Snapshot {
  hearing: LiveHearing;
  participants: LiveParticipant[];
  you?: Viewer;
  chat?: ChatMessage[];
}

export interface MediaToken {
  url: string;
  token: string;
  room: string;
  identity: string;
}

/** Server → client messages on /api/ws. */
export type ServerMessage =
  | { type: 'snapshot'; hearingId: string; seq: number; state: Snapshot }
  | { type: 'event'; hearingId: string; seq: number; kind: string; payload: Record<string, unknown>; at: string }
  | { type: 'error'; code: string; message: string }
  /** The viewer may no longer watch (removed, invitation withdrawn or replaced, session ended): why, then closed. */
  | { type: 'ended'; hearingId: string; code: string; message: string };

export type LiveEvent = Extract<ServerMessage, { type: 'event' }>;

/** What a role may publish: mirrors the server's grant table (GUIDE §3) only to hide controls it would refuse. */
export function publishes(role: string | undefined): { camera: boolean; microphone: boolean } {
  if (role === 'observer' || role === undefined) return { camera: false, microphone: false };
  if (role === 'clerk') return { camera: false, microphone: true };
  return { camera: true, microphone: true };
}

/** Parties and their agents may share a screen while the judge allows it; the bench always may. */
export function screenShareByGrant(role: string | undefined): boolean {
  return role === 'plaintiff' || role === 'defendant' || role === 'agent';
}
