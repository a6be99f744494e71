// Websocket Origin checking (docs/security.md): /api/ws pushes a hearing's events to whoever may
// watch it. A page of another origin must not open a socket with the victim's cookies (cross-site
// websocket hijacking), a socket without a session must not open at all, and one that opens may
// subscribe only to a hearing its session may see. Real sockets against the app on a loopback port.
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ORIGIN } from '../app.ts';
import { connectSocket, isEvent, wsUrl, type SocketClient } from '../live.ts';
import { createSecurityFixture, type SecurityFixture } from './fixture.ts';

let fx: SecurityFixture;
let url: string;
const open: SocketClient[] = [];

beforeAll(async () => {
  fx = await createSecurityFixture({ listen: true });
  url = wsUrl(fx.app);
}, 300_000);
afterAll(async () => {
  for (const s of open) s.close();
  await fx?.close();
});

/** Opens a socket with exactly these headers: what the upgrade answered, and the socket if it opened. */
function attempt(headers: Record<string, string>): Promise<{ status: number; body: string; ws?: WebSocket }> {
  const ws = new WebSocket(url, { headers });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ status: 101, body: '', ws }));
    ws.once('unexpected-response', (_req, res: IncomingMessage) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.once('error', (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err);
    });
  });
}

const sockets = () => fx.app.websocketServer.clients.size;

async function connect(cookie: string): Promise<SocketClient> {
  const s = await connectSocket(url, cookie);
  open.push(s);
  return s;
}

/** A new transcript entry in the hearing: an event every watcher of it gets. */
async function entry(text: string) {
  const res = await fx.inject({
    method: 'POST',
    url: `/api/hearings/${fx.hearing.hearingId}/transcript/entries`,
    cookie: fx.cookies.clerkA,
    payload: { speaker: 'Court', text },
  });
  expect(res.statusCode, res.body).toBe(201);
}

const subscribe = (s: SocketClient, hearingId = fx.hearing.hearingId) =>
  s.ws.send(JSON.stringify({ type: 'subscribe', hearingId }));

describe('/api/ws and the Origin header', () => {
  it('opens for Gavel’s own origin, and the socket gets the hearing’s snapshot and events', async () => {
    for (const cookie of [fx.cookies.judgeA, fx.hearing.participants.plaintiff.cookie]) {
      const s = await connect(cookie);
      subscribe(s);
      const snapshot = await s.next((m) => m.type === 'snapshot');
      expect(snapshot.hearingId).toBe(fx.hearing.hearingId);
      const text = `Same origin ${Math.random()}`;
      await entry(text);
      const e = await s.next(isEvent('transcript.entry'), 15_000);
      expect(JSON.stringify(e.payload)).toContain(text);
    }
  });

  const FOREIGN: Record<string, string | undefined> = {
    'a foreign origin': 'https://evil.example',
    'a look-alike origin': 'http://gavel.test.evil.example',
    'Gavel’s host over another scheme': 'https://gavel.test',
    'Gavel’s host on another port': 'http://gavel.test:8080',
    'origin null': 'null',
    'no Origin at all': undefined,
  };

  it('refuses the upgrade (403) from any other origin, whatever the session, and opens no socket', async () => {
    const sessions = {
      'the hearing’s judge': fx.cookies.judgeA,
      'the hearing’s clerk': fx.cookies.clerkA,
      'a party of the hearing': fx.hearing.participants.plaintiff.cookie,
    };
    const before = sockets();
    const got: Record<string, string> = {};
    const want: Record<string, string> = {};
    for (const [who, cookie] of Object.entries(sessions)) {
      for (const [what, origin] of Object.entries(FOREIGN)) {
        const r = await attempt({ cookie, ...(origin ? { origin } : {}) });
        r.ws?.close();
        const code = r.body ? (JSON.parse(r.body) as { error?: { code?: string } }).error?.code : undefined;
        got[`${who}, ${what}`] = `${r.status} ${code ?? ''}`;
        want[`${who}, ${what}`] = '403 bad_origin';
      }
    }
    expect(got).toEqual(want);
    expect(sockets()).toBe(before);
    // Nothing is listening on the refused attempts' behalf: an event now reaches only the sockets that opened.
    const watcher = await connect(fx.cookies.judgeA);
    subscribe(watcher);
    await watcher.next((m) => m.type === 'snapshot');
    await entry(`After the refusals ${Math.random()}`);
    await watcher.next(isEvent('transcript.entry'), 15_000);
    expect(sockets()).toBe(before + 1);
  });

  it('refuses a socket without a usable session (401), even for a hearing open to the public', async () => {
    const h = fx.scratch.hearingId;
    const made = await fx.inject({
      method: 'PATCH',
      url: `/api/hearings/${h}`,
      cookie: fx.cookies.clerkA,
      payload: { public: true },
    });
    expect(made.statusCode, made.body).toBe(200);
    const before = sockets();
    const cases: Record<string, Record<string, string>> = {
      'no cookie': { origin: ORIGIN },
      'an unknown session cookie': { origin: ORIGIN, cookie: 'gavel_session=not-a-session' },
      'an unknown participant cookie': { origin: ORIGIN, cookie: `gavel_participant=${'x'.repeat(43)}` },
      'a half-signed-in session': { origin: ORIGIN, cookie: fx.cookies.halfSignedIn },
    };
    const got: Record<string, number> = {};
    for (const [what, headers] of Object.entries(cases)) {
      const r = await attempt(headers);
      r.ws?.close();
      got[what] = r.status;
    }
    expect(got).toEqual(Object.fromEntries(Object.keys(cases).map((k) => [k, 401])));
    expect(sockets()).toBe(before);
  });

  it('lets a socket subscribe only to a hearing its session may see, and sends it none of another’s events', async () => {
    const outsiders = {
      'a participant of another hearing': fx.cookies.partOther,
      'another judge of the court': fx.cookies.otherJudgeA,
      'a judge of another court': fx.cookies.judgeB,
      'a clerk of another court': fx.cookies.clerkB,
      'an admin of another court': fx.cookies.adminB,
    };
    const refused: Record<string, SocketClient> = {};
    for (const [who, cookie] of Object.entries(outsiders)) {
      const s = await connect(cookie);
      subscribe(s);
      const m = await s.next();
      expect(`${who}: ${String(m.type)} ${String(m.code)}`).toBe(`${who}: error not_found`);
      refused[who] = s;
    }
    const watcher = await connect(fx.cookies.clerkA);
    subscribe(watcher);
    await watcher.next((m) => m.type === 'snapshot');
    const text = `Not for outsiders ${Math.random()}`;
    await entry(text);
    await watcher.next(isEvent('transcript.entry'), 15_000);
    // The watcher has it; give the outsiders' sockets a moment longer than it took, then look.
    await new Promise((r) => setTimeout(r, 500));
    for (const [who, s] of Object.entries(refused)) {
      expect(
        s.messages.filter((m) => m.type !== 'error'),
        who,
      ).toEqual([]);
      expect(JSON.stringify(s.messages), who).not.toContain(text);
    }
  });
});
