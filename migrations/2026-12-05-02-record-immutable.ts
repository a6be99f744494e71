import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit after it has shipped; add a new migration instead.
//
// What the record holds cannot change in place. Entries, chat and signatures are never updated;
// an exhibit changes only by its one ruling; a participant's printed appearance never changes and a
// revocation is never undone. Every writer also puts the SHA-256 of each row's content in its audit
// event, so a change made with these triggers off (a superuser) is still named by verify-audit.
export async function up(db: Kysely<any>): Promise<void> {
  // Rows written before content hashes existed carry none; verify-audit asks a hash only of later ones.
  await sql`create table record_hashing (since timestamptz not null)`.execute(db);
  await sql`insert into record_hashing (since) values (now())`.execute(db);

  await sql`drop trigger transcript_entries_append_only on transcript_entries`.execute(db);
  await sql`create trigger transcript_entries_append_only before update or delete on transcript_entries
    for each row execute function transcript_refuse_change()`.execute(db);
  await sql`create trigger chat_messages_append_only before update or delete on chat_messages
    for each row execute function transcript_refuse_change()`.execute(db);

  await sql`
    create function exhibits_ruling_only() returns trigger language plpgsql as $$
    declare
      ruling text[] := array['status', 'stamped_key', 'stamped_sha256', 'stamped_size_bytes', 'ruled_by', 'ruled_at'];
    begin
      if tg_op = 'UPDATE' and old.status = 'marked' and new.status in ('admitted', 'rejected')
         and new.ruled_by is not null and new.ruled_at is not null
         and (to_jsonb(new) - ruling) = (to_jsonb(old) - ruling) then
        return new;
      end if;
      raise exception 'the record is append-only: % on exhibits refused (only a ruling on a marked exhibit may change it)', tg_op;
    end $$`.execute(db);
  await sql`create trigger exhibits_ruling_only before update or delete on exhibits
    for each row execute function exhibits_ruling_only()`.execute(db);

  await sql`
    create function participants_appearance_fixed() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE'
         and new.id = old.id and new.hearing_id = old.hearing_id and new.role = old.role
         and new.display_name = old.display_name
         and new.represents_id is not distinct from old.represents_id
         and new.interprets_for_id is not distinct from old.interprets_for_id
         and new.created_at = old.created_at
         and (old.revoked_at is null or new.revoked_at = old.revoked_at) then
        return new;
      end if;
      raise exception 'the record is append-only: % of a participant''s appearance or revocation refused', tg_op;
    end $$`.execute(db);
  await sql`create trigger participants_appearance_fixed before update or delete on participants
    for each row execute function participants_appearance_fixed()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger participants_appearance_fixed on participants`.execute(db);
  await sql`drop function participants_appearance_fixed()`.execute(db);
  await sql`drop trigger exhibits_ruling_only on exhibits`.execute(db);
  await sql`drop function exhibits_ruling_only()`.execute(db);
  await sql`drop trigger chat_messages_append_only on chat_messages`.execute(db);
  await sql`drop trigger transcript_entries_append_only on transcript_entries`.execute(db);
  await sql`create trigger transcript_entries_append_only before delete on transcript_entries
    for each row execute function transcript_refuse_change()`.execute(db);
  await sql`drop table record_hashing`.execute(db);
}
