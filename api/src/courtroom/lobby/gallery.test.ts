import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { TestDatabase } from '../../../test/db.ts';
import { testConfig } from '../../../test/app.ts';
import { call } from '../../../test/scheduling.ts';
import {
  closeLive,
  connectSocket,
  expectOk,
  invite,
  openLive,
  scheduleHearing,
  setState,
  wsUrl,
  type Invited,
  type LiveCourt,
  type SocketClient,
} from '../../../test/live.ts';
import { newToken, participantSessionHash } from '../../invitations/invite-token.ts';
import { participantCookieName } from '../../invitations/participant-session.ts';
import { applyEvent, fromSnapshot, type LiveState } from '../../../../web/src/lib/hearing/live-state.ts';
import type { LiveEvent, Snapshot } from '../../../../web/src/lib/hearing/types.ts';

const GALLERY = 200;

let t: TestDatabase;
let app: FastifyInstance;
let c: LiveCourt;

beforeAll(async () => {
  ({ t, app, c } = await openLive('Gallery', { listen: true }));
});
afterAll(closeLive);

/** Members of the public who opened the hearing's link and wait in the lobby: a session cookie each. */
async function gallery(hearingId: string, n: number): Promise<Array<Invited & { name: string }>> {
  const rows = await t.db
    .insertInto('participants')
    .values(
      Array.from({ length: n }, (_, i) => ({
        hearing_id: hearingId,
        role: 'observer' as const,
        display_name: `GALLERY-${String(i).padStart(3, '0')} Reader`,
        presence: 'in_lobby' as const,
      })),
    )
    .returning(['id', 'display_name'])
    .execute();
  const secret = testConfig({}).sessionSecret;
  const people = rows.map((r) => ({ id: r.id, name: r.display_name, role: 'observer', token: newToken() }));
  await t.db
    .insertInto('participant_sessions')
    .values(
      people.map((p) => ({
        token_hash: participantSessionHash(secret, p.token),
        participant_id: p.id,
        hearing_id: hearingId,
        expires_at: new Date(Date.now() + 86_400_000),
      })),
    )
    .execute();
  return people.map((p) => ({
    id: p.id,
    name: p.name,
    role: p.role,
    cookie: `${participantCookieName(false)}=${p.token}`,
  }));
}

interface Watcher {
  socket: SocketClient;
  /** Messages before the admit-all (the snapshot among them). */
  before: number;
}

async function watcher(cookie: string, hearingId: string): Promise<Watcher> {
  const socket = await connectSocket(wsUrl(app), cookie);
  socket.ws.send(JSON.stringify({ type: 'subscribe', hearingId }));
  await socket.next((m) => m.type === 'snapshot', 20_000);
  return { socket, before: socket.messages.length };
}

const framesSince = (w: Watcher) => w.socket.messages.slice(w.before);

/** The page's state from its snapshot and every event since, as the web app applies them. */
function pageState(w: Watcher): LiveState {
  const [snap, ...rest] = w.socket.messages;
  const state = fromSnapshot((snap as { state: Snapshot }).state);
  for (const m of rest) if (m.type === 'event') applyEvent(state, m as unknown as LiveEvent);
  return state;
}

/** The same viewer's fresh snapshot, as a page opened now would start from. */
async function freshState(cookie: string, hearingId: string): Promise<LiveState> {
  const again = await watcher(cookie, hearingId);
  again.socket.close();
  return fromSnapshot((again.socket.messages[0] as { state: Snapshot }).state);
}

const listOf = (s: LiveState) =>
  s.participants
    .map((p) => ({ id: p.id, role: p.role, displayName: p.displayName, presence: p.presence }))
    .sort((a, b) => a.id.localeCompare(b.id));

describe('admit-all with a public gallery', () => {
  it('one frame of moves per socket; the gallery never learns of itself; every page ends where a fresh one starts', async () => {
    const id = await scheduleHearing(app, c);
    const parties = [
      await invite(app, c, id, 'plaintiff'),
      await invite(app, c, id, 'defendant'),
      await invite(app, c, id, 'witness'),
    ];
    const agent = await invite(app, c, id, 'agent', { representsId: parties[0]!.id });
    parties.push(agent);
    await setState(app, c, id, 'open');
    for (const p of parties) await expectOk(call(app, 'POST', `/api/hearings/${id}/lobby`, { cookie: p.cookie }));
    const public_ = await gallery(id, GALLERY);

    const observers: Watcher[] = [];
    for (let i = 0; i < public_.length; i += 50)
      observers.push(...(await Promise.all(public_.slice(i, i + 50).map((p) => watcher(p.cookie, id)))));
    const partyWatchers = await Promise.all(parties.map((p) => watcher(p.cookie, id)));
    const judge = await watcher(c.cookies.judge, id);
    const clerk = await watcher(c.cookies.clerk, id);

    const admitted = await expectOk(call(app, 'POST', `/api/hearings/${id}/admit-all`, { cookie: c.cookies.judge }));
    // Witnesses wait to be called.
    expect(admitted.json().admitted).toHaveLength(GALLERY + parties.length - 1);
    // A marker for the bench only, posted last: once both bench sockets have it, everything before it went out.
    await expectOk(
      call(app, 'POST', `/api/hearings/${id}/chat`, {
        cookie: c.cookies.judge,
        payload: { text: 'MARK', to: 'bench' },
      }),
      201,
    );
    for (const w of [judge, clerk]) await w.socket.next((m) => JSON.stringify(m).includes('MARK'), 20_000);
    // Everyone else's frames were sent before the marker's; let them arrive.
    await expect.poll(() => observers.filter((o) => framesSince(o).length > 0).length).toBe(GALLERY);

    const kinds = (w: Watcher) => framesSince(w).map((m) => String(m.kind ?? m.type));
    // The gallery: one frame, their own admission and the parties' (no record, no one else in the gallery).
    for (const [i, o] of observers.entries()) {
      expect(kinds(o), public_[i]!.name).toEqual(['participant.presence_many']);
      const moves = (framesSince(o)[0]!.payload as { changes: Array<{ participantId: string; presence: string }> })
        .changes;
      expect(moves.map((m) => m.participantId).sort()).toEqual(
        [public_[i]!.id, ...parties.filter((p) => p.role !== 'witness').map((p) => p.id)].sort(),
      );
      expect(moves.every((m) => m.presence === 'admitted')).toBe(true);
    }
    // Parties read the record: their moves and the record's note of the admissions; the witness waits.
    for (const [i, w] of partyWatchers.entries()) {
      expect(kinds(w).length, parties[i]!.role).toBeLessThanOrEqual(3);
      if (parties[i]!.role !== 'witness') expect(kinds(w)[0]).toBe('participant.presence_many');
    }
    expect(kinds(partyWatchers[2]!)).toEqual([]);
    // The bench sees everyone, in one frame of moves.
    for (const w of [judge, clerk]) {
      const frames = framesSince(w).filter((m) => !JSON.stringify(m).includes('MARK'));
      expect(frames.length).toBeLessThanOrEqual(3);
      const moves = frames.find((m) => m.kind === 'participant.presence_many')!.payload as {
        changes: Array<{ participantId: string }>;
      };
      expect(moves.changes).toHaveLength(GALLERY + parties.length - 1);
    }

    // No one in the gallery learns who else is there, by any door: the socket, the REST routes.
    const othersIn = (text: string, me: number) =>
      public_.filter((p, j) => j !== me && (text.includes(p.id) || text.includes(p.name))).length;
    for (const [i, o] of observers.entries()) {
      expect(othersIn(JSON.stringify(o.socket.messages), i), public_[i]!.name).toBe(0);
    }
    const someone = public_[7]!;
    for (const url of [
      `/api/hearings/${id}`,
      `/api/hearings/${id}/participants`,
      `/api/hearings/${id}/me`,
      `/api/hearings/${id}/chat`,
      `/api/hearings/${id}/transcript`,
    ]) {
      const res = await call(app, 'GET', url, { cookie: someone.cookie });
      expect(othersIn(res.body, 7), url).toBe(0);
    }
    const fresh = await watcher(someone.cookie, id);
    expect(othersIn(JSON.stringify(fresh.socket.messages), 7)).toBe(0);
    fresh.socket.close();

    // Every page converges: snapshot + events give what a fresh snapshot gives, for every watcher.
    const everyone: Array<[Watcher, string]> = [
      ...observers.map((o, i): [Watcher, string] => [o, public_[i]!.cookie]),
      ...partyWatchers.map((w, i): [Watcher, string] => [w, parties[i]!.cookie]),
      [judge, c.cookies.judge],
      [clerk, c.cookies.clerk],
    ];
    for (let i = 0; i < everyone.length; i += 50) {
      const some = everyone.slice(i, i + 50);
      const now = await Promise.all(some.map(([, cookie]) => freshState(cookie, id)));
      for (const [k, [w]] of some.entries()) {
        const live = pageState(w);
        expect(listOf(live)).toEqual(listOf(now[k]!));
        expect(live.you?.presence).toEqual(now[k]!.you?.presence);
        w.socket.close();
      }
    }
  }, 180_000);
});
