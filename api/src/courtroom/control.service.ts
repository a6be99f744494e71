import * as audit from '../audit/audit.service.ts';
import { DomainError } from '../platform/http/errors.ts';
import { lockHearing, updateHearing } from '../scheduling/hearings.service.ts';
import { mediaCall, type LiveDeps } from './live-deps.ts';
import { actorOf, authorizeStaff, targetParticipant, type HearingCaller } from './hearing-caller.ts';
import { listLiveParticipants, lockParticipant, setPresence, setScreenShare } from './lobby/lobby.service.ts';
import { presenceEvent, toHeldWatchers, toParticipant } from './live-events.ts';
import { closeAllOfHearing, endPendingRequests } from './consultations/consultations.service.ts';
import { MOVES, canMove, describeMoves, isEnded, isLive, type CourtroomMove } from '../domain/hearing/index.ts';
import { HEARING_ROOM } from './media/livekit.service.ts';
import type { MediaRole } from './media/grants.ts';
import { noteInRecord } from '../record/procedural.ts';

export type StateAction = CourtroomMove;

/** Recording follows the hearing's moves: started at start/resume, stopped at recess/adjourn. */
export interface RecordingAutomation {
  afterStateChange(hearingId: string, action: StateAction): Promise<void>;
}

export class ControlService {
  private readonly d: LiveDeps;
  private readonly recordings: RecordingAutomation | undefined;
  constructor(deps: LiveDeps, recordings?: RecordingAutomation) {
    this.d = deps;
    this.recordings = recordings;
  }

  async changeState(c: HearingCaller, action: StateAction) {
    const caller = authorizeStaff(c, 'hearing.move');
    const move = MOVES[action];
    const hearingId = caller.hearing.id;
    const result = await this.d.db.transaction().execute(async (trx) => {
      const h = await lockHearing(trx, hearingId);
      if (!canMove(h.state, action)) {
        throw new DomainError(
          409,
          'invalid_transition',
          `A hearing that is ${h.state} cannot ${action} (to ${move.to}); from ${h.state} it ${describeMoves(h.state)}.`,
        );
      }
      const now = this.d.now();
      await updateHearing(trx, hearingId, { state: move.to, state_changed_at: now, updated_at: now });
      await audit.append(trx, {
        stream: hearingId,
        actor: actorOf(caller),
        action: move.audit,
        payload: { from: h.state, to: move.to },
      });
      await this.d.hub.publish(trx, {
        stream: hearingId,
        kind: 'hearing.state',
        topic: { data: 'hearing', state: move.to },
        payload: { state: move.to },
      });
      await noteInRecord(trx, this.d.hub, caller.hearing, now, (n) => n.state[action]);
      // An asking for a consultation does not outlive the moment it was made in.
      await endPendingRequests(trx, this.d.hub, hearingId, undefined, 'hearing_moved', now);
      let closedRooms: string[] = [];
      if (move.to === 'adjourned') {
        // Everyone present leaves with the hearing; removed stay removed, the never-came stay invited.
        const present = (await listLiveParticipants(trx, hearingId)).filter((p) =>
          ['in_lobby', 'admitted', 'in_consultation'].includes(p.presence),
        );
        await setPresence(
          trx,
          present.map((p) => p.id),
          'left',
        );
        const closed = await closeAllOfHearing(trx, hearingId, now);
        closedRooms = closed.map((c) => c.room);
        await this.d.hub.publishMany(trx, hearingId, [
          ...present.map((p) => presenceEvent(p, p.presence, 'left')),
          ...closed.map((c) => toHeldWatchers('consultation.held_ended', { id: c.id })),
        ]);
      }
      return { state: move.to, stateChangedAt: now, closedRooms };
    });

    // Before the room closes at adjourn, so Egress stops cleanly rather than losing its room.
    await this.recordings?.afterStateChange(hearingId, action);
    const room = caller.hearing.livekit_room;
    if (move.to === 'open') {
      await mediaCall(this.d, hearingId, 'create the hearing room', () =>
        this.d.rooms.createRoom(room, { ...HEARING_ROOM }),
      );
    } else if (move.to === 'adjourned') {
      // Disconnects everyone; tokens are refused from now on, so no one comes back.
      await mediaCall(this.d, hearingId, 'close the hearing room', () => this.d.rooms.deleteRoom(room));
      for (const r of result.closedRooms) {
        await mediaCall(this.d, hearingId, 'close a consultation room', () => this.d.rooms.deleteRoom(r));
      }
    }
    return {
      hearing: { id: hearingId, state: result.state, stateChangedAt: result.stateChangedAt.toISOString() },
    };
  }

  /** The judge mutes a published track; the participant may unmute it again (LiveKit's rule). */
  async mute(c: HearingCaller, pid: string, trackSid: string) {
    const caller = authorizeStaff(c, 'participant.moderate');
    const h = caller.hearing;
    const p = await targetParticipant(this.d.db, h.id, pid);
    if (!isLive(h.state)) throw new DomainError(409, 'hearing_not_live', `The hearing is ${h.state}.`);
    if (p.presence !== 'admitted') {
      throw new DomainError(409, 'not_in_room', 'Only a participant in the hearing room can be muted.');
    }
    try {
      await this.d.rooms.mute(h.livekit_room, p.id, trackSid);
    } catch (err) {
      this.d.log.warn({ err }, 'mute failed');
      throw new DomainError(503, 'media_unavailable', 'The media server could not mute this track; try again.');
    }
    await this.d.db.transaction().execute(async (trx) => {
      await audit.append(trx, {
        stream: h.id,
        actor: actorOf(caller),
        action: 'participant.muted',
        payload: { participantId: p.id, trackSid },
      });
      await this.d.hub.publish(trx, { stream: h.id, ...toParticipant('participant.muted', p.id, { trackSid }) });
    });
    return { participantId: p.id, trackSid, muted: true };
  }

  /** Parties and agents only; their permission is replaced whole, from the grant table. */
  async screenShare(c: HearingCaller, pid: string, allowed: boolean) {
    const caller = authorizeStaff(c, 'participant.moderate');
    const h = caller.hearing;
    if (isEnded(h.state)) throw new DomainError(409, 'hearing_ended', `The hearing is ${h.state}.`);
    const p = await this.d.db.transaction().execute(async (trx) => {
      const p = await lockParticipant(trx, h.id, pid);
      if (!['plaintiff', 'defendant', 'agent'].includes(p.role)) {
        throw new DomainError(
          409,
          'screen_share_not_for_role',
          `A ${p.role} cannot be allowed to share a screen; only parties and their agents can.`,
        );
      }
      if (p.presence === 'removed') throw new DomainError(409, 'removed', 'This participant was removed.');
      await setScreenShare(trx, p.id, allowed);
      await audit.append(trx, {
        stream: h.id,
        actor: actorOf(caller),
        action: allowed ? 'participant.screen_share_allowed' : 'participant.screen_share_revoked',
        payload: { participantId: p.id },
      });
      await this.d.hub.publish(trx, {
        stream: h.id,
        ...toParticipant('participant.screen_share', p.id, { allowed }),
      });
      return p;
    });
    if (p.presence === 'admitted' && isLive(h.state)) {
      await mediaCall(this.d, h.id, 'change screen sharing', () =>
        this.d.rooms.setPermission(h.livekit_room, p.id, p.role as MediaRole, { screenShareAllowed: allowed }),
      );
    }
    return { participantId: p.id, allowed };
  }
}
