import { randomUUID } from 'node:crypto';
import * as audit from '../audit/audit.service.ts';
import { DomainError, forbidden, notFound } from '../http/errors.ts';
import { mediaCall, type LiveDeps } from '../lobby/live-deps.ts';
import {
  actorOf,
  authorizeParticipant,
  hearingFacts,
  participantFacts,
  type HearingCaller,
  type ParticipantCaller,
} from '../hearings/hearing-caller.ts';
import { classify } from '../domain/hearing/index.ts';
import * as lobbyRepo from '../lobby/lobby.repository.ts';
import type { LiveParticipantRow } from '../lobby/lobby.repository.ts';
import { presenceEvent, toMembers } from '../lobby/live-events.ts';
import { consultationGrant, mintMediaToken } from '../media/grants.ts';
import { CONSULTATION_ROOM } from '../media/livekit.service.ts';
import type { MediaService, MediaToken } from '../media/media.service.ts';
import * as repo from './consultations.repository.ts';

type Participant = ParticipantCaller;

/** A party or their agent, admitted, while the hearing is open; the bench never takes part. */
export function consultant(c: HearingCaller): Participant {
  return authorizeParticipant(c, 'consultation.take_part');
}

/**
 * A party and their own agent(s) step out into a LiveKit room of their own. It is never recorded
 * (its room is named consult-<uuid>), and the bench, observers and the other side cannot get in.
 */
export class ConsultationsService {
  private readonly d: LiveDeps;
  private readonly media: MediaService;
  constructor(deps: LiveDeps, media: MediaService) {
    this.d = deps;
    this.media = media;
  }

  async open(c: Participant, participantIds: string[]) {
    const h = c.hearing;
    const ids = [...new Set(participantIds)];
    if (ids.length !== participantIds.length) {
      throw new DomainError(400, 'validation', 'Name each participant once.');
    }
    if (!ids.includes(c.participant.id)) {
      throw forbidden('You can only open a consultation you take part in.');
    }
    const opened = await this.d.db.transaction().execute(async (trx) => {
      const members: LiveParticipantRow[] = [];
      // Locked in id order, so two consultations opened at once cannot deadlock.
      for (const id of [...ids].sort()) {
        const p = await lobbyRepo.lockLiveParticipant(trx, h.id, id);
        if (!p || p.revoked_at)
          throw new DomainError(400, 'not_a_participant', 'Everyone must be a participant of this hearing.');
        members.push(p);
      }
      const parties = members.filter((p) => p.role === 'plaintiff' || p.role === 'defendant');
      const agents = members.filter((p) => p.role === 'agent');
      const party = parties[0];
      if (parties.length !== 1 || agents.length === 0 || agents.length + 1 !== members.length || !party) {
        throw new DomainError(
          400,
          'not_party_and_agents',
          'A consultation is one party with their own agent or agents, and no one else.',
        );
      }
      if (agents.some((a) => a.represents_id !== party.id)) {
        throw new DomainError(400, 'not_party_and_agents', 'Every agent must represent that party.');
      }
      const notIn = members.find((p) => p.presence !== 'admitted');
      if (notIn) {
        throw new DomainError(
          409,
          'not_admitted',
          `${notIn.display_name} must be admitted to the hearing (and not already consulting) to consult.`,
        );
      }
      const room = `consult-${randomUUID()}`;
      const row = await repo.insertConsultation(trx, { hearing_id: h.id, room, opened_by: c.participant.id });
      await repo.insertMembers(trx, row.id, ids);
      await lobbyRepo.setPresence(trx, ids, 'in_consultation');
      await audit.append(trx, {
        stream: h.id,
        actor: actorOf(c),
        action: 'consultation.opened',
        payload: { consultationId: row.id, participantIds: ids },
      });
      const consultation = { id: row.id, room, participantIds: ids };
      await this.d.hub.publishMany(trx, h.id, [
        ...members.map((p) => presenceEvent(p, 'admitted', 'in_consultation')),
        toMembers('consultation.opened', ids, { consultation }),
      ]);
      return consultation;
    });
    await mediaCall(this.d, h.id, 'create a consultation room', () =>
      this.d.rooms.createRoom(opened.room, { ...CONSULTATION_ROOM, maxParticipants: ids.length }),
    );
    return opened;
  }

  async token(c: Participant, consultationId: string): Promise<MediaToken> {
    const { room } = await this.membership(c, consultationId);
    const p = c.participant;
    const token = await mintMediaToken(
      { apiKey: this.d.livekit.apiKey, apiSecret: this.d.livekit.apiSecret },
      { identity: p.id, name: p.display_name, role: p.role },
      consultationGrant(room),
    );
    return { url: this.d.livekit.url, token, room, identity: p.id };
  }

  /** Back to the hearing, with a fresh hearing token; the last to leave closes the room. */
  async leave(c: Participant, consultationId: string) {
    const h = c.hearing;
    const { room } = await this.membership(c, consultationId);
    const closed = await this.d.db.transaction().execute(async (trx) => {
      const p = await lobbyRepo.lockLiveParticipant(trx, h.id, c.participant.id);
      if (!p) throw notFound('Participant');
      const now = this.d.now();
      await repo.markLeft(trx, consultationId, p.id, now);
      const remaining = await repo.activeMembers(trx, consultationId);
      const closed = remaining.length === 0;
      if (closed) await repo.close(trx, consultationId, now);
      await lobbyRepo.setPresence(trx, [p.id], 'admitted');
      await audit.append(trx, {
        stream: h.id,
        actor: actorOf(c),
        action: closed ? 'consultation.closed' : 'consultation.left',
        payload: { consultationId, participantId: p.id },
      });
      await this.d.hub.publishMany(trx, h.id, [
        presenceEvent(p, 'in_consultation', 'admitted'),
        toMembers(closed ? 'consultation.closed' : 'consultation.left', [p.id, ...remaining], {
          consultation: { id: consultationId, room, participantIds: remaining },
          participantId: p.id,
        }),
      ]);
      return closed;
    });
    if (closed) await mediaCall(this.d, h.id, 'close a consultation room', () => this.d.rooms.deleteRoom(room));
    const fresh = await this.refreshed(c);
    return { hearingToken: await this.media.hearingToken(fresh) };
  }

  private async membership(c: Participant, consultationId: string) {
    const consultation = await repo.findOpenConsultation(this.d.db, c.hearing.id, consultationId);
    const members = consultation ? await repo.activeMembers(this.d.db, consultation.id) : [];
    // Not a member: as if it did not exist.
    if (!consultation || !members.includes(c.participant.id)) throw notFound('Consultation');
    return consultation;
  }

  /** The caller as they stand now (back in the hearing room), for their new hearing token. */
  private async refreshed(c: Participant): Promise<Participant> {
    const p = await lobbyRepo.findLiveParticipant(this.d.db, c.hearing.id, c.participant.id);
    if (!p) throw notFound('Participant');
    const { facts, side } = await participantFacts(this.d.db, p);
    return { ...c, participant: p, facts, side, class: classify(facts, hearingFacts(c.hearing)) };
  }
}
