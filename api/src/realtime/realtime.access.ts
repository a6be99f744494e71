import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { authenticateParticipant } from '../participants/participant-session.ts';
import type { AuthService } from '../auth/auth.service.ts';
import { sessionToken } from '../auth/session.ts';
import * as hearingsRepo from '../hearings/hearings.repository.ts';
import * as lobbyRepo from '../lobby/lobby.repository.ts';
import * as consultationsRepo from '../consultations/consultations.repository.ts';
import * as chatRepo from '../chat/chat.repository.ts';
import { messageView } from '../chat/chat.service.ts';
import { latestRecording } from '../recordings/recordings.repository.ts';
import { statusPayload } from '../recordings/recordings.service.ts';
import { latestEntries } from '../transcripts/transcript.repository.ts';
import { entryView } from '../transcripts/transcript.service.ts';
import type { RealtimeAccess, Viewer } from './realtime.socket.ts';

const IN_ROOM = new Set(['admitted', 'in_consultation']);

/**
 * Who may watch which hearing over /api/ws, and what they see first. Staff: the judge of the
 * hearing, and clerks and admins of its court. Participants: their own hearing, unless removed.
 */
export function hearingRealtimeAccess(deps: {
  db: Kysely<Database>;
  sessionSecret: string;
  now: () => Date;
  secureCookies?: boolean;
  /** To close the sockets of staff sessions that end while they are open. */
  auth?: Pick<AuthService, 'stillSignedIn'>;
}): RealtimeAccess {
  const { db } = deps;
  return {
    async viewer(request) {
      const user = request.user;
      if (user?.court) return { kind: 'staff', userId: user.id, role: user.role, courtId: user.court.id };
      const p = await authenticateParticipant(request, {
        db,
        sessionSecret: deps.sessionSecret,
        now: deps.now,
        secureCookies: deps.secureCookies,
      });
      return p ? { kind: 'participant', participantId: p.id, hearingId: p.hearingId } : null;
    },

    async stillValid(request, viewer) {
      if (viewer.kind === 'staff') {
        const token = sessionToken(request, deps.secureCookies ?? false);
        return !deps.auth || (!!token && (await deps.auth.stillSignedIn(token, viewer.userId)));
      }
      // Removal and the hearing's end are told over the socket itself; an ended session closes it.
      const p = await authenticateParticipant(
        request,
        { db, sessionSecret: deps.sessionSecret, now: deps.now, secureCookies: deps.secureCookies },
        { keepEnded: true },
      );
      return p?.id === viewer.participantId;
    },

    async canWatch(viewer, hearingId) {
      if (viewer.kind === 'staff') {
        const h = await hearingsRepo.findHearing(db, hearingId);
        if (!h || h.court_id !== viewer.courtId) return false;
        return viewer.role !== 'judge' || h.judge_id === viewer.userId;
      }
      if (viewer.hearingId !== hearingId) return false;
      const p = await lobbyRepo.findLiveParticipant(db, hearingId, viewer.participantId);
      return !!p && !p.revoked_at && p.presence !== 'removed';
    },

    async snapshot(viewer: Viewer, hearingId) {
      const [h, all] = await Promise.all([
        hearingsRepo.findHearing(db, hearingId),
        lobbyRepo.listLiveParticipants(db, hearingId),
      ]);
      if (!h) return {};
      const staff = viewer.kind === 'staff';
      // The lobby and the public gallery are the bench's to see; participants see who is in the room.
      const listed = staff ? all : all.filter((p) => p.role !== 'observer' && IN_ROOM.has(p.presence));
      const me = viewer.kind === 'participant' ? all.find((p) => p.id === viewer.participantId) : undefined;
      const chat = await chatRepo.visibleMessages(db, hearingId, me ? me.id : null, 50);
      // So a participant reconnecting from another window or device finds their consultation again.
      const consultation = me ? await consultationsRepo.openConsultationOf(db, me.id) : undefined;
      const consultationMembers = consultation ? await consultationsRepo.activeMembers(db, consultation.id) : [];
      const recording = statusPayload(await latestRecording(db, hearingId));
      // Everyone in the hearing gets `transcript.entry` pushes; the snapshot gives the live panel its start.
      const transcript = await latestEntries(db, hearingId, 50);
      const bench = staff
        ? h.judge_id === viewer.userId
          ? 'judge'
          : h.clerk_id === viewer.userId
            ? 'clerk'
            : null
        : null;
      return {
        hearing: {
          id: h.id,
          title: h.title,
          state: h.state,
          caseNumber: h.case_number,
          caption: h.case_caption,
          scheduledStart: h.scheduled_start.toISOString(),
          scheduledEnd: h.scheduled_end.toISOString(),
          courtTimezone: h.court_timezone,
          // Gavel's own recording state (from Egress webhooks), as `recording.status` events update it.
          recording: recording.recording,
          recordingStatus: recording.status,
          recordingId: recording.recordingId,
        },
        participants: listed.map((p) => ({
          id: p.id,
          role: p.role,
          displayName: p.display_name,
          presence: p.presence,
          screenShareAllowed: p.screen_share_allowed,
          representsId: p.represents_id,
          ...(staff ? { connected: p.media_connected } : {}),
        })),
        you:
          viewer.kind === 'staff'
            ? { kind: 'staff', id: viewer.userId, role: viewer.role, bench }
            : {
                kind: 'participant',
                id: viewer.participantId,
                role: me?.role ?? null,
                displayName: me?.display_name ?? null,
                presence: me?.presence ?? null,
                screenShareAllowed: me?.screen_share_allowed ?? false,
                representsId: me?.represents_id ?? null,
                consultation: consultation
                  ? {
                      id: consultation.id,
                      room: consultation.room,
                      participantIds: consultationMembers,
                    }
                  : null,
              },
        chat: chat.map(messageView),
        transcript: transcript.map(entryView),
      };
    },
  };
}
