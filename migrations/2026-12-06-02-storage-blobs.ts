import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit after it has shipped; add a new migration instead.
//
// Gavel's files (exhibits and their stamped copies) in the database itself, for STORAGE=postgres:
// every instance of a deployment reads what any other wrote, with no shared disk. A file is written as
// numbered chunks under a fresh blob id, then appears under its key in one short transaction.
// Nothing stored is changed in place: an object or a chunk is never updated; an object may be deleted
// (as a file may), and a chunk only once no object holds its blob.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table storage_objects (
      key text primary key check (key ~ '^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$'),
      blob_id uuid not null unique,
      size bigint not null check (size >= 0),
      chunks integer not null check (chunks >= 0),
      sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table storage_chunks (
      blob_id uuid not null,
      n integer not null check (n >= 0),
      data bytea not null,
      written_at timestamptz not null default now(),
      primary key (blob_id, n)
    )`.execute(db);
  // Chunks are read whole and are already compressed or random enough: keep them out of line, uncompressed.
  await sql`alter table storage_chunks alter column data set storage external`.execute(db);
  // Blobs never committed (a process killed mid-upload) are found by age.
  await sql`create index storage_chunks_written_at on storage_chunks (written_at) where n = 0`.execute(db);

  await sql`
    create function storage_objects_fixed() returns trigger language plpgsql as $$
    begin
      raise exception 'stored files are immutable: UPDATE of storage_objects refused (write a new key, or delete)';
    end $$`.execute(db);
  await sql`create trigger storage_objects_fixed before update on storage_objects
    for each row execute function storage_objects_fixed()`.execute(db);

  await sql`
    create function storage_chunks_fixed() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        if exists (select 1 from storage_objects o where o.blob_id = old.blob_id) then
          raise exception 'stored files are immutable: DELETE of a chunk of stored object refused (delete the object first)';
        end if;
        return old;
      end if;
      raise exception 'stored files are immutable: UPDATE of storage_chunks refused';
    end $$`.execute(db);
  await sql`create trigger storage_chunks_fixed before update or delete on storage_chunks
    for each row execute function storage_chunks_fixed()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table storage_chunks`.execute(db);
  await sql`drop table storage_objects`.execute(db);
  await sql`drop function storage_chunks_fixed()`.execute(db);
  await sql`drop function storage_objects_fixed()`.execute(db);
}
