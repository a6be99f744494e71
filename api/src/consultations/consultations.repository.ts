import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export function insertConsultation(db: Db, c: { hearing_id: string; room: string; opened_by: string }) {
  return db.insertInto('consultations').values(c).returning(['id', 'room', 'opened_at']).executeTakeFirstOrThrow();
}

export async function insertMembers(db: Db, consultationId: string, participantIds: string[]) {
  await db
    .insertInto('consultation_members')
    .values(participantIds.map((participant_id) => ({ consultation_id: consultationId, participant_id })))
    .execute();
}

export function findOpenConsultation(db: Db, hearingId: string, id: string) {
  return db
    .selectFrom('consultations')
    .select(['id', 'room', 'hearing_id'])
    .where('hearing_id', '=', hearingId)
    .where('id', '=', id)
    .where('closed_at', 'is', null)
    .executeTakeFirst();
}

/** Members who have not left, in the order they were added. */
export function activeMembers(db: Db, consultationId: string) {
  return db
    .selectFrom('consultation_members')
    .select('participant_id')
    .where('consultation_id', '=', consultationId)
    .where('left_at', 'is', null)
    .orderBy('participant_id')
    .execute()
    .then((rows) => rows.map((r) => r.participant_id));
}

/** The open consultation a participant is in, if any. */
export function openConsultationOf(db: Db, participantId: string) {
  return db
    .selectFrom('consultation_members as m')
    .innerJoin('consultations as c', 'c.id', 'm.consultation_id')
    .select(['c.id', 'c.room', 'c.hearing_id'])
    .where('m.participant_id', '=', participantId)
    .where('m.left_at', 'is', null)
    .where('c.closed_at', 'is', null)
    .executeTakeFirst();
}

export async function markLeft(db: Db, consultationId: string, participantId: string, at: Date) {
  await db
    .updateTable('consultation_members')
    .set({ left_at: at })
    .where('consultation_id', '=', consultationId)
    .where('participant_id', '=', participantId)
    .where('left_at', 'is', null)
    .execute();
}

export async function close(db: Db, consultationId: string, at: Date) {
  await db.updateTable('consultations').set({ closed_at: at }).where('id', '=', consultationId).execute();
}

/** Closes every open consultation of the hearing (it adjourned); returns their rooms. */
export async function closeAllOfHearing(db: Db, hearingId: string, at: Date): Promise<string[]> {
  const open = await db
    .updateTable('consultations')
    .set({ closed_at: at })
    .where('hearing_id', '=', hearingId)
    .where('closed_at', 'is', null)
    .returning(['id', 'room'])
    .execute();
  if (open.length > 0) {
    await db
      .updateTable('consultation_members')
      .set({ left_at: at })
      .where(
        'consultation_id',
        'in',
        open.map((c) => c.id),
      )
      .where('left_at', 'is', null)
      .execute();
  }
  return open.map((c) => c.room);
}

export function findConsultationByRoom(db: Db, room: string) {
  return db
    .selectFrom('consultations')
    .select(['id', 'hearing_id', 'room'])
    .where('room', '=', room)
    .executeTakeFirst();
}
