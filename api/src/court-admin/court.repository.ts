import type { Kysely, Transaction, Updateable } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import type { CourtTable } from './admin.table.ts';

type Db = Kysely<Database> | Transaction<Database>;

export function findCourt(db: Db, courtId: string) {
  return db.selectFrom('courts').selectAll().where('id', '=', courtId).executeTakeFirst();
}

/** Locks the court row: changes that must see the court's staff as a whole (the last admin) queue here. */
export function lockCourt(db: Transaction<Database>, courtId: string) {
  return db.selectFrom('courts').select('id').where('id', '=', courtId).forUpdate().executeTakeFirst();
}

export function updateCourt(db: Db, courtId: string, changes: Updateable<CourtTable>) {
  return db.updateTable('courts').set(changes).where('id', '=', courtId).returningAll().executeTakeFirstOrThrow();
}

export function listCourtrooms(db: Db, courtId: string) {
  return db
    .selectFrom('courtrooms')
    .selectAll()
    .where('court_id', '=', courtId)
    .orderBy((eb) => eb('retired_at', 'is not', null))
    .orderBy('name')
    .execute();
}

/** Only within the court: a courtroom of another court is as good as absent. */
export function findCourtroom(db: Db, courtId: string, courtroomId: string) {
  return db
    .selectFrom('courtrooms')
    .selectAll()
    .where('court_id', '=', courtId)
    .where('id', '=', courtroomId)
    .executeTakeFirst();
}

export function findCourtroomByName(db: Db, courtId: string, name: string) {
  return db
    .selectFrom('courtrooms')
    .selectAll()
    .where('court_id', '=', courtId)
    .where('name', '=', name)
    .executeTakeFirst();
}

export function insertCourtroom(db: Db, courtId: string, name: string, at: Date) {
  return db
    .insertInto('courtrooms')
    .values({ court_id: courtId, name, created_at: at })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function updateCourtroom(
  db: Db,
  courtId: string,
  courtroomId: string,
  changes: { name?: string; retired_at?: Date | null },
) {
  return db
    .updateTable('courtrooms')
    .set(changes)
    .where('court_id', '=', courtId)
    .where('id', '=', courtroomId)
    .returningAll()
    .executeTakeFirstOrThrow();
}
