import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit after it has shipped; add a new migration instead.
//
// A finished recording's file is hashed once and that SHA-256 goes in the record log. From then on the
// row cannot point at another file or carry another hash, and cannot be deleted.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('recordings')
    .addColumn('file_sha256', 'text', (c) => c.check(sql`file_sha256 ~ '^[0-9a-f]{64}$'`))
    .execute();
  await sql`
    create function recordings_file_fixed() returns trigger language plpgsql as $$
    begin
      if old.file_sha256 is null then
        return case when tg_op = 'DELETE' then old else new end;
      end if;
      if tg_op = 'UPDATE' and new.file_sha256 = old.file_sha256
         and new.file_location is not distinct from old.file_location then
        return new;
      end if;
      raise exception 'the record is append-only: % of a logged recording file refused', tg_op;
    end $$`.execute(db);
  await sql`create trigger recordings_file_fixed before update or delete on recordings
    for each row execute function recordings_file_fixed()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger recordings_file_fixed on recordings`.execute(db);
  await sql`drop function recordings_file_fixed()`.execute(db);
  await db.schema.alterTable('recordings').dropColumn('file_sha256').execute();
}
