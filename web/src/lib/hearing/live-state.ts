import { consultationEvent, parseConsultation, type Consultation } from './consultation.ts';
import { parseEntry, sortEntries, upsertEntry } from '../transcript/entries.ts';
import type { TranscriptEntry } from '../transcript/types.ts';
import type { EventKind } from '@gavel/api/domain/realtime';
import type {
  ChatMessage,
  ConsultationRequest,
  HeldConsultation,
  LiveEvent,
  LiveHearing,
  LiveParticipant,
  Presence,
  Snapshot,
  Viewer,
} from './types.ts';

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
  /** Askings for a consultation that name the viewer and still wait (theirs, or put to them). */
  consultationRequests: ConsultationRequest[];
  /** The bench: consultations being held now (whose, since when; never what is said). */
  consultationsHeld: HeldConsultation[];
  /** The last asking that named the viewer and ended (declined, withdrawn…), for the screens to say so. */
  requestEnded: { n: number; request: ConsultationRequest; outcome: string; by: string | null } | null;
  /** Gavel's recording status (starting, active, ending, complete, failed, aborted), null before any. */
  recordingStatus: string | null;
  /** The bench's alert that the recording stopped or failed, with a one-click restart. */
  recordingAlert: RecordingAlert | null;
  /**
   * The record's latest entries as the snapshot gave them, and the entries and corrections pushed since
   * (the panel loads the rest over REST). Captions read them as they are.
   */
  transcript: TranscriptEntry[];
  /** The last exhibit event (marked, ruled, presented, presentation ended); the exhibits panel follows it. */
  exhibitEvent: { n: number; kind: string; payload: Record<string, unknown> } | null;
  /** The last change to the record's seals or reviews (a version sealed, a signature or objection). */
  recordEvent: { n: number; kind: string } | null;
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
    consultationRequests: [],
    consultationsHeld: [],
    requestEnded: null,
    recordingStatus: null,
    recordingAlert: null,
    transcript: [],
    exhibitEvent: null,
    recordEvent: null,
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
    consultationRequests: (s.you?.consultationRequests ?? []).map((r) => ({
      ...r,
      participantIds: [...r.participantIds],
    })),
    consultationsHeld: (s.consultationsHeld ?? []).map((c) => ({ ...c })),
    requestEnded: previous?.requestEnded ?? null,
    recordingStatus: s.hearing.recordingStatus ?? null,
    // An alert stays until the recording runs again or the bench dismisses it.
    recordingAlert: s.hearing.recording ? null : (previous?.recordingAlert ?? null),
    // The latest entries the server let this viewer read: captions go on showing what was last said
    // after a reconnect or an admission, rather than waiting for the next entry.
    transcript: sortEntries((s.transcript ?? []).map(parseEntry).filter((e): e is TranscriptEntry => e !== null)),
    // Nor exhibits: the exhibits panel reloads them when the state is replaced.
    exhibitEvent: null,
    // The record's screens reload seals and reviews with the record itself.
    recordEvent: null,
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
  /** Someone asked the viewer to consult privately. */
  | { kind: 'consultationRequested'; request: ConsultationRequest }
  /** An asking that named the viewer ended: answered, withdrawn, lapsed or overtaken. */
  | { kind: 'consultationRequestEnded'; request: ConsultationRequest; outcome: string; by: string | null }
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

type Handler = (
  state: LiveState,
  p: Record<string, unknown>,
  /** The participant the event is about, if any, and whether that is the viewer. */
  about: { pid: string | undefined; mine: boolean },
  event: LiveEvent,
) => Effect;

const NONE: Effect = { kind: 'none' };

/**
 * What each event the server sends (the realtime protocol's kinds) does to the page: one handler per
 * kind, no more and no fewer, which the compiler holds to the protocol in both directions.
 */
const HANDLERS: { [K in EventKind]: Handler } = {
  'hearing.state': (state, p) => {
    const next = str(p['state']);
    if (!next || !state.hearing) return NONE;
    state.hearing.state = next as LiveHearing['state'];
    return { kind: 'state', state: next };
  },
  'participant.presence': presenceChange,
  // Admit-all: everyone's move in one event, the viewer's own admission among them.
  'participant.presence_many': (state, p) => {
    let effect: Effect = NONE;
    for (const c of Array.isArray(p['changes']) ? (p['changes'] as unknown[]) : []) {
      if (!c || typeof c !== 'object') continue;
      const change = c as Record<string, unknown>;
      const pid = str(change['participantId']);
      const mine = pid !== undefined && state.you?.id === pid;
      const before = state.you?.presence;
      const e = presenceChange(state, change, { pid, mine });
      if (mine && change['presence'] === 'admitted' && before === 'in_lobby') effect = { kind: 'admitted' };
      else if (e.kind !== 'none' && effect.kind === 'none') effect = e;
    }
    return effect;
  },
  'participant.admitted': (state, _p, { pid, mine }) => {
    if (!pid) return NONE;
    upsert(state, pid, { presence: 'admitted' });
    if (mine && state.you) {
      state.you.presence = 'admitted';
      return { kind: 'admitted' };
    }
    return NONE;
  },
  'participant.returned_to_lobby': (state, _p, { pid, mine }) => {
    if (!pid) return NONE;
    upsert(state, pid, { presence: 'in_lobby' });
    if (mine && state.you) {
      state.you.presence = 'in_lobby';
      // What the room showed is the room's: the lobby starts from what the server lets it see.
      state.participants = state.participants.filter((x) => x.id === pid);
      state.chat = state.chat.filter((m) => m.from.id === pid);
      state.transcript = [];
      return { kind: 'returned' };
    }
    return NONE;
  },
  'participant.removed': (state, _p, { pid, mine }) => {
    if (!pid) return NONE;
    upsert(state, pid, { presence: 'removed' });
    if (mine && state.you) {
      state.you.presence = 'removed';
      return { kind: 'removed' };
    }
    return NONE;
  },
  // A withdrawn or replaced invitation: the person's own socket is ended by the server (an `ended`
  // message says why), and if they were present the presence event that follows moves them.
  'participant.revoked': () => NONE,
  'participant.reinvited': () => NONE,
  // LiveKit mutes the track itself; this only tells the participant why.
  'participant.muted': (_state, _p, { mine }) => (mine ? { kind: 'muted' } : NONE),
  'participant.screen_share': (state, p, { pid, mine }) => {
    if (!pid || typeof p['allowed'] !== 'boolean') return NONE;
    upsert(state, pid, { screenShareAllowed: p['allowed'] });
    if (mine && state.you) {
      state.you.screenShareAllowed = p['allowed'];
      return { kind: 'screenShare', allowed: p['allowed'] };
    }
    return NONE;
  },
  'chat.message': (state, p) => {
    const message = p['message'] as ChatMessage | undefined;
    if (!message || typeof message.id !== 'string') return NONE;
    if (state.chat.some((m) => m.id === message.id)) return NONE;
    state.chat.push(message);
    return { kind: 'chat', message };
  },
  'consultation.opened': consultation,
  'consultation.left': consultation,
  'consultation.closed': consultation,
  'consultation.requested': (state, p) => {
    const request = parseRequest(p['request']);
    if (!request) return NONE;
    state.consultationRequests = [...state.consultationRequests.filter((r) => r.id !== request.id), request];
    return { kind: 'consultationRequested', request };
  },
  'consultation.request_ended': (state, p) => {
    const request = parseRequest(p['request']);
    if (!request) return NONE;
    const known = state.consultationRequests.some((r) => r.id === request.id);
    state.consultationRequests = state.consultationRequests.filter((r) => r.id !== request.id);
    if (!known) return NONE;
    const ended = { request, outcome: str(p['outcome']) ?? '', by: str(p['by']) ?? null };
    state.requestEnded = { n: (state.requestEnded?.n ?? 0) + 1, ...ended };
    return { kind: 'consultationRequestEnded', ...ended };
  },
  'consultation.held': (state, p) => {
    const held = p['held'] as HeldConsultation | undefined;
    if (!held || typeof held.id !== 'string' || typeof held.since !== 'string') return NONE;
    state.consultationsHeld = [...state.consultationsHeld.filter((c) => c.id !== held.id), { ...held }];
    return NONE;
  },
  'consultation.held_ended': (state, p) => {
    const id = str(p['id']);
    if (id) state.consultationsHeld = state.consultationsHeld.filter((c) => c.id !== id);
    return NONE;
  },
  // Whose seat is whose changed: the server's fresh snapshot says what this viewer may now do.
  'hearing.bench': () => ({ kind: 'resync' }),
  'hearing.bench_changed': (_state, p) => {
    const role = p['role'] === 'clerk' ? 'clerk' : 'judge';
    const name = (v: unknown) =>
      v && typeof v === 'object' ? (str((v as Record<string, unknown>)['name']) ?? null) : null;
    return { kind: 'benchChanged', role, from: name(p['from']), to: name(p['to']) };
  },
  'media.unavailable': (state, p) => {
    state.mediaUnavailable = str(p['message']) ?? '';
    return NONE;
  },
  'media.presence': (state, p, { pid }) => {
    if (pid && typeof p['connected'] === 'boolean') state.mediaConnected[pid] = p['connected'];
    return NONE;
  },
  'recording.status': (state, p) => {
    if (state.hearing) state.hearing.recording = p['recording'] === true;
    state.recordingStatus = str(p['status']) ?? null;
    if (p['recording'] === true) state.recordingAlert = null;
    return NONE;
  },
  'recording.alert': (state, p) => {
    state.recordingAlert = {
      recordingId: str(p['recordingId']) ?? null,
      reason: str(p['reason']) ?? 'failed',
      message: str(p['message']) ?? '',
    };
    return NONE;
  },
  'transcript.entry': transcriptEntry,
  'transcript.corrected': transcriptEntry,
  // A new sealed version, or a party's signature or objection: the record's screens reload them.
  'transcript.sealed': recordChanged,
  'transcript.reviewed': recordChanged,
  'exhibit.marked': exhibit,
  'exhibit.ruled': exhibit,
  'exhibit.presented': exhibit,
  'exhibit.presentation_ended': exhibit,
};

function presenceChange(
  state: LiveState,
  p: Record<string, unknown>,
  { pid, mine }: { pid: string | undefined; mine: boolean },
): Effect {
  if (!pid) return NONE;
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
  return NONE;
}

function consultation(state: LiveState, p: Record<string, unknown>, _about: unknown, event: LiveEvent): Effect {
  const r = consultationEvent(state, event.kind, p);
  state.consultation = r.consultation;
  return r.change;
}

function parseRequest(value: unknown): ConsultationRequest | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const ids = v['participantIds'];
  const id = str(v['id']);
  const requesterId = str(v['requesterId']);
  const expiresAt = str(v['expiresAt']);
  if (!id || !requesterId || !expiresAt || !Array.isArray(ids) || !ids.every((x) => typeof x === 'string')) return null;
  return {
    id,
    requesterId,
    participantIds: [...(ids as string[])],
    requestedAt: str(v['requestedAt']) ?? '',
    expiresAt,
  };
}

function transcriptEntry(state: LiveState, p: Record<string, unknown>): Effect {
  const entry = parseEntry(p['entry']);
  if (entry) upsertEntry(state.transcript, entry);
  return NONE;
}

function recordChanged(state: LiveState, _p: unknown, _about: unknown, event: LiveEvent): Effect {
  state.recordEvent = { n: (state.recordEvent?.n ?? 0) + 1, kind: event.kind };
  return NONE;
}

function exhibit(state: LiveState, p: Record<string, unknown>, _about: unknown, event: LiveEvent): Effect {
  state.exhibitEvent = { n: (state.exhibitEvent?.n ?? 0) + 1, kind: event.kind, payload: p };
  return NONE;
}

/** The kinds this page handles: exactly the protocol's (checked by a test as well as the compiler). */
export const HANDLED_KINDS = Object.keys(HANDLERS) as EventKind[];

/**
 * Applies one event in place and says what it means to the viewer. Unknown kinds change nothing,
 * so a newer server can add events without breaking an open page.
 */
export function applyEvent(state: LiveState, event: LiveEvent): Effect {
  const handler = Object.hasOwn(HANDLERS, event.kind) ? HANDLERS[event.kind] : undefined;
  if (!handler) return NONE;
  const p = event.payload as Record<string, unknown>;
  const pid = str(p['participantId']);
  // Staff ids never equal a participant id, so this only ever matches the participant concerned.
  const mine = pid !== undefined && state.you?.id === pid;
  return handler(state, p, { pid, mine }, event);
}

/** The lobby list (staff): who waits, oldest entries first as the server sends them. */
export const waiting = (s: LiveState) => s.participants.filter((p) => p.presence === 'in_lobby');

/** Whether someone with this presence is in the hearing: admitted, or consulting privately. */
export const isInside = (presence: string | undefined): boolean =>
  presence === 'admitted' || presence === 'in_consultation';

/** Who is in the hearing (admitted or consulting privately), observers last. */
export function inHearing(s: LiveState): LiveParticipant[] {
  return s.participants
    .filter((p) => isInside(p.presence))
    .sort((a, b) => Number(a.role === 'observer') - Number(b.role === 'observer'));
}
