import { configOrExit, openDatabase } from './runtime.ts';
import { buildApp } from './app.ts';
import { migrateToLatest } from './platform/db/migrate.ts';
import { seedDemoCourt } from './seed.ts';
import { Passwords } from './accounts/password.ts';
import { DEFAULT_WEB_ROOT } from './platform/web/serve.ts';

const started = Date.now();
const config = configOrExit();
const say = (line: string) => process.stdout.write(`gavel: ${line}\n`);

say(config.databaseUrl ? 'connecting to DATABASE_URL' : `starting embedded PostgreSQL in ${config.dataDir}/postgres`);
// The embedded server is restarted if it dies; a restart (or giving up, which exits 1) is always said.
const runtime = await openDatabase(
  config,
  config.logLevel === 'debug' || config.logLevel === 'trace' ? say : undefined,
  { notice: say },
);
try {
  const applied = await migrateToLatest(runtime.db);
  if (applied.length) say(`applied migrations: ${applied.join(', ')}`);
} catch (err) {
  process.stderr.write(`gavel: ${err instanceof Error ? err.message : String(err)}\n`);
  await runtime.close();
  process.exit(1);
}

const passwords = new Passwords();
const demo = await seedDemoCourt(runtime.db, passwords);
if (demo) {
  say(`first start: created "${demo.court}". These passwords are shown once; change them after signing in.`);
  for (const l of demo.logins) say(`  ${l.role.padEnd(5)}  ${l.email}  ${l.password}`);
  say('lost one? npm run cli -- reset-password --email <email> asks for a new password.');
}

// The realtime hub LISTENs on a connection of its own, to the same database.
const databaseUrl = runtime.url;
const app = await buildApp({
  config,
  db: runtime.db,
  webRoot: config.webRoot ?? DEFAULT_WEB_ROOT,
  passwords,
  databaseUrl,
});
const pruneTimer = setInterval(
  () => {
    app.auth.prune().catch((err: unknown) => app.log.warn({ err }, 'session pruning failed'));
  },
  10 * 60 * 1000,
);
pruneTimer.unref();

let closing = false;
async function shutdown(signal: string): Promise<void> {
  if (closing) return;
  closing = true;
  runtime.shuttingDown();
  say(`${signal}: shutting down`);
  const force = setTimeout(() => {
    process.stderr.write('gavel: shutdown took over 10 s; exiting\n');
    process.exit(1);
  }, 10_000);
  force.unref();
  clearInterval(pruneTimer);
  await app.close();
  await runtime.close();
  say('stopped');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

try {
  await app.listen({ port: config.port, host: config.host });
} catch (err) {
  process.stderr.write(
    `gavel: cannot listen on ${config.host}:${config.port}: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  await runtime.close();
  process.exit(1);
}
say(`ready in ${Date.now() - started} ms at ${config.publicOrigin} (listening on ${config.host}:${config.port})`);

// Recordings that kept running (or ended) while Gavel was down: LiveKit's Egress list is the truth.
app.recordings
  .reconcile()
  .then((r) => {
    if (r.running || r.settled || r.adopted)
      say(`recordings: ${r.running} running, ${r.settled} settled, ${r.adopted} adopted after restart`);
  })
  .catch((err: unknown) => {
    // The usual first run: no LiveKit yet. Say what that means instead of printing a stack.
    const refused = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(`${String(err)} ${String((err as Error).cause)}`);
    if (refused)
      say(
        `LiveKit does not answer at ${config.livekit.apiUrl}: scheduling, the record and exports work; video, audio and recording need it (README: "A first hearing").`,
      );
    else app.log.warn({ err }, 'could not check running recordings with LiveKit Egress');
  });
