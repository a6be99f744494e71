import { RoomServiceClient, TwirpError } from 'livekit-server-sdk';
import { participantPermission, type GrantOptions, type MediaRole } from './grants.ts';

export interface LiveKitServerConfig {
  apiUrl: string;
  apiKey: string;
  apiSecret: string;
}

/** Rooms of a hearing: the lobby is Gavel's, so rooms hold only admitted people and the bench. */
export const HEARING_ROOM = { emptyTimeout: 600, maxParticipants: 200 } as const;
export const CONSULTATION_ROOM = { emptyTimeout: 300 } as const;

const isNotFound = (err: unknown) => err instanceof TwirpError && (err.status === 404 || err.code === 'not_found');

/**
 * The few RoomService calls Gavel makes, with the API key and secret from the configuration.
 * Calls fail fast (5 s) so a media server that is down never holds up the lobby, state or chat.
 */
export class LiveKitRooms {
  private readonly client: RoomServiceClient;

  constructor(config: LiveKitServerConfig) {
    this.client = new RoomServiceClient(config.apiUrl, config.apiKey, config.apiSecret, {
      requestTimeout: 5,
      failover: false,
    });
  }

  async createRoom(name: string, opts: { emptyTimeout: number; maxParticipants: number }): Promise<void> {
    await this.client.createRoom({ name, emptyTimeout: opts.emptyTimeout, maxParticipants: opts.maxParticipants });
  }

  /** Disconnects everyone in it. A room that is already gone is fine. */
  async deleteRoom(name: string): Promise<void> {
    try {
      await this.client.deleteRoom(name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /** A participant who is not connected is fine: the DB flag keeps them out from here on. */
  async removeParticipant(room: string, identity: string): Promise<void> {
    try {
      await this.client.removeParticipant(room, identity);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  async mute(room: string, identity: string, trackSid: string): Promise<void> {
    await this.client.mutePublishedTrack(room, identity, trackSid, true);
  }

  /** The WHOLE permission object from the grant table: LiveKit replaces it, so nothing may be left out. */
  async setPermission(
    room: string,
    identity: string,
    role: MediaRole,
    opts: GrantOptions,
  ): Promise<'updated' | 'not_connected'> {
    try {
      await this.client.updateParticipant(room, identity, undefined, participantPermission(role, opts));
      return 'updated';
    } catch (err) {
      if (isNotFound(err)) return 'not_connected';
      throw err;
    }
  }
}
