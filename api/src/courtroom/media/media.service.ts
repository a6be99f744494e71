import type { LiveDeps } from '../live-deps.ts';
import { authorize, mediaRoleOf, type HearingCaller } from '../hearing-caller.ts';
import { hearingGrant, mintMediaToken } from './grants.ts';

export interface MediaToken {
  url: string;
  token: string;
  room: string;
  identity: string;
}

/**
 * The one door to the hearing's media room. The lobby is Gavel's: the hearing policy gives a token to
 * its judge and clerk while it is open, and to a participant only once admitted, never once removed.
 */
export class MediaService {
  private readonly d: LiveDeps;
  constructor(deps: LiveDeps) {
    this.d = deps;
  }

  async hearingToken(c: HearingCaller): Promise<MediaToken> {
    authorize(c, 'media.join');
    const h = c.hearing;
    if (c.user) return this.mint(`staff:${c.user.id}`, c.user.name, c, h.livekit_room, false);
    const p = c.participant!;
    return this.mint(p.id, p.display_name, c, h.livekit_room, p.screen_share_allowed);
  }

  private async mint(identity: string, name: string, c: HearingCaller, room: string, screenShareAllowed: boolean) {
    const role = mediaRoleOf(c);
    const token = await mintMediaToken(
      { apiKey: this.d.livekit.apiKey, apiSecret: this.d.livekit.apiSecret },
      { identity, name, role },
      hearingGrant(role, room, { screenShareAllowed }),
    );
    return { url: this.d.livekit.url, token, room, identity };
  }
}
