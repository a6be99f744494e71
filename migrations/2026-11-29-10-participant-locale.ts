import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit after it has shipped; add a new migration instead.
export async function up(db: Kysely<any>): Promise<void> {
  // The language a participant reads: their invitation, calendar file and pre-join rules are in it.
  await db.schema
    .alterTable('participants')
    .addColumn('locale', 'text', (c) => c.check(sql`locale in ('en', 'zh-CN')`))
    .execute();
  // Those invited before now were written to in the court's language; they keep it.
  await sql`
    update participants p set locale = case when ct.locale = 'zh-CN' then 'zh-CN' else 'en' end
    from hearings h join courts ct on ct.id = h.court_id
    where h.id = p.hearing_id
  `.execute(db);
  await db.schema
    .alterTable('participants')
    .alterColumn('locale', (c) => c.setNotNull())
    .execute();
  // Only for rows written straight to the table (tools, benches): the service always sets it.
  await db.schema
    .alterTable('participants')
    .alterColumn('locale', (c) => c.setDefault('en'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('participants').dropColumn('locale').execute();
}
