import { describe, expect, it } from 'vitest';
import { TokenVerifier, TrackSource } from 'livekit-server-sdk';
import {
  GRANT_TABLE,
  consultationGrant,
  hearingGrant,
  mintMediaToken,
  participantPermission,
  type MediaRole,
} from './grants.ts';

const keys = { apiKey: 'devkey', apiSecret: 'a-test-secret-of-reasonable-length' };
const verifier = new TokenVerifier(keys.apiKey, keys.apiSecret);
const ROLES = Object.keys(GRANT_TABLE) as MediaRole[];
const { CAMERA, MICROPHONE, SCREEN_SHARE } = TrackSource;

// The product's grant table, written out independently of the code's. No browser token is a room admin
// or may record: every privileged act goes through Gavel's API.
const EXPECTED: Record<MediaRole, { sources: TrackSource[]; data: boolean; hidden: boolean }> = {
  judge: { sources: [CAMERA, MICROPHONE, SCREEN_SHARE], data: true, hidden: false },
  clerk: { sources: [MICROPHONE, SCREEN_SHARE], data: true, hidden: false },
  plaintiff: { sources: [CAMERA, MICROPHONE], data: false, hidden: false },
  defendant: { sources: [CAMERA, MICROPHONE], data: false, hidden: false },
  agent: { sources: [CAMERA, MICROPHONE], data: false, hidden: false },
  witness: { sources: [CAMERA, MICROPHONE], data: false, hidden: false },
  interpreter: { sources: [CAMERA, MICROPHONE], data: false, hidden: false },
  observer: { sources: [], data: false, hidden: true },
};

async function decode(role: MediaRole, grant = hearingGrant(role, 'hearing-room-1')) {
  const jwt = await mintMediaToken(keys, { identity: `p-${role}`, name: `Name of ${role}`, role }, grant);
  return verifier.verify(jwt);
}

describe('the role → grant table in issued tokens', () => {
  it.each(ROLES)('%s gets exactly its powers, decoded with TokenVerifier', async (role) => {
    const claims = await decode(role);
    const e = EXPECTED[role];
    expect(claims.sub).toBe(`p-${role}`);
    expect(claims.name).toBe(`Name of ${role}`);
    expect(JSON.parse(claims.metadata ?? '{}')).toEqual({ role });
    expect(claims.exp! - claims.nbf!).toBe(300);
    expect(claims.video).toMatchObject({
      room: 'hearing-room-1',
      roomJoin: true,
      canSubscribe: true,
      canPublish: e.sources.length > 0,
      canPublishData: e.data,
      roomAdmin: false,
      roomRecord: false,
      hidden: e.hidden,
      roomCreate: false,
      roomList: false,
    });
    expect([...(claims.video!.canPublishSources ?? [])].sort()).toEqual(
      e.sources.map((s) => ['', 'camera', 'microphone', 'screen_share'][s]).sort(),
    );
  });

  it('an observer can publish nothing and is hidden; no one, judge included, may administer or record the room', async () => {
    const observer = await decode('observer');
    expect(observer.video?.canPublish).toBe(false);
    expect(observer.video?.canPublishSources).toEqual([]);
    expect(observer.video?.canPublishData).toBe(false);
    for (const role of ROLES) {
      const video = (await decode(role)).video;
      for (const power of ['roomAdmin', 'roomRecord', 'roomCreate', 'roomList'] as const)
        expect(video?.[power]).toBe(false);
    }
  });

  it('screen share is added for a party only while the judge allows it, never for a witness', async () => {
    const allowed = await decode('agent', hearingGrant('agent', 'r', { screenShareAllowed: true }));
    expect(allowed.video?.canPublishSources).toContain('screen_share');
    const witness = await decode('witness', hearingGrant('witness', 'r', { screenShareAllowed: true }));
    expect(witness.video?.canPublishSources).not.toContain('screen_share');
  });

  it('a consultation token names only its own room and cannot record or administer', async () => {
    const claims = await decode('plaintiff', consultationGrant('consult-abc'));
    expect(claims.video).toMatchObject({
      room: 'consult-abc',
      roomRecord: false,
      roomAdmin: false,
      canPublishData: false,
    });
  });

  it('the runtime permission object is whole: every field present', () => {
    for (const role of ROLES) {
      const p = participantPermission(role);
      expect(Object.keys(p).sort()).toEqual(
        [
          'canPublish',
          'canPublishData',
          'canPublishSources',
          'canSubscribe',
          'canSubscribeMetrics',
          'canUpdateMetadata',
          'hidden',
        ].sort(),
      );
      expect(p.canPublishData).toBe(EXPECTED[role].data);
    }
  });

  it('a token signed with another secret is refused', async () => {
    const jwt = await mintMediaToken(
      { apiKey: 'devkey', apiSecret: 'some-other-secret-entirely-here' },
      { identity: 'x', name: 'x', role: 'judge' },
      hearingGrant('judge', 'r'),
    );
    await expect(verifier.verify(jwt)).rejects.toThrow();
  });
});
