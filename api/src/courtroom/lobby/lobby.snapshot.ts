import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import { receives, type Action, type Watch } from '../../domain/hearing/index.ts';
import type { Snapshot } from '../../domain/realtime.ts';
import { listLiveParticipants } from './lobby.service.ts';

type ParticipantYou = Extract<Snapshot['you'], { kind: 'participant' }>;

/**
 * The lobby's part of the socket's snapshot: the people of the hearing this watcher is shown, and the
 * watcher as a participant (all null for staff).
 */
export async function lobbySnapshot(
  db: Kysely<Database>,
  w: Watch,
  may: ReadonlySet<Action>,
): Promise<{
  participants: Snapshot['participants'];
  you: Pick<ParticipantYou, 'id' | 'role' | 'displayName' | 'presence' | 'screenShareAllowed' | 'representsId'>;
  /** The watcher's own row while their invitation holds (null for staff, or once it is withdrawn). */
  liveId: string | null;
}> {
  const all = await listLiveParticipants(db, w.hearing.id);
  const meId = w.caller.kind === 'participant' ? w.caller.participantId : null;
  const me = meId ? all.find((p) => p.id === meId) : undefined;
  // Each person listed as their presence event would be: the policy decides, person by person. The
  // viewer is in `you`, and in the list only when in the room with the others.
  const listed = all.filter(
    (p) =>
      (p.id !== meId || p.presence === 'admitted' || p.presence === 'in_consultation') &&
      receives(w, { data: 'presence', participantId: p.id, role: p.role, from: p.presence, to: p.presence }),
  );
  const seesMedia = may.has('bench.notices');
  return {
    participants: listed.map((p) => ({
      id: p.id,
      role: p.role,
      displayName: p.display_name,
      presence: p.presence,
      screenShareAllowed: p.screen_share_allowed,
      representsId: p.represents_id,
      ...(seesMedia ? { connected: p.media_connected } : {}),
    })),
    you: {
      id: meId,
      role: me?.role ?? null,
      displayName: me?.display_name ?? null,
      presence: me?.presence ?? null,
      screenShareAllowed: me?.screen_share_allowed ?? false,
      representsId: me?.represents_id ?? null,
    },
    liveId: me?.id ?? null,
  };
}
