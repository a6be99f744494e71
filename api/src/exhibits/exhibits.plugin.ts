import type { FastifyPluginAsync } from 'fastify';
import type { FeatureDeps } from '../features.ts';
import { localStorageIn } from '../storage/storage.ts';
import { ExhibitService } from './exhibits.service.ts';
import { exhibitsRoutes } from './exhibits.routes.ts';

/** Exhibits (issue 7): upload, labels, rulings, stamped copies, presenting in the hearing room. */
export const exhibitsFeature: FastifyPluginAsync<FeatureDeps> = async (app, deps) => {
  const exhibits = new ExhibitService({
    db: deps.db,
    hub: deps.hub,
    storage: localStorageIn(deps.config.dataDir),
    maxBytes: deps.config.exhibitMaxBytes,
    now: deps.now,
  });
  await app.register(exhibitsRoutes, { exhibits, maxBytes: deps.config.exhibitMaxBytes });
};
