import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { TestDatabase } from '../../test/db.ts';
import type { CapturingMailer } from '../platform/mail/mailer.ts';
import { verifyStream } from '../audit/audit.service.ts';
import {
  call,
  closeScheduling,
  createCourtFixture,
  hearingBody,
  insertHearing,
  openScheduling,
  signInAs,
  type CourtFixture,
} from '../../test/scheduling.ts';

let t: TestDatabase;
let app: FastifyInstance;
let mailer: CapturingMailer;
let f: CourtFixture;
let other: CourtFixture;
let clerk: string;
let judge: string;

beforeAll(async () => {
  const built = await openScheduling('Shanghai', { timezone: 'Asia/Shanghai' });
  ({ t, app, f, clerk } = built);
  mailer = built.mailer as CapturingMailer;
  other = await createCourtFixture(t.db, 'Elsewhere', { timezone: 'Europe/London' });
  judge = await signInAs(app, f.judge);
});
afterAll(closeScheduling);

const schedule = (body: Record<string, unknown>, cookie = clerk) =>
  call(app, 'POST', '/api/hearings', { cookie, payload: body });

describe('scheduling a hearing', () => {
  it('answers 201 with the hearing, scheduled, with an unguessable room name, and audits it', async () => {
    const res = await schedule(
      hearingBody(f, '2026-12-01T01:00:00Z', '2026-12-01T02:00:00Z', { notes: 'bring exhibits' }),
    );
    expect(res.statusCode, res.body).toBe(201);
    const h = res.json().hearing;
    expect(h).toMatchObject({
      state: 'scheduled',
      title: 'Pre-trial conference',
      scheduledStart: '2026-12-01T01:00:00.000Z',
      scheduledEnd: '2026-12-01T02:00:00.000Z',
      judge: { id: f.judge.id },
      courtroom: { id: f.room.id, name: 'Courtroom 1' },
      clerk: { id: f.clerk.id },
      court: { timezone: 'Asia/Shanghai' },
      notes: 'bring exhibits',
    });
    expect(h.livekitRoom).toMatch(/^hearing-[0-9a-f-]{36}$/);
    const events = await t.db.selectFrom('audit_events').selectAll().where('stream', '=', h.id).execute();
    expect(events.map((e) => e.action)).toEqual(['hearing.scheduled']);
    expect((await verifyStream(t.db, h.id)).ok).toBe(true);
  });

  it('places a Shanghai court’s 09:30 sent by a browser in UTC at 01:30Z, and shows it as 09:30 in the .ics', async () => {
    // The web form converts the court-zone wall clock to an instant; a UTC browser sends either form.
    for (const [start, end] of [
      ['2026-12-02T09:30:00+08:00', '2026-12-02T10:30:00+08:00'],
      ['2026-12-03T01:30:00Z', '2026-12-03T02:30:00Z'],
    ] as const) {
      const res = await schedule(hearingBody(f, start, end));
      expect(res.statusCode, res.body).toBe(201);
      const h = res.json().hearing;
      expect(new Date(h.scheduledStart).getTime()).toBe(new Date(start).getTime());
      const ics = await call(app, 'GET', `/api/hearings/${h.id}/calendar.ics`, { cookie: clerk });
      expect(ics.statusCode).toBe(200);
      expect(ics.headers['content-type']).toMatch(/^text\/calendar/);
      expect(ics.body).toMatch(/DTSTART;TZID=Asia\/Shanghai:2026120[23]T093000\r\n/);
      expect(ics.body).toContain('TZOFFSETTO:+0800');
    }
    const row = await t.db
      .selectFrom('hearings')
      .select('scheduled_start')
      .where('scheduled_start', '=', new Date('2026-12-02T01:30:00Z'))
      .executeTakeFirst();
    expect(row?.scheduled_start.toISOString()).toBe('2026-12-02T01:30:00.000Z');
  });

  it('refuses an end not after the start, a judge of another court, a clerk as judge, and a retired courtroom', async () => {
    const same = await schedule(hearingBody(f, '2026-12-05T01:00:00Z', '2026-12-05T01:00:00Z'));
    expect(same.statusCode).toBe(400);
    expect(same.json().error.code).toBe('end_before_start');
    const before = await schedule(hearingBody(f, '2026-12-05T02:00:00Z', '2026-12-05T01:00:00Z'));
    expect(before.json().error.code).toBe('end_before_start');
    const foreignJudge = await schedule(
      hearingBody(f, '2026-12-05T01:00:00Z', '2026-12-05T02:00:00Z', { judgeId: other.judge.id }),
    );
    expect(foreignJudge.statusCode).toBe(400);
    expect(foreignJudge.json().error.code).toBe('judge_not_in_court');
    const clerkAsJudge = await schedule(
      hearingBody(f, '2026-12-05T01:00:00Z', '2026-12-05T02:00:00Z', { judgeId: f.clerk.id }),
    );
    expect(clerkAsJudge.json().error.code).toBe('judge_not_in_court');
    const retired = await schedule(
      hearingBody(f, '2026-12-05T01:00:00Z', '2026-12-05T02:00:00Z', { courtroomId: f.retiredRoom.id }),
    );
    expect(retired.statusCode).toBe(409);
    expect(retired.json().error.message).toMatch(/retired/);
    const foreignCase = await schedule({
      ...hearingBody(f, '2026-12-05T01:00:00Z', '2026-12-05T02:00:00Z'),
      caseId: other.caseId,
    });
    expect(foreignCase.statusCode).toBe(400);
    const noOffset = await schedule(hearingBody(f, '2026-12-05T01:00:00', '2026-12-05T02:00:00'));
    expect(noOffset.statusCode).toBe(400);
  });
});

describe('conflicts', () => {
  const day = '2026-12-10';
  let existing: string;
  beforeAll(async () => {
    const res = await schedule(hearingBody(f, `${day}T02:00:00Z`, `${day}T03:00:00Z`));
    existing = res.json().hearing.id;
  });

  it('refuses the same judge at an overlapping time, naming the conflicting hearing', async () => {
    const res = await schedule(hearingBody(f, `${day}T02:30:00Z`, `${day}T03:30:00Z`, { courtroomId: f.room2.id }));
    expect(res.statusCode).toBe(409);
    const body = res.json();
    expect(body.error.code).toBe('schedule_conflict');
    expect(body.error.message).toContain(existing);
    expect(body.conflicts).toEqual([expect.objectContaining({ id: existing, judge: true, courtroom: false })]);
  });

  it('refuses the same courtroom with another judge, and a hearing that contains the other', async () => {
    const room = await schedule(hearingBody(f, `${day}T01:00:00Z`, `${day}T04:00:00Z`, { judgeId: f.judge2.id }));
    expect(room.statusCode).toBe(409);
    expect(room.json().conflicts[0]).toMatchObject({ id: existing, judge: false, courtroom: true });
  });

  it('accepts hearings that merely touch at either edge', async () => {
    const after = await schedule(hearingBody(f, `${day}T03:00:00Z`, `${day}T04:00:00Z`));
    expect(after.statusCode, after.body).toBe(201);
    const beforeIt = await schedule(hearingBody(f, `${day}T01:00:00Z`, `${day}T02:00:00Z`));
    expect(beforeIt.statusCode, beforeIt.body).toBe(201);
  });

  it('accepts another judge in another courtroom at the same time', async () => {
    const res = await schedule(
      hearingBody(f, `${day}T02:00:00Z`, `${day}T03:00:00Z`, { judgeId: f.judge2.id, courtroomId: f.room2.id }),
    );
    expect(res.statusCode).toBe(201);
  });

  it('shows conflicts before saving, and ignores the hearing itself when editing it', async () => {
    const q = `start=${day}T02:59:00Z&end=${day}T03:01:00Z&judgeId=${f.judge.id}&courtroomId=${f.room.id}`;
    const res = await call(app, 'GET', `/api/hearings/conflicts?${q}`, { cookie: clerk });
    expect(res.statusCode).toBe(200);
    expect(res.json().conflicts.length).toBe(2);
    const self = await call(app, 'GET', `/api/hearings/conflicts?${q}&excludeId=${existing}`, { cookie: clerk });
    expect(self.json().conflicts.length).toBe(1);
  });

  it('lets only one of two concurrent bookings of the same slot through', async () => {
    const slot = hearingBody(f, '2026-12-11T02:00:00Z', '2026-12-11T03:00:00Z');
    const results = await Promise.all([schedule(slot), schedule(slot), schedule(slot)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409]);
  });

  it('frees a cancelled hearing’s slot', async () => {
    const slot = hearingBody(f, '2026-12-12T02:00:00Z', '2026-12-12T03:00:00Z');
    const first = await schedule(slot);
    expect((await schedule(slot)).statusCode).toBe(409);
    const cancel = await call(app, 'POST', `/api/hearings/${first.json().hearing.id}/cancel`, { cookie: clerk });
    expect(cancel.statusCode).toBe(200);
    expect(cancel.json().hearing.state).toBe('cancelled');
    expect((await schedule(slot)).statusCode).toBe(201);
    const again = await call(app, 'POST', `/api/hearings/${first.json().hearing.id}/cancel`, { cookie: clerk });
    expect(again.statusCode).toBe(409);
  });
});

describe('rescheduling', () => {
  it('applies conflict rules again, bumps the calendar sequence and tells the invitees', async () => {
    const a = (await schedule(hearingBody(f, '2026-12-15T02:00:00Z', '2026-12-15T03:00:00Z'))).json().hearing;
    const b = (await schedule(hearingBody(f, '2026-12-15T04:00:00Z', '2026-12-15T05:00:00Z'))).json().hearing;
    const added = await call(app, 'POST', `/api/hearings/${b.id}/participants`, {
      cookie: clerk,
      payload: { role: 'plaintiff', displayName: 'Zhang San', email: 'zhang@example.test' },
    });
    expect(added.statusCode).toBe(201);
    mailer.sent.length = 0;

    const clash = await call(app, 'PATCH', `/api/hearings/${b.id}`, {
      cookie: clerk,
      payload: { scheduledStart: '2026-12-15T02:30:00Z', scheduledEnd: '2026-12-15T03:30:00Z' },
    });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().conflicts[0].id).toBe(a.id);

    const moved = await call(app, 'PATCH', `/api/hearings/${b.id}`, {
      cookie: clerk,
      payload: { scheduledStart: '2026-12-16T02:00:00Z', scheduledEnd: '2026-12-16T03:00:00Z' },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ hearing: { sequence: 1, state: 'scheduled' }, notified: 1 });
    expect(mailer.sent).toHaveLength(1);
    expect(mailer.sent[0]?.subject).toMatch(/Hearing changed/);
    expect(mailer.sent[0]?.attachments?.[0]?.content).toContain('SEQUENCE:1');
    const actions = await t.db.selectFrom('audit_events').select('action').where('stream', '=', b.id).execute();
    expect(actions.map((e) => e.action)).toEqual(
      expect.arrayContaining(['hearing.rescheduled', 'hearing.invitees_notified']),
    );

    const judgeChange = await call(app, 'PATCH', `/api/hearings/${b.id}`, {
      cookie: clerk,
      payload: { judgeId: other.judge.id },
    });
    expect(judgeChange.json().error.code).toBe('judge_not_in_court');
    const empty = await call(app, 'PATCH', `/api/hearings/${b.id}`, { cookie: clerk, payload: {} });
    expect(empty.statusCode).toBe(400);
  });
});

describe('the docket', () => {
  it('gives a judge only their own hearings and a clerk the court’s, with filters', async () => {
    await schedule(hearingBody(f, '2026-12-20T02:00:00Z', '2026-12-20T03:00:00Z'));
    await schedule(
      hearingBody(f, '2026-12-20T02:00:00Z', '2026-12-20T03:00:00Z', { judgeId: f.judge2.id, courtroomId: f.room2.id }),
    );
    const range = 'from=2026-12-19T16:00:00Z&to=2026-12-20T16:00:00Z';
    const court = await call(app, 'GET', `/api/hearings?${range}`, { cookie: clerk });
    expect(court.statusCode).toBe(200);
    expect(court.json().hearings).toHaveLength(2);
    const byRoom = await call(app, 'GET', `/api/hearings?${range}&courtroomId=${f.room2.id}`, { cookie: clerk });
    expect(byRoom.json().hearings.map((h: { judge: { id: string } }) => h.judge.id)).toEqual([f.judge2.id]);
    const byJudge = await call(app, 'GET', `/api/hearings?${range}&judgeId=${f.judge.id}`, { cookie: clerk });
    expect(byJudge.json().hearings).toHaveLength(1);
    const own = await call(app, 'GET', `/api/hearings?${range}&judgeId=${f.judge2.id}`, { cookie: judge });
    expect(own.json().hearings.map((h: { judge: { id: string } }) => h.judge.id)).toEqual([f.judge.id]);
    const otherClerk = await signInAs(app, other.clerk);
    expect((await call(app, 'GET', `/api/hearings?${range}`, { cookie: otherClerk })).json().hearings).toEqual([]);
  });

  it('refuses a range that ends before it starts or spans too long', async () => {
    const back = await call(app, 'GET', '/api/hearings?from=2026-12-20T00:00:00Z&to=2026-12-19T00:00:00Z', {
      cookie: clerk,
    });
    expect(back.statusCode).toBe(400);
    const long = await call(app, 'GET', '/api/hearings?from=2026-01-01T00:00:00Z&to=2026-12-19T00:00:00Z', {
      cookie: clerk,
    });
    expect(long.statusCode).toBe(400);
  });

  describe('in pages', () => {
    // 1,203 hearings in one week of March 2027, three at each start (ties), alternating two judges and two
    // courtrooms: more than a thousand, which the docket once cut off without saying so.
    const from = '2027-03-01T00:00:00Z';
    const to = '2027-03-08T00:00:00Z';
    const range = `from=${from}&to=${to}`;
    const COUNT = 1203;
    let inOrder: string[];
    let otherCourtHearing: string;

    beforeAll(async () => {
      await sql`
        insert into hearings (court_id, case_id, courtroom_id, title, scheduled_start, scheduled_end,
                              judge_id, clerk_id, livekit_room)
        select ${f.court.id}::uuid, ${f.caseId}::uuid,
               case when i % 2 = 0 then ${f.room.id}::uuid else ${f.room2.id}::uuid end,
               'Paged ' || i, ${from}::timestamptz + (i / 3) * interval '10 minutes',
               ${from}::timestamptz + (i / 3) * interval '10 minutes' + interval '1 hour',
               case when i % 2 = 0 then ${f.judge.id}::uuid else ${f.judge2.id}::uuid end,
               ${f.clerk.id}::uuid, 'hearing-paged-' || gen_random_uuid()
        from generate_series(0, ${COUNT - 1}) i`.execute(t.db);
      inOrder = await storedInOrder('court_id', f.court.id);
      otherCourtHearing = await insertHearing(t.db, other, 'Elsewhere', new Date('2027-03-02T09:00:00Z'));
    });

    /** The ids of the week's hearings of one court or judge, as the database orders them (start, then id). */
    async function storedInOrder(column: 'court_id' | 'judge_id', value: string) {
      const rows = await t.db
        .selectFrom('hearings')
        .select('id')
        .where(column, '=', value)
        .where('scheduled_start', '>=', new Date(from))
        .where('scheduled_start', '<', new Date(to))
        .orderBy('scheduled_start')
        .orderBy('id')
        .execute();
      return rows.map((r) => r.id);
    }

    async function walk(query: string, cookie: string) {
      const pages: number[] = [];
      const ids: string[] = [];
      let after: string | null = null;
      do {
        const res = await call(app, 'GET', `/api/hearings?${query}${after ? `&after=${after}` : ''}`, { cookie });
        expect(res.statusCode, res.body).toBe(200);
        const body = res.json() as { hearings: Array<{ id: string }>; next: string | null };
        pages.push(body.hearings.length);
        ids.push(...body.hearings.map((h) => h.id));
        after = body.next;
      } while (after && pages.length < 20);
      return { pages, ids };
    }

    it('gives every hearing of the week once, in order of start then id, past a thousand', async () => {
      expect(inOrder).toHaveLength(COUNT);
      const { pages, ids } = await walk(`${range}&limit=500`, clerk);
      expect(pages).toEqual([500, 500, 203]);
      expect(ids).toEqual(inOrder);
      const first = (await call(app, 'GET', `/api/hearings?${range}`, { cookie: clerk })).json();
      expect(first.hearings).toHaveLength(200);
      expect(first.next).toMatch(/^[A-Za-z0-9_-]+$/);
      const second = (await call(app, 'GET', `/api/hearings?${range}&after=${first.next}`, { cookie: clerk })).json();
      expect(second.hearings.map((h: { id: string }) => h.id)).toEqual(inOrder.slice(200, 400));
    });

    it('pages a judge through their own hearings only, and a filter through its own', async () => {
      const own = await walk(`${range}&limit=250&judgeId=${f.judge2.id}`, judge);
      expect(own.ids).toEqual(await storedInOrder('judge_id', f.judge.id));
      expect(own.pages).toEqual([250, 250, 102]);
      const room = await walk(`${range}&limit=500&courtroomId=${f.room2.id}`, clerk);
      expect(room.ids).toHaveLength(601);
    });

    const cursorOf = (text: string) => Buffer.from(text).toString('base64url');

    it('refuses a cursor that names no position and a limit out of range, with a 400 error', async () => {
      const expectRefused = async (query: string, code: string) => {
        const res = await call(app, 'GET', `/api/hearings?${range}&${query}`, { cookie: clerk });
        expect(res.statusCode, query).toBe(400);
        expect(res.json().error.code, query).toBe(code);
      };
      const id = inOrder[0]!;
      for (const text of [
        'garbage',
        `2027-03-01T00:00:00.000000Z`,
        `2027-13-01T00:00:00.000000Z|${id}`,
        `2027-02-30T00:00:00.000000Z|${id}`,
        `2027-03-01T00:00:00Z|${id}`,
        `2027-03-01T00:00:00.000000Z|urn:uuid:${id}`,
        `2027-03-01T00:00:00.000000Z|${id.toUpperCase()}`,
        `2027-03-01T00:00:00.000000Z|${id}|more`,
      ]) {
        await expectRefused(`after=${cursorOf(text)}`, 'bad_cursor');
      }
      for (const after of ['not+a+cursor', 'a'.repeat(201), '', `${inOrder[0]}%00`]) {
        const res = await call(app, 'GET', `/api/hearings?${range}&after=${after}`, { cookie: clerk });
        expect(res.statusCode, after).toBe(400);
      }
      for (const limit of ['0', '501', '-1', '2.5', 'all', '0500']) await expectRefused(`limit=${limit}`, 'validation');
    });

    it('a cursor is only a position: another court’s clerk gets their own docket from it, and nothing of ours', async () => {
      const first = (await call(app, 'GET', `/api/hearings?${range}&limit=5`, { cookie: clerk })).json();
      const otherClerk = await signInAs(app, other.clerk);
      const theirs = await call(app, 'GET', `/api/hearings?${range}&after=${first.next}`, { cookie: otherClerk });
      expect(theirs.statusCode).toBe(200);
      expect(theirs.json().hearings.map((h: { id: string }) => h.id)).toEqual([otherCourtHearing]);
    });

    it('goes on from where the last page ended when its last hearing is moved, reassigned or cancelled meanwhile', async () => {
      // Eight hearings of their own week, two hours apart, three a page.
      const week = { from: '2027-04-05T00:00:00Z', to: '2027-04-12T00:00:00Z' };
      const q = `from=${week.from}&to=${week.to}&limit=3`;
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) {
        ids.push(
          await insertHearing(t.db, f, `Moved ${i}`, new Date(Date.parse('2027-04-06T01:00:00Z') + i * 7_200_000)),
        );
      }
      const page = async (after?: string) =>
        (await call(app, 'GET', `/api/hearings?${q}${after ? `&after=${after}` : ''}`, { cookie: clerk })).json() as {
          hearings: Array<{ id: string }>;
          next: string | null;
        };
      const move = (id: string, set: Record<string, unknown>) =>
        t.db.updateTable('hearings').set(set).where('id', '=', id).execute();
      const first = await page();
      expect(first.hearings.map((h) => h.id)).toEqual(ids.slice(0, 3));
      const at = (iso: string) => ({
        scheduled_start: new Date(iso),
        scheduled_end: new Date(Date.parse(iso) + 3_600_000),
      });

      await move(ids[2]!, at('2027-04-06T23:00:00Z')); // later than all the others
      const later = await page(first.next!);
      expect(later.hearings.map((h) => h.id)).toEqual(ids.slice(3, 6));
      await move(ids[2]!, at('2027-04-05T00:30:00Z')); // earlier than all the others
      expect((await page(first.next!)).hearings.map((h) => h.id)).toEqual(ids.slice(3, 6));
      await move(ids[2]!, at('2027-05-01T00:00:00Z')); // out of the week
      expect((await page(first.next!)).hearings.map((h) => h.id)).toEqual(ids.slice(3, 6));
      await move(ids[2]!, { judge_id: f.judge2.id, state: 'cancelled' });
      expect((await page(first.next!)).hearings.map((h) => h.id)).toEqual(ids.slice(3, 6));
      // Walked to the end, every hearing still in the week was given once.
      const rest: string[] = [];
      for (let next: string | null = first.next; next;) {
        const p = await page(next);
        rest.push(...p.hearings.map((h) => h.id));
        next = p.next;
      }
      expect(rest).toEqual(ids.slice(3));
    });

    it('exports every hearing of the range as CSV, not the first thousand', async () => {
      const res = await call(app, 'GET', `/api/dockets/export.csv?${range}`, { cookie: clerk });
      expect(res.statusCode).toBe(200);
      const lines = res.body.trim().split('\n');
      expect(lines).toHaveLength(COUNT + 1);
      expect(lines.slice(1).map((l) => l.slice(0, 36))).toEqual(inOrder);
      expect(new Set(lines).size).toBe(lines.length);
    });
  });
});

describe('cases and options', () => {
  it('creates a case, refuses a duplicate number in the same court, and finds it by number or caption', async () => {
    const c = await call(app, 'POST', '/api/cases', {
      cookie: clerk,
      payload: { number: '(2026) 沪0101民初123号', caption: 'Wang Wu v. Acme Ltd', caseType: 'civil' },
    });
    expect(c.statusCode, c.body).toBe(201);
    const dup = await call(app, 'POST', '/api/cases', {
      cookie: clerk,
      payload: { number: '(2026) 沪0101民初123号', caption: 'Another', caseType: 'civil' },
    });
    expect(dup.statusCode).toBe(409);
    const otherClerk = await signInAs(app, other.clerk);
    const elsewhere = await call(app, 'POST', '/api/cases', {
      cookie: otherClerk,
      payload: { number: '(2026) 沪0101民初123号', caption: 'Same number, other court', caseType: 'civil' },
    });
    expect(elsewhere.statusCode).toBe(201);
    const byNumber = await call(app, 'GET', `/api/cases?q=${encodeURIComponent('民初123')}`, { cookie: clerk });
    expect(byNumber.json().cases.map((x: { caption: string }) => x.caption)).toEqual(['Wang Wu v. Acme Ltd']);
    const byTitle = await call(app, 'GET', '/api/cases?q=acme', { cookie: judge });
    expect(byTitle.json().cases).toHaveLength(1);
    const wildcard = await call(app, 'GET', '/api/cases?q=%25', { cookie: clerk });
    expect(wildcard.json().cases).toEqual([]);
    const audit = await t.db
      .selectFrom('audit_events')
      .select('action')
      .where('stream', '=', `court:${f.court.id}`)
      .execute();
    expect(audit.map((e) => e.action)).toContain('case.created');
  });

  it('lists the court’s judges, clerks and active courtrooms only', async () => {
    const res = await call(app, 'GET', '/api/hearings/options', { cookie: clerk });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.court.timezone).toBe('Asia/Shanghai');
    expect(body.judges.map((j: { id: string }) => j.id).sort()).toEqual([f.judge.id, f.judge2.id].sort());
    expect(body.clerks.map((j: { id: string }) => j.id)).toEqual([f.clerk.id]);
    expect(body.courtrooms.map((r: { name: string }) => r.name)).toEqual(['Courtroom 1', 'Courtroom 2']);
  });
});
