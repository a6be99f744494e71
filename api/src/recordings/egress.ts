import {
  EgressClient,
  type EgressInfo,
  EgressStatus,
  EncodedFileOutput,
  EncodedFileType,
  S3Upload,
} from 'livekit-server-sdk';
import type { RecordingConfig } from '../platform/config.ts';
import type { LiveKitServerConfig } from '../courtroom/media/livekit.service.ts';
import type { RecordingStatus } from './recordings.table.ts';

/** Private consultations are never recorded: refused here too, whatever the caller checked. */
export const isConsultationRoom = (room: string) => room.startsWith('consult-');

export class ConsultationNotRecorded extends Error {
  constructor(room: string) {
    super(`${room} is a private consultation room and is never recorded.`);
  }
}

/** What Gavel keeps of an Egress, whichever way it learnt of it (start answer, webhook, list). */
export interface EgressState {
  egressId: string;
  room: string;
  status: RecordingStatus;
  startedAt: Date | null;
  endedAt: Date | null;
  /** file: the path on the egress host; s3: the object key (or location URL LiveKit reports). */
  file: string | null;
  sizeBytes: number | null;
  durationMs: number | null;
  error: string | null;
}

const STATUS: Record<EgressStatus, RecordingStatus> = {
  [EgressStatus.EGRESS_STARTING]: 'starting',
  [EgressStatus.EGRESS_ACTIVE]: 'active',
  [EgressStatus.EGRESS_ENDING]: 'ending',
  [EgressStatus.EGRESS_COMPLETE]: 'complete',
  [EgressStatus.EGRESS_FAILED]: 'failed',
  [EgressStatus.EGRESS_ABORTED]: 'aborted',
  // The egress stopped at a configured limit: the record is cut short, so it is a failure.
  [EgressStatus.EGRESS_LIMIT_REACHED]: 'failed',
};

// LiveKit's times are nanoseconds since the epoch; 0 means "not yet".
const nsToDate = (ns: bigint) => (ns > 0n ? new Date(Number(ns / 1_000_000n)) : null);

export function egressState(info: EgressInfo): EgressState {
  const file = info.fileResults[0] ?? (info.result.case === 'file' ? info.result.value : undefined);
  return {
    egressId: info.egressId,
    room: info.roomName,
    status: STATUS[info.status] ?? 'failed',
    startedAt: nsToDate(info.startedAt),
    endedAt: nsToDate(info.endedAt),
    file: file?.filename || file?.location || null,
    sizeBytes: file && file.size > 0n ? Number(file.size) : null,
    durationMs: file && file.duration > 0n ? Number(file.duration / 1_000_000n) : null,
    error: info.error || null,
  };
}

/**
 * The few Egress calls Gavel makes: a speaker-layout MP4 of the hearing room, to the egress host's
 * directory or to S3, chosen by RECORDING_OUTPUT.
 */
export class HearingEgress {
  private readonly client: EgressClient;
  private readonly recording: RecordingConfig;

  constructor(livekit: LiveKitServerConfig, recording: RecordingConfig) {
    this.client = new EgressClient(livekit.apiUrl, livekit.apiKey, livekit.apiSecret, {
      requestTimeout: 10,
      failover: false,
    });
    this.recording = recording;
  }

  /** Where this recording is written: a path under RECORDING_FILE_DIR, or an object key. */
  target(hearingId: string, at: Date): string {
    const name = `${hearingId}/${at.toISOString().replace(/[:.]/g, '-')}.mp4`;
    return this.recording.output === 's3'
      ? `recordings/${name}`
      : `${this.recording.fileDir.replace(/\/$/, '')}/${name}`;
  }

  async start(room: string, filepath: string): Promise<EgressState> {
    if (isConsultationRoom(room)) throw new ConsultationNotRecorded(room);
    const s3 = this.recording.s3;
    const file = new EncodedFileOutput({
      fileType: EncodedFileType.MP4,
      filepath,
      disableManifest: true,
      ...(this.recording.output === 's3' && s3
        ? {
            output: {
              case: 's3',
              value: new S3Upload({
                accessKey: s3.accessKeyId,
                secret: s3.secretAccessKey,
                region: s3.region,
                endpoint: s3.endpoint ?? '',
                bucket: s3.bucket,
                forcePathStyle: s3.forcePathStyle,
              }),
            },
          }
        : {}),
    });
    const info = await this.client.startRoomCompositeEgress(room, { file }, { layout: 'speaker' });
    return { ...egressState(info), file: egressState(info).file ?? filepath };
  }

  async stop(egressId: string): Promise<EgressState> {
    return egressState(await this.client.stopEgress(egressId));
  }

  /** Every egress LiveKit still runs (or, with an id, that one whatever its state). */
  async list(opts: { active?: boolean; egressId?: string } = {}): Promise<EgressState[]> {
    return (await this.client.listEgress(opts)).map(egressState);
  }
}
