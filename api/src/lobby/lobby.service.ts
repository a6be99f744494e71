import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import * as audit from '../audit/audit.service.ts';
import { DomainError, notFound } from '../http/errors.ts';
import type { Presence } from '../hearings/scheduling.table.ts';
import * as consultationsRepo from '../consultations/consultations.repository.ts';
import { mediaCall, type LiveDeps } from './live-deps.ts';
import { actorOfCaller, ENDED_STATES, LIVE_STATES, hearingEnded, type LiveCaller } from './live-caller.ts';
import * as repo from './lobby.repository.ts';
import type { LiveParticipantRow } from './lobby.repository.ts';
import { presenceEvent, toMembers, toParticipant, toStaff } from './live-events.ts';
import { listNotes, noteInRecord, participantLabel } from '../transcripts/procedural.ts';

type Staff = Extract<LiveCaller, { kind: 'staff' }>;
type Participant = Extract<LiveCaller, { kind: 'participant' }>;

/** What to undo in LiveKit once the change is committed. */
interface MediaCleanup {
  hearingRoom?: { room: string; identity: string };
  consultation?: { room: string; identity: string; closed: boolean };
}

export class LobbyService {
  private readonly d: LiveDeps;
  constructor(deps: LiveDeps) {
    this.d = deps;
  }

  /** "I am here": the participant waits in the lobby until the judge admits them. */
  async enterLobby(c: Participant) {
    const h = c.hearing;
    if (c.ended === 'removed' || c.participant.presence === 'removed') {
      throw new DomainError(403, 'removed', 'The judge removed you from this hearing.');
    }
    if (ENDED_STATES.has(h.state) || c.ended === 'hearing_ended') throw hearingEnded();
    if (!LIVE_STATES.has(h.state)) {
      throw new DomainError(
        409,
        'lobby_not_open',
        `The lobby opens when the judge opens the hearing (it is ${h.state}).`,
      );
    }
    return this.d.db.transaction().execute(async (trx) => {
      const p = await this.lock(trx, h.id, c.participant.id);
      // Already waiting or already inside (a reload): nothing changes.
      if (!['invited', 'left'].includes(p.presence)) return { presence: p.presence };
      await repo.setPresence(trx, [p.id], 'in_lobby');
      await audit.append(trx, {
        stream: h.id,
        actor: actorOfCaller(c),
        action: 'lobby.entered',
        payload: { participantId: p.id },
      });
      await this.d.hub.publish(trx, { stream: h.id, ...presenceEvent(p, p.presence, 'in_lobby') });
      return { presence: 'in_lobby' as Presence };
    });
  }

  async leave(c: Participant) {
    const h = c.hearing;
    if (c.ended === 'removed' || c.participant.presence === 'removed') {
      throw new DomainError(403, 'removed', 'The judge removed you from this hearing.');
    }
    const cleanup = await this.d.db.transaction().execute(async (trx) => {
      const p = await this.lock(trx, h.id, c.participant.id);
      if (!['in_lobby', 'admitted', 'in_consultation'].includes(p.presence)) return { presence: p.presence, media: {} };
      const media = await this.leaveRooms(trx, h, p);
      await repo.setPresence(trx, [p.id], 'left');
      await audit.append(trx, {
        stream: h.id,
        actor: actorOfCaller(c),
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
  async admit(c: Staff, pid: string) {
    const h = c.hearing;
    if (!LIVE_STATES.has(h.state)) throw new DomainError(409, 'hearing_not_live', `The hearing is ${h.state}.`);
    await this.d.db.transaction().execute(async (trx) => {
      const p = await this.lock(trx, h.id, pid);
      if (p.presence !== 'in_lobby') {
        throw new DomainError(409, 'not_in_lobby', `${p.display_name} is not waiting in the lobby (${p.presence}).`);
      }
      await repo.setPresence(trx, [p.id], 'admitted');
      await audit.append(trx, {
        stream: h.id,
        actor: actorOfCaller(c),
        action: p.role === 'witness' ? 'witness.called' : 'participant.admitted',
        payload: { participantId: p.id },
      });
      await this.d.hub.publishMany(trx, h.id, [
        toParticipant('participant.admitted', p.id),
        presenceEvent(p, 'in_lobby', 'admitted'),
      ]);
      // After the admission itself, so the admitted client learns of it first.
      await noteInRecord(
        trx,
        this.d.hub,
        h,
        this.d.now(),
        p.role === 'witness' ? `Witness ${p.display_name} called` : `${participantLabel(p)} admitted`,
      );
    });
    return { participantId: pid, presence: 'admitted' as const };
  }

  /** Everyone waiting, except witnesses (they wait to be called). One audit event, one batch of events. */
  async admitAll(c: Staff) {
    const h = c.hearing;
    if (!LIVE_STATES.has(h.state)) throw new DomainError(409, 'hearing_not_live', `The hearing is ${h.state}.`);
    return this.d.db.transaction().execute(async (trx) => {
      const waiting = await repo.lobbyExceptWitnesses(trx, h.id);
      const ids = waiting.map((p) => p.id);
      await repo.setPresence(trx, ids, 'admitted');
      await audit.append(trx, {
        stream: h.id,
        actor: actorOfCaller(c),
        action: 'participant.admitted_all',
        payload: { participantIds: ids },
      });
      // Each waiting client learns of its own admission first; presence for the lists follows.
      await this.d.hub.publishMany(trx, h.id, [
        ...waiting.map((p) => toParticipant('participant.admitted', p.id)),
        ...waiting.map((p) => presenceEvent(p, 'in_lobby', 'admitted')),
      ]);
      for (const note of listNotes('Admitted: ', waiting.map(participantLabel)))
        await noteInRecord(trx, this.d.hub, h, this.d.now(), note);
      return { admitted: ids };
    });
  }

  /** Back to the lobby (releasing a witness is this); out of the hearing room at once. */
  async returnToLobby(c: Staff, pid: string) {
    const h = c.hearing;
    const media = await this.d.db.transaction().execute(async (trx) => {
      const p = await this.lock(trx, h.id, pid);
      if (p.presence !== 'admitted' && p.presence !== 'in_consultation') {
        throw new DomainError(409, 'not_in_room', `${p.display_name} is not in the hearing (${p.presence}).`);
      }
      const media = await this.leaveRooms(trx, h, p);
      await repo.setPresence(trx, [p.id], 'in_lobby');
      await audit.append(trx, {
        stream: h.id,
        actor: actorOfCaller(c),
        action: p.role === 'witness' ? 'witness.released' : 'participant.returned_to_lobby',
        payload: { participantId: p.id },
      });
      await this.d.hub.publishMany(trx, h.id, [
        toParticipant('participant.returned_to_lobby', p.id),
        presenceEvent(p, p.presence, 'in_lobby'),
      ]);
      await noteInRecord(
        trx,
        this.d.hub,
        h,
        this.d.now(),
        p.role === 'witness' ? `Witness ${p.display_name} released` : `${participantLabel(p)} returned to the lobby`,
      );
      return media;
    });
    await this.cleanupMedia(h.id, media);
    return { participantId: pid, presence: 'in_lobby' as const };
  }

  /** Removed for the rest of the hearing: out of LiveKit now, and never another token. */
  async remove(c: Staff, pid: string) {
    const h = c.hearing;
    if (ENDED_STATES.has(h.state)) throw new DomainError(409, 'hearing_ended', `The hearing is ${h.state}.`);
    const media = await this.d.db.transaction().execute(async (trx) => {
      const p = await this.lock(trx, h.id, pid);
      if (p.presence === 'removed')
        throw new DomainError(409, 'already_removed', `${p.display_name} was already removed.`);
      const media = await this.leaveRooms(trx, h, p);
      await repo.setPresence(trx, [p.id], 'removed');
      await audit.append(trx, {
        stream: h.id,
        actor: actorOfCaller(c),
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
    const consultation = hearing ? undefined : await consultationsRepo.findConsultationByRoom(this.d.db, room);
    const hearingId = hearing?.id ?? consultation?.hearing_id;
    if (!hearingId || !/^[0-9a-f-]{36}$/i.test(identity)) return { handled: false };
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
          ...toStaff('media.presence', { participantId: p.id, connected }),
        });
      }
    });
    const mayBeThere = hearing ? p.presence === 'admitted' : p.presence === 'in_consultation';
    if (connected && !mayBeThere) {
      await mediaCall(this.d, hearingId, 'remove someone not admitted', () =>
        this.d.rooms.removeParticipant(room, identity),
      );
    }
    return { handled: true };
  }

  private async lock(trx: Transaction<Database>, hearingId: string, pid: string): Promise<LiveParticipantRow> {
    const p = await repo.lockLiveParticipant(trx, hearingId, pid);
    if (!p || p.revoked_at) throw notFound('Participant');
    return p;
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
    const consultation = await consultationsRepo.openConsultationOf(trx, p.id);
    if (consultation) {
      const now = this.d.now();
      await consultationsRepo.markLeft(trx, consultation.id, p.id, now);
      const remaining = await consultationsRepo.activeMembers(trx, consultation.id);
      const closed = remaining.length === 0;
      if (closed) await consultationsRepo.close(trx, consultation.id, now);
      await this.d.hub.publish(trx, {
        stream: h.id,
        ...toMembers(closed ? 'consultation.closed' : 'consultation.left', [p.id, ...remaining], {
          consultation: { id: consultation.id, room: consultation.room, participantIds: remaining },
          participantId: p.id,
        }),
      });
      media.consultation = { room: consultation.room, identity: p.id, closed };
    }
    return media;
  }

  private async cleanupMedia(hearingId: string, media: MediaCleanup) {
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
