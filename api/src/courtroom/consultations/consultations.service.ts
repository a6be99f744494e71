import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import * as audit from '../../audit/audit.service.ts';
import { SYSTEM_ACTOR } from '../../audit/audit.service.ts';
import type { Database } from '../../platform/db/schema.ts';
import type { EventInput, RealtimeHub } from '../../platform/realtime/realtime.hub.ts';
import type { ConsultationRequest } from '../../domain/realtime.ts';
import { DomainError, forbidden, notFound } from '../../platform/http/errors.ts';
import { mediaCall, type LiveDeps } from '../live-deps.ts';
import {
  actorOf,
  allows,
  authorizeParticipant,
  hearingFacts,
  participantFacts,
  type HearingCaller,
  type ParticipantCaller,
} from '../hearing-caller.ts';
import { classify } from '../../domain/hearing/index.ts';
import {
  findLiveParticipant,
  lockLiveParticipant,
  setPresence,
  type LiveParticipantRow,
} from '../lobby/lobby.service.ts';
import { presenceEvent, toHeldWatchers, toMembers } from '../live-events.ts';
import { consultationGrant, mintMediaToken } from '../media/grants.ts';
import { CONSULTATION_ROOM } from '../media/livekit.service.ts';
import type { MediaService, MediaToken } from '../media/media.service.ts';
import * as repo from './consultations.repository.ts';

type Participant = ParticipantCaller;
type OpenedConsultation = { id: string; room: string; participantIds: string[] };

/** The hearing's control closes every consultation at adjournment; the lobby finds a media room's consultation. */
export { closeAllOfHearing, findConsultationByRoom, openConsultationOf } from './consultations.repository.ts';

/** How long an asking waits for its answer before it lapses. */
export const CONSULTATION_REQUEST_TTL_MS = 2 * 60_000;

/** A party or their agent, admitted, while the hearing is open; the bench never takes part. */
export function consultant(c: HearingCaller): Participant {
  return authorizeParticipant(c, 'consultation.take_part');
}

/** Asking (or withdrawing): a party or agent in the hearing room, not consulting already. */
export function requester(c: HearingCaller): Participant {
  return authorizeParticipant(c, 'consultation.request');
}

/** Accepting or declining: the same, for the one asked. */
export function answerer(c: HearingCaller): Participant {
  return authorizeParticipant(c, 'consultation.answer');
}

const isParty = (p: Pick<LiveParticipantRow, 'role'>) => p.role === 'plaintiff' || p.role === 'defendant';

function requestView(r: repo.RequestRow): ConsultationRequest {
  return {
    id: r.id,
    requesterId: r.requested_by,
    participantIds: [...r.participant_ids],
    requestedAt: r.requested_at.toISOString(),
    expiresAt: r.expires_at.toISOString(),
  };
}

const answered = (outcome: repo.RequestOutcome) =>
  new DomainError(409, `request_${outcome}`, `This asking was ${outcome} already.`);

const REFUSALS: Record<string, { code: string; message: string }> = {
  expired: { code: 'request_expired', message: 'The asking lapsed unanswered: ask again.' },
  hearing_moved: {
    code: 'request_cancelled',
    message: 'The hearing moved on since the asking: ask again if you still wish to consult.',
  },
  not_in_room: { code: 'request_cancelled', message: 'One of you is no longer in the hearing room.' },
  already_consulting: { code: 'request_cancelled', message: 'One of you is already in a private consultation.' },
  cancelled: { code: 'request_cancelled', message: 'The asking no longer holds.' },
};

/** Locks those named, in id order (so two changes at once cannot deadlock). */
async function lockMembers(trx: Transaction<Database>, hearingId: string, ids: string[], strict = true) {
  const members: LiveParticipantRow[] = [];
  for (const id of [...ids].sort()) {
    const p = await lockLiveParticipant(trx, hearingId, id);
    if (!p || p.revoked_at) {
      if (strict) throw new DomainError(400, 'not_a_participant', 'Everyone must be a participant of this hearing.');
      continue;
    }
    members.push(p);
  }
  return members;
}

/** One party with their own agent or agents, and no one else. */
function checkPairing(members: LiveParticipantRow[]) {
  const parties = members.filter(isParty);
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
}

function checkInRoom(members: LiveParticipantRow[]) {
  const busy = members.find((p) => p.presence === 'in_consultation');
  if (busy) {
    throw new DomainError(409, 'already_consulting', `${busy.display_name} is already in a private consultation.`);
  }
  const notIn = members.find((p) => p.presence !== 'admitted');
  if (notIn) {
    throw new DomainError(409, 'not_admitted', `${notIn.display_name} must be in the hearing room to consult.`);
  }
}

/**
 * Ends the askings that wait and name this participant (or, without one, every asking of the
 * hearing): they left, were removed or returned to the lobby, the hearing moved, or they are
 * consulting already. Those named are told why.
 */
export async function endPendingRequests(
  trx: Transaction<Database>,
  hub: RealtimeHub,
  hearingId: string,
  participantId: string | undefined,
  reason: string,
  at: Date,
) {
  for (const req of await repo.pendingRequests(trx, hearingId, participantId)) {
    if (!(await repo.endRequest(trx, req.id, { outcome: 'cancelled', at, by: null, reason }))) continue;
    await audit.append(trx, {
      stream: hearingId,
      actor: SYSTEM_ACTOR,
      action: 'consultation.request_cancelled',
      payload: { requestId: req.id, reason },
    });
    await hub.publish(trx, {
      stream: hearingId,
      ...toMembers('consultation.request_ended', req.participant_ids, {
        request: requestView(req),
        outcome: 'cancelled',
        by: null,
        reason,
      }),
    });
  }
}

/**
 * Takes a participant out of a consultation; the last to leave closes it. Returns whether it closed and
 * the events that tell those in it (and, when it closed, whoever watches the consultations held).
 */
export async function stepOut(
  trx: Transaction<Database>,
  consultation: { id: string; room: string },
  participantId: string,
  now: Date,
): Promise<{ closed: boolean; events: EventInput[] }> {
  await repo.markLeft(trx, consultation.id, participantId, now);
  const remaining = await repo.activeMembers(trx, consultation.id);
  const closed = remaining.length === 0;
  if (closed) await repo.close(trx, consultation.id, now);
  const events = [
    toMembers(closed ? 'consultation.closed' : 'consultation.left', [participantId, ...remaining], {
      consultation: { id: consultation.id, room: consultation.room, participantIds: remaining },
      participantId,
    }),
    ...(closed ? [toHeldWatchers('consultation.held_ended', { id: consultation.id })] : []),
  ];
  return { closed, events };
}

/**
 * The consultations as one watcher of the hearing finds them on (re)connecting: a participant's own open
 * consultation and the askings that wait and name them; the consultations held, for whoever may see them.
 */
export async function consultationsSeenBy(
  db: Kysely<Database>,
  hearingId: string,
  watcher: { participantId: string | null; seesHeld: boolean; now: Date },
) {
  const me = watcher.participantId;
  const consultation = me ? await repo.openConsultationOf(db, me) : undefined;
  const participantIds = consultation ? await repo.activeMembers(db, consultation.id) : [];
  const requests = me ? (await repo.pendingRequests(db, hearingId, me)).filter((r) => r.expires_at > watcher.now) : [];
  const held = watcher.seesHeld ? await repo.heldConsultations(db, hearingId) : [];
  return {
    consultation: consultation ? { id: consultation.id, room: consultation.room, participantIds } : null,
    requests: requests.map(requestView),
    held: held.map((c) => ({
      id: c.id,
      partyId: c.party_id,
      partyName: c.party_name,
      since: c.opened_at.toISOString(),
    })),
  };
}

/** Askings past their time are ended as lapsed, and those named told. */
async function expireLapsed(trx: Transaction<Database>, hub: RealtimeHub, hearingId: string, now: Date) {
  for (const req of await repo.pendingRequests(trx, hearingId)) {
    if (req.expires_at.getTime() > now.getTime()) continue;
    if (!(await repo.endRequest(trx, req.id, { outcome: 'expired', at: now, by: null }))) continue;
    await audit.append(trx, {
      stream: hearingId,
      actor: SYSTEM_ACTOR,
      action: 'consultation.request_expired',
      payload: { requestId: req.id },
    });
    await hub.publish(trx, {
      stream: hearingId,
      ...toMembers('consultation.request_ended', req.participant_ids, {
        request: requestView(req),
        outcome: 'expired',
        by: null,
        reason: null,
      }),
    });
  }
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

  /**
   * A party or agent asks their own agent or party to step out. Nothing starts yet: those named are
   * told, and the consultation opens only when one of them accepts.
   */
  async request(c: Participant, participantIds: string[]): Promise<ConsultationRequest> {
    const h = c.hearing;
    const ids = [...new Set(participantIds)];
    if (ids.length !== participantIds.length) {
      throw new DomainError(400, 'validation', 'Name each participant once.');
    }
    if (!ids.includes(c.participant.id)) {
      throw forbidden('You can only ask for a consultation you take part in.');
    }
    return this.d.db.transaction().execute(async (trx) => {
      const members = await lockMembers(trx, h.id, ids);
      checkPairing(members);
      const requester = members.find((p) => p.id === c.participant.id)!;
      // An agent asks their party; a party may ask any of their own agents.
      if (requester.role === 'agent' && members.length !== 2) {
        throw new DomainError(400, 'not_party_and_agents', 'An agent asks the party they represent, and no one else.');
      }
      checkInRoom(members);
      const now = this.d.now();
      await expireLapsed(trx, this.d.hub, h.id, now);
      const waiting = await repo.pendingRequests(trx, h.id, c.participant.id);
      if (waiting.some((r) => r.requested_by === c.participant.id)) {
        throw new DomainError(409, 'request_pending', 'You have already asked: withdraw it, or wait for the answer.');
      }
      const row = await repo.insertRequest(trx, {
        hearing_id: h.id,
        requested_by: c.participant.id,
        participant_ids: ids,
        hearing_state: h.state,
        requested_at: now,
        expires_at: new Date(now.getTime() + CONSULTATION_REQUEST_TTL_MS),
      });
      const request = requestView(row);
      await audit.append(trx, {
        stream: h.id,
        actor: actorOf(c),
        action: 'consultation.requested',
        payload: { requestId: row.id, participantIds: ids },
      });
      await this.d.hub.publish(trx, { stream: h.id, ...toMembers('consultation.requested', ids, { request }) });
      return request;
    });
  }

  /**
   * One of those asked accepts: the consultation opens, once. A repeated accept by the same person
   * gets the same consultation back (`replayed`); anything else that finds it answered gets 409.
   */
  /**
   * Accepting, from the route: a repeated accept by the one who accepted gets the same consultation
   * (200), even though by then they are consulting and the policy would refuse a fresh answer.
   */
  async acceptFrom(
    caller: HearingCaller,
    requestId: string,
  ): Promise<{ consultation: OpenedConsultation; replayed: boolean }> {
    if (!allows(caller, 'consultation.answer') && caller.participant?.presence === 'in_consultation') {
      const replay = await this.replayedAccept(caller as Participant, requestId);
      if (replay) return { consultation: replay, replayed: true };
    }
    return this.accept(answerer(caller), requestId);
  }

  /** The consultation this caller opened by accepting this request, if it is still open. */
  private async replayedAccept(c: Participant, requestId: string): Promise<OpenedConsultation | undefined> {
    const req = await repo.findRequest(this.d.db, c.hearing.id, requestId);
    if (!req || req.outcome !== 'accepted' || req.ended_by !== c.participant.id || !req.consultation_id) return;
    const open = await repo.findOpenConsultation(this.d.db, c.hearing.id, req.consultation_id);
    if (!open) return;
    return { id: open.id, room: open.room, participantIds: await repo.activeMembers(this.d.db, open.id) };
  }

  async accept(c: Participant, requestId: string): Promise<{ consultation: OpenedConsultation; replayed: boolean }> {
    const h = c.hearing;
    const me = c.participant.id;
    const seen = await this.askedOf(c, requestId);
    if (seen.requested_by === me) throw forbidden('You asked: the others answer.');
    const result = await this.d.db.transaction().execute(async (trx) => {
      // Everyone named is locked first (in id order, as every consultation change does), then the asking.
      const members = await lockMembers(trx, h.id, seen.participant_ids, false);
      const req = await repo.lockRequest(trx, h.id, requestId);
      if (!req) throw notFound('Consultation request');
      if (req.outcome === 'accepted' && req.consultation_id) {
        const open = req.ended_by === me ? await repo.findOpenConsultation(trx, h.id, req.consultation_id) : undefined;
        if (!open) throw answered(req.outcome);
        const participantIds = await repo.activeMembers(trx, open.id);
        return { ok: { consultation: { id: open.id, room: open.room, participantIds }, replayed: true } };
      }
      if (req.outcome) throw answered(req.outcome);
      const now = this.d.now();
      const hearing = await trx
        .selectFrom('hearings')
        .select('state')
        .where('id', '=', h.id)
        .forShare()
        .executeTakeFirstOrThrow();
      const cancel = async (outcome: 'expired' | 'cancelled', reason: string | null) => {
        await this.endOne(trx, c, req, outcome, null, now, reason);
        return { refused: outcome === 'expired' ? 'expired' : (reason ?? 'cancelled') };
      };
      if (now.getTime() >= req.expires_at.getTime()) return cancel('expired', null);
      if (hearing.state !== req.hearing_state) return cancel('cancelled', 'hearing_moved');
      const acceptor = members.find((p) => p.id === me);
      const requester = members.find((p) => p.id === req.requested_by);
      if (!acceptor || !requester || members.length !== req.participant_ids.length)
        return cancel('cancelled', 'not_in_room');
      const together = [requester, acceptor];
      if (!together.some(isParty)) {
        throw new DomainError(403, 'party_answers', 'The party answers their agent’s asking.');
      }
      const busy = together.find((p) => p.presence === 'in_consultation');
      if (busy) return cancel('cancelled', 'already_consulting');
      if (together.some((p) => p.presence !== 'admitted' || p.revoked_at)) return cancel('cancelled', 'not_in_room');
      const ids = together.map((p) => p.id).sort();
      const room = `consult-${randomUUID()}`;
      const row = await repo.insertConsultation(trx, { hearing_id: h.id, room, opened_by: req.requested_by });
      await repo.insertMembers(trx, row.id, ids);
      await setPresence(trx, ids, 'in_consultation');
      await repo.endRequest(trx, req.id, { outcome: 'accepted', at: now, by: me, consultationId: row.id });
      await audit.append(trx, {
        stream: h.id,
        actor: actorOf(c),
        action: 'consultation.accepted',
        payload: { requestId: req.id, consultationId: row.id },
      });
      await audit.append(trx, {
        stream: h.id,
        actor: actorOf(c),
        action: 'consultation.opened',
        payload: { consultationId: row.id, participantIds: ids, requestId: req.id },
      });
      const consultation = { id: row.id, room, participantIds: ids };
      const party = together.find(isParty)!;
      await this.d.hub.publishMany(trx, h.id, [
        ...together.map((p) => presenceEvent(p, 'admitted', 'in_consultation')),
        toMembers('consultation.request_ended', req.participant_ids, {
          request: requestView(req),
          outcome: 'accepted',
          by: me,
          reason: null,
        }),
        toMembers('consultation.opened', ids, { consultation }),
        toHeldWatchers('consultation.held', {
          held: { id: row.id, partyId: party.id, partyName: party.display_name, since: row.opened_at.toISOString() },
        }),
      ]);
      // Whatever else asked these two is overtaken: they are consulting now.
      for (const id of ids) await endPendingRequests(trx, this.d.hub, h.id, id, 'already_consulting', now);
      return { ok: { consultation, replayed: false } };
    });
    if ('refused' in result) {
      const why = REFUSALS[result.refused] ?? REFUSALS['cancelled']!;
      throw new DomainError(409, why.code, why.message);
    }
    const { consultation } = result.ok;
    if (!result.ok.replayed) {
      await mediaCall(this.d, h.id, 'create a consultation room', () =>
        this.d.rooms.createRoom(consultation.room, {
          ...CONSULTATION_ROOM,
          maxParticipants: consultation.participantIds.length,
        }),
      );
    }
    return result.ok;
  }

  /** One of those asked says no: the requester is told. */
  async decline(c: Participant, requestId: string) {
    const seen = await this.askedOf(c, requestId);
    if (seen.requested_by === c.participant.id) throw forbidden('You asked: withdraw it instead.');
    return this.finish(c, requestId, 'declined');
  }

  /** The requester takes it back: those asked are told. */
  async withdraw(c: Participant, requestId: string) {
    const seen = await this.askedOf(c, requestId);
    if (seen.requested_by !== c.participant.id) throw forbidden('Only the one who asked may withdraw it.');
    return this.finish(c, requestId, 'withdrawn');
  }

  private async finish(c: Participant, requestId: string, outcome: 'declined' | 'withdrawn') {
    const h = c.hearing;
    return this.d.db.transaction().execute(async (trx) => {
      const req = await repo.lockRequest(trx, h.id, requestId);
      if (!req) throw notFound('Consultation request');
      if (req.outcome) throw answered(req.outcome);
      const now = this.d.now();
      if (now.getTime() >= req.expires_at.getTime()) {
        await this.endOne(trx, c, req, 'expired', null, now, null);
        return { request: requestView(req), outcome: 'expired' };
      }
      await this.endOne(trx, c, req, outcome, c.participant.id, now, null);
      return { request: requestView(req), outcome };
    });
  }

  private async endOne(
    trx: Transaction<Database>,
    c: Participant,
    req: repo.RequestRow,
    outcome: repo.RequestOutcome,
    by: string | null,
    at: Date,
    reason: string | null,
  ) {
    if (!(await repo.endRequest(trx, req.id, { outcome, at, by, reason }))) return;
    await audit.append(trx, {
      stream: c.hearing.id,
      actor: by ? actorOf(c) : SYSTEM_ACTOR,
      action: `consultation.request_${outcome}`,
      payload: { requestId: req.id, ...(reason ? { reason } : {}) },
    });
    await this.d.hub.publish(trx, {
      stream: c.hearing.id,
      ...toMembers('consultation.request_ended', req.participant_ids, {
        request: requestView(req),
        outcome,
        by,
        reason,
      }),
    });
  }

  /** The asking, if it names the caller; otherwise as if it did not exist. */
  private async askedOf(c: Participant, requestId: string) {
    const req = await repo.findRequest(this.d.db, c.hearing.id, requestId);
    if (!req || !req.participant_ids.includes(c.participant.id)) throw notFound('Consultation request');
    return req;
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
      const p = await lockLiveParticipant(trx, h.id, c.participant.id);
      if (!p) throw notFound('Participant');
      const { closed, events } = await stepOut(trx, { id: consultationId, room }, p.id, this.d.now());
      await setPresence(trx, [p.id], 'admitted');
      await audit.append(trx, {
        stream: h.id,
        actor: actorOf(c),
        action: closed ? 'consultation.closed' : 'consultation.left',
        payload: { consultationId, participantId: p.id },
      });
      await this.d.hub.publishMany(trx, h.id, [presenceEvent(p, 'in_consultation', 'admitted'), ...events]);
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
    const p = await findLiveParticipant(this.d.db, c.hearing.id, c.participant.id);
    if (!p) throw notFound('Participant');
    const { facts, side } = await participantFacts(this.d.db, p);
    return { ...c, participant: p, facts, side, class: classify(facts, hearingFacts(c.hearing)) };
  }
}
