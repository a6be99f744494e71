import type { Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';

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

/** Closes every open consultation of the hearing (it adjourned); returns them. */
export async function closeAllOfHearing(db: Db, hearingId: string, at: Date): Promise<{ id: string; room: string }[]> {
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
  return open;
}

export function findConsultationByRoom(db: Db, room: string) {
  return db
    .selectFrom('consultations')
    .select(['id', 'hearing_id', 'room'])
    .where('room', '=', room)
    .executeTakeFirst();
}

export type RequestOutcome = 'accepted' | 'declined' | 'withdrawn' | 'expired' | 'cancelled';

const requestColumns = [
  'id',
  'hearing_id',
  'requested_by',
  'participant_ids',
  'hearing_state',
  'requested_at',
  'expires_at',
  'outcome',
  'ended_by',
  'consultation_id',
] as const;

export function insertRequest(
  db: Db,
  r: {
    hearing_id: string;
    requested_by: string;
    participant_ids: string[];
    hearing_state: string;
    requested_at: Date;
    expires_at: Date;
  },
) {
  return db.insertInto('consultation_requests').values(r).returning(requestColumns).executeTakeFirstOrThrow();
}

export function findRequest(db: Db, hearingId: string, id: string) {
  return db
    .selectFrom('consultation_requests')
    .select(requestColumns)
    .where('hearing_id', '=', hearingId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function lockRequest(db: Transaction<Database>, hearingId: string, id: string) {
  return db
    .selectFrom('consultation_requests')
    .select(requestColumns)
    .where('hearing_id', '=', hearingId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export type RequestRow = NonNullable<Awaited<ReturnType<typeof findRequest>>>;

/** Waiting askings of the hearing, optionally only those naming one participant. */
export function pendingRequests(db: Db, hearingId: string, participantId?: string) {
  let q = db
    .selectFrom('consultation_requests')
    .select(requestColumns)
    .where('hearing_id', '=', hearingId)
    .where('outcome', 'is', null);
  if (participantId) q = q.where(sql<boolean>`${participantId}::uuid = any(participant_ids)`);
  return q.orderBy('requested_at').execute();
}

/** Ends a waiting asking; false when it had ended already. */
export async function endRequest(
  db: Db,
  id: string,
  end: { outcome: RequestOutcome; at: Date; by: string | null; reason?: string | null; consultationId?: string },
): Promise<boolean> {
  const r = await db
    .updateTable('consultation_requests')
    .set({
      outcome: end.outcome,
      ended_at: end.at,
      ended_by: end.by,
      reason: end.reason ?? null,
      consultation_id: end.consultationId ?? null,
    })
    .where('id', '=', id)
    .where('outcome', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** The consultations of a hearing being held now, each with its party and when it began. */
export function heldConsultations(db: Db, hearingId: string) {
  return db
    .selectFrom('consultations as c')
    .innerJoin('consultation_members as m', 'm.consultation_id', 'c.id')
    .innerJoin('participants as p', 'p.id', 'm.participant_id')
    .select(['c.id', 'c.opened_at', 'p.id as party_id', 'p.display_name as party_name'])
    .where('c.hearing_id', '=', hearingId)
    .where('c.closed_at', 'is', null)
    .where('p.role', 'in', ['plaintiff', 'defendant'])
    .orderBy('c.opened_at')
    .execute();
}
