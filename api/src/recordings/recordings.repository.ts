import type { Insertable, Kysely, Transaction, Updateable } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import type { RecordingStatus, RecordingTable } from './recordings.table.ts';

type Db = Kysely<Database> | Transaction<Database>;

export const OPEN_STATUSES: RecordingStatus[] = ['starting', 'active', 'ending'];
/** Running, or about to: what "the hearing is being recorded" means. */
export const RECORDING_STATUSES: RecordingStatus[] = ['starting', 'active'];

export type RecordingRow = Awaited<ReturnType<typeof listRecordings>>[number];

function recordingQuery(db: Db) {
  return db
    .selectFrom('recordings as r')
    .leftJoin('users as u', 'u.id', 'r.started_by')
    .selectAll('r')
    .select('u.name as started_by_name');
}

export function listRecordings(db: Db, hearingId: string) {
  return recordingQuery(db).where('r.hearing_id', '=', hearingId).orderBy('r.started_at', 'desc').execute();
}

export function findRecording(db: Db, hearingId: string, id: string) {
  return recordingQuery(db).where('r.hearing_id', '=', hearingId).where('r.id', '=', id).executeTakeFirst();
}

/** The newest recording of the hearing, whatever its status. */
export function latestRecording(db: Db, hearingId: string) {
  return db
    .selectFrom('recordings')
    .selectAll()
    .where('hearing_id', '=', hearingId)
    .orderBy('started_at', 'desc')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
}

export function runningRecording(db: Db, hearingId: string, statuses = RECORDING_STATUSES) {
  return db
    .selectFrom('recordings')
    .selectAll()
    .where('hearing_id', '=', hearingId)
    .where('status', 'in', statuses)
    .orderBy('started_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export function recordingById(db: Db, id: string) {
  return db.selectFrom('recordings').selectAll().where('id', '=', id).executeTakeFirst();
}

export function lockRecording(trx: Transaction<Database>, id: string) {
  return trx.selectFrom('recordings').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function lockByEgressId(trx: Transaction<Database>, egressId: string) {
  return trx.selectFrom('recordings').selectAll().where('egress_id', '=', egressId).forUpdate().executeTakeFirst();
}

/** Start answer and webhook may race to tell Gavel of the same egress: whoever comes second updates. */
export async function upsertRecording(trx: Transaction<Database>, row: Insertable<RecordingTable>) {
  await trx
    .insertInto('recordings')
    .values(row)
    .onConflict((oc) =>
      oc.column('egress_id').doUpdateSet((eb) => ({
        started_by: eb.fn.coalesce('recordings.started_by', eb.ref('excluded.started_by')),
        file_location: eb.fn.coalesce('recordings.file_location', eb.ref('excluded.file_location')),
      })),
    )
    .execute();
  return (await lockByEgressId(trx, row.egress_id))!;
}

export function updateRecording(db: Db, id: string, changes: Updateable<RecordingTable>) {
  return db.updateTable('recordings').set(changes).where('id', '=', id).execute();
}

export function openRecordings(db: Db) {
  return db.selectFrom('recordings').selectAll().where('status', 'in', OPEN_STATUSES).execute();
}

/** The hearing a LiveKit room belongs to (consultation rooms belong to none). */
export function hearingOfRoom(db: Db, room: string) {
  return db.selectFrom('hearings').select(['id', 'state']).where('livekit_room', '=', room).executeTakeFirst();
}
