import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { AccessToken, TokenVerifier, TrackSource, trackSourceToString } from 'livekit-server-sdk';
import type { TestDatabase } from '../../test/db.ts';
import { call } from '../../test/scheduling.ts';
import {
  LIVEKIT_BROWSER_URL,
  LIVEKIT_KEY,
  LIVEKIT_SECRET,
  closeLive,
  enterLobby,
  expectOk,
  invite,
  inviteBothSides,
  openLive,
  scheduleHearing,
  setState,
  type LiveCourt,
} from '../../test/live.ts';
import type { LiveKitStandin } from '../../test/livekit-standin.ts';
import { GRANT_TABLE, hearingGrant, participantPermission, type MediaRole } from './media/grants.ts';
import { COURTROOM_MOVES, MOVES } from '../domain/hearing/index.ts';

let t: TestDatabase;
let app: FastifyInstance;
let standin: LiveKitStandin;
let c: LiveCourt;
const verifier = new TokenVerifier(LIVEKIT_KEY, LIVEKIT_SECRET);

beforeAll(async () => {
  ({ t, standin, app, c } = await openLive('Live'));
});
afterAll(closeLive);

const post = (url: string, cookie: string | undefined, payload: unknown = {}) =>
  call(app, 'POST', url, { cookie, payload });

/** An open hearing with one participant per role (the agent represents the plaintiff), all in the lobby. */
async function openHearingWithEveryone() {
  const id = await scheduleHearing(app, c);
  const sides = await inviteBothSides(app, c, id);
  const witness = await invite(app, c, id, 'witness');
  const interpreter = await invite(app, c, id, 'interpreter', { interpretsForId: witness.id, language: 'zh-CN' });
  const observer = await invite(app, c, id, 'observer');
  await setState(app, c, id, 'open');
  const everyone = { ...sides, witness, interpreter, observer };
  await enterLobby(app, id, Object.values(everyone));
  return { id, ...everyone };
}

async function roomOf(id: string) {
  const row = await t.db.selectFrom('hearings').select('livekit_room').where('id', '=', id).executeTakeFirstOrThrow();
  return row.livekit_room;
}

describe('media tokens follow the one grant table', () => {
  it('gives every role exactly its grant, identity, name, role metadata and a 5-minute lifetime', async () => {
    const h = await openHearingWithEveryone();
    const room = await roomOf(h.id);
    await expectOk(post(`/api/hearings/${h.id}/participants/${h.witness.id}/admit`, c.cookies.judge));
    await expectOk(post(`/api/hearings/${h.id}/admit-all`, c.cookies.clerk));

    const callers: Array<{ role: MediaRole; cookie: string; identity: string; name: string }> = [
      { role: 'judge', cookie: c.cookies.judge, identity: `staff:${c.f.judge.id}`, name: 'Test judge' },
      { role: 'clerk', cookie: c.cookies.clerk, identity: `staff:${c.f.clerk.id}`, name: 'Test clerk' },
      ...(['plaintiff', 'defendant', 'agent', 'witness', 'interpreter', 'observer'] as const).map((role) => ({
        role,
        cookie: h[role].cookie,
        identity: h[role].id,
        name: '',
      })),
    ];
    for (const who of callers) {
      const res = await expectOk(post(`/api/hearings/${h.id}/media-token`, who.cookie));
      const body = res.json();
      expect(body).toMatchObject({ url: LIVEKIT_BROWSER_URL, room, identity: who.identity });
      const claims = await verifier.verify(body.token);
      expect(claims.sub, who.role).toBe(who.identity);
      if (who.name) expect(claims.name).toBe(who.name);
      expect(JSON.parse(claims.metadata ?? '{}')).toEqual({ role: who.role });
      expect((claims.exp ?? 0) - (claims.nbf ?? 0)).toBe(300);
      const expected = hearingGrant(who.role, room);
      // Field by field, so a field LiveKit would default is never left out.
      for (const field of Object.keys(expected) as (keyof typeof expected)[]) {
        const want =
          field === 'canPublishSources' ? expected.canPublishSources!.map(trackSourceToString) : expected[field];
        expect(claims.video?.[field], `${who.role}.${field}`).toEqual(want);
      }
    }
    const grantOf = async (cookie: string) =>
      (await verifier.verify((await post(`/api/hearings/${h.id}/media-token`, cookie)).json().token)).video!;
    const observer = await grantOf(h.observer.cookie);
    expect(observer.canPublish).toBe(false);
    expect(observer.canPublishSources).toEqual([]);
    expect(observer.canPublishData).toBe(false);
    expect(observer.hidden).toBe(true);
    for (const party of [h.plaintiff, h.defendant, h.agent]) {
      const g = await grantOf(party.cookie);
      expect(g.roomAdmin).toBe(false);
      expect(g.roomRecord).toBe(false);
      expect(g.canPublishSources).not.toContain(trackSourceToString(TrackSource.SCREEN_SHARE));
    }
    // No browser token administers or records the room, the judge's included: those acts are Gavel's, audited.
    for (const cookie of [c.cookies.judge, c.cookies.clerk]) {
      const g = await grantOf(cookie);
      expect([g.roomAdmin, g.roomRecord, g.roomCreate, g.roomList]).toEqual([false, false, false, false]);
    }
    expect(Object.keys(GRANT_TABLE)).toHaveLength(8);
  });

  it('adds screen sharing to a party’s token only while the judge allows it, through the whole permission', async () => {
    const h = await openHearingWithEveryone();
    const room = await roomOf(h.id);
    await expectOk(post(`/api/hearings/${h.id}/admit-all`, c.cookies.judge));
    const before = standin.callsOf('UpdateParticipant').length;
    await expectOk(
      post(`/api/hearings/${h.id}/participants/${h.agent.id}/screen-share`, c.cookies.judge, { allowed: true }),
    );
    const update = standin.callsOf('UpdateParticipant').slice(before);
    expect(update).toHaveLength(1);
    expect(update[0]!.body).toMatchObject({ room, identity: h.agent.id });
    const expectedPermission = participantPermission('agent', { screenShareAllowed: true });
    const sent = update[0]!.body.permission as Record<string, unknown>;
    // The whole permission from the grant table. Protobuf JSON leaves out false values, which LiveKit
    // reads as false: exactly what the table says. The SDK sends sources by name.
    expect(sent.canPublishSources).toEqual(['CAMERA', 'MICROPHONE', 'SCREEN_SHARE']);
    for (const [field, value] of Object.entries(expectedPermission)) {
      if (field !== 'canPublishSources') expect(sent[field] ?? false, field).toEqual(value);
    }
    const token = (await post(`/api/hearings/${h.id}/media-token`, h.agent.cookie)).json().token;
    expect((await verifier.verify(token)).video?.canPublishSources).toContain(
      trackSourceToString(TrackSource.SCREEN_SHARE),
    );

    await expectOk(
      post(`/api/hearings/${h.id}/participants/${h.agent.id}/screen-share`, c.cookies.judge, { allowed: false }),
    );
    const again = (await post(`/api/hearings/${h.id}/media-token`, h.agent.cookie)).json().token;
    expect((await verifier.verify(again)).video?.canPublishSources).not.toContain(
      trackSourceToString(TrackSource.SCREEN_SHARE),
    );
    const refused = await post(`/api/hearings/${h.id}/participants/${h.witness.id}/screen-share`, c.cookies.judge, {
      allowed: true,
    });
    expect(refused.statusCode).toBe(409);
  });

  it('refuses a token in the lobby, before opening, after removal and after adjournment, saying why', async () => {
    const id = await scheduleHearing(app, c);
    const party = await invite(app, c, id, 'plaintiff');
    const other = await invite(app, c, id, 'defendant');
    const code = async (cookie: string) => {
      const res = await post(`/api/hearings/${id}/media-token`, cookie);
      return `${res.statusCode} ${res.json().error?.code ?? ''}`;
    };
    expect(await code(party.cookie)).toBe('403 hearing_not_open');
    expect(await code(c.cookies.judge)).toBe('403 hearing_not_open');
    expect((await post(`/api/hearings/${id}/lobby`, party.cookie)).json().error.code).toBe('lobby_not_open');
    await setState(app, c, id, 'open');
    await expectOk(post(`/api/hearings/${id}/lobby`, party.cookie));
    await expectOk(post(`/api/hearings/${id}/lobby`, other.cookie));
    expect(await code(party.cookie)).toBe('403 in_lobby');
    await expectOk(post(`/api/hearings/${id}/participants/${party.id}/admit`, c.cookies.judge));
    expect(await code(party.cookie)).toBe('200 ');
    // Reloading the lobby page does not send an admitted participant back.
    expect((await post(`/api/hearings/${id}/lobby`, party.cookie)).json()).toEqual({ presence: 'admitted' });

    const room = await roomOf(id);
    const removedBefore = standin.callsOf('RemoveParticipant').length;
    await expectOk(post(`/api/hearings/${id}/participants/${party.id}/remove`, c.cookies.judge));
    expect(
      standin
        .callsOf('RemoveParticipant')
        .slice(removedBefore)
        .map((x) => x.body),
    ).toEqual([{ room, identity: party.id }]);
    expect(await code(party.cookie)).toBe('403 removed');
    expect((await post(`/api/hearings/${id}/lobby`, party.cookie)).statusCode).toBe(403);

    await expectOk(post(`/api/hearings/${id}/participants/${other.id}/admit`, c.cookies.clerk));
    expect(await code(other.cookie)).toBe('200 ');
    const deletes = standin.callsOf('DeleteRoom').length;
    await setState(app, c, id, 'adjourn');
    expect(
      standin
        .callsOf('DeleteRoom')
        .slice(deletes)
        .map((x) => x.body.room),
    ).toEqual([room]);
    // After the hearing a live action is a conflict with its state (409), not a matter of who asks.
    expect(await code(other.cookie)).toBe('409 hearing_ended');
    expect(await code(c.cookies.judge)).toBe('409 hearing_ended');
    expect(await code(party.cookie)).toBe('403 removed');
    const presences = await t.db
      .selectFrom('participants')
      .select(['id', 'presence'])
      .where('hearing_id', '=', id)
      .execute();
    expect(Object.fromEntries(presences.map((p) => [p.id, p.presence]))).toEqual({
      [party.id]: 'removed',
      [other.id]: 'left',
    });
    // The session stays (for the record's review); the lobby is a live action, refused with a clear 409.
    expect((await post(`/api/hearings/${id}/lobby`, other.cookie)).json().error.code).toBe('hearing_ended');
    expect((await post(`/api/hearings/${id}/lobby`, other.cookie)).statusCode).toBe(409);
  });
});

describe('the hearing’s state machine', () => {
  const STATES = ['scheduled', 'open', 'in_session', 'recess', 'adjourned', 'cancelled', 'postponed'] as const;
  const ACTIONS = COURTROOM_MOVES;
  const cases = STATES.flatMap((from) => ACTIONS.map((action) => ({ from, action })));

  it.each(cases)('$action from $from', async ({ from, action }) => {
    const id = await scheduleHearing(app, c);
    await t.db.updateTable('hearings').set({ state: from }).where('id', '=', id).execute();
    const move = MOVES[action];
    const allowed = move.from.includes(from);
    const creates = standin.callsOf('CreateRoom').length;
    const res = await post(`/api/hearings/${id}/state`, c.cookies.judge, { action });
    const after = await t.db.selectFrom('hearings').select('state').where('id', '=', id).executeTakeFirstOrThrow();
    const audits = await t.db.selectFrom('audit_events').select('action').where('stream', '=', id).execute();
    const events = await t.db
      .selectFrom('realtime_events')
      .select(['kind', 'payload'])
      .where('stream', '=', id)
      .execute();
    if (allowed) {
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().hearing).toMatchObject({ id, state: move.to });
      expect(after.state).toBe(move.to);
      expect(audits.map((a) => a.action)).toContain(
        `hearing.${{ open: 'opened', start: 'started', recess: 'recessed', resume: 'resumed', adjourn: 'adjourned' }[action]}`,
      );
      expect(events).toContainEqual({ kind: 'hearing.state', payload: { state: move.to } });
      expect(standin.callsOf('CreateRoom').length - creates).toBe(action === 'open' ? 1 : 0);
    } else {
      expect(res.statusCode, res.body).toBe(409);
      expect(res.json().error.code).toBe('invalid_transition');
      expect(res.json().error.message).toContain(from);
      expect(after.state).toBe(from);
      expect(events).toEqual([]);
    }
  });

  it('creates the room with the hearing’s limits, and still opens when the media server is down', async () => {
    const id = await scheduleHearing(app, c);
    await setState(app, c, id, 'open');
    const created = standin.callsOf('CreateRoom').at(-1)!;
    expect(created.body).toMatchObject({ name: await roomOf(id), emptyTimeout: 600, maxParticipants: 200 });

    const down = await scheduleHearing(app, c);
    standin.unavailable = true;
    try {
      const res = await post(`/api/hearings/${down}/state`, c.cookies.judge, { action: 'open' });
      expect(res.statusCode).toBe(200);
    } finally {
      standin.unavailable = false;
    }
    const events = await t.db
      .selectFrom('realtime_events')
      .select(['kind', 'topic'])
      .where('stream', '=', down)
      .orderBy('seq')
      .execute();
    // The procedural note "Lobby opened" goes into the record with the move.
    expect(events.map((e) => e.kind)).toEqual(['hearing.state', 'transcript.entry', 'media.unavailable']);
    expect(events[2]!.topic).toEqual({ data: 'bench' });
  });
});

describe('the lobby and the bench', () => {
  it('admit-all admits everyone waiting except witnesses; a witness is called and released', async () => {
    const h = await openHearingWithEveryone();
    const res = await expectOk(post(`/api/hearings/${h.id}/admit-all`, c.cookies.clerk));
    expect(new Set(res.json().admitted)).toEqual(
      new Set([h.plaintiff.id, h.defendant.id, h.agent.id, h.defAgent.id, h.interpreter.id, h.observer.id]),
    );
    const presence = async (pid: string) =>
      (await t.db.selectFrom('participants').select('presence').where('id', '=', pid).executeTakeFirstOrThrow())
        .presence;
    expect(await presence(h.witness.id)).toBe('in_lobby');
    await expectOk(post(`/api/hearings/${h.id}/participants/${h.witness.id}/admit`, c.cookies.judge));
    expect(await presence(h.witness.id)).toBe('admitted');
    expect((await post(`/api/hearings/${h.id}/participants/${h.witness.id}/admit`, c.cookies.judge)).statusCode).toBe(
      409,
    );
    await expectOk(post(`/api/hearings/${h.id}/participants/${h.witness.id}/return-to-lobby`, c.cookies.judge));
    expect(await presence(h.witness.id)).toBe('in_lobby');
    const audits = await t.db.selectFrom('audit_events').select('action').where('stream', '=', h.id).execute();
    expect(audits.map((a) => a.action)).toEqual(
      expect.arrayContaining(['participant.admitted_all', 'witness.called', 'witness.released', 'lobby.entered']),
    );
  });

  it('mutes a published track through RoomService', async () => {
    const h = await openHearingWithEveryone();
    await expectOk(post(`/api/hearings/${h.id}/admit-all`, c.cookies.judge));
    await expectOk(
      post(`/api/hearings/${h.id}/participants/${h.defendant.id}/mute`, c.cookies.judge, { trackSid: 'TR_abc' }),
    );
    expect(standin.callsOf('MutePublishedTrack').at(-1)!.body).toEqual({
      room: await roomOf(h.id),
      identity: h.defendant.id,
      trackSid: 'TR_abc',
      muted: true,
    });
  });

  it('presence events say whose presence changed, from what to what, for the policy to judge at delivery', async () => {
    const h = await openHearingWithEveryone();
    await expectOk(post(`/api/hearings/${h.id}/admit-all`, c.cookies.judge));
    const events = await t.db
      .selectFrom('realtime_events')
      .select(['kind', 'topic', 'payload'])
      .where('stream', '=', h.id)
      .where('kind', '=', 'participant.presence')
      .execute();
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) {
      const p = e.payload as { participantId: string; presence: string; role: string };
      expect(e.topic).toMatchObject({ data: 'presence', participantId: p.participantId, role: p.role, to: p.presence });
    }
  });
});

describe('private consultation', () => {
  it('opens for a party and their own agent, with a token that names only its room; leaving gives a hearing token', async () => {
    const h = await openHearingWithEveryone();
    await expectOk(post(`/api/hearings/${h.id}/admit-all`, c.cookies.judge));
    const url = `/api/hearings/${h.id}/consultations`;
    const ask = `/api/hearings/${h.id}/consultation-requests`;
    // The other side, the bench and observers cannot be part of it.
    expect((await post(ask, h.plaintiff.cookie, { participantIds: [h.plaintiff.id, h.defAgent.id] })).statusCode).toBe(
      400,
    );
    expect((await post(ask, h.observer.cookie, { participantIds: [h.observer.id, h.agent.id] })).statusCode).toBe(403);
    expect((await post(ask, h.defendant.cookie, { participantIds: [h.plaintiff.id, h.agent.id] })).statusCode).toBe(
      403,
    );
    expect((await post(ask, c.cookies.judge, { participantIds: [h.plaintiff.id, h.agent.id] })).statusCode).toBe(403);

    const asked = await expectOk(post(ask, h.agent.cookie, { participantIds: [h.plaintiff.id, h.agent.id] }), 201);
    const opened = await expectOk(post(`${ask}/${asked.json().request.id}/accept`, h.plaintiff.cookie), 201);
    const { id: cid, room } = opened.json().consultation;
    expect(room).toMatch(/^consult-[0-9a-f-]{36}$/);
    expect(standin.callsOf('CreateRoom').at(-1)!.body).toMatchObject({ name: room, maxParticipants: 2 });
    const tokenUrl = `${url}/${cid}/media-token`;
    const tok = await expectOk(post(tokenUrl, h.plaintiff.cookie));
    const claims = await verifier.verify(tok.json().token);
    expect(claims.video).toMatchObject({
      room,
      roomJoin: true,
      roomAdmin: false,
      roomRecord: false,
      canPublishData: false,
    });
    expect(tok.json().room).toBe(room);
    for (const cookie of [c.cookies.judge, c.cookies.clerk, h.observer.cookie, h.defendant.cookie, h.defAgent.cookie]) {
      expect([403, 404]).toContain((await post(tokenUrl, cookie)).statusCode);
    }
    // In a consultation, the hearing token is refused: use the consultation's.
    expect((await post(`/api/hearings/${h.id}/media-token`, h.plaintiff.cookie)).json().error.code).toBe(
      'in_consultation',
    );
    // Consultation events go to its members, not the bench.
    const opened_ = await t.db
      .selectFrom('realtime_events')
      .select('topic')
      .where('stream', '=', h.id)
      .where('kind', '=', 'consultation.opened')
      .executeTakeFirstOrThrow();
    // Members in no particular order: the one who asked and the one who accepted.
    const topic = opened_.topic as { data: string; memberIds: string[] };
    expect({ ...topic, memberIds: [...topic.memberIds].sort() }).toEqual({
      data: 'consultation',
      memberIds: [h.plaintiff.id, h.agent.id].sort(),
    });

    const left = await expectOk(post(`${url}/${cid}/leave`, h.plaintiff.cookie));
    expect((await verifier.verify(left.json().hearingToken.token)).video?.room).toBe(await roomOf(h.id));
    const deletes = standin.callsOf('DeleteRoom').length;
    await expectOk(post(`${url}/${cid}/leave`, h.agent.cookie));
    expect(
      standin
        .callsOf('DeleteRoom')
        .slice(deletes)
        .map((x) => x.body.room),
    ).toEqual([room]);
    expect((await post(tokenUrl, h.agent.cookie)).statusCode).toBe(404);
  });
});

describe('chat', () => {
  it('keeps messages, to everyone or privately to the bench; observers read but do not post; the lobby reads its own only', async () => {
    const h = await openHearingWithEveryone();
    // Everyone but the witness (who waits to be called) is in the room.
    await expectOk(post(`/api/hearings/${h.id}/admit-all`, c.cookies.judge));
    const url = `/api/hearings/${h.id}/chat`;
    await expectOk(post(url, h.witness.cookie, { text: 'I am here.', to: 'bench' }), 201);
    await expectOk(post(url, h.plaintiff.cookie, { text: 'May I address the court?', to: 'bench' }), 201);
    await expectOk(post(url, c.cookies.judge, { text: '请大家保持安静。', to: 'all' }), 201);
    expect((await post(url, h.observer.cookie, { text: 'hello', to: 'all' })).json().error.code).toBe(
      'observers_cannot_post',
    );
    const texts = async (cookie: string) =>
      (await call(app, 'GET', url, { cookie })).json().messages.map((m: { text: string }) => m.text);
    expect(await texts(c.cookies.clerk)).toEqual(['I am here.', 'May I address the court?', '请大家保持安静。']);
    expect(await texts(h.plaintiff.cookie)).toEqual(['May I address the court?', '请大家保持安静。']);
    expect(await texts(h.defendant.cookie)).toEqual(['请大家保持安静。']);
    expect(await texts(h.observer.cookie)).toEqual(['请大家保持安静。']);
    // A witness waiting in the lobby hears nothing of the hearing, their own messages aside.
    expect(await texts(h.witness.cookie)).toEqual(['I am here.']);
    expect((await post(url, h.witness.cookie, { text: 'hello all', to: 'all' })).json().error.code).toBe(
      'not_admitted',
    );
    const msg = (await call(app, 'GET', url, { cookie: c.cookies.judge })).json().messages[2];
    expect(msg).toMatchObject({ from: { kind: 'staff', id: c.f.judge.id, role: 'judge' }, to: 'all' });
    expect(new Date(msg.at).getTime()).not.toBeNaN();
  });
});

describe('POST /api/livekit/webhook', () => {
  async function signed(body: string, secret = LIVEKIT_SECRET) {
    const at = new AccessToken(LIVEKIT_KEY, secret);
    at.sha256 = Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(body))).toString('base64');
    return at.toJwt();
  }
  const send = (body: string, authorization?: string, contentType = 'application/webhook+json') =>
    app.inject({
      method: 'POST',
      url: '/api/livekit/webhook',
      headers: { 'content-type': contentType, ...(authorization ? { authorization } : {}) },
      payload: body,
    });

  it('accepts a good signature and pushes media presence to the bench; keeps the participant admitted', async () => {
    const h = await openHearingWithEveryone();
    await expectOk(post(`/api/hearings/${h.id}/admit-all`, c.cookies.judge));
    const room = await roomOf(h.id);
    const body = JSON.stringify({
      event: 'participant_left',
      room: { name: room },
      participant: { identity: h.plaintiff.id },
      id: 'EV_1',
      createdAt: String(Math.floor(Date.now() / 1000)),
    });
    const res = await send(body, await signed(body));
    expect(res.statusCode, res.body).toBe(200);
    const event = await t.db
      .selectFrom('realtime_events')
      .select(['kind', 'topic', 'payload'])
      .where('stream', '=', h.id)
      .where('kind', '=', 'media.presence')
      .executeTakeFirstOrThrow();
    expect(event).toEqual({
      kind: 'media.presence',
      topic: { data: 'bench' },
      payload: { participantId: h.plaintiff.id, connected: false },
    });
    const p = await t.db
      .selectFrom('participants')
      .select('presence')
      .where('id', '=', h.plaintiff.id)
      .executeTakeFirstOrThrow();
    expect(p.presence).toBe('admitted');
  });

  it('puts out a removed participant who rejoins with a still-valid token', async () => {
    const h = await openHearingWithEveryone();
    await expectOk(post(`/api/hearings/${h.id}/participants/${h.defendant.id}/remove`, c.cookies.judge));
    const before = standin.callsOf('RemoveParticipant').length;
    const body = JSON.stringify({
      event: 'participant_joined',
      room: { name: await roomOf(h.id) },
      participant: { identity: h.defendant.id },
      id: `EV_rejoin_${h.id}`,
      createdAt: String(Math.floor(Date.now() / 1000)),
    });
    expect((await send(body, await signed(body))).statusCode).toBe(200);
    expect(
      standin
        .callsOf('RemoveParticipant')
        .slice(before)
        .map((x) => x.body.identity),
    ).toEqual([h.defendant.id]);
  });

  it('refuses a replayed event (409) and one older than five minutes (400), acting on neither', async () => {
    const h = await openHearingWithEveryone();
    await expectOk(post(`/api/hearings/${h.id}/admit-all`, c.cookies.judge));
    const room = await roomOf(h.id);
    const now = Math.floor(Date.now() / 1000);
    const event = (id: string, createdAt: number, kind = 'participant_joined') =>
      JSON.stringify({
        event: kind,
        room: { name: room },
        participant: { identity: h.plaintiff.id },
        id,
        createdAt: String(createdAt),
      });
    const presence = () =>
      t.db
        .selectFrom('realtime_events')
        .select('payload')
        .where('stream', '=', h.id)
        .where('kind', '=', 'media.presence')
        .execute();
    const joined = event(`EV_join_${h.id}`, now);
    const sig = await signed(joined);
    expect((await send(joined, sig)).statusCode).toBe(200);
    expect(await presence()).toHaveLength(1);

    // The same signed request again: refused, nothing pushed.
    const replay = await send(joined, sig);
    expect(replay.statusCode).toBe(409);
    expect(replay.json().error.code).toBe('replayed_webhook');

    // A correctly signed "left" made six minutes ago: refused as stale.
    const old = event(`EV_old_${h.id}`, now - 6 * 60, 'participant_left');
    const stale = await send(old, await signed(old));
    expect(stale.statusCode).toBe(400);
    expect(stale.json().error).toMatchObject({ code: 'stale_webhook', message: expect.stringMatching(/five minutes/) });
    const noTime = JSON.stringify({
      event: 'participant_left',
      room: { name: room },
      participant: { identity: h.plaintiff.id },
    });
    expect((await send(noTime, await signed(noTime))).statusCode).toBe(400);
    expect(await presence()).toHaveLength(1);
    expect(
      (await t.db.selectFrom('livekit_webhook_events').select('id').where('id', '=', `EV_old_${h.id}`).execute())
        .length,
    ).toBe(0);
  });

  it('refuses a bad or missing signature and a body changed after signing (401)', async () => {
    const body = JSON.stringify({
      event: 'room_started',
      room: { name: 'x' },
      id: `EV_sig_${Date.now()}`,
      createdAt: String(Math.floor(Date.now() / 1000)),
    });
    expect((await send(body, await signed(body, 'another-secret-another-secret-000'))).statusCode).toBe(401);
    expect((await send(body)).statusCode).toBe(401);
    const sig = await signed(body);
    const changed = body.replace('room_started', 'room_finished');
    const res = await send(changed, sig);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('bad_signature');
    expect((await send(body, sig)).statusCode).toBe(200);
    expect((await send(body, sig, 'application/json')).statusCode).toBe(415);
  });
});
