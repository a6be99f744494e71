import { sql, type Kysely, type Transaction, type Updateable } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import { prepared, statement } from '../platform/db/connect.ts';
import type { HearingTable } from './scheduling.table.ts';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Scheduling in a court is serialized: the overlap check and the write that follows it cannot
 * interleave with another booking of the same court's judges or courtrooms.
 */
export async function lockCourtSchedule(trx: Transaction<Database>, courtId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`gavel:schedule:${courtId}`}))`.execute(trx);
}

export function insertHearing(
  db: Db,
  h: {
    court_id: string;
    case_id: string;
    courtroom_id: string;
    title: string;
    scheduled_start: Date;
    scheduled_end: Date;
    judge_id: string;
    clerk_id: string | null;
    public: boolean;
    recording_required: boolean;
    notes: string;
    livekit_room: string;
  },
) {
  return db.insertInto('hearings').values(h).returning('id').executeTakeFirstOrThrow();
}

export function updateHearing(db: Db, id: string, changes: Updateable<HearingTable>) {
  return db.updateTable('hearings').set(changes).where('id', '=', id).execute();
}

/** The tables a hearing's row is read from: the hearing, its case, courtroom, judge, clerk and court. */
export function hearingJoins(db: Db) {
  return db
    .selectFrom('hearings as h')
    .innerJoin('cases as c', 'c.id', 'h.case_id')
    .innerJoin('courtrooms as r', 'r.id', 'h.courtroom_id')
    .innerJoin('users as j', 'j.id', 'h.judge_id')
    .leftJoin('users as k', 'k.id', 'h.clerk_id')
    .innerJoin('courts as ct', 'ct.id', 'h.court_id');
}

/** A hearing's row (`HearingRow`), selected from `hearingJoins`. */
export const HEARING_COLUMNS = [
  'h.id',
  'h.court_id',
  'h.case_id',
  'h.courtroom_id',
  'h.title',
  'h.scheduled_start',
  'h.scheduled_end',
  'h.judge_id',
  'h.clerk_id',
  'h.state',
  'h.public',
  'h.recording_required',
  'h.notes',
  'h.livekit_room',
  'h.sequence',
  'h.created_at',
  'h.updated_at',
  'c.number as case_number',
  'c.caption as case_caption',
  'c.case_type',
  'r.name as courtroom_name',
  'j.name as judge_name',
  'k.name as clerk_name',
  'k.email as clerk_email',
  'ct.name as court_name',
  'ct.timezone as court_timezone',
  'ct.locale as court_locale',
  'ct.invite_grace_minutes',
  'ct.rules_text',
  'ct.contact_phone as court_contact_phone',
  'ct.contact_email as court_contact_email',
  'ct.contact_note as court_contact_note',
] as const;

function hearingQuery(db: Db) {
  return hearingJoins(db).select(HEARING_COLUMNS);
}

export type HearingRow = NonNullable<Awaited<ReturnType<typeof findHearing>>>;

const hearingById = statement((db, id: string) => hearingQuery(db).where('h.id', '=', id));

export async function findHearing(db: Db, id: string) {
  const [row] = await hearingById(db, id);
  return row;
}

/** No sitting is longer than this (the service refuses it; a check constraint holds it in the table). */
export const MAX_HEARING_HOURS = 24 * 7;

/**
 * The earliest start of a hearing that can still overlap `from`. Bounding the start from below lets
 * the (court|judge, scheduled_start) index read one window instead of every earlier hearing.
 */
const earliestStart = (from: Date) => new Date(from.getTime() - MAX_HEARING_HOURS * 3_600_000);

/**
 * The docket: hearings of a court that overlap [from, to), optionally of one judge or courtroom, as
 * compact rows (what the docket shows, not the court's rules or the clerk's email on every row), in
 * order of start then id, one page of at most `limit` at a time. `after` is a position, the (start, id)
 * of the last hearing of the previous page as it was then, to the microsecond (each row carries its own
 * as `cursor_start`): the page continues after it however many hearings share a start, and whatever
 * happened since to the hearing it came from. A court's week is about 800 hearings; sent at once they
 * are most of the docket's time.
 *
 * The case of each hearing is read by its primary key (a lateral subquery the planner cannot flatten:
 * `offset 0`). Joined plainly, a court's week (about 800 hearings) was hashed against a parallel
 * sequential scan of every case of the court, which cost more than everything else in the query and
 * grew with the number of cases, not with the week.
 *
 * It runs as a prepared statement (eight shapes at most: with or without a judge, a courtroom, a
 * position). Planning the join of six tables took 2–4 ms a page, as long as running it; the generic
 * plan PostgreSQL keeps after five runs reads the (court|judge, scheduled_start) index in order and
 * stops once the page is full, instead of joining the rest of the week and sorting it.
 */
export function listHearings(db: Db, f: DocketFilter & { limit: number; after?: DocketPosition | undefined }) {
  let q = db
    .selectFrom('hearings as h')
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom('cases')
          .select(['cases.number', 'cases.caption', 'cases.case_type'])
          .whereRef('cases.id', '=', 'h.case_id')
          .offset(0)
          .as('c'),
      (join) => join.onTrue(),
    )
    .innerJoin('courtrooms as r', 'r.id', 'h.courtroom_id')
    .innerJoin('users as j', 'j.id', 'h.judge_id')
    .leftJoin('users as k', 'k.id', 'h.clerk_id')
    .innerJoin('courts as ct', 'ct.id', 'h.court_id')
    .select([
      'h.id',
      'h.court_id',
      'h.case_id',
      'h.courtroom_id',
      'h.title',
      'h.scheduled_start',
      'h.scheduled_end',
      'h.judge_id',
      'h.clerk_id',
      'h.state',
      'h.public',
      'h.recording_required',
      'h.notes',
      'h.livekit_room',
      'h.sequence',
      'c.number as case_number',
      'c.caption as case_caption',
      'c.case_type',
      'r.name as courtroom_name',
      'j.name as judge_name',
      'k.name as clerk_name',
      'ct.name as court_name',
      'ct.timezone as court_timezone',
      sql<string>`to_char(h.scheduled_start at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('cursor_start'),
    ])
    .where('h.court_id', '=', f.courtId)
    .where('h.scheduled_start', '<', f.to)
    .where('h.scheduled_start', '>=', earliestStart(f.from))
    .where('h.scheduled_end', '>', f.from);
  if (f.judgeId) q = q.where('h.judge_id', '=', f.judgeId);
  if (f.courtroomId) q = q.where('h.courtroom_id', '=', f.courtroomId);
  if (f.after) {
    const start = sql<Date>`${f.after.start}::timestamptz`;
    q = q
      .where('h.scheduled_start', '>=', start)
      .where(sql<boolean>`(h.scheduled_start, h.id) > (${start}, ${f.after.id}::uuid)`);
  }
  return prepared(q.orderBy('h.scheduled_start').orderBy('h.id').limit(f.limit)).execute();
}

/** What a docket lists: a court's hearings overlapping [from, to), optionally of one judge or courtroom. */
export interface DocketFilter {
  courtId: string;
  from: Date;
  to: Date;
  judgeId?: string | undefined;
  courtroomId?: string | undefined;
}

/** Where a page of the docket continues: after this start (ISO 8601, to the microsecond, UTC) and id. */
export interface DocketPosition {
  start: string;
  id: string;
}

/** A row of the docket: what a hearing's summary shows (its position in the docket's order aside). */
export type DocketRow = Omit<Awaited<ReturnType<typeof listHearings>>[number], 'cursor_start'>;

/**
 * Live hearings that overlap [start, end) for the judge or the courtroom. Ranges are half-open,
 * so one hearing ending at 10:00 and the next starting at 10:00 do not conflict.
 */
export function findConflicts(
  db: Db,
  f: { courtId: string; start: Date; end: Date; judgeId: string; courtroomId: string; excludeId?: string | undefined },
) {
  let q = hearingQuery(db)
    .where('h.court_id', '=', f.courtId)
    .where('h.state', 'not in', ['cancelled', 'adjourned'])
    .where('h.scheduled_start', '<', f.end)
    .where('h.scheduled_start', '>=', earliestStart(f.start))
    .where('h.scheduled_end', '>', f.start)
    .where((eb) => eb.or([eb('h.judge_id', '=', f.judgeId), eb('h.courtroom_id', '=', f.courtroomId)]));
  if (f.excludeId) q = q.where('h.id', '<>', f.excludeId);
  return q.orderBy('h.scheduled_start').execute();
}

export function findStaff(db: Db, courtId: string, id: string) {
  return db
    .selectFrom('users')
    .select(['id', 'name', 'role', 'disabled'])
    .where('court_id', '=', courtId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** A staff member as they are now (role, court, whether disabled), whatever court. */
export function findStaffMember(db: Db, id: string) {
  return db
    .selectFrom('users')
    .select(['id', 'name', 'role', 'court_id', 'disabled'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export function findCourtroom(db: Db, courtId: string, id: string) {
  return db
    .selectFrom('courtrooms')
    .select(['id', 'name', 'retired_at'])
    .where('court_id', '=', courtId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function findCourt(db: Db, id: string) {
  return db
    .selectFrom('courts')
    .select(['id', 'name', 'timezone', 'locale', 'recording_required_default', 'invite_grace_minutes'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

export function staffOfCourt(db: Db, courtId: string) {
  return db
    .selectFrom('users')
    .select(['id', 'name', 'role'])
    .where('court_id', '=', courtId)
    .where('disabled', '=', false)
    .where('role', 'in', ['judge', 'clerk'])
    .orderBy('name')
    .execute();
}

export function activeCourtrooms(db: Db, courtId: string) {
  return db
    .selectFrom('courtrooms')
    .select(['id', 'name'])
    .where('court_id', '=', courtId)
    .where('retired_at', 'is', null)
    .orderBy('name')
    .execute();
}

/** Locks the hearing's row until the transaction ends: its state cannot change meanwhile. */
export function lockHearing(trx: Transaction<Database>, id: string) {
  return trx.selectFrom('hearings').select(['id', 'state']).where('id', '=', id).forUpdate().executeTakeFirst();
}
