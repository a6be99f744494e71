import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import { authenticateParticipant } from '../invitations/participant-session.ts';
import type { AuthService } from '../accounts/auth.service.ts';
import { sessionToken } from '../accounts/session.ts';
import { participantCookieName } from '../invitations/participant-session.ts';
import { participantSessionHash } from '../invitations/invite-token.ts';
import { participantSessionEnded } from '../invitations/join.service.ts';
import { inviteIssuedAt } from '../invitations/participants.service.ts';
import { socketStandings, type SocketKey, type SocketStanding } from '../platform/realtime/realtime.repository.ts';
import { findHearing, findStaffMember } from '../scheduling/hearings.service.ts';
import { hearingSnapshot } from '../scheduling/hearing.snapshot.ts';
import { findLiveParticipant } from './lobby/lobby.service.ts';
import { lobbySnapshot } from './lobby/lobby.snapshot.ts';
import { consultationsSnapshot } from './consultations/consultations.snapshot.ts';
import { chatSnapshot } from './chat/chat.snapshot.ts';
import { recordingSnapshot } from '../recordings/recordings.snapshot.ts';
import { transcriptSnapshot } from '../record/transcript.snapshot.ts';
import { hearingFacts, participantFacts } from './hearing-caller.ts';
import {
  decide,
  permitted,
  watcherClass,
  type CallerFacts,
  type StaffRole,
  type Watch,
  type WatchEnd,
} from '../domain/hearing/index.ts';
import type { Snapshot } from '../domain/realtime.ts';
import type { RealtimeAccess, Viewer } from '../platform/realtime/realtime.socket.ts';

/**
 * Who may watch which hearing over /api/ws, and what they see first: the hearing policy decides both,
 * from the watcher's standing read here.
 */
export function hearingRealtimeAccess(deps: {
  db: Kysely<Database>;
  sessionSecret: string;
  now: () => Date;
  secureCookies?: boolean;
  /** To close the sockets of staff sessions that end while they are open. */
  auth?: Pick<AuthService, 'stillSignedIn' | 'sessionStands' | 'tokenHash'>;
}): RealtimeAccess {
  const { db } = deps;
  const participantAuth = {
    db,
    sessionSecret: deps.sessionSecret,
    now: deps.now,
    secureCookies: deps.secureCookies,
  };
  return {
    async viewer(request) {
      const user = request.user;
      if (user?.court) return { kind: 'staff', userId: user.id, role: user.role, courtId: user.court.id };
      const p = await authenticateParticipant(request, participantAuth);
      return p ? { kind: 'participant', participantId: p.id, hearingId: p.hearingId } : null;
    },

    async stillValid(request, viewer, since) {
      const ended = { code: 'session_ended', message: 'Your session ended: sign in again.', sessionEnded: true };
      if (viewer.kind === 'staff') {
        const token = sessionToken(request, deps.secureCookies ?? false);
        const ok = !deps.auth || (!!token && (await deps.auth.stillSignedIn(token, viewer.userId)));
        return ok ? true : ended;
      }
      const p = await authenticateParticipant(request, participantAuth);
      if (p?.id === viewer.participantId) return true;
      // Say why, as the page should: a withdrawn invitation, or a new link sent since this page opened.
      const row = await findLiveParticipant(db, viewer.hearingId, viewer.participantId);
      const issued = row ? await inviteIssuedAt(db, row.id) : null;
      if (row?.revoked_at) return { ...ended, code: 'invite_revoked', message: 'The court withdrew your invitation.' };
      if (issued && issued > since)
        return {
          ...ended,
          code: 'invite_reissued',
          message: 'The court sent you a new invitation link; this one no longer works.',
        };
      return { ...ended, message: 'Your session ended: open your invitation link again.' };
    },

    async stale(sockets) {
      const secure = deps.secureCookies ?? false;
      const keys: (SocketKey | undefined)[] = sockets.map(({ request, viewer, watch }) => {
        const hearingId = watch?.hearing.id ?? null;
        if (viewer.kind === 'staff') {
          const token = sessionToken(request, secure);
          return token && deps.auth
            ? { kind: 'staff', tokenHash: deps.auth.tokenHash(token), subject: viewer.userId, hearingId }
            : undefined;
        }
        const token = request.cookies[participantCookieName(secure)];
        return token
          ? {
              kind: 'participant',
              tokenHash: participantSessionHash(deps.sessionSecret, token),
              subject: viewer.participantId,
              hearingId,
            }
          : undefined;
      });
      const asked = keys.flatMap((k, i) => (k ? [{ ...k, at: i }] : []));
      const rows = new Map<number, SocketStanding>();
      for (const row of await socketStandings(db, asked)) rows.set(asked[row.i]!.at, row);
      const now = deps.now();
      return sockets.map(({ viewer, watch }, i) => {
        const row = rows.get(i);
        // No key (no cookie to check, or no way to check it here): checked in full, as before.
        if (!row) return true;
        if (viewer.kind === 'staff') {
          const r = {
            ...row,
            id: row.id ?? '',
            disabled: row.disabled ?? true,
            expires_at: row.expires_at ?? new Date(0),
            created_at: row.created_at ?? new Date(0),
          };
          if (!deps.auth?.sessionStands(r, viewer.userId)) return true;
          if (!watch) return false;
          const c = watch.caller;
          if (c.kind !== 'staff' || c.role !== row.role || c.courtId !== row.court_id) return true;
        } else {
          if (
            row.participant_id !== viewer.participantId ||
            participantSessionEnded(
              {
                expires_at: row.participant_expires_at!,
                scheduled_end: row.scheduled_end!,
                invite_grace_minutes: row.invite_grace_minutes!,
                revoked_at: row.revoked_at,
                hearing_state: row.session_hearing_state!,
              },
              now,
            )
          )
            return true;
          if (!watch) return false;
          const c = watch.caller;
          if (c.kind !== 'participant' || c.presence !== row.presence || c.role !== row.participant_role) return true;
        }
        const h = watch.hearing;
        return (
          h.state !== row.hearing_state ||
          h.courtId !== row.hearing_court_id ||
          h.judgeId !== row.judge_id ||
          h.clerkId !== row.clerk_id
        );
      });
    },

    async watch(viewer: Viewer, hearingId: string): Promise<Watch | WatchEnd> {
      const noSuch = { code: 'not_found', message: 'Hearing not found.', sessionEnded: false };
      const h = await findHearing(db, hearingId);
      if (!h) return noSuch;
      let caller: CallerFacts;
      if (viewer.kind === 'staff') {
        // The role and court as they are now: an admin may have changed them since the socket opened.
        const user = await findStaffMember(db, viewer.userId);
        if (!user || user.disabled) return { ...noSuch, code: 'session_ended', sessionEnded: true };
        caller = { kind: 'staff', userId: user.id, role: user.role as StaffRole, courtId: user.court_id };
      } else {
        if (viewer.hearingId !== hearingId) return noSuch;
        const p = await findLiveParticipant(db, hearingId, viewer.participantId);
        if (!p) return noSuch;
        caller = (await participantFacts(db, p)).facts;
      }
      const w: Watch = { caller, hearing: hearingFacts(h) };
      const v = decide('hearing.watch', { caller: watcherClass(w), state: h.state });
      return v.allow ? w : { code: v.code, message: v.message, sessionEnded: false };
    },

    async snapshot(w: Watch) {
      const hearingId = w.hearing.id;
      const caller = watcherClass(w);
      const may = new Set(permitted({ caller, state: w.hearing.state }));
      // Each feature reads its own part for this watcher, asking the hearing policy as its events do.
      const [hearing, lobby] = await Promise.all([hearingSnapshot(db, hearingId), lobbySnapshot(db, w, may)]);
      if (!hearing) return {};
      const chat = await chatSnapshot(db, w);
      const consultations = await consultationsSnapshot(db, hearingId, {
        participantId: lobby.liveId,
        may,
        now: deps.now(),
      });
      const recording = await recordingSnapshot(db, hearingId);
      const transcript = await transcriptSnapshot(db, hearingId, may);
      const bench =
        caller.kind === 'staff' && (caller.relation === 'judge' || caller.relation === 'clerk')
          ? caller.relation
          : null;
      const snapshot: Snapshot = {
        hearing: { ...hearing, ...recording },
        participants: lobby.participants,
        you:
          w.caller.kind === 'staff'
            ? { kind: 'staff', id: w.caller.userId, role: w.caller.role, bench, caller, may: [...may] }
            : { kind: 'participant', ...lobby.you, caller, may: [...may], ...consultations.you },
        ...consultations.held,
        chat,
        transcript,
      };
      return snapshot;
    },
  };
}
