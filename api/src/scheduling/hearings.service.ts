import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import type { SessionUser } from '../accounts/auth.service.ts';
import * as audit from '../audit/audit.service.ts';
import { DomainError, forbidden, notFound } from '../platform/http/errors.ts';
import * as cases from './cases.repository.ts';
import * as repo from './hearings.repository.ts';
import type { DocketRow, HearingRow } from './hearings.repository.ts';
import { DOCKET_PAGE } from './hearings.schema.ts';
import { authorize, mayDo, staffCaller } from '../courtroom/hearing-caller.ts';
import { afterReschedule, canMove, isReschedulable, type Action } from '../domain/hearing/index.ts';

/**
 * What other features read of hearings: one hearing with its case, courtroom, bench and court; a court's
 * docket; a staff member as they are now (role, court, whether disabled); the joins and columns of a
 * hearing's row, for a read that takes it with other rows in one statement.
 */
export {
  HEARING_COLUMNS,
  findHearing,
  findStaffMember,
  hearingJoins,
  updateHearing,
  type DocketRow,
  type HearingRow,
} from './hearings.repository.ts';

/** Locks the hearing's row until the transaction ends, so its state cannot move meanwhile; not found when there is none. */
export async function lockHearing(trx: Transaction<Database>, id: string) {
  const h = await repo.lockHearing(trx, id);
  if (!h) throw notFound('Hearing');
  return h;
}

export type StaffUser = SessionUser & { court: NonNullable<SessionUser['court']> };

/** The caller's court: every scheduling action happens inside one. */
export function requireCourt(user: SessionUser | null): StaffUser {
  if (!user) throw new DomainError(401, 'unauthorized', 'Sign in first.');
  if (!user.court) throw forbidden('Your account does not belong to a court.');
  return user as StaffUser;
}

export const actorOf = (user: SessionUser): audit.Actor => ({ type: 'user', id: user.id });

/** Refused with 409 and the hearings that clash, so the clerk can pick another time or room. */
export class ScheduleConflict extends DomainError {
  readonly conflicts: ConflictView[];
  constructor(conflicts: ConflictView[]) {
    const first = conflicts[0];
    super(
      409,
      'schedule_conflict',
      first
        ? `Conflicts with hearing "${first.title}" (${first.caseNumber}, ${first.scheduledStart} – ${first.scheduledEnd}, id ${first.id}).`
        : 'Conflicts with another hearing.',
    );
    this.conflicts = conflicts;
  }
}

export interface ConflictView {
  id: string;
  title: string;
  caseNumber: string;
  scheduledStart: string;
  scheduledEnd: string;
  judge: boolean;
  courtroom: boolean;
}

export function hearingView(h: DocketRow) {
  return {
    id: h.id,
    court: { id: h.court_id, name: h.court_name, timezone: h.court_timezone },
    case: { id: h.case_id, number: h.case_number, caption: h.case_caption, caseType: h.case_type },
    courtroom: { id: h.courtroom_id, name: h.courtroom_name },
    judge: { id: h.judge_id, name: h.judge_name },
    clerk: h.clerk_id ? { id: h.clerk_id, name: h.clerk_name ?? '' } : null,
    title: h.title,
    scheduledStart: h.scheduled_start.toISOString(),
    scheduledEnd: h.scheduled_end.toISOString(),
    state: h.state,
    public: h.public,
    recordingRequired: h.recording_required,
    notes: h.notes,
    livekitRoom: h.livekit_room,
    sequence: h.sequence,
  };
}

export function caseView(c: { id: string; number: string; caption: string; case_type: string; created_at: Date }) {
  return {
    id: c.id,
    number: c.number,
    caption: c.caption,
    caseType: c.case_type,
    createdAt: c.created_at.toISOString(),
  };
}

function instant(value: string, field: string): Date {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new DomainError(400, 'validation', `${field} is not a valid date and time.`);
  return d;
}

const MAX_DOCKET_DAYS = 62;

/** A judge or clerk replaced on a hearing's bench: who, by whom, and the bench after. */
export type BenchChange = {
  role: 'judge' | 'clerk';
  from: { id: string; name: string } | null;
  to: { id: string; name: string } | null;
  by: string;
};

/** What the live courtroom does when the registry changes a hearing's bench or ends it. */
export interface CourtroomEffects {
  benchChanged(
    trx: Transaction<Database>,
    h: { id: string },
    change: BenchChange,
    bench: { judgeId: string; clerkId: string | null },
  ): Promise<void>;
  removeStaffFromRoom(h: { id: string; livekit_room: string; state: string }, userId: string): Promise<void>;
}

const CURSOR_START = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const CURSOR_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A page's `next`: the position after its last hearing, opaque to the caller (base64url). */
function encodeCursor(p: repo.DocketPosition): string {
  return Buffer.from(`${p.start}|${p.id}`).toString('base64url');
}

/**
 * The position a `next` names, or 400 `bad_cursor`. It is only a place in the order of (start, id): it
 * selects nothing by itself, so it needs no check of whose hearing it came from.
 */
function decodeCursor(cursor: string): repo.DocketPosition {
  const [start = '', id = '', ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const millis = start.slice(0, 23) + 'Z';
  const valid =
    rest.length === 0 &&
    CURSOR_START.test(start) &&
    CURSOR_ID.test(id) &&
    !Number.isNaN(Date.parse(millis)) &&
    new Date(millis).toISOString() === millis;
  if (!valid)
    throw new DomainError(400, 'bad_cursor', '"after" is not a page of this docket: ask for the first page again.');
  return { start, id };
}

/**
 * One page of a docket: at most `limit` hearings after the position `after` (from the start when none),
 * and the position of the next page (opaque) while more remain.
 */
export async function docketPage(
  db: Kysely<Database> | Transaction<Database>,
  filter: repo.DocketFilter,
  page: { after?: string | undefined; limit: number },
): Promise<{ rows: DocketRow[]; next: string | null }> {
  const after = page.after === undefined ? undefined : decodeCursor(page.after);
  // One more than the page, to know whether another follows without asking for an empty one.
  const rows = await repo.listHearings(db, { ...filter, after, limit: page.limit + 1 });
  if (rows.length <= page.limit) return { rows, next: null };
  rows.length = page.limit;
  const last = rows[page.limit - 1]!;
  return { rows, next: encodeCursor({ start: last.cursor_start, id: last.id }) };
}

export class HearingsService {
  private readonly db: Kysely<Database>;
  private readonly courtroom: CourtroomEffects | undefined;
  constructor(db: Kysely<Database>, courtroom?: CourtroomEffects) {
    this.db = db;
    this.courtroom = courtroom;
  }

  async createCase(user: StaffUser, input: { number: string; caption: string; caseType: string }) {
    const number = input.number.trim();
    return this.db.transaction().execute(async (trx) => {
      if (await cases.findCaseByNumber(trx, user.court.id, number)) {
        throw new DomainError(409, 'case_exists', `Case ${number} already exists in this court.`);
      }
      const c = await cases.insertCase(trx, {
        court_id: user.court.id,
        number,
        caption: input.caption.trim(),
        case_type: input.caseType.trim(),
        created_by: user.id,
      });
      await audit.append(trx, {
        stream: `court:${user.court.id}`,
        actor: actorOf(user),
        action: 'case.created',
        payload: { caseId: c.id, number: c.number, caption: c.caption, caseType: c.case_type },
      });
      return caseView(c);
    });
  }

  async searchCases(user: StaffUser, q: string) {
    return (await cases.searchCases(this.db, user.court.id, q.trim(), 20)).map(caseView);
  }

  async options(user: StaffUser) {
    const [court, staff, courtrooms] = await Promise.all([
      repo.findCourt(this.db, user.court.id),
      repo.staffOfCourt(this.db, user.court.id),
      repo.activeCourtrooms(this.db, user.court.id),
    ]);
    const named = (r: { id: string; name: string }) => ({ id: r.id, name: r.name });
    return {
      court: {
        id: court.id,
        name: court.name,
        timezone: court.timezone,
        recordingRequiredDefault: court.recording_required_default,
      },
      judges: staff.filter((s) => s.role === 'judge').map(named),
      clerks: staff.filter((s) => s.role === 'clerk').map(named),
      courtrooms: courtrooms.map(named),
    };
  }

  /**
   * The hearing if the hearing policy lets the caller do `action` (by default, see it): staff of its
   * court, and for a judge only their own. Anyone else is told it does not exist, so ids of other
   * courts reveal nothing.
   */
  async visibleHearing(
    db: Kysely<Database> | Transaction<Database>,
    user: StaffUser,
    id: string,
    action: Action = 'hearing.read',
  ) {
    const c = await staffCaller(db, user, id);
    authorize(c, action);
    return c.hearing;
  }

  async get(user: StaffUser, id: string) {
    return this.visibleHearing(this.db, user, id);
  }

  /** The hearing with what the policy lets this staff member do in it now (what the screens offer). */
  async withMay(user: StaffUser, id: string) {
    const c = await staffCaller(this.db, user, id);
    authorize(c, 'hearing.read');
    return { hearing: c.hearing, may: mayDo(c) };
  }

  /**
   * One page of the docket, and the position of the next page (after this page's last hearing) while more
   * remain. A page is at most DOCKET_PAGE_MAX hearings (the query's schema holds it to that); without a
   * limit, DOCKET_PAGE.
   */
  async docket(
    user: StaffUser,
    q: { from: string; to: string; judgeId?: string; courtroomId?: string; after?: string; limit?: string },
  ): Promise<{ hearings: ReturnType<typeof hearingView>[]; next: string | null }> {
    const from = instant(q.from, 'from');
    const to = instant(q.to, 'to');
    if (to <= from) throw new DomainError(400, 'validation', '"to" must be after "from".');
    if (to.getTime() - from.getTime() > MAX_DOCKET_DAYS * 86_400_000) {
      throw new DomainError(400, 'validation', `The docket covers at most ${MAX_DOCKET_DAYS} days at a time.`);
    }
    // A judge's docket is their own hearings, whatever filter is asked for.
    const filter = {
      courtId: user.court.id,
      from,
      to,
      judgeId: user.role === 'judge' ? user.id : q.judgeId,
      courtroomId: q.courtroomId,
    };
    const { rows, next } = await docketPage(this.db, filter, {
      after: q.after,
      limit: q.limit ? Number(q.limit) : DOCKET_PAGE,
    });
    return { hearings: rows.map(hearingView), next };
  }

  async conflicts(
    user: StaffUser,
    q: { start: string; end: string; judgeId: string; courtroomId: string; excludeId?: string },
  ): Promise<ConflictView[]> {
    const start = instant(q.start, 'start');
    const end = instant(q.end, 'end');
    if (end <= start) throw new DomainError(400, 'end_before_start', 'The end must be after the start.');
    return this.findConflicts(this.db, user.court.id, {
      start,
      end,
      judgeId: q.judgeId,
      courtroomId: q.courtroomId,
      excludeId: q.excludeId,
    });
  }

  private async findConflicts(
    db: Kysely<Database> | Transaction<Database>,
    courtId: string,
    f: { start: Date; end: Date; judgeId: string; courtroomId: string; excludeId?: string | undefined },
  ): Promise<ConflictView[]> {
    const rows = await repo.findConflicts(db, { courtId, ...f });
    return rows.map((h) => ({
      id: h.id,
      title: h.title,
      caseNumber: h.case_number,
      scheduledStart: h.scheduled_start.toISOString(),
      scheduledEnd: h.scheduled_end.toISOString(),
      judge: h.judge_id === f.judgeId,
      courtroom: h.courtroom_id === f.courtroomId,
    }));
  }

  /** Checks judge, clerk, courtroom and times; the caller holds the court's schedule lock. */
  private async checkBooking(
    trx: Transaction<Database>,
    user: StaffUser,
    b: { start: Date; end: Date; judgeId: string; courtroomId: string; clerkId: string | null; excludeId?: string },
    courtroomChanged: boolean,
  ) {
    if (b.end <= b.start) throw new DomainError(400, 'end_before_start', 'The end must be after the start.');
    if (b.end.getTime() - b.start.getTime() > repo.MAX_HEARING_HOURS * 3_600_000) {
      throw new DomainError(400, 'validation', 'A hearing lasts at most 7 days.');
    }
    const judge = await repo.findStaff(trx, user.court.id, b.judgeId);
    if (!judge || judge.role !== 'judge' || judge.disabled) {
      throw new DomainError(400, 'judge_not_in_court', 'The judge must be an active judge of this court.');
    }
    if (b.clerkId) {
      const clerk = await repo.findStaff(trx, user.court.id, b.clerkId);
      if (!clerk || clerk.role !== 'clerk' || clerk.disabled) {
        throw new DomainError(400, 'clerk_not_in_court', 'The clerk must be an active clerk of this court.');
      }
    }
    const room = await repo.findCourtroom(trx, user.court.id, b.courtroomId);
    if (!room) throw new DomainError(400, 'courtroom_not_in_court', 'The courtroom must be one of this court.');
    if (room.retired_at && courtroomChanged) {
      throw new DomainError(409, 'courtroom_retired', `Courtroom "${room.name}" is retired and takes no new hearings.`);
    }
    const conflicts = await this.findConflicts(trx, user.court.id, b);
    if (conflicts.length > 0) throw new ScheduleConflict(conflicts);
  }

  async create(
    user: StaffUser,
    input: {
      caseId: string;
      courtroomId: string;
      judgeId: string;
      clerkId?: string | undefined;
      title: string;
      scheduledStart: string;
      scheduledEnd: string;
      public?: boolean | undefined;
      recordingRequired?: boolean | undefined;
      notes?: string | undefined;
    },
  ) {
    const start = instant(input.scheduledStart, 'scheduledStart');
    const end = instant(input.scheduledEnd, 'scheduledEnd');
    const clerkId = input.clerkId ?? (user.role === 'clerk' ? user.id : null);
    return this.db.transaction().execute(async (trx) => {
      const c = await cases.findCase(trx, user.court.id, input.caseId);
      if (!c) throw new DomainError(400, 'case_not_in_court', 'The case must be one of this court.');
      await repo.lockCourtSchedule(trx, user.court.id);
      await this.checkBooking(
        trx,
        user,
        { start, end, judgeId: input.judgeId, courtroomId: input.courtroomId, clerkId },
        true,
      );
      const court = await repo.findCourt(trx, user.court.id);
      const { id } = await repo.insertHearing(trx, {
        court_id: user.court.id,
        case_id: c.id,
        courtroom_id: input.courtroomId,
        title: input.title.trim(),
        scheduled_start: start,
        scheduled_end: end,
        judge_id: input.judgeId,
        clerk_id: clerkId,
        public: input.public ?? false,
        recording_required: input.recordingRequired ?? court.recording_required_default,
        notes: input.notes ?? '',
        // Not guessable: knowing a room's name must not help anyone find or join it.
        livekit_room: `hearing-${randomUUID()}`,
      });
      const h = await repo.findHearing(trx, id);
      if (!h) throw new Error(`hearing ${id} vanished after insert`);
      await audit.append(trx, {
        stream: id,
        actor: actorOf(user),
        action: 'hearing.scheduled',
        payload: {
          caseId: c.id,
          caseNumber: c.number,
          title: h.title,
          scheduledStart: start.toISOString(),
          scheduledEnd: end.toISOString(),
          judgeId: h.judge_id,
          courtroomId: h.courtroom_id,
          clerkId,
          public: h.public,
          recordingRequired: h.recording_required,
        },
      });
      return h;
    });
  }

  /** Reschedule or reassign; returns the hearing before and after, for telling the invitees. */
  async update(
    user: StaffUser,
    id: string,
    input: {
      courtroomId?: string | undefined;
      judgeId?: string | undefined;
      clerkId?: string | undefined;
      title?: string | undefined;
      scheduledStart?: string | undefined;
      scheduledEnd?: string | undefined;
      public?: boolean | undefined;
      recordingRequired?: boolean | undefined;
      notes?: string | undefined;
    },
  ) {
    const result = await this.db.transaction().execute(async (trx) => {
      const before = await this.visibleHearing(trx, user, id, 'hearing.edit');
      await repo.lockCourtSchedule(trx, user.court.id);
      const start = input.scheduledStart ? instant(input.scheduledStart, 'scheduledStart') : before.scheduled_start;
      const end = input.scheduledEnd ? instant(input.scheduledEnd, 'scheduledEnd') : before.scheduled_end;
      const judgeId = input.judgeId ?? before.judge_id;
      const courtroomId = input.courtroomId ?? before.courtroom_id;
      const clerkId = input.clerkId ?? before.clerk_id;
      const scheduleChanged =
        start.getTime() !== before.scheduled_start.getTime() ||
        end.getTime() !== before.scheduled_end.getTime() ||
        courtroomId !== before.courtroom_id;
      const benchChanged = judgeId !== before.judge_id || clerkId !== before.clerk_id;
      if (scheduleChanged && !isReschedulable(before.state)) {
        throw new DomainError(
          409,
          'hearing_not_reschedulable',
          `A hearing that is ${before.state} cannot be rescheduled.`,
        );
      }
      // Once the lobby is open people rely on who sits: only an admin changes the bench then.
      if (benchChanged) await this.visibleHearing(trx, user, id, 'hearing.reassign_bench');
      if (scheduleChanged || benchChanged) {
        await this.checkBooking(
          trx,
          user,
          { start, end, judgeId, courtroomId, clerkId, excludeId: id },
          courtroomId !== before.courtroom_id,
        );
      }
      // Invitees are told about changes to when and where; a new SEQUENCE makes calendars update.
      const tellInvitees =
        scheduleChanged ||
        judgeId !== before.judge_id ||
        (input.title !== undefined && input.title.trim() !== before.title);
      await repo.updateHearing(trx, id, {
        scheduled_start: start,
        scheduled_end: end,
        judge_id: judgeId,
        courtroom_id: courtroomId,
        clerk_id: clerkId,
        // A postponed hearing given a new time is scheduled again.
        ...(scheduleChanged ? { state: afterReschedule(before.state) } : {}),
        ...(input.title !== undefined ? { title: input.title.trim() } : {}),
        ...(input.public !== undefined ? { public: input.public } : {}),
        ...(input.recordingRequired !== undefined ? { recording_required: input.recordingRequired } : {}),
        ...(input.notes !== undefined ? { notes: input.notes } : {}),
        ...(tellInvitees ? { sequence: before.sequence + 1 } : {}),
        updated_at: new Date(),
      });
      const after = await repo.findHearing(trx, id);
      if (!after) throw new Error(`hearing ${id} vanished during update`);
      const changed = changedFields(before, after, OTHER_FIELDS);
      if (Object.keys(changed).length > 0) {
        await audit.append(trx, {
          stream: id,
          actor: actorOf(user),
          action: scheduleChanged ? 'hearing.rescheduled' : 'hearing.updated',
          payload: { before: changed, after: changedFields(after, before, OTHER_FIELDS) },
        });
      }
      // Each change of the bench is its own event, naming who replaced whom.
      const replaced: string[] = [];
      for (const role of ['judge', 'clerk'] as const) {
        const was = role === 'judge' ? before.judge_id : before.clerk_id;
        const now = role === 'judge' ? after.judge_id : after.clerk_id;
        if (was === now) continue;
        const change = {
          role,
          from: was ? { id: was, name: (role === 'judge' ? before.judge_name : before.clerk_name) ?? '' } : null,
          to: now ? { id: now, name: (role === 'judge' ? after.judge_name : after.clerk_name) ?? '' } : null,
          by: user.name,
        };
        await audit.append(trx, { stream: id, actor: actorOf(user), action: 'hearing.bench_changed', payload: change });
        await this.courtroom?.benchChanged(trx, after, change, { judgeId: after.judge_id, clerkId: after.clerk_id });
        if (was) replaced.push(was);
      }
      return { before, after, tellInvitees, replaced };
    });
    // Out of the media room at once, whoever no longer sits.
    for (const userId of result.replaced) await this.courtroom?.removeStaffFromRoom(result.after, userId);
    return result;
  }

  async cancel(user: StaffUser, id: string) {
    return this.db.transaction().execute(async (trx) => {
      const h = await this.visibleHearing(trx, user, id, 'hearing.edit');
      if (!canMove(h.state, 'cancel')) {
        throw new DomainError(409, 'hearing_not_cancellable', `A hearing that is ${h.state} cannot be cancelled.`);
      }
      const now = new Date();
      await repo.updateHearing(trx, id, {
        state: 'cancelled',
        state_changed_at: now,
        updated_at: now,
        sequence: h.sequence + 1,
      });
      // Every participant session of the hearing ends with it.
      await trx.deleteFrom('participant_sessions').where('hearing_id', '=', id).execute();
      await audit.append(trx, {
        stream: id,
        actor: actorOf(user),
        action: 'hearing.cancelled',
        payload: { previousState: h.state },
      });
      const after = await repo.findHearing(trx, id);
      if (!after) throw new Error(`hearing ${id} vanished during cancel`);
      return after;
    });
  }
}

/** Fields audited as `hearing.updated` / `hearing.rescheduled`; the bench has its own event. */
const OTHER_FIELDS = [
  'title',
  'scheduled_start',
  'scheduled_end',
  'courtroom_id',
  'public',
  'recording_required',
  'notes',
] as const;

function changedFields(a: HearingRow, b: HearingRow, fields: readonly (keyof HearingRow)[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of fields) {
    const x = a[k] instanceof Date ? a[k].toISOString() : a[k];
    const y = b[k] instanceof Date ? b[k].toISOString() : b[k];
    if (x !== y) out[k] = x;
  }
  return out;
}
