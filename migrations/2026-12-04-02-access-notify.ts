import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit after it has shipped; add a new migration instead.
export async function up(db: Kysely<any>): Promise<void> {
  // When someone's access narrows, every Gavel instance hears of it when the change commits, whichever
  // path made it (the API, the CLI, an operator in psql): a staff session ending, an account disabled
  // or given another role or court, a participant's session ending or invitation withdrawn. Their open
  // sockets are checked again at once; media is taken away where they no longer belong.
  await sql`
    create function gavel_access_changed() returns trigger language plpgsql as $$
    begin
      if tg_table_name = 'sessions' then
        perform pg_notify('gavel_access', json_build_object('userId', old.user_id)::text);
      elsif tg_table_name = 'users' then
        perform pg_notify('gavel_access', json_build_object('userId', new.id)::text);
      elsif tg_table_name = 'participant_sessions' then
        perform pg_notify('gavel_access', json_build_object('participantId', old.participant_id)::text);
      elsif tg_table_name = 'participants' then
        perform pg_notify('gavel_access', json_build_object('participantId', new.id)::text);
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger sessions_access_changed after delete on sessions
    for each row execute function gavel_access_changed()`.execute(db);
  await sql`
    create trigger users_access_changed after update of role, disabled, court_id, password_hash on users
    for each row when (old.role is distinct from new.role or old.disabled is distinct from new.disabled
      or old.court_id is distinct from new.court_id or old.password_hash is distinct from new.password_hash)
    execute function gavel_access_changed()`.execute(db);
  await sql`
    create trigger participant_sessions_access_changed after delete on participant_sessions
    for each row execute function gavel_access_changed()`.execute(db);
  await sql`
    create trigger participants_access_changed after update of revoked_at on participants
    for each row when (old.revoked_at is distinct from new.revoked_at)
    execute function gavel_access_changed()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger participants_access_changed on participants`.execute(db);
  await sql`drop trigger participant_sessions_access_changed on participant_sessions`.execute(db);
  await sql`drop trigger users_access_changed on users`.execute(db);
  await sql`drop trigger sessions_access_changed on sessions`.execute(db);
  await sql`drop function gavel_access_changed()`.execute(db);
}
