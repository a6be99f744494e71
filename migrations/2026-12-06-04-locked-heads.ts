import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit after it has shipped; add a new migration instead.
//
// Appending to a numbered stream (the audit chain, the realtime events, a hearing's transcript)
// takes the stream's lock and then reads its last number. They cannot be one plain statement: under
// READ COMMITTED a statement reads the snapshot taken when it began, so a lock it waits for inside
// itself would not let it see what the holder committed. A VOLATILE function's statements each take a
// fresh snapshot, so one call locks, then reads what is committed by then: one round trip, not two.
// Each lock's key is written here once; every appender of the stream goes through its function.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function audit_lock_head(p_stream text, out seq integer, out hash text)
    returns setof record language plpgsql volatile as $$
    begin
      perform pg_advisory_xact_lock(hashtextextended('audit:' || p_stream, 0));
      return query
        select e.seq, e.hash from audit_events e where e.stream = p_stream order by e.seq desc limit 1;
    end $$`.execute(db);

  await sql`
    create function realtime_lock_last(p_stream text) returns integer language plpgsql volatile as $$
    declare last integer;
    begin
      perform pg_advisory_xact_lock(hashtextextended('realtime:' || p_stream, 0));
      select e.seq into last from realtime_events e where e.stream = p_stream order by e.seq desc limit 1;
      return coalesce(last, 0);
    end $$`.execute(db);

  await sql`
    create function transcript_lock_last(p_hearing text) returns integer language plpgsql volatile as $$
    declare last integer;
    begin
      perform pg_advisory_xact_lock(hashtext('gavel:transcript:' || p_hearing));
      select max(t.seq) into last from transcript_entries t where t.hearing_id = p_hearing::uuid;
      return coalesce(last, 0);
    end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function transcript_lock_last(text)`.execute(db);
  await sql`drop function realtime_lock_last(text)`.execute(db);
  await sql`drop function audit_lock_head(text)`.execute(db);
}
