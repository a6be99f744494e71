import type { FastifyPluginAsync } from 'fastify';
import type { FeatureDeps } from '../features.ts';
import { auditRoutes } from '../audit/audit.routes.ts';
import { localStorageIn } from '../storage/storage.ts';
import { RecordService } from './record.service.ts';
import { exportRoutes } from './exports.routes.ts';

/** The hearing's audit trail and the clerk's exports (issue 7). */
export const recordFeature: FastifyPluginAsync<FeatureDeps> = async (app, deps) => {
  const record = new RecordService({
    db: deps.db,
    now: deps.now,
    recordingPath: (location) => app.recordings.localPath(location),
    storage: localStorageIn(deps.config.dataDir),
  });
  await app.register(auditRoutes, { record });
  await app.register(exportRoutes, { record });
};
