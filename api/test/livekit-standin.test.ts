import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessToken, RoomServiceClient } from 'livekit-server-sdk';
import { LiveKitStandin } from './livekit-standin.ts';

const standin = new LiveKitStandin('devkey', 'standin-secret-standin-secret-0001');
let url: string;
beforeAll(async () => {
  url = await standin.start();
});
afterAll(async () => {
  await standin.stop();
});

describe('the LiveKit stand-in checks credentials like the real server', () => {
  it('serves the real SDK client with the right key and secret', async () => {
    const rooms = new RoomServiceClient(url, 'devkey', 'standin-secret-standin-secret-0001');
    const room = await rooms.createRoom({ name: 'hearing-1', emptyTimeout: 600, maxParticipants: 50 });
    expect(room.name).toBe('hearing-1');
    expect(room.maxParticipants).toBe(50);
    await rooms.updateParticipant('hearing-1', 'p1', undefined, {
      canPublish: false,
      canSubscribe: true,
      canPublishData: false,
      hidden: true,
    });
    await rooms.deleteRoom('hearing-1');
    expect(standin.calls.map((c) => c.method)).toEqual(['CreateRoom', 'UpdateParticipant', 'DeleteRoom']);
    expect(standin.rooms.size).toBe(0);
  });

  it('refuses a client with the wrong secret', async () => {
    const rooms = new RoomServiceClient(url, 'devkey', 'not-the-secret-not-the-secret-0002');
    await expect(rooms.createRoom({ name: 'x' })).rejects.toThrow(/invalid token|unauthenticated|signature/i);
  });

  it('refuses a token without the grant the call needs, or for another room', async () => {
    const call = async (grant: Record<string, unknown>, body: Record<string, unknown>) => {
      const t = new AccessToken('devkey', 'standin-secret-standin-secret-0001', { ttl: '1m', identity: 'someone' });
      t.addGrant(grant);
      return fetch(`${url}/twirp/livekit.RoomService/RemoveParticipant`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await t.toJwt()}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    };
    expect((await call({ roomJoin: true, room: 'r1' }, { room: 'r1', identity: 'p' })).status).toBe(403);
    expect((await call({ roomAdmin: true, room: 'r2' }, { room: 'r1', identity: 'p' })).status).toBe(403);
    expect((await call({ roomAdmin: true, room: 'r1' }, { room: 'r1', identity: 'p' })).status).toBe(200);
    const anonymous = await fetch(`${url}/twirp/livekit.RoomService/DeleteRoom`, { method: 'POST', body: '{}' });
    expect(anonymous.status).toBe(401);
  });
});
