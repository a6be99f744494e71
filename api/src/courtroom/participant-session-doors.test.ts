import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import { createDb, statement } from '../platform/db/connect.ts';
import { findHearing } from '../scheduling/hearings.service.ts';
import { findSession } from '../invitations/join.repository.ts';
import { findLiveParticipant } from './lobby/lobby.service.ts';
import { call } from '../../test/scheduling.ts';
import { ORIGIN } from '../../test/app.ts';
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
  type Invited,
  type Live,
  type LiveCourt,
} from '../../test/live.ts';

// A participant's session is read in one statement with their row and their hearing's, and that hearing
// row stands for the request: these are the doors it must not open (another hearing's, a session that
// ended, a participant removed), what the combined row must not leak, and the statement's binding of its
// arguments under hostile values.

let live: Live;
let app: FastifyInstance;
let c: LiveCourt;
let db: Kysely<Database>;

beforeAll(async () => {
  live = await openLive('Adversary');
  ({ app, c } = live);
  db = live.t.db;
});
afterAll(async () => {
  await closeLive();
});

/** A hearing in session with both sides admitted. */
async function inSession() {
  const id = await scheduleHearing(app, c);
  const sides = await inviteBothSides(app, c, id);
  await setState(app, c, id, 'open');
  await enterLobby(app, id, Object.values(sides));
  await admit(app, c, id, 'all');
  await setState(app, c, id, 'start');
  return { id, ...sides };
}

/** Every door a participant knocks on for a hearing, with what it needs. */
function doors(hearingId: string, someone: string[]): Array<[string, 'GET' | 'POST', string, unknown?]> {
  return [
    ['me', 'GET', `/api/hearings/${hearingId}/me`],
    ['media-token', 'POST', `/api/hearings/${hearingId}/media-token`],
    ['lobby', 'POST', `/api/hearings/${hearingId}/lobby`],
    ['chat list', 'GET', `/api/hearings/${hearingId}/chat`],
    ['chat post', 'POST', `/api/hearings/${hearingId}/chat`, { text: 'hello from elsewhere', to: 'all' }],
    ['exhibits', 'GET', `/api/hearings/${hearingId}/exhibits`],
    ['transcript', 'GET', `/api/hearings/${hearingId}/transcript`],
    ['signatures', 'GET', `/api/hearings/${hearingId}/transcript/signatures`],
    ['recordings', 'GET', `/api/hearings/${hearingId}/recordings`],
    ['consult', 'POST', `/api/hearings/${hearingId}/consultation-requests`, { participantIds: someone }],
    ['end presentation', 'POST', `/api/hearings/${hearingId}/exhibits/presentation/end`],
    ['leave', 'POST', `/api/hearings/${hearingId}/leave`],
  ];
}

async function knock(hearingId: string, who: Invited, someone: string[]) {
  const out: Record<string, number> = {};
  for (const [name, method, url, payload] of doors(hearingId, someone)) {
    const res = await call(app, method, url, { cookie: who.cookie, ...(payload ? { payload } : {}) });
    out[name] = res.statusCode;
  }
  return out;
}

describe('a participant of hearing A on hearing B', () => {
  it('is told every door of B is not found, and sees none of B', async () => {
    const a = await inSession();
    const b = await inSession();
    // B has a chat message to leak.
    await expectOk(
      call(app, 'POST', `/api/hearings/${b.id}/chat`, {
        cookie: b.plaintiff.cookie,
        payload: { text: 'secret of B', to: 'all' },
      }),
      201,
    );
    const statuses = await knock(b.id, a.plaintiff, [b.plaintiff.id, a.plaintiff.id]);
    // Recordings are staff-only: a participant cookie is no one there (401); every other door is 404.
    for (const [door, status] of Object.entries(statuses))
      expect([door, status]).toEqual([door, door === 'recordings' ? 401 : 404]);
    // Nothing was written to B by A's participant.
    const msgs = await db.selectFrom('chat_messages').select('text').where('hearing_id', '=', b.id).execute();
    expect(msgs.map((m) => m.text)).toEqual(['secret of B']);
    // And A's own doors still answer A (the cached hearing is A's, not B's).
    const me = await expectOk(call(app, 'GET', `/api/hearings/${a.id}/me`, { cookie: a.plaintiff.cookie }));
    expect(me.body).not.toContain('secret of B');
  });

  it('concurrent requests of many participants of two hearings each get their own hearing', async () => {
    const a = await inSession();
    const b = await inSession();
    await db.updateTable('hearings').set({ title: 'Title A' }).where('id', '=', a.id).execute();
    await db.updateTable('hearings').set({ title: 'Title B' }).where('id', '=', b.id).execute();
    const who = [
      ...[a.plaintiff, a.defendant, a.agent, a.defAgent].map((p) => ({ p, h: a.id, title: 'Title A' })),
      ...[b.plaintiff, b.defendant, b.agent, b.defAgent].map((p) => ({ p, h: b.id, title: 'Title B' })),
    ];
    const rounds = await Promise.all(
      Array.from({ length: 5 }, () =>
        Promise.all(
          who.map(async ({ p, h, title }) => {
            const [me, tok] = await Promise.all([
              call(app, 'GET', `/api/hearings/${h}/me`, { cookie: p.cookie }),
              call(app, 'POST', `/api/hearings/${h}/media-token`, { cookie: p.cookie }),
            ]);
            return {
              ok: me.statusCode === 200 && tok.statusCode === 200,
              title: me.json().hearing?.title,
              want: title,
            };
          }),
        ),
      ),
    );
    for (const r of rounds.flat()) expect(r).toEqual({ ok: true, title: r.want, want: r.want });
  });
});

describe('the session’s validity, on the very next request', () => {
  // The doors above that a signed-in participant may pass while their session stands.
  const open = new Set(['me', 'media-token', 'chat list', 'exhibits', 'transcript']);
  const sessionDoors = (id: string) => doors(id, []).filter(([name]) => open.has(name));
  async function statuses(id: string, who: Invited) {
    const out: Record<string, number> = {};
    for (const [name, method, url] of sessionDoors(id))
      out[name] = (await call(app, method, url, { cookie: who.cookie })).statusCode;
    return out;
  }
  const all = (id: string, status: number) => Object.fromEntries(sessionDoors(id).map(([n]) => [n, status]));

  it('an expired session is refused (401) at every door, and deleted', async () => {
    const h = await inSession();
    expect((await statuses(h.id, h.plaintiff))['media-token']).toBe(200);
    await db
      .updateTable('participant_sessions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('participant_id', '=', h.plaintiff.id)
      .execute();
    expect(await statuses(h.id, h.plaintiff)).toEqual(all(h.id, 401));
    const left = await db
      .selectFrom('participant_sessions')
      .select('id')
      .where('participant_id', '=', h.plaintiff.id)
      .execute();
    expect(left).toEqual([]);
  });

  it('a withdrawn invitation is refused (401) at every door', async () => {
    const h = await inSession();
    expect((await statuses(h.id, h.defendant))['media-token']).toBe(200);
    await expectOk(
      call(app, 'DELETE', `/api/hearings/${h.id}/participants/${h.defendant.id}`, { cookie: c.cookies.clerk }),
      204,
    );
    expect(await statuses(h.id, h.defendant)).toEqual(all(h.id, 401));
  });

  it('a cancelled hearing is refused (401) at every door', async () => {
    const id = await scheduleHearing(app, c);
    const p = await invite(app, c, id, 'plaintiff');
    expect((await call(app, 'GET', `/api/hearings/${id}/me`, { cookie: p.cookie })).statusCode).toBe(200);
    await expectOk(call(app, 'POST', `/api/hearings/${id}/cancel`, { cookie: c.cookies.clerk }));
    expect(await statuses(id, p)).toEqual(all(id, 401));
  });

  it('a hearing moved earlier, so that its links have expired, is refused (401) at every door', async () => {
    const h = await inSession();
    expect((await statuses(h.id, h.agent))['media-token']).toBe(200);
    const start = new Date(Date.now() - 3 * 3_600_000);
    const end = new Date(Date.now() - 2 * 3_600_000);
    await db
      .updateTable('hearings')
      .set({ scheduled_start: start, scheduled_end: end })
      .where('id', '=', h.id)
      .execute();
    // The grace period is long enough at first: the session stands.
    await db.updateTable('courts').set({ invite_grace_minutes: 240 }).where('id', '=', c.f.court.id).execute();
    expect((await statuses(h.id, h.agent))['me']).toBe(200);
    // A shorter grace period ends it on the next request.
    await db.updateTable('courts').set({ invite_grace_minutes: 60 }).where('id', '=', c.f.court.id).execute();
    try {
      expect(await statuses(h.id, h.agent)).toEqual(all(h.id, 401));
    } finally {
      await db.updateTable('courts').set({ invite_grace_minutes: 240 }).where('id', '=', c.f.court.id).execute();
    }
  });

  it('a removal or a return to the lobby is seen on the next media token, chat post and consultation', async () => {
    const h = await inSession();
    await expectOk(call(app, 'POST', `/api/hearings/${h.id}/media-token`, { cookie: h.defAgent.cookie }));
    await expectOk(
      call(app, 'POST', `/api/hearings/${h.id}/participants/${h.defAgent.id}/return-to-lobby`, {
        cookie: c.cookies.judge,
      }),
    );
    expect(
      (await call(app, 'POST', `/api/hearings/${h.id}/media-token`, { cookie: h.defAgent.cookie })).statusCode,
    ).toBe(403);
    await expectOk(call(app, 'POST', `/api/hearings/${h.id}/media-token`, { cookie: h.plaintiff.cookie }));
    await expectOk(
      call(app, 'POST', `/api/hearings/${h.id}/participants/${h.plaintiff.id}/remove`, { cookie: c.cookies.judge }),
    );
    const tok = await call(app, 'POST', `/api/hearings/${h.id}/media-token`, { cookie: h.plaintiff.cookie });
    expect(tok.statusCode).toBe(403);
    const chat = await call(app, 'POST', `/api/hearings/${h.id}/chat`, {
      cookie: h.plaintiff.cookie,
      payload: { text: 'still here?', to: 'all' },
    });
    expect(chat.statusCode).toBeGreaterThanOrEqual(400);
    const lobby = await call(app, 'POST', `/api/hearings/${h.id}/lobby`, { cookie: h.plaintiff.cookie });
    expect(lobby.statusCode).toBeGreaterThanOrEqual(400);
  });

  it('a hearing adjourned, then its state read by every door on the next request', async () => {
    const h = await inSession();
    await expectOk(call(app, 'POST', `/api/hearings/${h.id}/media-token`, { cookie: h.plaintiff.cookie }));
    await setState(app, c, h.id, 'adjourn');
    const tok = await call(app, 'POST', `/api/hearings/${h.id}/media-token`, { cookie: h.plaintiff.cookie });
    expect(tok.statusCode).toBe(409);
    const chat = await call(app, 'POST', `/api/hearings/${h.id}/chat`, {
      cookie: h.plaintiff.cookie,
      payload: { text: 'after the end', to: 'all' },
    });
    expect(chat.statusCode).toBeGreaterThanOrEqual(400);
    // The /me view shows the new state.
    const me = await expectOk(call(app, 'GET', `/api/hearings/${h.id}/me`, { cookie: h.plaintiff.cookie }));
    expect(me.json().hearing.state).toBe('adjourned');
  });
});

describe('what a participant is sent', () => {
  it('never carries their session’s id, token hash or expiry fields from the combined row', async () => {
    const h = await inSession();
    const s = await db
      .selectFrom('participant_sessions')
      .select(['id', 'token_hash'])
      .where('participant_id', '=', h.plaintiff.id)
      .executeTakeFirstOrThrow();
    const bodies: string[] = [];
    for (const [, method, url, payload] of doors(h.id, [h.agent.id, h.plaintiff.id]).filter(
      ([n]) => n !== 'leave' && n !== 'consult',
    )) {
      const res = await call(app, method, url, { cookie: h.plaintiff.cookie, ...(payload ? { payload } : {}) });
      bodies.push(res.body);
    }
    for (const b of bodies) {
      expect(b).not.toContain(s.id);
      expect(b).not.toContain(s.token_hash);
      expect(b).not.toMatch(/session_id|session_expires_at|participant_revoked_at|token_hash/);
    }
  });
});

describe('stand-ins and NUL against statement()', () => {
  const standIn = (i: number) => `\u0000gavel-argument-${i}\u0000`;

  it('a path carrying the stand-in (with its NULs) is a 400 in JSON, never a 500', async () => {
    const p = (await inSession()).plaintiff;
    for (const url of [
      `/api/hearings/${encodeURIComponent(standIn(0))}/me`,
      `/api/hearings/${encodeURIComponent(standIn(0))}/media-token`,
    ]) {
      const res = await app.inject({
        method: url.endsWith('/me') ? 'GET' : 'POST',
        url,
        headers: { origin: ORIGIN, cookie: p.cookie },
        ...(url.endsWith('/me') ? {} : { payload: {} }),
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toEqual(expect.any(String));
    }
  });

  it('a cookie carrying the stand-in is no session (401), never a 500', async () => {
    const id = await scheduleHearing(app, c);
    const res = await call(app, 'GET', `/api/hearings/${id}/me`, {
      cookie: `gavel_participant=${encodeURIComponent(standIn(0))}`,
    });
    expect(res.statusCode).toBe(401);
  });

  it('the repository reads bind each argument into its own slot (stand-in values, swapped and equal args)', async () => {
    const h = await inSession();
    // Right order: found.
    expect((await findLiveParticipant(db, h.id, h.plaintiff.id))?.id).toBe(h.plaintiff.id);
    // Swapped: not found (an argument in the other's slot would have matched nothing either, but a slot
    // mix-up between equal strings must not find anything).
    expect(await findLiveParticipant(db, h.plaintiff.id, h.id)).toBeUndefined();
    expect(await findLiveParticipant(db, h.id, h.id)).toBeUndefined();
    // The stand-in as a value: refused by PostgreSQL (NUL), never a row.
    await expect(findHearing(db, standIn(0))).rejects.toThrow();
    const viaSession = await findSession(db, standIn(0)).catch(() => 'refused' as const);
    expect(viaSession === undefined || viaSession === 'refused').toBe(true);
    // The stand-in without NUL is just a string (not a uuid: 22P02).
    await expect(findHearing(db, 'gavel-argument-0')).rejects.toMatchObject({ code: '22P02' });
    // And a token hash equal to the stand-in's text matches no session.
    expect(await findSession(db, 'gavel-argument-0')).toBeUndefined();
  });

  it('a statement first learned inside a transaction answers outside it, and vice versa, with args in place', async () => {
    const own = createDb(live.t.url, 2);
    try {
      const pair = statement((q, a: string, b: string) =>
        q.selectNoFrom([
          sql<string>`${a}::text`.as('a'),
          sql<string>`${b}::text`.as('b'),
          sql<string>`${'gavel-argument-1'}::text`.as('k'),
          sql<boolean>`${a}::text = ${b}::text`.as('same'),
        ]),
      );
      const inTrx = await own.transaction().execute((trx) => pair(trx, 'x', 'gavel-argument-0'));
      expect(inTrx).toEqual([{ a: 'x', b: 'gavel-argument-0', k: 'gavel-argument-1', same: false }]);
      expect(await pair(own, 'y', 'y')).toEqual([{ a: 'y', b: 'y', k: 'gavel-argument-1', same: true }]);
      expect(await pair(own, 'gavel-argument-1', 'z')).toEqual([
        { a: 'gavel-argument-1', b: 'z', k: 'gavel-argument-1', same: false },
      ]);
      // Concurrent calls on one statement do not share their parameters.
      const many = await Promise.all(Array.from({ length: 30 }, (_, i) => pair(own, `a${i}`, `b${i}`)));
      expect(many.map((r) => [r[0]!.a, r[0]!.b])).toEqual(Array.from({ length: 30 }, (_, i) => [`a${i}`, `b${i}`]));
    } finally {
      await own.destroy();
    }
  });
});
