import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { PostgresStorage } from './postgres-storage.ts';
import { localStorageIn, type Storage } from './storage.ts';

/** The storage STORAGE names: DATA_DIR/files on this machine, or the database every instance shares. */
export function storageFor(config: Pick<Config, 'storage' | 'dataDir'>, db: Kysely<Database>): Storage {
  return config.storage === 'postgres' ? new PostgresStorage(db) : localStorageIn(config.dataDir);
}
