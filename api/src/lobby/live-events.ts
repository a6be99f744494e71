import type { Presence } from '../hearings/scheduling.table.ts';
import type { PublishInput } from '../realtime/realtime.hub.ts';
import type { LiveParticipantRow } from './lobby.repository.ts';

type Event = Omit<PublishInput, 'stream'>;

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

/** An event for one participant (and whoever sees the lobby); `ends` says their invitation no longer holds. */
export function toParticipant(
  kind: string,
  participantId: string,
  payload: Record<string, unknown> = {},
  ends?: 'revoked' | 'reinvited',
): Event {
  return {
    kind,
    topic: { data: 'personal', participantId, ...(ends ? { ends } : {}) },
    payload: { participantId, ...payload },
  };
}

/** For the hearing's judge and clerk: media, recording and bench notices. */
export function toBench(kind: string, payload: Record<string, unknown>): Event {
  return { kind, topic: { data: 'bench' }, payload };
}

/** For the members of a private consultation only. */
export function toMembers(kind: string, ids: string[], payload: Record<string, unknown>): Event {
  return { kind, topic: { data: 'consultation', memberIds: ids }, payload };
}
