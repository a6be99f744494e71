import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { TestDatabase } from '../../../test/db.ts';
import { call } from '../../../test/scheduling.ts';
import {
  admit,
  closeLive,
  enterLobby,
  expectOk,
  invite,
  inviteBothSides,
  openLive,
  scheduleHearing,
  setState,
  type LiveCourt,
} from '../../../test/live.ts';
import type { LiveKitStandin } from '../../../test/livekit-standin.ts';
import { receives, type Topic, type Watch } from '../../domain/hearing/index.ts';
import { hearingFacts, participantFacts } from '../hearing-caller.ts';
import * as hearingsRepo from '../../scheduling/hearings.repository.ts';
import * as lobbyRepo from '../lobby/lobby.repository.ts';
import { CONSULTATION_REQUEST_TTL_MS } from './consultations.service.ts';

// A private consultation is asked for and starts only when the one asked accepts.

let t: TestDatabase;
let app: FastifyInstance;
let standin: LiveKitStandin;
let c: LiveCourt;
/** The app's clock: real time, plus whatever a test moves it on by. */
let skewMs = 0;

beforeAll(async () => {
  ({ t, standin, app, c } = await openLive('Consult', { now: () => new Date(Date.now() + skewMs) }));
});
afterAll(closeLive);

const post = (url: string, cookie: string | undefined, payload: unknown = {}) =>
  call(app, 'POST', url, { cookie, payload });

/** A hearing in session with both parties and their agents, and an observer, all admitted. */
async function inSession() {
  const id = await scheduleHearing(app, c);
  const { plaintiff, defendant, agent, defAgent } = await inviteBothSides(app, c, id);
  const observer = await invite(app, c, id, 'observer');
  await setState(app, c, id, 'open');
  await enterLobby(app, id, [plaintiff, defendant, agent, defAgent, observer]);
  await admit(app, c, id, 'all');
  await setState(app, c, id, 'start');
  const base = `/api/hearings/${id}/consultation-requests`;
  const ask = async (by = plaintiff, ids = [plaintiff.id, agent.id]) =>
    (await expectOk(post(base, by.cookie, { participantIds: ids }), 201)).json().request as {
      id: string;
      expiresAt: string;
      requesterId: string;
    };
  const on = (rid: string, what: 'accept' | 'decline' | 'withdraw', cookie: string) =>
    post(`${base}/${rid}/${what}`, cookie);
  return { id, plaintiff, defendant, agent, defAgent, observer, ask, on };
}

const consultationsOf = (hearingId: string) =>
  t.db.selectFrom('consultations').select(['id', 'room', 'closed_at']).where('hearing_id', '=', hearingId).execute();

const presenceOf = async (hearingId: string) =>
  Object.fromEntries(
    (
      await t.db.selectFrom('participants').select(['id', 'presence']).where('hearing_id', '=', hearingId).execute()
    ).map((r) => [r.id, r.presence]),
  );

const auditActions = async (hearingId: string) =>
  (
    await t.db
      .selectFrom('audit_events')
      .select('action')
      .where('stream', '=', hearingId)
      .where('action', 'like', 'consultation.%')
      .orderBy('seq')
      .execute()
  ).map((r) => r.action);

const eventsOf = (hearingId: string, kind: string) =>
  t.db
    .selectFrom('realtime_events')
    .select(['topic', 'payload'])
    .where('stream', '=', hearingId)
    .where('kind', '=', kind)
    .orderBy('seq')
    .execute();

/** Whether this person (a participant id, or the judge / clerk) would be sent an event of this topic now. */
async function reaches(hearingId: string, who: string, topic: unknown): Promise<boolean> {
  const h = (await hearingsRepo.findHearing(t.db, hearingId))!;
  let w: Watch;
  if (who === 'judge' || who === 'clerk') {
    const user = c.f[who];
    w = {
      caller: { kind: 'staff', userId: user.id, role: who, courtId: c.f.court.id },
      hearing: hearingFacts(h),
    };
  } else {
    const p = (await lobbyRepo.findLiveParticipant(t.db, hearingId, who))!;
    w = { caller: (await participantFacts(t.db, p)).facts, hearing: hearingFacts(h) };
  }
  return receives(w, topic as Topic);
}

describe('asking for a private consultation', () => {
  it('opens the room only on acceptance, once: a replayed accept gets the same consultation, never a second room', async () => {
    const h = await inSession();
    const rooms = standin.callsOf('CreateRoom').length;
    const r = await h.ask();
    expect(Date.parse(r.expiresAt) - Date.now()).toBeGreaterThan(CONSULTATION_REQUEST_TTL_MS - 60_000);
    // Asked: nothing has started.
    expect(await consultationsOf(h.id)).toEqual([]);
    expect((await presenceOf(h.id))[h.plaintiff.id]).toBe('admitted');
    expect(standin.callsOf('CreateRoom').length).toBe(rooms);
    // The asker cannot accept for the other; the other side cannot accept at all.
    expect((await h.on(r.id, 'accept', h.plaintiff.cookie)).statusCode).toBe(403);
    expect((await h.on(r.id, 'accept', h.defendant.cookie)).statusCode).toBe(404);
    expect((await h.on(r.id, 'accept', h.defAgent.cookie)).statusCode).toBe(404);
    expect((await h.on(r.id, 'accept', c.cookies.judge)).statusCode).toBe(403);

    const [first, second] = await Promise.all([
      h.on(r.id, 'accept', h.agent.cookie),
      h.on(r.id, 'accept', h.agent.cookie),
    ]);
    expect([first.statusCode, second.statusCode].sort()).toEqual([200, 201]);
    expect(first.json().consultation.id).toBe(second.json().consultation.id);
    // Replayed after the first has committed (the agent is consulting by then): the same, not a refusal.
    const again = await h.on(r.id, 'accept', h.agent.cookie);
    expect(again.statusCode).toBe(200);
    expect(again.json().consultation).toEqual(first.json().consultation);
    const open = await consultationsOf(h.id);
    expect(open).toHaveLength(1);
    expect(standin.callsOf('CreateRoom').length).toBe(rooms + 1);
    expect(await presenceOf(h.id)).toMatchObject({
      [h.plaintiff.id]: 'in_consultation',
      [h.agent.id]: 'in_consultation',
    });
    // Answered: declining or withdrawing now is too late.
    expect((await h.on(r.id, 'decline', h.agent.cookie)).statusCode).toBe(409);
    expect((await h.on(r.id, 'withdraw', h.plaintiff.cookie)).statusCode).toBe(409);
    expect(await auditActions(h.id)).toEqual([
      'consultation.requested',
      'consultation.accepted',
      'consultation.opened',
    ]);
  });

  it('tells the asker of a decline; nothing opens', async () => {
    const h = await inSession();
    const r = await h.ask(h.agent, [h.plaintiff.id, h.agent.id]);
    expect((await h.on(r.id, 'decline', h.agent.cookie)).statusCode).toBe(403);
    await expectOk(h.on(r.id, 'decline', h.plaintiff.cookie));
    expect((await h.on(r.id, 'accept', h.plaintiff.cookie)).json().error.code).toBe('request_declined');
    expect(await consultationsOf(h.id)).toEqual([]);
    const [ended] = await eventsOf(h.id, 'consultation.request_ended');
    expect(ended!.payload).toMatchObject({ outcome: 'declined', by: h.plaintiff.id });
    expect(await reaches(h.id, h.agent.id, ended!.topic)).toBe(true);
    expect(await auditActions(h.id)).toEqual(['consultation.requested', 'consultation.request_declined']);
  });

  it('lets the asker withdraw, and only the asker; one asking at a time', async () => {
    const h = await inSession();
    const r = await h.ask();
    expect(
      (
        await post(`/api/hearings/${h.id}/consultation-requests`, h.plaintiff.cookie, {
          participantIds: [h.plaintiff.id, h.agent.id],
        })
      ).json().error.code,
    ).toBe('request_pending');
    expect((await h.on(r.id, 'withdraw', h.agent.cookie)).statusCode).toBe(403);
    await expectOk(h.on(r.id, 'withdraw', h.plaintiff.cookie));
    expect((await h.on(r.id, 'accept', h.agent.cookie)).json().error.code).toBe('request_withdrawn');
    expect(await consultationsOf(h.id)).toEqual([]);
    // Withdrawn, it may be asked again.
    await h.ask();
  });

  it('lapses after its time: accepting then is refused and nothing opens', async () => {
    const h = await inSession();
    const r = await h.ask();
    skewMs = CONSULTATION_REQUEST_TTL_MS + 1_000;
    try {
      const res = await h.on(r.id, 'accept', h.agent.cookie);
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe('request_expired');
    } finally {
      skewMs = 0;
    }
    expect(await consultationsOf(h.id)).toEqual([]);
    const [ended] = await eventsOf(h.id, 'consultation.request_ended');
    expect(ended!.payload).toMatchObject({ outcome: 'expired' });
    expect(await auditActions(h.id)).toEqual(['consultation.requested', 'consultation.request_expired']);
  });

  it('ends when the asker is removed, returned to the lobby, or the hearing moves', async () => {
    const removed = await inSession();
    const r1 = await removed.ask();
    await expectOk(post(`/api/hearings/${removed.id}/participants/${removed.plaintiff.id}/remove`, c.cookies.judge));
    const [ended] = await eventsOf(removed.id, 'consultation.request_ended');
    expect(ended!.payload).toMatchObject({ outcome: 'cancelled', reason: 'not_in_room' });
    expect(await reaches(removed.id, removed.agent.id, ended!.topic)).toBe(true);
    expect((await removed.on(r1.id, 'accept', removed.agent.cookie)).json().error.code).toBe('request_cancelled');

    const returned = await inSession();
    const r2 = await returned.ask(returned.agent, [returned.plaintiff.id, returned.agent.id]);
    await expectOk(
      post(`/api/hearings/${returned.id}/participants/${returned.agent.id}/return-to-lobby`, c.cookies.judge),
    );
    expect((await returned.on(r2.id, 'accept', returned.plaintiff.cookie)).json().error.code).toBe('request_cancelled');

    const moved = await inSession();
    const r3 = await moved.ask();
    await setState(app, c, moved.id, 'recess');
    expect((await moved.on(r3.id, 'accept', moved.agent.cookie)).json().error.code).toBe('request_cancelled');
    expect(await consultationsOf(moved.id)).toEqual([]);
    expect(await auditActions(moved.id)).toEqual(['consultation.requested', 'consultation.request_cancelled']);
  });

  it('is refused when one of them is already consulting', async () => {
    const h = await inSession();
    const r = await h.ask();
    await expectOk(h.on(r.id, 'accept', h.agent.cookie), 201);
    const again = await post(`/api/hearings/${h.id}/consultation-requests`, h.agent.cookie, {
      participantIds: [h.plaintiff.id, h.agent.id],
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('already_consulting');
  });

  it('tells the asking to its members only; the bench learns only that a consultation is held, and since when', async () => {
    const h = await inSession();
    const r = await h.ask();
    const [asked] = await eventsOf(h.id, 'consultation.requested');
    for (const who of [h.plaintiff.id, h.agent.id]) expect(await reaches(h.id, who, asked!.topic)).toBe(true);
    for (const who of ['judge', 'clerk', h.defendant.id, h.defAgent.id, h.observer.id])
      expect(await reaches(h.id, who, asked!.topic)).toBe(false);

    const opened = (await expectOk(h.on(r.id, 'accept', h.agent.cookie), 201)).json().consultation;
    const [held] = await eventsOf(h.id, 'consultation.held');
    expect(held!.payload).toEqual({
      held: {
        id: opened.id,
        partyId: h.plaintiff.id,
        partyName: expect.stringMatching(/^plaintiff /),
        since: expect.any(String),
      },
    });
    for (const who of ['judge', 'clerk']) expect(await reaches(h.id, who, held!.topic)).toBe(true);
    for (const who of [h.plaintiff.id, h.agent.id, h.defendant.id, h.defAgent.id, h.observer.id])
      expect(await reaches(h.id, who, held!.topic)).toBe(false);
    // The consultation's own events stay with its members.
    const [accepted] = await eventsOf(h.id, 'consultation.opened');
    for (const who of ['judge', 'clerk', h.defendant.id, h.observer.id])
      expect(await reaches(h.id, who, accepted!.topic)).toBe(false);

    // Both return: the bench is told it is over.
    await expectOk(post(`/api/hearings/${h.id}/consultations/${opened.id}/leave`, h.plaintiff.cookie));
    expect(await eventsOf(h.id, 'consultation.held_ended')).toEqual([]);
    await expectOk(post(`/api/hearings/${h.id}/consultations/${opened.id}/leave`, h.agent.cookie));
    const [over] = await eventsOf(h.id, 'consultation.held_ended');
    expect(over!.payload).toEqual({ id: opened.id });
  });
});
