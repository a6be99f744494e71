import type { LiveParticipant, Viewer } from './types.ts';

/**
 * A private consultation the viewer is in: a party and their own agent(s) in a LiveKit room of
 * their own, never recorded, out of the bench's hearing.
 */
export interface Consultation {
  id: string;
  room: string;
  /** Who is in it now: the server's list of members who have not left. */
  participantIds: string[];
  /**
   * Set when the others left and what remains is no consultation (no party, or the viewer alone):
   * the viewer goes back to the hearing too.
   */
  over: boolean;
  /** Who left last, for the announcement. */
  leftId?: string;
}

const isParty = (role: string | null | undefined) => role === 'plaintiff' || role === 'defendant';

/** The consultation in an event payload or a snapshot, when well formed. */
export function parseConsultation(value: unknown): Consultation | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const ids = v['participantIds'];
  if (typeof v['id'] !== 'string' || !Array.isArray(ids) || !ids.every((x) => typeof x === 'string')) return null;
  return {
    id: v['id'],
    room: typeof v['room'] === 'string' ? v['room'] : '',
    participantIds: [...(ids as string[])],
    over: false,
  };
}

interface Known {
  you: Viewer | null;
  participants: LiveParticipant[];
}

function myRole(s: Known): { id: string; role: string | null | undefined; representsId: string | null | undefined } {
  // Staff never consult: their id is a user id, not a participant's.
  const id = s.you?.kind === 'staff' ? '' : (s.you?.id ?? '');
  const me = s.participants.find((p) => p.id === id);
  return { id, role: s.you?.role ?? me?.role, representsId: s.you?.representsId ?? me?.representsId };
}

/**
 * Whom the viewer may consult privately now, as the server will accept it: a party, their admitted
 * agents; an agent, the admitted party they represent. Nobody else (never the other side, never staff).
 */
export function consultPartners(s: Known): LiveParticipant[] {
  const me = myRole(s);
  if (!me.id) return [];
  const admitted = (p: LiveParticipant) => p.presence === 'admitted' && p.id !== me.id;
  if (isParty(me.role))
    return s.participants.filter((p) => admitted(p) && p.role === 'agent' && p.representsId === me.id);
  if (me.role === 'agent' && me.representsId) {
    return s.participants.filter((p) => admitted(p) && isParty(p.role) && p.id === me.representsId);
  }
  return [];
}

/** Whether the viewer is one who could consult at all (a party or an agent), whoever is present. */
export function mayConsult(s: Known): boolean {
  const role = myRole(s).role;
  return isParty(role) || role === 'agent';
}

export type ConsultationChange =
  | { kind: 'consultationOpened'; consultation: Consultation }
  | { kind: 'consultationEnded' }
  | { kind: 'consultationLeft'; participantId: string; over: boolean }
  | { kind: 'none' };

/**
 * `consultation.opened | left | closed` (sent to its members only). Returns the viewer's new
 * consultation (or null) and what changed. `left` names who left and the members who remain; when
 * the viewer is the one who left, or no party remains with them, their consultation is over.
 */
export function consultationEvent(
  s: Known & { consultation: Consultation | null },
  kind: string,
  payload: Record<string, unknown>,
): { consultation: Consultation | null; change: ConsultationChange } {
  const current = s.consultation;
  const me = myRole(s).id;
  const c = parseConsultation(payload['consultation']);
  if (!c || !me) return { consultation: current, change: { kind: 'none' } };
  if (kind === 'consultation.opened') {
    if (!c.participantIds.includes(me)) return { consultation: current, change: { kind: 'none' } };
    // The opener already holds it from the POST's answer: the echo changes nothing.
    if (current?.id === c.id) return { consultation: current, change: { kind: 'none' } };
    return { consultation: c, change: { kind: 'consultationOpened', consultation: c } };
  }
  if (kind !== 'consultation.left' && kind !== 'consultation.closed') {
    return { consultation: current, change: { kind: 'none' } };
  }
  if (!current || current.id !== c.id) return { consultation: current, change: { kind: 'none' } };
  const leaver = typeof payload['participantId'] === 'string' ? payload['participantId'] : '';
  if (kind === 'consultation.closed' || leaver === me || !c.participantIds.includes(me)) {
    return { consultation: null, change: { kind: 'consultationEnded' } };
  }
  const roleOf = (id: string) => s.participants.find((p) => p.id === id)?.role;
  const others = c.participantIds.filter((id) => id !== me);
  const partyLeft = ![me, ...others].some((id) => isParty(roleOf(id)));
  const over = others.length === 0 || partyLeft;
  const next: Consultation = { ...current, participantIds: c.participantIds, over, leftId: leaver };
  return { consultation: next, change: { kind: 'consultationLeft', participantId: leaver, over } };
}

/**
 * After a reload the snapshot names no consultation: the viewer's own side who are consulting are
 * its members, as far as the page can tell (for the names shown; the server's events correct it).
 */
export function consultingWithMe(s: Known): string[] {
  const me = myRole(s);
  if (!me.id) return [];
  const mine = (p: LiveParticipant) =>
    p.presence === 'in_consultation' &&
    p.id !== me.id &&
    (isParty(me.role)
      ? p.role === 'agent' && p.representsId === me.id
      : me.role === 'agent' && p.id === me.representsId);
  return [me.id, ...s.participants.filter(mine).map((p) => p.id)];
}

/** The other members' names (the viewer's own tile says "you"), in list order. */
export function memberNames(s: Known, c: Consultation): string[] {
  const me = myRole(s).id;
  return c.participantIds
    .filter((id) => id !== me)
    .map((id) => s.participants.find((p) => p.id === id)?.displayName)
    .filter((n): n is string => typeof n === 'string' && n !== '');
}

/**
 * The consultation id is kept for this tab, so a reload finds its way back in (the snapshot says
 * only that the viewer is in_consultation, not in which one).
 */
export const consultationMemory = {
  key: (hearingId: string) => `gavel.consultation.${hearingId}`,
  remember(storage: Pick<Storage, 'setItem'> | undefined, hearingId: string, id: string): void {
    try {
      storage?.setItem(this.key(hearingId), id);
    } catch {
      // Storage may be unavailable (private mode): only a reload loses track.
    }
  },
  recall(storage: Pick<Storage, 'getItem'> | undefined, hearingId: string): string | null {
    try {
      return storage?.getItem(this.key(hearingId)) ?? null;
    } catch {
      return null;
    }
  },
  forget(storage: Pick<Storage, 'removeItem'> | undefined, hearingId: string): void {
    try {
      storage?.removeItem(this.key(hearingId));
    } catch {
      // Nothing to forget.
    }
  },
};

/** "A and B" in the reader's language. */
export function joinNames(names: string[], locale: string): string {
  try {
    return new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }).format(names);
  } catch {
    return names.join(', ');
  }
}
