import type { FastifyPluginAsync } from 'fastify';
import type { FeatureDeps } from '../features.ts';
import { auditRoutes } from '../audit/audit.routes.ts';
import { storageFor } from '../platform/storage/from-config.ts';
import { RecordService } from './record.service.ts';
import { exportRoutes } from './exports.routes.ts';

/** The hearing's audit trail and the clerk's exports. */
export const recordFeature: FastifyPluginAsync<FeatureDeps> = async (app, deps) => {
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
