import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { RecordingConfig } from '../platform/config.ts';
import type { Database } from '../platform/db/schema.ts';
import * as audit from '../audit/audit.service.ts';
import * as recordLog from '../record-log/log.service.ts';
import type { RecordLog } from '../record-log/log.service.ts';
import { SYSTEM_ACTOR, type Actor } from '../audit/audit.service.ts';
import { DomainError, notFound } from '../platform/http/errors.ts';
import { findHearing, lockHearing, type HearingRow } from '../scheduling/hearings.service.ts';
import { authorizeStaff, type HearingCaller } from '../courtroom/hearing-caller.ts';
import type { StateAction, RecordingAutomation } from '../courtroom/control.service.ts';
import type { RealtimeHub } from '../platform/realtime/realtime.hub.ts';
import { noteInRecord } from '../record/procedural.ts';
import { ConsultationNotRecorded, isConsultationRoom, type EgressState, type HearingEgress } from './egress.ts';
import * as repo from './recordings.repository.ts';
import type { RecordingStatus } from './recordings.table.ts';

export interface RecordingDeps {
  db: Kysely<Database>;
  hub: RealtimeHub;
  egress: HearingEgress;
  recording: RecordingConfig;
  log: FastifyBaseLogger;
  now: () => Date;
  /** The court's record log: each finished recording file is a leaf of it. */
  recordLog?: RecordLog;
}

/** A status only moves forward; a finished recording stays finished. */
const RANK: Record<RecordingStatus, number> = { starting: 0, active: 1, ending: 2, complete: 3, failed: 3, aborted: 3 };
const FINAL = new Set<RecordingStatus>(['complete', 'failed', 'aborted']);
const PRESIGN_SECONDS = 300;

export function recordingView(r: repo.RecordingRow) {
  return {
    id: r.id,
    status: r.status,
    output: r.output,
    startedBy: r.started_by ? { id: r.started_by, name: r.started_by_name ?? '' } : null,
    startedAt: r.started_at.toISOString(),
    endedAt: r.ended_at ? r.ended_at.toISOString() : null,
    durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
    sizeBytes: r.size_bytes === null ? null : Number(r.size_bytes),
    error: r.error,
    interrupted: r.interrupted_at !== null,
    downloadable: r.status === 'complete' && r.file_location !== null,
  };
}

/** What everyone in the hearing is told: Gavel's own state, not only LiveKit's isRecording. */
export function statusPayload(r: { id: string; status: RecordingStatus } | undefined) {
  return {
    recording: !!r && repo.RECORDING_STATUSES.includes(r.status),
    status: r?.status ?? null,
    recordingId: r?.id ?? null,
  };
}

/** The hearing's recording now, as the realtime snapshot shows it. */
export async function recordingStatus(db: Kysely<Database>, hearingId: string) {
  return statusPayload(await repo.latestRecording(db, hearingId));
}

/**
 * The official recording: started by the bench (or by Gavel when the hearing requires it), kept
 * from Egress webhooks, and never silently lost: an interruption alerts the bench, is audited and
 * noted in the record.
 */
export class RecordingService implements RecordingAutomation {
  private readonly d: RecordingDeps;
  private s3: S3Client | undefined;

  constructor(deps: RecordingDeps) {
    this.d = deps;
  }

  /** The judge or clerk starts recording the hearing room; any other room is refused. */
  async start(c: HearingCaller, room: string | undefined) {
    const caller = authorizeStaff(c, 'recording.control');
    const h = caller.hearing;
    const target = room ?? h.livekit_room;
    if (isConsultationRoom(target)) {
      throw new DomainError(403, 'consultation_not_recorded', 'A private consultation is never recorded.');
    }
    if (target !== h.livekit_room) {
      throw new DomainError(400, 'not_hearing_room', 'Only the hearing’s own room can be recorded.');
    }
    const r = await this.begin(h, { type: 'user', id: caller.user.id }, caller.user.id, false);
    if (!r) throw new DomainError(409, 'already_recording', 'The hearing is already being recorded.');
    return { recording: r };
  }

  async stop(c: HearingCaller) {
    const caller = authorizeStaff(c, 'recording.control');
    const h = caller.hearing;
    const r = await this.end(h.id, { type: 'user', id: caller.user.id }, true);
    if (!r) throw new DomainError(409, 'not_recording', 'The hearing is not being recorded.');
    return { recording: r };
  }

  async list(c: HearingCaller) {
    authorizeStaff(c, 'recordings.read');
    return { recordings: (await repo.listRecordings(this.d.db, c.hearing.id)).map(recordingView) };
  }

  /** Local file: a path Gavel can stream. S3: a presigned URL valid for five minutes. */
  async download(c: HearingCaller, id: string) {
    const { user, hearing } = authorizeStaff(c, 'recordings.read');
    const hearingId = hearing.id;
    const r = await repo.findRecording(this.d.db, hearingId, id);
    if (!r) throw notFound('Recording');
    if (r.status !== 'complete' || !r.file_location) {
      throw new DomainError(409, 'recording_not_ready', `This recording is ${r.status}; it has no file to download.`);
    }
    await audit.append(this.d.db, {
      stream: hearingId,
      actor: { type: 'user', id: user.id },
      action: 'recording.downloaded',
      payload: { recordingId: r.id },
    });
    const name = `hearing-${hearingId}-${r.started_at.toISOString().replace(/[:.]/g, '-')}.mp4`;
    if (r.output === 's3') {
      return { kind: 'url' as const, url: await this.presign(r.file_location, name), name };
    }
    const path = this.localPath(r.file_location);
    const stat = path ? await fs.stat(path).catch(() => null) : null;
    if (!path || !stat?.isFile()) {
      throw new DomainError(
        404,
        'recording_file_missing',
        'The recording’s file is not where Egress wrote it. Check that RECORDING_LOCAL_DIR shows the egress output volume.',
      );
    }
    // A file Egress finished before Gavel could see it goes in the record log now, before anyone has a copy.
    await this.logFile(r.id);
    return { kind: 'file' as const, path, size: stat.size, mtime: stat.mtime, name };
  }

  openFile(path: string, range?: { start: number; end: number }) {
    return createReadStream(path, range);
  }

  /**
   * Hashes a finished recording's file into the record log, once: the SHA-256 is kept on the row (which
   * can then neither change nor point elsewhere), a `recording.file` leaf is appended and the hearing's
   * trail says so. Called when Egress reports the recording complete, and again before a download or an
   * export, since Egress's volume may show the file to Gavel after the webhook. Null when there is no log,
   * the recording is not a finished local file, or Gavel cannot read the file yet.
   */
  async logFile(recordingId: string): Promise<string | null> {
    const log = this.d.recordLog;
    if (!log) return null;
    const r = await repo.recordingById(this.d.db, recordingId);
    if (!r) return null;
    if (r.file_sha256) return r.file_sha256;
    if (r.status !== 'complete' || r.output !== 'file' || !r.file_location) return null;
    const path = this.localPath(r.file_location);
    const stat = path ? await fs.stat(path).catch(() => null) : null;
    if (!path || !stat?.isFile()) return null;
    const hash = createHash('sha256');
    await pipeline(createReadStream(path), hash);
    const sha256 = hash.digest('hex');
    return this.d.db.transaction().execute(async (trx) => {
      const row = await repo.lockRecording(trx, recordingId);
      if (!row) return null;
      if (row.file_sha256) return row.file_sha256;
      const at = this.d.now();
      await repo.updateRecording(trx, recordingId, { file_sha256: sha256 });
      const { index } = await recordLog.append(trx, log, {
        kind: 'recording.file',
        sha256,
        ref: `recording:${recordingId}`,
        hearingId: row.hearing_id,
        at,
      });
      await audit.append(trx, {
        stream: row.hearing_id,
        actor: SYSTEM_ACTOR,
        action: 'recording.logged',
        payload: { recordingId, sha256, sizeBytes: stat.size, leafIndex: index },
      });
      return sha256;
    });
  }

  /** The egress host's path, seen from Gavel: the same place under RECORDING_LOCAL_DIR, never outside it. */
  localPath(location: string): string | null {
    const { fileDir, localDir } = this.d.recording;
    const rel = isAbsolute(location) ? relative(fileDir, location) : location;
    if (!rel || rel.startsWith('..') || isAbsolute(rel)) return null;
    const full = resolve(localDir, rel);
    return full.startsWith(localDir + sep) ? full : null;
  }

  async presign(key: string, filename: string): Promise<string> {
    const s3 = this.d.recording.s3;
    if (!s3) throw new DomainError(409, 'recording_not_ready', 'S3 storage is not configured.');
    this.s3 ??= new S3Client({
      region: s3.region,
      ...(s3.endpoint ? { endpoint: s3.endpoint } : {}),
      forcePathStyle: s3.forcePathStyle,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    // LiveKit may report a full location URL; the key is what we asked it to write.
    const objectKey = key.replace(/^https?:\/\/[^/]+\/(?:[^/]+\/)?(?=recordings\/)/, '');
    return getSignedUrl(
      this.s3,
      new GetObjectCommand({
        Bucket: s3.bucket,
        Key: objectKey,
        ResponseContentDisposition: `attachment; filename="${filename}"`,
      }),
      { expiresIn: PRESIGN_SECONDS },
    );
  }

  /** A hearing that requires recording records exactly while it is in session. */
  async afterStateChange(hearingId: string, action: StateAction): Promise<void> {
    try {
      if (action === 'recess' || action === 'adjourn') {
        await this.end(hearingId, SYSTEM_ACTOR, false);
        return;
      }
      if (action !== 'start' && action !== 'resume') return;
      const h = await findHearing(this.d.db, hearingId);
      if (!h?.recording_required) return;
      await this.begin(h, SYSTEM_ACTOR, null, true);
    } catch (err) {
      // The move itself succeeded; a recording that could not start has already alerted the bench.
      this.d.log.warn({ err, hearingId, action }, 'automatic recording step failed');
    }
  }

  private async begin(h: HearingRow, actor: Actor, startedBy: string | null, automatic: boolean) {
    try {
      return await this.d.db.transaction().execute(async (trx) => {
        const locked = await lockHearing(trx, h.id);
        if (locked.state !== 'in_session') {
          throw new DomainError(
            409,
            'hearing_not_in_session',
            `Recording starts only while the hearing is in session; it is ${locked.state}.`,
          );
        }
        if (await repo.runningRecording(trx, h.id)) {
          throw new DomainError(409, 'already_recording', 'The hearing is already being recorded.');
        }
        const previous = await repo.latestRecording(trx, h.id);
        const now = this.d.now();
        let started: EgressState;
        try {
          // Inside the hearing's lock, so two clicks never start two egresses.
          started = await this.d.egress.start(h.livekit_room, this.d.egress.target(h.id, now));
        } catch (err) {
          if (err instanceof ConsultationNotRecorded) {
            throw new DomainError(403, 'consultation_not_recorded', err.message);
          }
          this.d.log.warn({ err, hearingId: h.id }, 'Egress did not start');
          throw new DomainError(
            503,
            'recording_unavailable',
            'The recording service (LiveKit Egress) could not start the recording; try again.',
          );
        }
        const row = await repo.upsertRecording(trx, {
          hearing_id: h.id,
          egress_id: started.egressId,
          room: h.livekit_room,
          status: started.status,
          started_by: startedBy,
          output: this.d.recording.output,
          started_at: started.startedAt ?? now,
          file_location: started.file,
        });
        await audit.append(trx, {
          stream: h.id,
          actor,
          action: 'recording.started',
          payload: { recordingId: row.id, egressId: row.egress_id, output: row.output, automatic },
        });
        await this.publishStatus(trx, h.id, row);
        if (previous?.interrupted_at) {
          await noteInRecord(trx, this.d.hub, h, now, (n) => n.recordingResumed);
        }
        return recordingView({ ...row, started_by_name: null });
      });
    } catch (err) {
      if (automatic && err instanceof DomainError && err.code === 'recording_unavailable') {
        await this.raise(h.id, null, 'start_failed', err.message, 'recordingNotStarted');
      }
      if (automatic && err instanceof DomainError && err.code === 'already_recording') return null;
      throw err;
    }
  }

  /** Asks Egress to stop; the egress_ended webhook finishes the recording. Null when none runs. */
  private async end(hearingId: string, actor: Actor, requireSession: boolean) {
    return this.d.db.transaction().execute(async (trx) => {
      const locked = await lockHearing(trx, hearingId);
      if (requireSession && locked.state !== 'in_session') {
        throw new DomainError(
          409,
          'hearing_not_in_session',
          `Recording is controlled only while the hearing is in session; it is ${locked.state}.`,
        );
      }
      const r = await repo.runningRecording(trx, hearingId);
      if (!r) return null;
      let stopped: EgressState | null = null;
      try {
        stopped = await this.d.egress.stop(r.egress_id);
      } catch (err) {
        if (requireSession) {
          this.d.log.warn({ err, hearingId }, 'Egress did not stop');
          throw new DomainError(503, 'recording_unavailable', 'The recording service could not stop the recording.');
        }
        // Recess/adjourn go on: the room is closed anyway, and the webhook or the restart check settles it.
        this.d.log.warn({ err, hearingId }, 'Egress did not stop at recess/adjourn');
      }
      const status: RecordingStatus = stopped && RANK[stopped.status] > RANK.ending ? stopped.status : 'ending';
      await repo.updateRecording(trx, r.id, { status, updated_at: this.d.now() });
      await audit.append(trx, {
        stream: hearingId,
        actor,
        action: 'recording.stop_requested',
        payload: { recordingId: r.id, egressId: r.egress_id },
      });
      const row = { ...r, status };
      await this.publishStatus(trx, hearingId, row);
      return recordingView({ ...row, started_by_name: null });
    });
  }

  /**
   * What Egress says of one of its egresses (webhook or restart check). An egress of a hearing room
   * Gavel has no row for (it crashed between start and commit) is adopted.
   */
  async applyEgress(info: EgressState): Promise<'ignored' | 'updated' | 'adopted'> {
    const outcome = await this.d.db.transaction().execute(async (trx) => {
      let r = await repo.lockByEgressId(trx, info.egressId);
      let adopted = false;
      if (!r) {
        if (isConsultationRoom(info.room)) return null;
        const h = await repo.hearingOfRoom(trx, info.room);
        if (!h) return null;
        r = await repo.upsertRecording(trx, {
          hearing_id: h.id,
          egress_id: info.egressId,
          room: info.room,
          status: info.status === 'starting' ? 'starting' : 'active',
          started_by: null,
          output: this.d.recording.output,
          started_at: info.startedAt ?? this.d.now(),
          file_location: info.file,
        });
        adopted = true;
      }
      const before = r.status;
      if (FINAL.has(before) || RANK[info.status] < RANK[before]) return { result: 'ignored' as const };
      const now = this.d.now();
      const final = FINAL.has(info.status);
      await repo.updateRecording(trx, r.id, {
        status: info.status,
        updated_at: now,
        ...(info.file ? { file_location: info.file } : {}),
        ...(info.sizeBytes !== null ? { size_bytes: info.sizeBytes } : {}),
        ...(info.durationMs !== null ? { duration_ms: info.durationMs } : {}),
        ...(info.error ? { error: info.error } : {}),
        ...(final ? { ended_at: info.endedAt ?? now } : {}),
      });
      if (info.status !== before || adopted) {
        await this.publishStatus(trx, r.hearing_id, { id: r.id, status: info.status });
      }
      if (adopted) {
        await audit.append(trx, {
          stream: r.hearing_id,
          actor: SYSTEM_ACTOR,
          action: 'recording.adopted',
          payload: { recordingId: r.id, egressId: r.egress_id },
        });
      }
      if (!final) return { result: adopted ? ('adopted' as const) : ('updated' as const) };
      await audit.append(trx, {
        stream: r.hearing_id,
        actor: SYSTEM_ACTOR,
        action: 'recording.ended',
        payload: {
          recordingId: r.id,
          status: info.status,
          error: info.error,
          file: info.file ?? r.file_location,
          sizeBytes: info.sizeBytes,
          durationMs: info.durationMs,
        },
      });
      const h = await trx.selectFrom('hearings').select('state').where('id', '=', r.hearing_id).executeTakeFirst();
      const asked = before === 'ending';
      const interrupted =
        info.status === 'failed' ||
        (!asked && (info.status === 'aborted' || !!info.error || h?.state === 'in_session'));
      return {
        result: adopted ? ('adopted' as const) : ('updated' as const),
        interrupted: interrupted ? { recordingId: r.id, hearingId: r.hearing_id } : null,
        completed: info.status === 'complete' ? r.id : null,
      };
    });
    if (!outcome) return 'ignored';
    if ('interrupted' in outcome && outcome.interrupted) {
      const { recordingId, hearingId } = outcome.interrupted;
      await this.raise(
        hearingId,
        recordingId,
        info.status === 'failed' ? 'failed' : 'ended_in_session',
        info.error ?? 'The recording stopped while the hearing was in session.',
        'recordingInterrupted',
      );
    }
    if ('completed' in outcome && outcome.completed) {
      // The webhook is answered whatever happens here: a file Gavel cannot read yet is logged later.
      await this.logFile(outcome.completed).catch((err: unknown) =>
        this.d.log.warn({ err, recordingId: outcome.completed }, 'recording file not logged yet'),
      );
    }
    return outcome.result;
  }

  /** Alert the bench (one-click restart), audit, and note it in the record. */
  private async raise(
    hearingId: string,
    recordingId: string | null,
    reason: string,
    message: string,
    note: 'recordingInterrupted' | 'recordingNotStarted',
  ) {
    const h = await findHearing(this.d.db, hearingId);
    if (!h) return;
    await this.d.db.transaction().execute(async (trx) => {
      const now = this.d.now();
      if (recordingId) await repo.updateRecording(trx, recordingId, { interrupted_at: now });
      await audit.append(trx, {
        stream: hearingId,
        actor: SYSTEM_ACTOR,
        action: 'recording.interrupted',
        payload: { recordingId, reason, message },
      });
      await this.d.hub.publish(trx, {
        stream: hearingId,
        kind: 'recording.alert',
        topic: { data: 'bench' },
        payload: { recordingId, reason, message, hearingState: h.state },
      });
      await noteInRecord(trx, this.d.hub, h, now, (n) => n[note]);
    });
  }

  private async publishStatus(
    trx: Transaction<Database>,
    hearingId: string,
    r: { id: string; status: RecordingStatus } | undefined,
  ) {
    await this.d.hub.publish(trx, {
      stream: hearingId,
      kind: 'recording.status',
      topic: { data: 'recording' },
      payload: statusPayload(r),
    });
  }

  /**
   * At start-up: which egresses kept running (or ended) while Gavel was down. Egress's own list is
   * the truth; an open recording it no longer knows is marked failed, and the bench alerted.
   */
  async reconcile(): Promise<{ running: number; settled: number; adopted: number }> {
    const active = await this.d.egress.list({ active: true });
    let adopted = 0;
    for (const e of active) if ((await this.applyEgress(e)) === 'adopted') adopted++;
    const running = new Set(active.map((e) => e.egressId));
    let settled = 0;
    for (const r of await repo.openRecordings(this.d.db)) {
      if (running.has(r.egress_id)) continue;
      const [known] = await this.d.egress.list({ egressId: r.egress_id });
      await this.applyEgress(
        known ?? {
          egressId: r.egress_id,
          room: r.room,
          status: 'failed',
          startedAt: null,
          endedAt: null,
          file: null,
          sizeBytes: null,
          durationMs: null,
          error: 'LiveKit no longer knows this recording (lost while Gavel was not running).',
        },
      );
      settled++;
    }
    return { running: active.length, settled, adopted };
  }
}
