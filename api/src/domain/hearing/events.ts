import type { CallerClass, CallerFacts, HearingFacts, ParticipantRole, Presence, Side } from './callers.ts';
import { classify } from './callers.ts';
import type { ExhibitSide } from './exhibits.ts';
import { exhibitVisible } from './exhibits.ts';
import type { Action } from './policy.ts';
import { decide, may } from './policy.ts';
import type { HearingState } from './states.ts';
import { isHearingState } from './states.ts';

/**
 * What kind of data an event carries: the socket asks the policy, per watcher and per event, whether
 * it may be delivered. An event never names its audience; the policy decides it at delivery, with the
 * watcher's standing at that moment.
 */
export type Topic =
  /** The hearing's own facts; a move or a change of bench carries the new facts. */
  | { data: 'hearing'; state?: HearingState; judgeId?: string; clerkId?: string | null }
  /** Entries, corrections, seals and reviews of the record. */
  | { data: 'record' }
  | { data: 'chat'; to: 'all' | 'bench'; senderParticipantId: string | null; senderUserId: string | null }
  /** Someone's presence changed; it is theirs to know, and the bench's; the room's, if it is about the room. */
  | ({ data: 'presence' } & PresenceChange)
  /**
   * Several people's presence changed at once (admit-all): each change is judged as its own `presence`
   * event would be, and a watcher is sent only the changes they may know of.
   */
  | { data: 'presences'; changes: PresenceChange[] }
  /**
   * Told to one participant (admitted, returned, removed, muted, a withdrawn or replaced invitation)
   * and to whoever sees the lobby. `ends` says their invitation no longer holds.
   */
  | { data: 'personal'; participantId: string; ends?: 'revoked' | 'reinvited' }
  | { data: 'bench' }
  | { data: 'consultation'; memberIds: string[] }
  /** That a consultation is held (whose, since when), never what is said in it. */
  | { data: 'consultation_held' }
  /**
   * About an exhibit: to those who see it, or (`to: 'not_seeing'`) to those who may not. What is on
   * the screen (`onScreen`) is the room's: only those who see the room are told.
   */
  | { data: 'exhibit'; side: ExhibitSide; status: string; to?: 'seeing' | 'not_seeing'; onScreen?: boolean }
  | { data: 'recording' }
  /** What happens in the hearing room (an exhibit taken off the screen): for those who see the room. */
  | { data: 'room' };

/** One person's move, as the policy needs it to decide who may know of it. */
export interface PresenceChange {
  participantId: string;
  role: ParticipantRole;
  from: Presence;
  to: Presence;
}

/** Whoever is at the other end of a socket, as the policy needs them, kept up to date event by event. */
export interface Watch {
  caller: CallerFacts;
  hearing: HearingFacts & { id: string };
}

// A watch is a value (a change makes a new one), asked about for every event on every socket: its
// class is worked out once.
const classes = new WeakMap<Watch, CallerClass>();

export function watcherClass(w: Watch): CallerClass {
  let c = classes.get(w);
  if (!c) classes.set(w, (c = classify(w.caller, w.hearing)));
  return c;
}

const IN_ROOM = (p: Presence) => p === 'admitted' || p === 'in_consultation';

function me(w: Watch, participantId: string): boolean {
  return w.caller.kind === 'participant' && w.caller.participantId === participantId;
}

/** Whether this watcher may be sent an event of this topic now. */
export function receives(w: Watch, topic: Topic): boolean {
  const caller = watcherClass(w);
  const s = { caller, state: w.hearing.state };
  const can = (a: Action) => may(a, s);
  if (!can('hearing.watch')) return false;
  switch (topic.data) {
    case 'hearing':
    case 'recording':
      return true;
    case 'record':
      return can('record.read');
    case 'chat':
      if (topic.to === 'all') return can('chat.read_all');
      if (can('chat.read_bench')) return true;
      return (
        can('chat.read_own') &&
        ((topic.senderParticipantId !== null && me(w, topic.senderParticipantId)) ||
          (topic.senderUserId !== null && w.caller.kind === 'staff' && w.caller.userId === topic.senderUserId))
      );
    case 'presence': {
      const a = presenceAudience(w);
      return a.self === topic.participantId || a.sees(topic);
    }
    case 'presences': {
      const a = presenceAudience(w);
      return topic.changes.some((c) => a.self === c.participantId || a.sees(c));
    }
    case 'personal':
      return me(w, topic.participantId) || can('lobby.see');
    case 'bench':
      return can('bench.notices');
    case 'room':
      return can('room.see');
    case 'consultation':
      return w.caller.kind === 'participant' && topic.memberIds.includes(w.caller.participantId);
    case 'consultation_held':
      return can('consultation.see_held');
    case 'exhibit': {
      if (!can('exhibits.read')) return false;
      if (topic.onScreen && !can('room.see')) return false;
      const side = w.caller.kind === 'participant' ? w.caller.side : null;
      const sees = exhibitVisible({ caller, side }, topic);
      return topic.to === 'not_seeing' ? !sees : sees;
    }
  }
}

/**
 * Who a watcher is to presence news: their own moves (`self`), and the others' their class may see
 * (`sees`). Every watcher with the same `key` sees exactly the same others' moves, so a batch of moves
 * is cut and serialized once per key, not once per watcher.
 */
export interface PresenceAudience {
  key: string;
  self: string | null;
  sees(change: PresenceChange): boolean;
}

export function presenceAudience(w: Watch): PresenceAudience {
  const s = { caller: watcherClass(w), state: w.hearing.state };
  const watching = may('hearing.watch', s);
  const gallery = watching && may('gallery.see', s);
  const lobby = watching && may('lobby.see', s);
  const room = watching && may('room.see', s);
  return {
    key: `${+watching}${+gallery}${+lobby}${+room}`,
    self: watching && w.caller.kind === 'participant' ? w.caller.participantId : null,
    // The public gallery is never listed to participants, not even to one another.
    sees: (c) => (c.role === 'observer' ? gallery : lobby || ((IN_ROOM(c.from) || IN_ROOM(c.to)) && room)),
  };
}

/** Which chat messages a watcher may read: the same answer the socket gives message by message. */
export function chatReach(w: Watch): {
  all: boolean;
  bench: boolean;
  ownParticipantId: string | null;
  ownUserId: string | null;
} {
  const s = { caller: watcherClass(w), state: w.hearing.state };
  const own = may('chat.read_own', s);
  return {
    all: may('chat.read_all', s),
    bench: may('chat.read_bench', s),
    ownParticipantId: own && w.caller.kind === 'participant' ? w.caller.participantId : null,
    ownUserId: own && w.caller.kind === 'staff' ? w.caller.userId : null,
  };
}

/** Why a watcher's socket closes, when the watcher may no longer watch at all. */
export type WatchEnd = { code: string; message: string; sessionEnded: boolean };

/**
 * Applies the facts an event carries to the watcher (in event order, so everything after a change is
 * judged by it), and says whether the watch must end.
 */
export function observe(w: Watch, topic: Topic): { watch: Watch; end?: WatchEnd } {
  let next = w;
  if (topic.data === 'hearing') {
    next = {
      ...w,
      hearing: {
        ...w.hearing,
        ...(topic.state && isHearingState(topic.state) ? { state: topic.state } : {}),
        ...(topic.judgeId !== undefined ? { judgeId: topic.judgeId } : {}),
        ...(topic.clerkId !== undefined ? { clerkId: topic.clerkId } : {}),
      },
    };
  } else if (topic.data === 'presence' && w.caller.kind === 'participant' && me(w, topic.participantId)) {
    next = { ...w, caller: { ...w.caller, presence: topic.to } };
  } else if (topic.data === 'presences' && w.caller.kind === 'participant') {
    // The watcher's own move first: the batch's other moves are judged from where it leaves them.
    const own = topic.changes.findLast((c) => me(w, c.participantId));
    if (own) next = { ...w, caller: { ...w.caller, presence: own.to } };
  } else if (topic.data === 'personal' && topic.ends && w.caller.kind === 'participant' && me(w, topic.participantId)) {
    if (topic.ends === 'reinvited') {
      return {
        watch: w,
        end: {
          code: 'invite_reissued',
          message: 'The court sent you a new invitation link; this one no longer works.',
          sessionEnded: true,
        },
      };
    }
    next = { ...w, caller: { ...w.caller, revoked: true } };
  }
  const verdict = decide('hearing.watch', { caller: watcherClass(next), state: next.hearing.state });
  if (!verdict.allow) {
    return { watch: next, end: { code: verdict.code, message: verdict.message, sessionEnded: false } };
  }
  return { watch: next };
}

/** A side of the case, for the exhibits a participant sees. */
export type { Side };
