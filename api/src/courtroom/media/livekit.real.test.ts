import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { RoomServiceClient, TokenVerifier } from 'livekit-server-sdk';
import { buildApp } from '../../app.ts';
import { CapturingMailer } from '../../platform/mail/mailer.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/db.ts';
import { passwords, testConfig } from '../../../test/app.ts';
import { call } from '../../../test/scheduling.ts';
import { expectOk, invite, liveCourt, scheduleHearing, setState, type LiveCourt } from '../../../test/live.ts';

// Opt-in: the same flows against a real LiveKit server (e.g. `livekit-server --dev`).
const url = process.env.LIVEKIT_URL;
const key = process.env.LIVEKIT_API_KEY ?? 'devkey';
const secret = process.env.LIVEKIT_API_SECRET ?? 'secret';
if (!url) {
  process.stdout.write(
    'livekit.real.test.ts: skipped — set LIVEKIT_URL (and LIVEKIT_API_KEY/SECRET) to run against a real LiveKit server\n',
  );
}

describe.skipIf(!url)('against a real LiveKit server (LIVEKIT_URL)', () => {
  let t: TestDatabase;
  let app: FastifyInstance;
  let c: LiveCourt;
  let rooms: RoomServiceClient;

  beforeAll(async () => {
    t = await createTestDatabase();
    const env = {
      LIVEKIT_URL: url!,
      LIVEKIT_API_KEY: key,
      LIVEKIT_API_SECRET: secret,
      ...(process.env.LIVEKIT_API_URL ? { LIVEKIT_API_URL: process.env.LIVEKIT_API_URL } : {}),
    };
    const config = testConfig(env);
    app = await buildApp({
      config,
      db: t.db,
      passwords,
      logger: false,
      mailer: new CapturingMailer(),
      databaseUrl: t.url,
    });
    rooms = new RoomServiceClient(config.livekit.apiUrl, key, secret);
    c = await liveCourt(app, t, 'RealLiveKit');
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  it('opens the room, issues verifiable tokens, survives a permission change for someone not connected, and closes the room', async () => {
    const id = await scheduleHearing(app, c);
    const party = await invite(app, c, id, 'plaintiff');
    await setState(app, c, id, 'open');
    const room = (
      await t.db.selectFrom('hearings').select('livekit_room').where('id', '=', id).executeTakeFirstOrThrow()
    ).livekit_room;
    const listed = await rooms.listRooms([room]);
    expect(listed.map((r) => [r.name, r.maxParticipants])).toEqual([[room, 200]]);

    await expectOk(call(app, 'POST', `/api/hearings/${id}/lobby`, { cookie: party.cookie }));
    await expectOk(
      call(app, 'POST', `/api/hearings/${id}/participants/${party.id}/admit`, { cookie: c.cookies.judge }),
    );
    const token = await expectOk(call(app, 'POST', `/api/hearings/${id}/media-token`, { cookie: party.cookie }));
    expect((await new TokenVerifier(key, secret).verify(token.json().token)).video?.room).toBe(room);

    await expectOk(
      call(app, 'POST', `/api/hearings/${id}/participants/${party.id}/screen-share`, {
        cookie: c.cookies.judge,
        payload: { allowed: true },
      }),
    );
    await expectOk(
      call(app, 'POST', `/api/hearings/${id}/participants/${party.id}/remove`, { cookie: c.cookies.judge }),
    );
    await setState(app, c, id, 'adjourn');
    expect(await rooms.listRooms([room])).toEqual([]);
    const unavailable = await t.db
      .selectFrom('realtime_events')
      .select('kind')
      .where('stream', '=', id)
      .where('kind', '=', 'media.unavailable')
      .execute();
    expect(unavailable).toEqual([]);
  });
});
