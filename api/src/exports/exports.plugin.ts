import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../platform/config.ts';
import type { Database } from '../platform/db/schema.ts';
import type { RecordLog } from '../record-log/log.service.ts';
import { auditRoutes } from '../audit/audit.routes.ts';
import { storageFor } from '../platform/storage/from-config.ts';
import { RecordService } from './record.service.ts';
import { exportRoutes } from './exports.routes.ts';

/** What the audit trail's and the exports' routes are built from. */
export interface ExportsDeps {
  config: Config;
  db: Kysely<Database>;
  now: () => Date;
  /** The court's signing identity, for the record's public log. */
  courtIdentity: RecordLog['identity'];
}

/** The hearing's audit trail and the clerk's exports. */
export const recordFeature: FastifyPluginAsync<ExportsDeps> = async (app, deps) => {
  const record = new RecordService({
    db: deps.db,
    now: deps.now,
    recordingPath: (location) => app.recordings.localPath(location),
    logRecording: (id) => app.recordings.logFile(id),
    storage: storageFor(deps.config, deps.db),
    log: { identity: deps.courtIdentity, origin: deps.config.publicOrigin },
  });
  await app.register(auditRoutes, { record });
  await app.register(exportRoutes, { record });
};
