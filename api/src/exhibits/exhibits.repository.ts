import { sql, type Insertable, type Kysely, type Selectable, type Transaction, type Updateable } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import type { ExhibitSide, ExhibitTable } from './exhibits.table.ts';

type Db = Kysely<Database> | Transaction<Database>;

export type ExhibitRow = Selectable<ExhibitTable>;

/** The number the side's next exhibit would take, read without a lock (stamping uses it, then checks). */
export async function peekNextNumber(db: Db, hearingId: string, side: ExhibitSide): Promise<number> {
  const row = await db
    .selectFrom('exhibits')
    .select((eb) => eb.fn.max('number').as('max'))
    .where('hearing_id', '=', hearingId)
    .where('side', '=', side)
    .executeTakeFirst();
  return (row?.max ?? 0) + 1;
}

/** Numbers are per hearing and side; taken under a lock so two uploads never get the same one. */
export async function nextNumber(trx: Transaction<Database>, hearingId: string, side: ExhibitSide): Promise<number> {
  await sql`select pg_advisory_xact_lock(hashtext(${`exhibits:${hearingId}:${side}`}))`.execute(trx);
  return peekNextNumber(trx, hearingId, side);
}

export function insertExhibit(db: Db, values: Insertable<ExhibitTable>): Promise<ExhibitRow> {
  return db.insertInto('exhibits').values(values).returningAll().executeTakeFirstOrThrow();
}

export function updateExhibit(db: Db, id: string, changes: Updateable<ExhibitTable>): Promise<ExhibitRow> {
  return db.updateTable('exhibits').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export function findExhibit(db: Db, hearingId: string, id: string): Promise<ExhibitRow | undefined> {
  return db
    .selectFrom('exhibits')
    .selectAll()
    .where('hearing_id', '=', hearingId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Locks the exhibit's row for a ruling, so two rulings cannot both start from "marked". */
export function findExhibitForUpdate(trx: Transaction<Database>, hearingId: string, id: string) {
  return trx
    .selectFrom('exhibits')
    .selectAll()
    .where('hearing_id', '=', hearingId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/** A hearing's exhibits in the order the court would read them: court, plaintiff, defendant, by number. */
export function listExhibits(db: Db, hearingId: string): Promise<ExhibitRow[]> {
  return db
    .selectFrom('exhibits')
    .selectAll()
    .where('hearing_id', '=', hearingId)
    .orderBy(sql`case side when 'court' then 0 when 'plaintiff' then 1 else 2 end`)
    .orderBy('number')
    .execute();
}

export function currentPresentation(db: Db, hearingId: string) {
  return db.selectFrom('exhibit_presentations').selectAll().where('hearing_id', '=', hearingId).executeTakeFirst();
}

export async function setPresentation(db: Db, hearingId: string, exhibitId: string, page: number): Promise<void> {
  await db
    .insertInto('exhibit_presentations')
    .values({ hearing_id: hearingId, exhibit_id: exhibitId, page, presented_at: new Date() })
    .onConflict((oc) => oc.column('hearing_id').doUpdateSet({ exhibit_id: exhibitId, page, presented_at: new Date() }))
    .execute();
}

export async function endPresentation(db: Db, hearingId: string): Promise<boolean> {
  const r = await db.deleteFrom('exhibit_presentations').where('hearing_id', '=', hearingId).executeTakeFirst();
  return r.numDeletedRows > 0n;
}
