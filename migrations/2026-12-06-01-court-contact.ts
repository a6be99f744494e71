import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit after it has shipped; add a new migration instead.
//
// How the public reaches the court (telephone, e-mail, a short note such as opening hours), shown
// where a link no longer works and when a hearing has ended. Each is optional; lengths are capped here
// as in the API.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('courts')
    .addColumn('contact_phone', 'text', (c) => c.check(sql`char_length(contact_phone) between 1 and 40`))
    .addColumn('contact_email', 'text', (c) => c.check(sql`char_length(contact_email) between 3 and 254`))
    .addColumn('contact_note', 'text', (c) => c.check(sql`char_length(contact_note) between 1 and 500`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('courts')
    .dropColumn('contact_phone')
    .dropColumn('contact_email')
    .dropColumn('contact_note')
    .execute();
}
