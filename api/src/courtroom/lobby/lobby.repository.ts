import { LIVE_STATES } from '../../domain/hearing/index.ts';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import { statement } from '../../platform/db/connect.ts';
import type { ParticipantRole, Presence } from '../../domain/hearing/index.ts';

type Db = Kysely<Database> | Transaction<Database>;

const columns = [
  'id',
  'hearing_id',
  'role',
  'display_name',
  'represents_id',
  'interprets_for_id',
  'presence',
  'revoked_at',
  'screen_share_allowed',
  'media_connected',
] as const;

export interface LiveParticipantRow {
  id: string;
  hearing_id: string;
  role: ParticipantRole;
  display_name: string;
  represents_id: string | null;
  interprets_for_id: string | null;
  presence: Presence;
  revoked_at: Date | null;
  screen_share_allowed: boolean;
  media_connected: boolean;
}

const liveParticipant = statement((db, hearingId: string, id: string) =>
  db.selectFrom('participants').select(columns).where('hearing_id', '=', hearingId).where('id', '=', id),
);

export async function findLiveParticipant(
  db: Db,
  hearingId: string,
  id: string,
): Promise<LiveParticipantRow | undefined> {
  const [row] = await liveParticipant(db, hearingId, id);
  return row;
}

/** Locks the row, so two admits or an admit and a removal cannot interleave. */
export function lockLiveParticipant(
  trx: Transaction<Database>,
  hearingId: string,
  id: string,
): Promise<LiveParticipantRow | undefined> {
  return trx
    .selectFrom('participants')
    .select(columns)
    .where('hearing_id', '=', hearingId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export function listLiveParticipants(db: Db, hearingId: string): Promise<LiveParticipantRow[]> {
  return db
    .selectFrom('participants')
    .select(columns)
    .where('hearing_id', '=', hearingId)
    .where('revoked_at', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export function setPresence(db: Db, ids: string[], presence: Presence) {
  if (ids.length === 0) return Promise.resolve([] as LiveParticipantRow[]);
  return db.updateTable('participants').set({ presence }).where('id', 'in', ids).returning(columns).execute();
}

export async function setScreenShare(db: Db, id: string, allowed: boolean) {
  await db.updateTable('participants').set({ screen_share_allowed: allowed }).where('id', '=', id).execute();
}

export async function setMediaConnected(db: Db, id: string, connected: boolean) {
  await db.updateTable('participants').set({ media_connected: connected }).where('id', '=', id).execute();
}

/** Everyone waiting in the lobby except witnesses (they wait until called), locked for the update. */
export function lobbyExceptWitnesses(trx: Transaction<Database>, hearingId: string) {
  return trx
    .selectFrom('participants')
    .select(columns)
    .where('hearing_id', '=', hearingId)
    .where('presence', '=', 'in_lobby')
    .where('role', '<>', 'witness')
    .where('revoked_at', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .forUpdate()
    .execute();
}

export function findByHearingRoom(db: Db, room: string) {
  return db
    .selectFrom('hearings')
    .select(['id', 'livekit_room', 'state'])
    .where('livekit_room', '=', room)
    .executeTakeFirst();
}

/** Open hearings in which this staff member sits (or sat) on the bench, with their media rooms. */
export function liveHearingsOfBenchMember(db: Db, userId: string) {
  return db
    .selectFrom('hearings')
    .select(['id', 'livekit_room', 'state', 'court_id', 'judge_id', 'clerk_id'])
    .where((eb) => eb.or([eb('judge_id', '=', userId), eb('clerk_id', '=', userId)]))
    .where('state', 'in', LIVE_STATES)
    .execute();
}

export async function hasStaffSession(db: Db, userId: string): Promise<boolean> {
  const row = await db.selectFrom('sessions').select('id').where('user_id', '=', userId).limit(1).executeTakeFirst();
  return !!row;
}
