import type { Presence } from '../domain/hearing/index.ts';
import type { EventInput } from '../platform/realtime/realtime.hub.ts';
import type { EventKind, PayloadOf } from '../domain/realtime.ts';
import type { LiveParticipantRow } from './lobby/lobby.service.ts';

type Event = EventInput;
/** The kinds told to one participant: their payload names them. */
type PersonalKind = Extract<EventKind, `participant.${string}`>;

/**
 * Someone's presence changed. Who is told is the hearing policy's call at delivery: the person, the
 * bench, and the room when it is about the room (never the lobby or the public gallery to participants).
 */
export function presenceEvent(
  p: Pick<LiveParticipantRow, 'id' | 'role' | 'display_name' | 'represents_id'>,
  from: Presence,
  to: Presence,
): Event {
  return {
    kind: 'participant.presence',
    topic: { data: 'presence', participantId: p.id, role: p.role, from, to },
    // representsId lets a party see that a newly admitted agent is theirs (to offer a consultation).
    payload: {
      participantId: p.id,
      presence: to,
      role: p.role,
      displayName: p.display_name,
      representsId: p.represents_id,
    },
  };
}

/**
 * Several people's moves in one event (admit-all): one frame per socket instead of one per move, each
 * watcher sent only the moves the hearing policy lets them know of (never the gallery to participants).
 */
export function presenceBatch(
  moves: Array<{
    p: Pick<LiveParticipantRow, 'id' | 'role' | 'display_name' | 'represents_id'>;
    from: Presence;
    to: Presence;
  }>,
): Event {
  return {
    kind: 'participant.presence_many',
    topic: {
      data: 'presences',
      changes: moves.map(({ p, from, to }) => ({ participantId: p.id, role: p.role, from, to })),
    },
    payload: {
      changes: moves.map(({ p, to }) => ({
        participantId: p.id,
        presence: to,
        role: p.role,
        displayName: p.display_name,
        representsId: p.represents_id,
      })),
    },
  };
}

/** An event for one participant (and whoever sees the lobby); `ends` says their invitation no longer holds. */
export function toParticipant<K extends PersonalKind>(
  kind: K,
  participantId: string,
  ...[payload, ends]: [keyof Omit<PayloadOf<K>, 'participantId'>] extends [never]
    ? [payload?: Omit<PayloadOf<K>, 'participantId'>, ends?: 'revoked' | 'reinvited']
    : [payload: Omit<PayloadOf<K>, 'participantId'>, ends?: 'revoked' | 'reinvited']
): Event {
  // (TypeScript cannot follow a generic kind to its payload; the signature holds them together.)
  return {
    kind,
    topic: { data: 'personal', participantId, ...(ends ? { ends } : {}) },
    payload: { participantId, ...payload },
  } as Event;
}

/** For the hearing's judge and clerk: media, recording and bench notices. */
export function toBench<K extends EventKind>(kind: K, payload: PayloadOf<K>): Event {
  return { kind, topic: { data: 'bench' }, payload } as Event;
}

/** For the members of a private consultation only. */
export function toMembers<K extends Extract<EventKind, `consultation.${string}`>>(
  kind: K,
  ids: string[],
  payload: PayloadOf<K>,
): Event {
  return { kind, topic: { data: 'consultation', memberIds: ids }, payload } as Event;
}

/** That a consultation is held or over (whose, since when; never its content): for those the policy lets see it. */
export function toHeldWatchers<K extends 'consultation.held' | 'consultation.held_ended'>(
  kind: K,
  payload: PayloadOf<K>,
): Event {
  return { kind, topic: { data: 'consultation_held' }, payload } as Event;
}
