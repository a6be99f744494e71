import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../platform/config.ts';
import type { Database } from '../platform/db/schema.ts';
import type { RealtimeHub } from '../platform/realtime/realtime.hub.ts';
import type { RecordLog } from '../record-log/log.service.ts';
import { storageFor } from '../platform/storage/from-config.ts';
import { PostgresStorage } from '../platform/storage/postgres-storage.ts';
import { ExhibitService } from './exhibits.service.ts';
import { exhibitsRoutes } from './exhibits.routes.ts';
import { StampPool } from './stamp-thread.ts';

/** What the exhibits are built from. */
export interface ExhibitsDeps {
  config: Config;
  db: Kysely<Database>;
  hub: RealtimeHub;
  now: () => Date;
  /** The court's signing identity, for the record's public log. */
  courtIdentity: RecordLog['identity'];
}

/** Exhibits: upload, labels, rulings, stamped copies, presenting in the hearing room. */
export const exhibitsFeature: FastifyPluginAsync<ExhibitsDeps> = async (app, deps) => {
  const storage = storageFor(deps.config, deps.db);
  // Uploads cut off by a crash leave chunks no object holds: cleared in the background at start.
  if (storage instanceof PostgresStorage) {
    storage.sweep().then(
      (n) => n > 0 && app.log.info({ blobs: n }, 'storage: removed chunks of uploads that never finished'),
      (err: unknown) => app.log.warn({ err }, 'storage: sweeping unfinished uploads failed'),
    );
  }
  const exhibits = new ExhibitService({
    db: deps.db,
    hub: deps.hub,
    storage,
    maxBytes: deps.config.exhibitMaxBytes,
    stamps: new StampPool(deps.config.exhibitStamp),
    now: deps.now,
    log: { identity: deps.courtIdentity, origin: deps.config.publicOrigin },
  });
  await app.register(exhibitsRoutes, { db: deps.db, exhibits, maxBytes: deps.config.exhibitMaxBytes });
};
