import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { buildApp } from '../../app.ts';
import type { Database } from '../../platform/db/schema.ts';
import { passwords, testConfig } from '../../../test/app.ts';
import { call } from '../../../test/scheduling.ts';
import {
  closeLive,
  expectOk,
  invite,
  liveEnv,
  openLive,
  scheduleHearing,
  setState,
  type LiveCourt,
} from '../../../test/live.ts';

// A media token is asked for by every participant at once when a hearing starts: what it costs the
// database is counted here (a second app on the same database, whose handle counts what it sends).

let app: FastifyInstance;
let counting: FastifyInstance;
let countingDb: Kysely<Database>;
let c: LiveCourt;
const sent: string[] = [];

beforeAll(async () => {
  const live = await openLive('TokenQueries');
  ({ app, c } = live);
  countingDb = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: live.t.url, max: 3 }) }),
    log: (e) => void sent.push(e.query.sql),
  });
  counting = await buildApp({ config: testConfig(liveEnv(live.apiUrl)), db: countingDb, passwords, logger: false });
});
afterAll(async () => {
  await counting.close();
  await countingDb.destroy();
  await closeLive();
});

describe('the media token’s reads', () => {
  it('costs a party one query (the session with their row and their hearing’s), an agent one more (whom they represent)', async () => {
    const id = await scheduleHearing(app, c);
    const plaintiff = await invite(app, c, id, 'plaintiff');
    const agent = await invite(app, c, id, 'agent', { representsId: plaintiff.id });
    await setState(app, c, id, 'open');
    for (const p of [plaintiff, agent]) await expectOk(call(app, 'POST', `/api/hearings/${id}/lobby`, p));
    await expectOk(call(app, 'POST', `/api/hearings/${id}/admit-all`, { cookie: c.cookies.judge }));
    await setState(app, c, id, 'start');

    const token = async (cookie: string) => {
      sent.length = 0;
      const res = await expectOk(call(counting, 'POST', `/api/hearings/${id}/media-token`, { cookie }));
      expect(res.json().token).toEqual(expect.any(String));
      return [...sent];
    };
    const session = expect.stringMatching(/from "hearings" as "h" .*inner join "participant_sessions" as "s"/);
    expect(await token(plaintiff.cookie)).toEqual([session]);
    expect(await token(agent.cookie)).toEqual([session, expect.stringMatching(/from "participants"/)]);
  });

  it('still reads the participant’s row afresh on each request: a removal between two requests is seen at once', async () => {
    const id = await scheduleHearing(app, c);
    const party = await invite(app, c, id, 'defendant');
    await setState(app, c, id, 'open');
    await expectOk(call(app, 'POST', `/api/hearings/${id}/lobby`, party));
    await expectOk(call(app, 'POST', `/api/hearings/${id}/admit-all`, { cookie: c.cookies.judge }));
    await expectOk(call(counting, 'POST', `/api/hearings/${id}/media-token`, { cookie: party.cookie }));
    await expectOk(
      call(app, 'POST', `/api/hearings/${id}/participants/${party.id}/return-to-lobby`, { cookie: c.cookies.judge }),
    );
    const refused = await call(counting, 'POST', `/api/hearings/${id}/media-token`, { cookie: party.cookie });
    expect(refused.statusCode).toBe(403);
  });

  it('reads the hearing afresh with the session on each request: a hearing adjourned between two requests is seen at once', async () => {
    const id = await scheduleHearing(app, c);
    const party = await invite(app, c, id, 'plaintiff');
    await setState(app, c, id, 'open');
    await expectOk(call(app, 'POST', `/api/hearings/${id}/lobby`, party));
    await expectOk(call(app, 'POST', `/api/hearings/${id}/admit-all`, { cookie: c.cookies.judge }));
    await setState(app, c, id, 'start');
    await expectOk(call(counting, 'POST', `/api/hearings/${id}/media-token`, { cookie: party.cookie }));
    await setState(app, c, id, 'adjourn');
    const refused = await call(counting, 'POST', `/api/hearings/${id}/media-token`, { cookie: party.cookie });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('hearing_ended');
  });

  it('answers another hearing’s id as not found, without reading it', async () => {
    const id = await scheduleHearing(app, c);
    const other = await scheduleHearing(app, c);
    const party = await invite(app, c, id, 'plaintiff');
    sent.length = 0;
    const res = await call(counting, 'POST', `/api/hearings/${other}/media-token`, { cookie: party.cookie });
    expect(res.statusCode).toBe(404);
    expect(sent).toEqual([expect.stringMatching(/inner join "participant_sessions" as "s"/)]);
  });
});
