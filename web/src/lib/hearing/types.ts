import type { Action, CallerClass, HearingState, Presence } from '@gavel/api/domain/hearing';
import type { ApiResponse } from '../api.ts';
import type {
  ChatMessage,
  ConsultationRequest,
  HeldConsultation,
  Snapshot as ProtocolSnapshot,
  ServerMessage,
  SnapshotParticipant,
} from '@gavel/api/domain/realtime';

/** The hearing's states, presences and policy come from the API's own domain module: one definition. */
export type { Action, CallerClass, HearingState, Presence };
/** Messages and events on /api/ws come from the API's realtime protocol: one definition. */
export type { ChatMessage, ConsultationRequest, HeldConsultation, ServerMessage };

/** A participant as the socket shows them (the lobby and observers only to staff). */
export type LiveParticipant = SnapshotParticipant;

/** The hearing as the socket shows it, with Gavel's recording state (from Egress webhooks). */
export type LiveHearing = ProtocolSnapshot['hearing'];

export type ChatAudience = ChatMessage['to'];

/** Who the viewer is, as the snapshot says: a participant of this hearing, or a member of staff. */
export interface Viewer {
  kind?: 'staff' | 'participant';
  id?: string | null;
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
  /** Askings for a consultation that name the participant and wait for an answer. */
  consultationRequests?: ConsultationRequest[];
  /** The viewer's class as the hearing policy sees it, and what it lets them do now (the controls follow it). */
  caller?: CallerClass;
  may?: Action[];
}

/**
 * The part of the protocol's snapshot the screens read, with the viewer flattened; what the server
 * sends must fit it (checked below), so a change to the protocol shows up here at compile time.
 */
export interface Snapshot {
  hearing: LiveHearing;
  participants: LiveParticipant[];
  you?: Viewer;
  chat?: ChatMessage[];
  /** The bench: consultations being held now. */
  consultationsHeld?: HeldConsultation[];
  /** The record's latest entries, only for a watcher the policy lets read it (read as unknown, then parsed). */
  transcript?: unknown[];
}
type Fits<T extends Snapshot> = T;
export type ProtocolSnapshotFits = Fits<ProtocolSnapshot>;

/** What joins a LiveKit room: its address, the room and identity, and a short-lived token. */
export type MediaToken = ApiResponse<'post', '/hearings/{id}/media-token'>;

export type LiveEvent = Extract<ServerMessage, { type: 'event' }>;

/** What a role may publish: mirrors the server's grant table (api/src/media/grants.ts) only to hide controls it would refuse. */
export function publishes(role: string | undefined): { camera: boolean; microphone: boolean } {
  if (role === 'observer' || role === undefined) return { camera: false, microphone: false };
  if (role === 'clerk') return { camera: false, microphone: true };
  return { camera: true, microphone: true };
}

/** Parties and their agents may share a screen while the judge allows it; the bench always may. */
export function screenShareByGrant(role: string | undefined): boolean {
  return role === 'plaintiff' || role === 'defendant' || role === 'agent';
}
