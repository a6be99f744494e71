import type { Kysely } from 'kysely';
import { loadSecrets, parseConfig, ConfigError, type Config } from './platform/config.ts';
import { createDb } from './platform/db/connect.ts';
import { startEmbeddedPostgres, type SupervisorOptions } from './platform/db/embedded.ts';
import type { Database } from './platform/db/schema.ts';

export interface Runtime {
  config: Config;
  db: Kysely<Database>;
  /** The connection string in use, for what needs a connection of its own (LISTEN). */
  url: string;
  embedded: boolean;
  /** Shutdown has begun: an embedded server exiting now (the same Ctrl-C reaches it) is not restarted. */
  shuttingDown(): void;
  close(): Promise<void>;
}

/** Reads the configuration or exits with one line naming the bad variable. */
export function configOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadSecrets(parseConfig(env));
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`gavel: configuration error: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

/**
 * Connects to DATABASE_URL, or starts the embedded PostgreSQL in DATA_DIR when it is unset and keeps it up
 * (restarted if it dies; `supervisor` says where that is told and what happens when it cannot be).
 * Either way the pool reconnects by itself once the server is back.
 */
export async function openDatabase(
  config: Config,
  log: (line: string) => void = () => {},
  supervisor: SupervisorOptions = {},
): Promise<Runtime> {
  if (config.databaseUrl) {
    const db = createDb(config.databaseUrl);
    return {
      config,
      db,
      url: config.databaseUrl,
      embedded: false,
      shuttingDown: () => {},
      close: () => db.destroy(),
    };
  }
  const pg = await startEmbeddedPostgres(config.dataDir, log, supervisor);
  const db = createDb(pg.url);
  return {
    config,
    db,
    url: pg.url,
    embedded: true,
    shuttingDown: () => pg.shuttingDown(),
    close: async () => {
      await db.destroy();
      await pg.stop();
    },
  };
}
