import { AccessToken, TrackSource, type VideoGrant } from 'livekit-server-sdk';

/** Everyone who can be in a hearing's media room: the bench and the invited participants. */
export type MediaRole =
  'judge' | 'clerk' | 'plaintiff' | 'defendant' | 'agent' | 'witness' | 'interpreter' | 'observer';

interface RolePowers {
  sources: TrackSource[];
  /** Parties and agents may share their screen only while the judge allows it. */
  screenShareOnGrant: boolean;
  canPublishData: boolean;
  hidden: boolean;
}

const { CAMERA, MICROPHONE, SCREEN_SHARE } = TrackSource;

/**
 * The one role → grant table: nothing else in Gavel decides media powers. No browser token ever carries
 * roomAdmin, roomRecord, roomCreate or roomList: LiveKit checks roomRecord without looking at the room (a
 * browser holding it could start, list or stop Egress for every room on the server, unaudited), and
 * roomAdmin would let a browser mute or remove people without a trace. Every privileged act is a Gavel
 * API call, made server-side and audited.
 */
export const GRANT_TABLE: Readonly<Record<MediaRole, Readonly<RolePowers>>> = {
  judge: {
    sources: [CAMERA, MICROPHONE, SCREEN_SHARE],
    screenShareOnGrant: false,
    canPublishData: true,
    hidden: false,
  },
  clerk: {
    sources: [MICROPHONE, SCREEN_SHARE],
    screenShareOnGrant: false,
    canPublishData: true,
    hidden: false,
  },
  plaintiff: {
    sources: [CAMERA, MICROPHONE],
    screenShareOnGrant: true,
    canPublishData: false,
    hidden: false,
  },
  defendant: {
    sources: [CAMERA, MICROPHONE],
    screenShareOnGrant: true,
    canPublishData: false,
    hidden: false,
  },
  agent: {
    sources: [CAMERA, MICROPHONE],
    screenShareOnGrant: true,
    canPublishData: false,
    hidden: false,
  },
  witness: {
    sources: [CAMERA, MICROPHONE],
    screenShareOnGrant: false,
    canPublishData: false,
    hidden: false,
  },
  interpreter: {
    sources: [CAMERA, MICROPHONE],
    screenShareOnGrant: false,
    canPublishData: false,
    hidden: false,
  },
  observer: {
    sources: [],
    screenShareOnGrant: false,
    canPublishData: false,
    hidden: true,
  },
};

export interface GrantOptions {
  /** The judge has allowed this party or agent to share their screen. */
  screenShareAllowed?: boolean;
}

function sourcesFor(role: MediaRole, opts: GrantOptions): TrackSource[] {
  const powers = GRANT_TABLE[role];
  return powers.screenShareOnGrant && opts.screenShareAllowed ? [...powers.sources, SCREEN_SHARE] : [...powers.sources];
}

/** The video grant of a token for the hearing's room. Every field is explicit: LiveKit defaults some to true. */
export function hearingGrant(role: MediaRole, room: string, opts: GrantOptions = {}): VideoGrant {
  const powers = GRANT_TABLE[role];
  const sources = sourcesFor(role, opts);
  return {
    room,
    roomJoin: true,
    canPublish: sources.length > 0,
    canPublishSources: sources,
    canSubscribe: true,
    canPublishData: powers.canPublishData,
    canUpdateOwnMetadata: false,
    roomAdmin: false,
    roomRecord: false,
    roomCreate: false,
    roomList: false,
    hidden: powers.hidden,
  };
}

/**
 * A private consultation room (a party and their own agent): camera and microphone, nothing else.
 * Never recorded, and no one in it administers it.
 */
export function consultationGrant(room: string): VideoGrant {
  return {
    room,
    roomJoin: true,
    canPublish: true,
    canPublishSources: [CAMERA, MICROPHONE],
    canSubscribe: true,
    canPublishData: false,
    canUpdateOwnMetadata: false,
    roomAdmin: false,
    roomRecord: false,
    roomCreate: false,
    roomList: false,
    hidden: false,
  };
}

/**
 * The whole permission object for RoomService.updateParticipant: LiveKit replaces the participant's
 * permission with it, so a field left out would become false.
 */
export function participantPermission(role: MediaRole, opts: GrantOptions = {}) {
  const grant = hearingGrant(role, '', opts);
  return {
    canSubscribe: grant.canSubscribe ?? false,
    canPublish: grant.canPublish ?? false,
    canPublishData: grant.canPublishData ?? false,
    canPublishSources: grant.canPublishSources ?? [],
    hidden: grant.hidden ?? false,
    canUpdateMetadata: false,
    canSubscribeMetrics: false,
  };
}

export interface LiveKitKeys {
  apiKey: string;
  apiSecret: string;
}

/** Tokens only bound the initial join (LiveKit refreshes connected participants' tokens). */
export const MEDIA_TOKEN_TTL = '5m';

export async function mintMediaToken(
  keys: LiveKitKeys,
  who: { identity: string; name: string; role: MediaRole },
  grant: VideoGrant,
): Promise<string> {
  const token = new AccessToken(keys.apiKey, keys.apiSecret, {
    identity: who.identity,
    name: who.name,
    metadata: JSON.stringify({ role: who.role }),
    ttl: MEDIA_TOKEN_TTL,
  });
  token.addGrant(grant);
  return token.toJwt();
}
