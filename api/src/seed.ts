import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from './platform/db/schema.ts';
import * as audit from './audit/audit.service.ts';
import type { Passwords } from './accounts/password.ts';
import * as passwordRule from './domain/password.ts';

export interface DemoLogins {
  court: string;
  logins: Array<{ role: 'admin' | 'judge' | 'clerk'; email: string; password: string }>;
}

const DEMO_COURT = 'Demo District Court';

/** 96 random bits; drawn again in the (astronomically unlikely) case the password rule would refuse them. */
function generatePassword(name: string, email: string): string {
  for (;;) {
    const password = randomBytes(12).toString('base64url');
    if (passwordRule.judgePassword(password, { courtName: DEMO_COURT, name, email }).ok) return password;
  }
}

/**
 * On the very first start (no staff at all) creates a demo court, a courtroom, an admin, a judge and a clerk,
 * and returns their generated passwords so the caller can print them once. Later starts do nothing.
 */
export async function seedDemoCourt(db: Kysely<Database>, passwords: Passwords): Promise<DemoLogins | undefined> {
  if (await db.selectFrom('users').select('id').limit(1).executeTakeFirst()) return undefined;
  const adminPassword = generatePassword('Admin Demo', 'admin@demo.gavel.test');
  const judgePassword = generatePassword('Judge Demo', 'judge@demo.gavel.test');
  const clerkPassword = generatePassword('Clerk Demo', 'clerk@demo.gavel.test');
  const [adminHash, judgeHash, clerkHash] = await Promise.all([
    passwords.hash(adminPassword),
    passwords.hash(judgePassword),
    passwords.hash(clerkPassword),
  ]);
  return db.transaction().execute(async (trx) => {
    // Two instances starting together on an empty database must not both seed.
    await sql`select pg_advisory_xact_lock(hashtext('gavel:seed'))`.execute(trx);
    const anyUser = await trx.selectFrom('users').select('id').limit(1).executeTakeFirst();
    if (anyUser) return undefined;
    const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
    const court = await trx
      .insertInto('courts')
      .values({ name: DEMO_COURT, timezone, locale: 'en' })
      .returning(['id', 'name'])
      .executeTakeFirstOrThrow();
    await trx.insertInto('courtrooms').values({ court_id: court.id, name: 'Courtroom 1' }).execute();
    const users = await trx
      .insertInto('users')
      .values([
        {
          court_id: court.id,
          email: 'admin@demo.gavel.test',
          name: 'Admin Demo',
          role: 'admin',
          password_hash: adminHash,
        },
        {
          court_id: court.id,
          email: 'judge@demo.gavel.test',
          name: 'Judge Demo',
          role: 'judge',
          password_hash: judgeHash,
        },
        {
          court_id: court.id,
          email: 'clerk@demo.gavel.test',
          name: 'Clerk Demo',
          role: 'clerk',
          password_hash: clerkHash,
        },
      ])
      .returning(['id', 'email', 'role'])
      .execute();
    await audit.append(trx, {
      stream: audit.SYSTEM_STREAM,
      actor: audit.SYSTEM_ACTOR,
      action: 'court.demo_seeded',
      payload: { courtId: court.id, users: users.map((u) => ({ id: u.id, email: u.email, role: u.role })) },
    });
    return {
      court: court.name,
      logins: [
        { role: 'admin' as const, email: 'admin@demo.gavel.test', password: adminPassword },
        { role: 'judge' as const, email: 'judge@demo.gavel.test', password: judgePassword },
        { role: 'clerk' as const, email: 'clerk@demo.gavel.test', password: clerkPassword },
      ],
    };
  });
}
