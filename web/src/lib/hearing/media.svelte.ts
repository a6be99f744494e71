import {
  ConnectionQuality,
  Room,
  RoomEvent,
  Track,
  type DisconnectReason,
  type Participant,
  type TrackPublication,
} from 'livekit-client';
import type { MediaToken } from './types.ts';

export type MediaStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'unavailable' | 'disconnected';

/** One tile of the video grid: a participant in the LiveKit room and the tracks to show. */
export interface TileInfo {
  identity: string;
  name: string;
  role: string;
  isLocal: boolean;
  speaking: boolean;
  quality: ConnectionQuality;
  camera: Track | undefined;
  microphone: Track | undefined;
  screen: Track | undefined;
  micMuted: boolean;
  micSid: string | undefined;
}

export interface MediaPreferences {
  camera: boolean;
  microphone: boolean;
  cameraId?: string | undefined;
  microphoneId?: string | undefined;
}

function roleOf(p: Participant): string {
  try {
    const meta = JSON.parse(p.metadata ?? '{}') as { role?: unknown };
    return typeof meta.role === 'string' ? meta.role : '';
  } catch {
    return '';
  }
}

const shown = (pub: TrackPublication | undefined) => (pub && !pub.isMuted ? pub.track : undefined);

/**
 * The hearing's media through livekit-client. Gavel's lobby, state and chat never depend on it:
 * when LiveKit cannot be reached, the status says so and everything else keeps working.
 */
export class CourtMedia {
  status = $state<MediaStatus>('idle');
  tiles = $state.raw<TileInfo[]>([]);
  quality = $state<ConnectionQuality>(ConnectionQuality.Unknown);
  micOn = $state(false);
  camOn = $state(false);
  screenOn = $state(false);
  /** Why the last publish attempt failed (a device refused, a permission missing). */
  deviceError = $state('');
  /** Why LiveKit disconnected us, when it did. */
  disconnectReason = $state<DisconnectReason | undefined>(undefined);
  /** The browser would not start the room's sound without a tap (autoplay policy, iOS Safari above all). */
  audioBlocked = $state(false);

  #room: Room | undefined;
  #leaving = false;

  get room(): Room | undefined {
    return this.#room;
  }

  async connect(token: MediaToken, prefs: MediaPreferences): Promise<void> {
    await this.disconnect();
    this.#leaving = false;
    this.status = 'connecting';
    this.disconnectReason = undefined;
    const room = new Room({
      adaptiveStream: true,
      dynacast: true,
      ...(prefs.cameraId ? { videoCaptureDefaults: { deviceId: prefs.cameraId } } : {}),
      ...(prefs.microphoneId ? { audioCaptureDefaults: { deviceId: prefs.microphoneId } } : {}),
    });
    this.#room = room;
    const refresh = () => this.#refresh();
    room
      .on(RoomEvent.ParticipantConnected, refresh)
      .on(RoomEvent.ParticipantDisconnected, refresh)
      .on(RoomEvent.TrackSubscribed, refresh)
      .on(RoomEvent.TrackUnsubscribed, refresh)
      .on(RoomEvent.TrackMuted, refresh)
      .on(RoomEvent.TrackUnmuted, refresh)
      .on(RoomEvent.LocalTrackPublished, refresh)
      .on(RoomEvent.LocalTrackUnpublished, refresh)
      .on(RoomEvent.ActiveSpeakersChanged, refresh)
      .on(RoomEvent.ParticipantPermissionsChanged, refresh)
      .on(RoomEvent.ConnectionQualityChanged, (quality, participant) => {
        if (participant.isLocal) this.quality = quality;
        refresh();
      })
      .on(RoomEvent.Reconnecting, () => (this.status = 'reconnecting'))
      .on(RoomEvent.SignalReconnecting, () => (this.status = 'reconnecting'))
      .on(RoomEvent.Reconnected, () => (this.status = 'connected'))
      .on(RoomEvent.AudioPlaybackStatusChanged, () => {
        if (this.#room === room) this.audioBlocked = !room.canPlaybackAudio;
      })
      .on(RoomEvent.Disconnected, (reason) => {
        if (this.#room !== room) return;
        this.disconnectReason = reason;
        // A failed first connect also ends here: the catch below reports it as unreachable.
        if (this.status !== 'connecting') this.status = this.#leaving ? 'idle' : 'disconnected';
        this.#room = undefined;
        this.tiles = [];
        this.audioBlocked = false;
        this.#syncLocal();
      });

    try {
      await room.connect(token.url, token.token);
    } catch {
      if (this.#room === room || this.#room === undefined) {
        this.#room = undefined;
        this.tiles = [];
        this.status = 'unavailable';
      }
      return;
    }
    if (this.#room !== room) return;
    this.status = 'connected';
    this.audioBlocked = !room.canPlaybackAudio;
    await this.#publish(prefs);
    this.#refresh();
  }

  async #publish(prefs: MediaPreferences): Promise<void> {
    const local = this.#room?.localParticipant;
    if (!local) return;
    this.deviceError = '';
    try {
      if (prefs.microphone) await local.setMicrophoneEnabled(true);
      if (prefs.camera) await local.setCameraEnabled(true);
    } catch (error) {
      this.deviceError = error instanceof Error ? error.message : String(error);
    }
    this.#syncLocal();
  }

  async disconnect(): Promise<void> {
    const room = this.#room;
    if (!room) return;
    this.#leaving = true;
    this.#room = undefined;
    await room.disconnect();
    this.status = 'idle';
    this.tiles = [];
    this.micOn = this.camOn = this.screenOn = false;
    this.audioBlocked = false;
  }

  /** Starts the room's sound from a tap, which is what a blocking browser waits for. */
  async startAudio(): Promise<void> {
    const room = this.#room;
    if (!room) return;
    await room.startAudio().catch(() => undefined);
    this.audioBlocked = !room.canPlaybackAudio;
  }

  async toggleMicrophone(): Promise<void> {
    await this.#local((p) => p.setMicrophoneEnabled(!this.micOn));
  }

  async toggleCamera(): Promise<void> {
    await this.#local((p) => p.setCameraEnabled(!this.camOn));
  }

  async toggleScreenShare(): Promise<void> {
    await this.#local((p) => p.setScreenShareEnabled(!this.screenOn));
  }

  /** Stops sharing when the judge withdraws the permission. */
  async stopScreenShare(): Promise<void> {
    if (this.screenOn) await this.#local((p) => p.setScreenShareEnabled(false));
  }

  async switchDevice(kind: 'audioinput' | 'videoinput', deviceId: string): Promise<void> {
    if (!this.#room) return;
    try {
      await this.#room.switchActiveDevice(kind, deviceId);
    } catch (error) {
      this.deviceError = error instanceof Error ? error.message : String(error);
    }
  }

  /** The microphone track of a participant in the room, for the judge's mute. */
  microphoneSid(identity: string): string | undefined {
    return this.#room?.remoteParticipants.get(identity)?.getTrackPublication(Track.Source.Microphone)?.trackSid;
  }

  async #local(action: (p: Room['localParticipant']) => Promise<unknown>): Promise<void> {
    const local = this.#room?.localParticipant;
    if (!local) return;
    this.deviceError = '';
    try {
      await action(local);
    } catch (error) {
      this.deviceError = error instanceof Error ? error.message : String(error);
    }
    this.#syncLocal();
    this.#refresh();
  }

  #syncLocal(): void {
    const local = this.#room?.localParticipant;
    this.micOn = local?.isMicrophoneEnabled ?? false;
    this.camOn = local?.isCameraEnabled ?? false;
    this.screenOn = local?.isScreenShareEnabled ?? false;
  }

  #refresh(): void {
    const room = this.#room;
    if (!room || (this.status !== 'connected' && this.status !== 'reconnecting')) {
      this.tiles = [];
      return;
    }
    const all: Participant[] = [room.localParticipant, ...room.remoteParticipants.values()];
    this.tiles = all.map((p) => {
      const mic = p.getTrackPublication(Track.Source.Microphone);
      return {
        identity: p.identity,
        name: p.name || p.identity,
        role: roleOf(p),
        isLocal: p.isLocal,
        speaking: p.isSpeaking,
        quality: p.connectionQuality,
        camera: shown(p.getTrackPublication(Track.Source.Camera)),
        microphone: p.isLocal ? undefined : shown(mic),
        screen: shown(p.getTrackPublication(Track.Source.ScreenShare)),
        micMuted: !mic || mic.isMuted,
        micSid: mic?.trackSid,
      };
    });
    this.#syncLocal();
  }
}
