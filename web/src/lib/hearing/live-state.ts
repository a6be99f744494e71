import { consultationEvent, parseConsultation, type Consultation } from './consultation.ts';
import { parseEntry, upsertEntry } from '../transcript/entries.ts';
import type { TranscriptEntry } from '../transcript/types.ts';
import type { ChatMessage, LiveEvent, LiveHearing, LiveParticipant, Presence, Snapshot, Viewer } from './types.ts';

/** Everything the hearing screens show from the socket, rebuilt from a snapshot and then its events. */
export interface LiveState {
  hearing: LiveHearing | null;
  participants: LiveParticipant[];
  you: Viewer | null;
  chat: ChatMessage[];
  /** Staff: LiveKit participant ids that are connected to media right now (from webhooks). */
  mediaConnected: Record<string, boolean>;
  /** The bench's notice that LiveKit could not be reached when the hearing opened. */
  mediaUnavailable: string | null;
  /** The private consultation the viewer (a party or an agent) is in, or null. */
  consultation: Consultation | null;
  /** Gavel's recording status (starting, active, ending, complete, failed, aborted), null before any. */
  recordingStatus: string | null;
  /** The bench's alert that the recording stopped or failed, with a one-click restart. */
  recordingAlert: RecordingAlert | null;
  /** Transcript entries and corrections pushed since the last snapshot (the panel loads the rest over REST). */
  transcript: TranscriptEntry[];
  /** The last exhibit event (marked, ruled, presented, presentation ended); the exhibits panel follows it. */
  exhibitEvent: { n: number; kind: string; payload: Record<string, unknown> } | null;
}

export interface RecordingAlert {
  recordingId: string | null;
  /** 'failed' | 'ended_in_session' | 'start_failed' */
  reason: string;
  message: string;
}

export function emptyState(): LiveState {
  return {
    hearing: null,
    participants: [],
    you: null,
    chat: [],
    mediaConnected: {},
    mediaUnavailable: null,
    consultation: null,
    recordingStatus: null,
    recordingAlert: null,
    transcript: [],
    exhibitEvent: null,
  };
}

/**
 * A fresh snapshot replaces everything, except the consultation the viewer is still in: the snapshot
 * says only that they are in_consultation, and dropping it would cut their media mid-consultation.
 */
export function fromSnapshot(s: Snapshot, previous?: LiveState): LiveState {
  const stillIn = s.you?.presence === 'in_consultation';
  return {
    hearing: { ...s.hearing },
    participants: s.participants.map((p) => ({ ...p })),
    you: s.you ? { ...s.you } : null,
    chat: [...(s.chat ?? [])].sort((a, b) => a.at.localeCompare(b.at)),
    mediaConnected: Object.fromEntries(
      s.participants.filter((p) => typeof p.connected === 'boolean').map((p) => [p.id, p.connected === true]),
    ),
    mediaUnavailable: null,
    consultation: stillIn ? (parseConsultation(s.you?.consultation) ?? previous?.consultation ?? null) : null,
    recordingStatus: str((s.hearing as unknown as Record<string, unknown>)['recordingStatus']) ?? null,
    // An alert stays until the recording runs again or the bench dismisses it.
    recordingAlert: s.hearing.recording ? null : (previous?.recordingAlert ?? null),
    // A snapshot carries no transcript: the panel reloads it when the state is replaced.
    transcript: [],
    // Nor exhibits: the exhibits panel reloads them when the state is replaced.
    exhibitEvent: null,
  };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** What an event means to the viewer, for the screens to react to (announce, move rooms, end). */
export type Effect =
  | { kind: 'admitted' }
  | { kind: 'returned' }
  | { kind: 'removed' }
  | { kind: 'muted' }
  | { kind: 'state'; state: string }
  | { kind: 'screenShare'; allowed: boolean }
  | { kind: 'chat'; message: ChatMessage }
  /** The events lack something only a snapshot has (who represents whom): ask for a fresh one. */
  | { kind: 'resync' }
  | { kind: 'consultationOpened'; consultation: Consultation }
  | { kind: 'consultationEnded' }
  | { kind: 'consultationLeft'; participantId: string; over: boolean }
  /** The server closed the watch for good, saying why (removed, invite_revoked, invite_reissued, session_ended…). */
  | { kind: 'ended'; code: string; message: string }
  /** The hearing's judge or clerk was replaced (shown to the bench). */
  | { kind: 'benchChanged'; role: 'judge' | 'clerk'; from: string | null; to: string | null }
  | { kind: 'none' };

/** Returns true when it added a newcomer. */
function upsert(state: LiveState, id: string, change: Partial<LiveParticipant>): boolean {
  const existing = state.participants.find((p) => p.id === id);
  if (existing) Object.assign(existing, change);
  else if (change.role && change.displayName && change.presence) {
    state.participants.push({
      id,
      role: change.role,
      displayName: change.displayName,
      presence: change.presence,
      screenShareAllowed: change.screenShareAllowed ?? false,
      representsId: change.representsId ?? null,
    });
    return true;
  }
  return false;
}

/**
 * Applies one event in place and says what it means to the viewer. Unknown kinds change nothing,
 * so a newer server can add events without breaking an open page.
 */
export function applyEvent(state: LiveState, event: LiveEvent): Effect {
  const p = event.payload;
  const pid = str(p['participantId']);
  // Staff ids never equal a participant id, so this only ever matches the participant concerned.
  const mine = pid !== undefined && state.you?.id === pid;
  switch (event.kind) {
    case 'hearing.state': {
      const next = str(p['state']);
      if (!next || !state.hearing) return { kind: 'none' };
      state.hearing.state = next as LiveHearing['state'];
      return { kind: 'state', state: next };
    }
    case 'participant.presence': {
      if (!pid) return { kind: 'none' };
      const presence = str(p['presence']) as Presence | undefined;
      const role = str(p['role']);
      const represents = 'representsId' in p ? (str(p['representsId']) ?? null) : undefined;
      const added = upsert(state, pid, {
        ...(presence ? { presence } : {}),
        ...(role ? { role: role as LiveParticipant['role'] } : {}),
        ...(str(p['displayName']) ? { displayName: str(p['displayName']) } : {}),
        ...(represents !== undefined ? { representsId: represents } : {}),
      });
      if (mine && presence && state.you) state.you.presence = presence;
      // Out of the consultation whichever way (back in the hearing, the lobby, removed).
      if (mine && presence && presence !== 'in_consultation') state.consultation = null;
      // A party must know which agents are theirs to offer a consultation; the presence payload
      // does not say whom a newcomer represents, the snapshot does.
      const partyViewer = state.you?.role === 'plaintiff' || state.you?.role === 'defendant';
      if (added && partyViewer && role === 'agent' && represents === undefined) return { kind: 'resync' };
      return { kind: 'none' };
    }
    case 'participant.admitted':
      if (!pid) return { kind: 'none' };
      upsert(state, pid, { presence: 'admitted' });
      if (mine && state.you) {
        state.you.presence = 'admitted';
        return { kind: 'admitted' };
      }
      return { kind: 'none' };
    case 'participant.returned_to_lobby':
      if (!pid) return { kind: 'none' };
      upsert(state, pid, { presence: 'in_lobby' });
      if (mine && state.you) {
        state.you.presence = 'in_lobby';
        // What the room showed is the room's: the lobby starts from what the server lets it see.
        state.participants = state.participants.filter((x) => x.id === pid);
        state.chat = state.chat.filter((m) => m.from.id === pid);
        state.transcript = [];
        return { kind: 'returned' };
      }
      return { kind: 'none' };
    case 'participant.removed':
      if (!pid) return { kind: 'none' };
      upsert(state, pid, { presence: 'removed' });
      if (mine && state.you) {
        state.you.presence = 'removed';
        return { kind: 'removed' };
      }
      return { kind: 'none' };
    case 'participant.muted':
      // LiveKit mutes the track itself; this only tells the participant why.
      return mine ? { kind: 'muted' } : { kind: 'none' };
    case 'participant.screen_share': {
      if (!pid || typeof p['allowed'] !== 'boolean') return { kind: 'none' };
      upsert(state, pid, { screenShareAllowed: p['allowed'] });
      if (mine && state.you) {
        state.you.screenShareAllowed = p['allowed'];
        return { kind: 'screenShare', allowed: p['allowed'] };
      }
      return { kind: 'none' };
    }
    case 'chat.message': {
      const message = p['message'] as ChatMessage | undefined;
      if (!message || typeof message.id !== 'string') return { kind: 'none' };
      if (state.chat.some((m) => m.id === message.id)) return { kind: 'none' };
      state.chat.push(message);
      return { kind: 'chat', message };
    }
    case 'consultation.opened':
    case 'consultation.left':
    case 'consultation.closed': {
      const r = consultationEvent(state, event.kind, p);
      state.consultation = r.consultation;
      return r.change;
    }
    case 'hearing.bench':
      // Whose seat is whose changed: the server's fresh snapshot says what this viewer may now do.
      return { kind: 'resync' };
    case 'hearing.bench_changed': {
      const role = p['role'] === 'clerk' ? 'clerk' : 'judge';
      const name = (v: unknown) =>
        v && typeof v === 'object' ? (str((v as Record<string, unknown>)['name']) ?? null) : null;
      return { kind: 'benchChanged', role, from: name(p['from']), to: name(p['to']) };
    }
    case 'media.unavailable':
      state.mediaUnavailable = str(p['message']) ?? '';
      return { kind: 'none' };
    case 'media.presence':
      if (pid && typeof p['connected'] === 'boolean') state.mediaConnected[pid] = p['connected'];
      return { kind: 'none' };
    case 'recording.status':
      if (state.hearing) state.hearing.recording = p['recording'] === true;
      state.recordingStatus = str(p['status']) ?? null;
      if (p['recording'] === true) state.recordingAlert = null;
      return { kind: 'none' };
    case 'recording.alert':
      state.recordingAlert = {
        recordingId: str(p['recordingId']) ?? null,
        reason: str(p['reason']) ?? 'failed',
        message: str(p['message']) ?? '',
      };
      return { kind: 'none' };
    case 'recording.state':
    case 'recording.started':
    case 'recording.stopped':
      // Issue 5 sends the recording status; accept either a boolean or a state name.
      if (state.hearing) {
        const r = p['recording'] ?? p['active'] ?? (event.kind === 'recording.started' ? true : undefined);
        state.hearing.recording = r === true || r === 'active' || r === 'recording';
      }
      return { kind: 'none' };
    case 'transcript.entry':
    case 'transcript.corrected': {
      const entry = parseEntry(p['entry']);
      if (entry) upsertEntry(state.transcript, entry);
      return { kind: 'none' };
    }
    case 'exhibit.marked':
    case 'exhibit.ruled':
    case 'exhibit.presented':
    case 'exhibit.presentation_ended':
      state.exhibitEvent = { n: (state.exhibitEvent?.n ?? 0) + 1, kind: event.kind, payload: p };
      return { kind: 'none' };
    default:
      return { kind: 'none' };
  }
}

/** The lobby list (staff): who waits, oldest entries first as the server sends them. */
export const waiting = (s: LiveState) => s.participants.filter((p) => p.presence === 'in_lobby');

/** Who is in the hearing (admitted or consulting privately), observers last. */
export function inHearing(s: LiveState): LiveParticipant[] {
  return s.participants
    .filter((p) => p.presence === 'admitted' || p.presence === 'in_consultation')
    .sort((a, b) => Number(a.role === 'observer') - Number(b.role === 'observer'));
}
