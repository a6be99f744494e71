import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { TokenVerifier, type VideoGrant } from 'livekit-server-sdk';

/**
 * A stand-in for the few LiveKit server APIs Gavel calls (Twirp JSON over HTTP), because no LiveKit
 * server can run on the build machines. Like the real server it refuses any call whose bearer JWT
 * does not verify with the API key's secret or lacks the grant that call needs.
 */
export interface StandinCall {
  service: string;
  method: string;
  body: Record<string, unknown>;
}

interface Requirement {
  grant: keyof VideoGrant;
  /** The grant must name the room the call is about. */
  roomScoped: boolean;
}

const REQUIREMENTS: Record<string, Requirement> = {
  'RoomService/CreateRoom': { grant: 'roomCreate', roomScoped: false },
  'RoomService/DeleteRoom': { grant: 'roomCreate', roomScoped: false },
  'RoomService/ListRooms': { grant: 'roomList', roomScoped: false },
  'RoomService/ListParticipants': { grant: 'roomAdmin', roomScoped: true },
  'RoomService/RemoveParticipant': { grant: 'roomAdmin', roomScoped: true },
  'RoomService/MutePublishedTrack': { grant: 'roomAdmin', roomScoped: true },
  'RoomService/UpdateParticipant': { grant: 'roomAdmin', roomScoped: true },
  'Egress/StartRoomCompositeEgress': { grant: 'roomRecord', roomScoped: false },
  'Egress/StopEgress': { grant: 'roomRecord', roomScoped: false },
  'Egress/ListEgress': { grant: 'roomRecord', roomScoped: false },
};

/** An egress as LiveKit's Twirp JSON shows it (EgressInfo: int64 as strings, enums by name). */
export interface StandinEgress {
  egressId: string;
  roomId: string;
  roomName: string;
  status:
    'EGRESS_STARTING' | 'EGRESS_ACTIVE' | 'EGRESS_ENDING' | 'EGRESS_COMPLETE' | 'EGRESS_FAILED' | 'EGRESS_ABORTED';
  startedAt: string;
  endedAt?: string;
  updatedAt: string;
  error?: string;
  /** What the start request asked for (not part of EgressInfo; kept for tests). */
  request: Record<string, unknown>;
  fileResults: Array<{ filename: string; size?: string; duration?: string; location?: string }>;
}

const ACTIVE_EGRESS = new Set(['EGRESS_STARTING', 'EGRESS_ACTIVE', 'EGRESS_ENDING']);

export class LiveKitStandin {
  readonly calls: StandinCall[] = [];
  readonly egresses = new Map<string, StandinEgress>();
  readonly rooms = new Map<string, { name: string; sid: string; emptyTimeout: number; maxParticipants: number }>();
  private server: Server | undefined;
  private readonly verifier: TokenVerifier;
  /** Set to make every call fail as if the media server were down. */
  unavailable = false;

  readonly apiKey: string;
  readonly apiSecret: string;

  constructor(apiKey: string, apiSecret: string) {
    this.apiKey = apiKey;
    this.apiSecret = apiSecret;
    this.verifier = new TokenVerifier(apiKey, apiSecret);
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as { port: number };
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The EgressInfo JSON of one egress (request left out), e.g. to sign into a test webhook. */
  egressInfo(egressId: string): Record<string, unknown> {
    const e = this.egresses.get(egressId);
    if (!e) throw new Error(`no egress ${egressId}`);
    const { request: _request, ...info } = e;
    return info;
  }

  /** Moves an egress on, as the egress worker would. */
  updateEgress(egressId: string, change: Partial<StandinEgress>): Record<string, unknown> {
    const e = this.egresses.get(egressId);
    if (!e) throw new Error(`no egress ${egressId}`);
    Object.assign(e, change, { updatedAt: nowNs() });
    return this.egressInfo(egressId);
  }

  callsOf(method: string): StandinCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const twirpError = (status: number, code: string, msg: string) => reply(status, { code, msg });

    const match = /^\/twirp\/livekit\.(\w+)\/(\w+)$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !match) return twirpError(404, 'bad_route', `no route ${req.method} ${req.url}`);
    const [, service, method] = match as unknown as [string, string, string];
    const requirement = REQUIREMENTS[`${service}/${method}`];
    if (!requirement) return twirpError(404, 'bad_route', `${service}/${method} is not served by the stand-in`);

    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    } catch {
      return twirpError(400, 'malformed', 'body is not JSON');
    }
    if (this.unavailable) return twirpError(503, 'unavailable', 'media server unavailable');

    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ')) return twirpError(401, 'unauthenticated', 'missing bearer token');
    let grant: VideoGrant | undefined;
    try {
      grant = (await this.verifier.verify(auth.slice('Bearer '.length))).video;
    } catch (err) {
      return twirpError(401, 'unauthenticated', `invalid token: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!grant?.[requirement.grant]) {
      return twirpError(403, 'permission_denied', `${method} needs the ${requirement.grant} grant`);
    }
    if (requirement.roomScoped && grant.room !== body.room) {
      return twirpError(
        403,
        'permission_denied',
        `the token's grant is for room ${String(grant.room)}, not ${String(body.room)}`,
      );
    }

    this.calls.push({ service, method, body });
    switch (method) {
      case 'CreateRoom': {
        const name = String(body.name ?? '');
        const room = this.rooms.get(name) ?? {
          name,
          sid: `RM_${Math.random().toString(36).slice(2, 12)}`,
          emptyTimeout: Number(body.emptyTimeout ?? 300),
          maxParticipants: Number(body.maxParticipants ?? 0),
        };
        this.rooms.set(name, room);
        return reply(200, room);
      }
      case 'DeleteRoom':
        this.rooms.delete(String(body.room));
        return reply(200, {});
      case 'ListRooms':
        return reply(200, { rooms: [...this.rooms.values()] });
      case 'ListParticipants':
        return reply(200, { participants: [] });
      case 'UpdateParticipant':
        return reply(200, { identity: body.identity, permission: body.permission });
      case 'MutePublishedTrack':
        return reply(200, { track: { sid: body.trackSid, muted: body.muted } });
      case 'StartRoomCompositeEgress': {
        const file = (body.file ?? (body.fileOutputs as unknown[] | undefined)?.[0] ?? {}) as Record<string, unknown>;
        const roomName = String(body.roomName ?? '');
        if (!roomName) return twirpError(400, 'invalid_argument', 'roomName is required');
        const e: StandinEgress = {
          egressId: `EG_${Math.random().toString(36).slice(2, 14)}`,
          roomId: this.rooms.get(roomName)?.sid ?? '',
          roomName,
          status: 'EGRESS_STARTING',
          startedAt: nowNs(),
          updatedAt: nowNs(),
          request: body,
          fileResults: [{ filename: String(file.filepath ?? '') }],
        };
        this.egresses.set(e.egressId, e);
        return reply(200, this.egressInfo(e.egressId));
      }
      case 'StopEgress': {
        const e = this.egresses.get(String(body.egressId));
        if (!e) return twirpError(404, 'not_found', 'egress not found');
        if (!ACTIVE_EGRESS.has(e.status)) return twirpError(412, 'failed_precondition', 'egress already ended');
        return reply(200, this.updateEgress(e.egressId, { status: 'EGRESS_ENDING' }));
      }
      case 'ListEgress': {
        const items = [...this.egresses.values()]
          .filter((e) => !body.roomName || e.roomName === body.roomName)
          .filter((e) => !body.egressId || e.egressId === body.egressId)
          .filter((e) => !body.active || ACTIVE_EGRESS.has(e.status))
          .map((e) => this.egressInfo(e.egressId));
        return reply(200, { items });
      }
      default:
        return reply(200, {});
    }
  }
}

const nowNs = () => String(BigInt(Date.now()) * 1_000_000n);
