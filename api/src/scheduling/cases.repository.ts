import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../platform/db/schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

const columns = ['id', 'court_id', 'number', 'caption', 'case_type', 'created_at'] as const;

export function insertCase(
  db: Db,
  c: { court_id: string; number: string; caption: string; case_type: string; created_by: string },
) {
  return db.insertInto('cases').values(c).returning(columns).executeTakeFirstOrThrow();
}

export function findCase(db: Db, courtId: string, id: string) {
  return db.selectFrom('cases').select(columns).where('court_id', '=', courtId).where('id', '=', id).executeTakeFirst();
}

export function findCaseByNumber(db: Db, courtId: string, number: string) {
  return db
    .selectFrom('cases')
    .select(columns)
    .where('court_id', '=', courtId)
    .where(sql<string>`lower(number)`, '=', number.toLowerCase())
    .executeTakeFirst();
}

/** Cases of a court whose number or caption contains `q` (case-insensitive), newest first. */
export function searchCases(db: Db, courtId: string, q: string, limit: number) {
  const pattern = `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
  let query = db.selectFrom('cases').select(columns).where('court_id', '=', courtId);
  if (q) query = query.where((eb) => eb.or([eb('number', 'ilike', pattern), eb('caption', 'ilike', pattern)]));
  return query.orderBy('created_at', 'desc').limit(limit).execute();
}
