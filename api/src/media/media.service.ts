import { DomainError } from '../http/errors.ts';
import type { LiveDeps } from '../lobby/live-deps.ts';
import { ENDED_STATES, mediaRoleOf, type LiveCaller } from '../lobby/live-caller.ts';
import { hearingGrant, mintMediaToken } from './grants.ts';

export interface MediaToken {
  url: string;
  token: string;
  room: string;
  identity: string;
}

const refused = (code: string, message: string) => new DomainError(403, code, message);

/**
 * The one door to the hearing's media room. The lobby is Gavel's: a participant gets a token only
 * once admitted, and never when removed or after the hearing.
 */
export class MediaService {
  private readonly d: LiveDeps;
  constructor(deps: LiveDeps) {
    this.d = deps;
  }

  async hearingToken(c: LiveCaller): Promise<MediaToken> {
    const h = c.hearing;
    if (c.kind === 'participant') {
      if (c.ended === 'removed' || c.participant.presence === 'removed') {
        throw refused('removed', 'The judge removed you from this hearing.');
      }
    }
    if (ENDED_STATES.has(h.state) || (c.kind === 'participant' && c.ended === 'hearing_ended')) {
      throw refused('hearing_ended', 'The hearing has ended.');
    }
    if (h.state !== 'open' && h.state !== 'in_session' && h.state !== 'recess') {
      throw refused('hearing_not_open', 'The hearing has not been opened yet.');
    }
    if (c.kind === 'staff') {
      return this.mint(`staff:${c.user.id}`, c.user.name, c, h.livekit_room, false);
    }
    const p = c.participant;
    if (p.presence === 'in_consultation') {
      throw refused('in_consultation', 'You are in a private consultation: use its token.');
    }
    if (p.presence !== 'admitted') throw refused('in_lobby', 'Wait in the lobby until the judge admits you.');
    return this.mint(p.id, p.display_name, c, h.livekit_room, p.screen_share_allowed);
  }

  private async mint(identity: string, name: string, c: LiveCaller, room: string, screenShareAllowed: boolean) {
    const role = mediaRoleOf(c);
    const token = await mintMediaToken(
      { apiKey: this.d.livekit.apiKey, apiSecret: this.d.livekit.apiSecret },
      { identity, name, role },
      hearingGrant(role, room, { screenShareAllowed }),
    );
    return { url: this.d.livekit.url, token, room, identity };
  }
}
