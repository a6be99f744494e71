import { createWriteStream, promises as fs } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Kysely } from 'kysely';
import pino from 'pino';
import type { Config } from '../platform/config.ts';
import type { Database } from '../platform/db/schema.ts';
import * as audit from '../audit/audit.service.ts';
import { findHearing } from '../scheduling/hearings.service.ts';
import { HearingEgress } from '../recordings/egress.ts';
import { RecordingService } from '../recordings/recordings.service.ts';
import { RealtimeHub } from '../platform/realtime/realtime.hub.ts';
import { storageFor } from '../platform/storage/from-config.ts';
import { RecordService, type BundleFile } from './record.service.ts';
import { loadCourtIdentity, signingConfig } from '../record/court-identity.ts';

/**
 * The CLI's export-hearing: the same bundle as GET /api/hearings/:id/export, written to a file.
 * It goes to a temporary name first so a failed export never leaves a partial bundle behind.
 */
export async function exportHearingToFile(
  db: Kysely<Database>,
  config: Config,
  hearingId: string,
  file: string,
  opts: { recordings: boolean },
): Promise<{ files: BundleFile[]; bytes: number } | null> {
  const h = /^[0-9a-f-]{36}$/i.test(hearingId) ? await findHearing(db, hearingId) : undefined;
  if (!h) return null;
  const log = { identity: loadCourtIdentity(signingConfig(config)), origin: config.publicOrigin };
  // Only localPath and logFile are used: no LiveKit call and no socket is made from here.
  const recordings = new RecordingService({
    db,
    hub: new RealtimeHub(db, ''),
    egress: new HearingEgress(config.livekit, config.recording),
    recording: config.recording,
    log: pino({ level: 'silent' }),
    now: () => new Date(),
    recordLog: log,
  });
  const record = new RecordService({
    db,
    now: () => new Date(),
    recordingPath: (l) => recordings.localPath(l),
    logRecording: (id) => recordings.logFile(id),
    storage: storageFor(config, db),
    log,
  });
  const bundle = await record.exportHearing(h, audit.SYSTEM_ACTOR, { recordings: opts.recordings, via: 'cli' });
  const partial = `${file}.partial`;
  try {
    await pipeline(bundle.stream, createWriteStream(partial, { flags: 'wx' }));
    const files = await bundle.done;
    await fs.rename(partial, file);
    return { files, bytes: (await fs.stat(file)).size };
  } catch (err) {
    await fs.rm(partial, { force: true });
    throw err;
  }
}
