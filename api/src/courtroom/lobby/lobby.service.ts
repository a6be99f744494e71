import type { Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import * as audit from '../../audit/audit.service.ts';
import { DomainError, notFound } from '../../platform/http/errors.ts';
import type { Presence } from '../../domain/hearing/index.ts';
import { mediaCall, type LiveDeps } from '../live-deps.ts';
import { actorOf, authorizeParticipant, authorizeStaff, type HearingCaller } from '../hearing-caller.ts';
import * as repo from './lobby.repository.ts';
import type { LiveParticipantRow } from './lobby.repository.ts';
import { presenceBatch, presenceEvent, toBench, toParticipant } from '../live-events.ts';
import {
  endPendingRequests,
  findConsultationByRoom,
  openConsultationOf,
  stepOut,
} from '../consultations/consultations.service.ts';
import { admittedNotes, noteInRecord, notesFor, participantLabel } from '../../record/procedural.ts';
import { findHearing, findStaffMember, type BenchChange } from '../../scheduling/hearings.service.ts';
import { classify, isBench, isEnded, isLive } from '../../domain/hearing/index.ts';
import { hearingFacts } from '../hearing-caller.ts';

/** What to undo in LiveKit once the change is committed. */
export interface MediaCleanup {
  hearingRoom?: { room: string; identity: string };
  consultation?: { room: string; identity: string; closed: boolean };
}

const IN_HEARING: ReadonlySet<Presence> = new Set(['in_lobby', 'admitted', 'in_consultation']);

/**
 * What other features read and write of participants' standing in the live hearing (presence, screen
 * sharing), inside their own transactions: the policy's callers, the bench's controls, consultations
 * and the socket's snapshot.
 */
export {
  findLiveParticipant,
  listLiveParticipants,
  lockLiveParticipant,
  setPresence,
  setScreenShare,
  type LiveParticipantRow,
} from './lobby.repository.ts';

/** Locks a participant of the hearing whose invitation holds, so two changes to them cannot interleave. */
export async function lockParticipant(
  trx: Transaction<Database>,
  hearingId: string,
  pid: string,
): Promise<LiveParticipantRow> {
  const p = await repo.lockLiveParticipant(trx, hearingId, pid);
  if (!p || p.revoked_at) throw notFound('Participant');
  return p;
}

export class LobbyService {
  private readonly d: LiveDeps;
  constructor(deps: LiveDeps) {
    this.d = deps;
  }

  /** "I am here": the participant waits in the lobby until the judge admits them. */
  async enterLobby(caller: HearingCaller) {
    const c = authorizeParticipant(caller, 'lobby.enter');
    const h = c.hearing;
    return this.d.db.transaction().execute(async (trx) => {
      const p = await lockParticipant(trx, h.id, c.participant.id);
      // Already waiting or already inside (a reload): nothing changes.
      if (!['invited', 'left'].includes(p.presence)) return { presence: p.presence };
      await repo.setPresence(trx, [p.id], 'in_lobby');
      await audit.append(trx, {
        stream: h.id,
        actor: actorOf(c),
        action: 'lobby.entered',
        payload: { participantId: p.id },
      });
      await this.d.hub.publish(trx, { stream: h.id, ...presenceEvent(p, p.presence, 'in_lobby') });
      return { presence: 'in_lobby' as Presence };
    });
  }

  async leave(caller: HearingCaller) {
    const c = authorizeParticipant(caller, 'lobby.leave');
    const h = c.hearing;
    const cleanup = await this.d.db.transaction().execute(async (trx) => {
      const p = await lockParticipant(trx, h.id, c.participant.id);
      if (!IN_HEARING.has(p.presence)) return { presence: p.presence, media: {} };
      const media = await this.leaveRooms(trx, h, p);
      await repo.setPresence(trx, [p.id], 'left');
      await audit.append(trx, {
        stream: h.id,
        actor: actorOf(c),
        action: 'participant.left',
        payload: { participantId: p.id },
      });
      await this.d.hub.publish(trx, { stream: h.id, ...presenceEvent(p, p.presence, 'left') });
      return { presence: 'left' as Presence, media };
    });
    await this.cleanupMedia(h.id, cleanup.media);
    return { presence: cleanup.presence };
  }

  /** Admit one participant from the lobby; for a witness this is calling them. */
  async admit(caller: HearingCaller, pid: string) {
    const c = authorizeStaff(caller, 'lobby.admit');
    const h = c.hearing;
    await this.d.db.transaction().execute(async (trx) => {
      const p = await lockParticipant(trx, h.id, pid);
      if (p.presence !== 'in_lobby') {
        throw new DomainError(409, 'not_in_lobby', `${p.display_name} is not waiting in the lobby (${p.presence}).`);
      }
      await repo.setPresence(trx, [p.id], 'admitted');
      await audit.append(trx, {
        stream: h.id,
        actor: actorOf(c),
        action: p.role === 'witness' ? 'witness.called' : 'participant.admitted',
        payload: { participantId: p.id },
      });
      await this.d.hub.publishMany(trx, h.id, [
        toParticipant('participant.admitted', p.id),
        presenceEvent(p, 'in_lobby', 'admitted'),
      ]);
      // After the admission itself, so the admitted client learns of it first.
      await noteInRecord(trx, this.d.hub, h, this.d.now(), (n) =>
        p.role === 'witness' ? n.witnessCalled(p.display_name) : n.admitted(participantLabel(p, n)),
      );
    });
    return { participantId: pid, presence: 'admitted' as const };
  }

  /** Everyone waiting, except witnesses (they wait to be called). One audit event, one batch of events. */
  async admitAll(caller: HearingCaller) {
    const c = authorizeStaff(caller, 'lobby.admit');
    const h = c.hearing;
    return this.d.db.transaction().execute(async (trx) => {
      const waiting = await repo.lobbyExceptWitnesses(trx, h.id);
      const ids = waiting.map((p) => p.id);
      await repo.setPresence(trx, ids, 'admitted');
      await audit.append(trx, {
        stream: h.id,
        actor: actorOf(c),
        action: 'participant.admitted_all',
        payload: { participantIds: ids },
      });
      // One event for all of them: each socket gets one frame with the moves it may know of (its own
      // admission among them), not one frame per person admitted.
      if (waiting.length > 0)
        await this.d.hub.publish(trx, {
          stream: h.id,
          ...presenceBatch(waiting.map((p) => ({ p, from: 'in_lobby' as const, to: 'admitted' as const }))),
        });
      for (const note of admittedNotes(waiting, notesFor(h.court_locale)))
        await noteInRecord(trx, this.d.hub, h, this.d.now(), note);
      return { admitted: ids };
    });
  }

  /** Back to the lobby (releasing a witness is this); out of the hearing room at once. */
  async returnToLobby(caller: HearingCaller, pid: string) {
    const c = authorizeStaff(caller, 'lobby.admit');
    const h = c.hearing;
    const media = await this.d.db.transaction().execute(async (trx) => {
      const p = await lockParticipant(trx, h.id, pid);
      if (p.presence !== 'admitted' && p.presence !== 'in_consultation') {
        throw new DomainError(409, 'not_in_room', `${p.display_name} is not in the hearing (${p.presence}).`);
      }
      const media = await this.leaveRooms(trx, h, p);
      await repo.setPresence(trx, [p.id], 'in_lobby');
      await audit.append(trx, {
        stream: h.id,
        actor: actorOf(c),
        action: p.role === 'witness' ? 'witness.released' : 'participant.returned_to_lobby',
        payload: { participantId: p.id },
      });
      await this.d.hub.publishMany(trx, h.id, [
        toParticipant('participant.returned_to_lobby', p.id),
        presenceEvent(p, p.presence, 'in_lobby'),
      ]);
      await noteInRecord(trx, this.d.hub, h, this.d.now(), (n) =>
        p.role === 'witness' ? n.witnessReleased(p.display_name) : n.returnedToLobby(participantLabel(p, n)),
      );
      return media;
    });
    await this.cleanupMedia(h.id, media);
    return { participantId: pid, presence: 'in_lobby' as const };
  }

  /** Removed for the rest of the hearing: out of LiveKit now, and never another token. */
  async remove(caller: HearingCaller, pid: string) {
    const c = authorizeStaff(caller, 'participant.moderate');
    const h = c.hearing;
    if (isEnded(h.state)) throw new DomainError(409, 'hearing_ended', `The hearing is ${h.state}.`);
    const media = await this.d.db.transaction().execute(async (trx) => {
      const p = await lockParticipant(trx, h.id, pid);
      if (p.presence === 'removed')
        throw new DomainError(409, 'already_removed', `${p.display_name} was already removed.`);
      const media = await this.leaveRooms(trx, h, p);
      await repo.setPresence(trx, [p.id], 'removed');
      await audit.append(trx, {
        stream: h.id,
        actor: actorOf(c),
        action: 'participant.removed',
        payload: { participantId: p.id, previousPresence: p.presence },
      });
      await this.d.hub.publishMany(trx, h.id, [
        toParticipant('participant.removed', p.id),
        presenceEvent(p, p.presence, 'removed'),
      ]);
      return media;
    });
    await this.cleanupMedia(h.id, media);
    return { participantId: pid, presence: 'removed' as const };
  }

  /**
   * LiveKit's participant_joined / participant_left. Presence stays Gavel's (a reconnect must not
   * send anyone to the lobby); the bench is told who is connected. Someone removed who comes back
   * with a still-valid token is put out again.
   */
  async mediaPresence(room: string, identity: string, connected: boolean) {
    const hearing = await repo.findByHearingRoom(this.d.db, room);
    const consultation = hearing ? undefined : await findConsultationByRoom(this.d.db, room);
    const hearingId = hearing?.id ?? consultation?.hearing_id;
    if (!hearingId) return { handled: false };
    const staffId = /^staff:([0-9a-f-]{36})$/i.exec(identity)?.[1];
    if (staffId) return this.staffMediaPresence(hearingId, room, identity, staffId, connected, !!hearing);
    if (!/^[0-9a-f-]{36}$/i.test(identity)) return { handled: false };
    const p = await repo.findLiveParticipant(this.d.db, hearingId, identity);
    if (!p) return { handled: false };
    await this.d.db.transaction().execute(async (trx) => {
      if (hearing) await repo.setMediaConnected(trx, p.id, connected);
      await audit.append(trx, {
        stream: hearingId,
        actor: audit.SYSTEM_ACTOR,
        action: connected ? 'media.joined' : 'media.left',
        payload: { participantId: p.id, room: consultation ? 'consultation' : 'hearing' },
      });
      // Consultations are private: the bench learns only that the participant is in_consultation.
      if (hearing) {
        await this.d.hub.publish(trx, {
          stream: hearingId,
          ...toBench('media.presence', { participantId: p.id, connected }),
        });
      }
    });
    const mayBeThere = !p.revoked_at && (hearing ? p.presence === 'admitted' : p.presence === 'in_consultation');
    if (connected && !mayBeThere) {
      await mediaCall(this.d, hearingId, 'remove someone not admitted', () =>
        this.d.rooms.removeParticipant(room, identity),
      );
    }
    return { handled: true };
  }

  /**
   * A staff identity in a room: only the hearing's own judge or clerk, with an active account, while the
   * hearing is open, may be in its room; no one of the staff is ever in a consultation.
   */
  private async staffMediaPresence(
    hearingId: string,
    room: string,
    identity: string,
    userId: string,
    connected: boolean,
    hearingRoom: boolean,
  ) {
    const [h, user] = await Promise.all([findHearing(this.d.db, hearingId), findStaffMember(this.d.db, userId)]);
    if (!h) return { handled: false };
    const sits =
      hearingRoom &&
      !!user &&
      !user.disabled &&
      isLive(h.state) &&
      isBench(classify({ kind: 'staff', userId, role: user.role, courtId: user.court_id }, hearingFacts(h)));
    await audit.append(this.d.db, {
      stream: hearingId,
      actor: audit.SYSTEM_ACTOR,
      action: connected ? 'media.joined' : 'media.left',
      payload: { userId, room: hearingRoom ? 'hearing' : 'consultation' },
    });
    if (connected && !sits) {
      await mediaCall(this.d, hearingId, 'remove someone not on the bench', () =>
        this.d.rooms.removeParticipant(room, identity),
      );
    }
    return { handled: true };
  }

  /**
   * The court withdrew or replaced someone's invitation: whoever holds the old link is out of the hearing
   * at once (lobby, room, consultation), their sockets end, and they meet the lobby again with a new link.
   * In the caller's transaction; pass the result to `cleanupMedia` once it has committed.
   */
  async invitationEnded(
    trx: Transaction<Database>,
    h: { id: string; livekit_room: string },
    pid: string,
    why: 'revoked' | 'reinvited',
  ): Promise<MediaCleanup> {
    const p = await repo.lockLiveParticipant(trx, h.id, pid);
    if (!p) return {};
    const present = IN_HEARING.has(p.presence);
    const media = present ? await this.leaveRooms(trx, h, p) : {};
    if (present) await repo.setPresence(trx, [p.id], 'left');
    await this.d.hub.publishMany(trx, h.id, [
      toParticipant(why === 'revoked' ? 'participant.revoked' : 'participant.reinvited', p.id, {}, why),
      ...(present ? [presenceEvent(p, p.presence, 'left')] : []),
    ]);
    return media;
  }

  /**
   * The hearing's judge or clerk was replaced: everyone watching learns the new bench (the socket judges
   * everything after by it), the bench is told who replaced whom, and the one replaced leaves the room.
   */
  async benchChanged(
    trx: Transaction<Database>,
    h: { id: string },
    change: BenchChange,
    bench: { judgeId: string; clerkId: string | null },
  ) {
    await this.d.hub.publishMany(trx, h.id, [
      {
        kind: 'hearing.bench',
        topic: { data: 'hearing', judgeId: bench.judgeId, clerkId: bench.clerkId },
        payload: bench,
      },
      toBench('hearing.bench_changed', change),
    ]);
  }

  async removeStaffFromRoom(h: { id: string; livekit_room: string; state: string }, userId: string) {
    if (!isLive(h.state as Parameters<typeof isLive>[0])) return;
    await mediaCall(this.d, h.id, 'take a former member of the bench out of the hearing room', () =>
      this.d.rooms.removeParticipant(h.livekit_room, `staff:${userId}`),
    );
  }

  /**
   * A staff member's access changed (signed out, disabled, another role or court, password reset): out
   * of the media room of every open hearing they no longer sit in, or have no session left to sit with.
   */
  async staffAccessChanged(userId: string) {
    const [user, hearings, signedIn] = await Promise.all([
      findStaffMember(this.d.db, userId),
      repo.liveHearingsOfBenchMember(this.d.db, userId),
      repo.hasStaffSession(this.d.db, userId),
    ]);
    for (const h of hearings) {
      const sits =
        signedIn &&
        !!user &&
        !user.disabled &&
        isBench(
          classify(
            { kind: 'staff', userId, role: user.role, courtId: user.court_id },
            { id: h.id, state: h.state, courtId: h.court_id, judgeId: h.judge_id, clerkId: h.clerk_id },
          ),
        );
      if (!sits) await this.removeStaffFromRoom(h, userId);
    }
  }

  /** Takes the participant out of any consultation (closing it when they were the last). */
  private async leaveRooms(
    trx: Transaction<Database>,
    h: { id: string; livekit_room: string },
    p: LiveParticipantRow,
  ): Promise<MediaCleanup> {
    const media: MediaCleanup = {};
    if (p.presence === 'admitted' || p.presence === 'in_consultation') {
      media.hearingRoom = { room: h.livekit_room, identity: p.id };
    }
    // An asking that names them cannot be answered any more: those named are told.
    await endPendingRequests(trx, this.d.hub, h.id, p.id, 'not_in_room', this.d.now());
    const consultation = await openConsultationOf(trx, p.id);
    if (consultation) {
      const { closed, events } = await stepOut(trx, consultation, p.id, this.d.now());
      await this.d.hub.publishMany(trx, h.id, events);
      media.consultation = { room: consultation.room, identity: p.id, closed };
    }
    return media;
  }

  async cleanupMedia(hearingId: string, media: MediaCleanup) {
    if (media.hearingRoom) {
      const { room, identity } = media.hearingRoom;
      await mediaCall(this.d, hearingId, 'take someone out of the hearing room', () =>
        this.d.rooms.removeParticipant(room, identity),
      );
    }
    if (media.consultation) {
      const { room, identity, closed } = media.consultation;
      await mediaCall(this.d, hearingId, 'take someone out of a consultation', () =>
        closed ? this.d.rooms.deleteRoom(room) : this.d.rooms.removeParticipant(room, identity),
      );
    }
  }
}
