import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit after it has shipped; add a new migration instead.
export async function up(db: Kysely<any>): Promise<void> {
  // Instances keep signed-in sessions in memory for a few seconds. Whatever a cached session depends on
  // announces its change on commit, whichever path made it (the API, the CLI, psql): a session's token
  // replaced or the session ended, its account changed, its second-factor step or enrolment changed,
  // or its court's settings changed. Each instance then drops what it held for that account or court.
  await sql`
    create function gavel_session_changed() returns trigger language plpgsql as $$
    begin
      if tg_table_name = 'courts' then
        perform pg_notify('gavel_session', json_build_object('courtId', old.id)::text);
      elsif tg_table_name = 'users' then
        perform pg_notify('gavel_session', json_build_object('userId', old.id)::text);
      elsif tg_table_name = 'sign_in_steps' then
        perform pg_notify('gavel_session', json_build_object('userId',
          (select user_id from sessions where id = old.session_id))::text);
      elsif tg_op = 'INSERT' then
        perform pg_notify('gavel_session', json_build_object('userId', new.user_id)::text);
      else
        perform pg_notify('gavel_session', json_build_object('userId', old.user_id)::text);
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger sessions_session_changed after update of token_hash or delete on sessions
    for each row execute function gavel_session_changed()`.execute(db);
  await sql`
    create trigger users_session_changed after update or delete on users
    for each row execute function gavel_session_changed()`.execute(db);
  await sql`
    create trigger courts_session_changed after update or delete on courts
    for each row execute function gavel_session_changed()`.execute(db);
  await sql`
    create trigger two_factor_session_changed after insert or update or delete on two_factor
    for each row execute function gavel_session_changed()`.execute(db);
  await sql`
    create trigger sign_in_steps_session_changed after delete on sign_in_steps
    for each row execute function gavel_session_changed()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger sign_in_steps_session_changed on sign_in_steps`.execute(db);
  await sql`drop trigger two_factor_session_changed on two_factor`.execute(db);
  await sql`drop trigger courts_session_changed on courts`.execute(db);
  await sql`drop trigger users_session_changed on users`.execute(db);
  await sql`drop trigger sessions_session_changed on sessions`.execute(db);
  await sql`drop function gavel_session_changed()`.execute(db);
}
