import type { Presence } from '../hearings/scheduling.table.ts';
import type { PublishInput } from '../realtime/realtime.hub.ts';
import type { LiveParticipantRow } from './lobby.repository.ts';

type Event = Omit<PublishInput, 'stream'>;

const IN_ROOM = new Set<Presence>(['admitted', 'in_consultation']);

/**
 * Staff always see presence. Other participants see only who enters or leaves the room, and never
 * an observer (the public gallery is not listed) nor anyone's lobby; the person concerned always does.
 */
export function presenceEvent(
  p: Pick<LiveParticipantRow, 'id' | 'role' | 'display_name' | 'represents_id'>,
  from: Presence,
  to: Presence,
): Event {
  const seenByAll = p.role !== 'observer' && (IN_ROOM.has(from) || IN_ROOM.has(to));
  return {
    kind: 'participant.presence',
    audience: seenByAll ? { to: 'all' } : { to: 'participants', ids: [p.id] },
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

/** An event for one participant (and the staff watching). */
export function toParticipant(kind: string, participantId: string, payload: Record<string, unknown> = {}): Event {
  return { kind, audience: { to: 'participants', ids: [participantId] }, payload: { participantId, ...payload } };
}

export function toStaff(kind: string, payload: Record<string, unknown>): Event {
  return { kind, audience: { to: 'staff' }, payload };
}

export function toMembers(kind: string, ids: string[], payload: Record<string, unknown>): Event {
  return { kind, audience: { to: 'members', ids }, payload };
}
