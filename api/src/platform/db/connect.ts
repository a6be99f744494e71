import { createHash } from 'node:crypto';
import { Kysely, PostgresDialect, createQueryId, type Compilable, type CompiledQuery, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

/**
 * SQL texts to run as named prepared statements, with their names. PostgreSQL then parses each once
 * per connection and, after a few runs, keeps a generic plan for it: for the few statements on the
 * hottest paths (the session and the hearing behind every live request) planning is most of their
 * cost. Only statements marked with `prepared` are here: their texts are fixed shapes, so each
 * connection holds a handful of plans, never one per distinct IN-list.
 */
const statementNames = new Map<string, string>();

/**
 * Marks a query to run as a named prepared statement; returns it, to execute as usual. Marking compiles
 * it (the name is the SQL's), and Kysely's `execute` would compile it again: the query keeps this
 * compilation instead, so a marked query is built once per call (these are the largest queries behind
 * every live request), and pg's lookup of the name hashes a string whose hash is already known.
 */
export function prepared<Q extends Compilable>(query: Q): Q {
  const compiled = query.compile();
  markPrepared(compiled.sql);
  Object.defineProperty(query, 'compile', { value: () => compiled });
  return query;
}

type Db = Kysely<Database> | Transaction<Database>;

/**
 * A statement of fixed shape whose arguments are values only, built and compiled once. The first call
 * builds it with a stand-in for each argument, to learn its SQL and where each argument goes among its
 * parameters; every call then binds its arguments into that compilation and runs it as a named prepared
 * statement, without building the query again (for the widest reads on the hottest paths, building
 * and compiling cost more than the database's own work). `build` must use its arguments as values only:
 * an argument that is not a parameter, or is written into the SQL or into another parameter (a JSON
 * document, a LIKE pattern), is refused on the first call; one whose use cannot be seen (a branch on
 * it) is the caller's error.
 */
export function statement<A extends string[], O>(
  build: (db: Db, ...args: A) => Compilable<O>,
): (db: Db, ...args: A) => Promise<O[]> {
  let shape: { compiled: CompiledQuery<O>; slots: (number | null)[] } | undefined;
  const learn = (db: Db, arity: number) => {
    const standIns = Array.from({ length: arity }, (_, i) => `\u0000gavel-argument-${i}\u0000`);
    const compiled = build(db, ...(standIns as A)).compile();
    const slots = compiled.parameters.map((p) => (typeof p === 'string' ? standIns.indexOf(p) : -1));
    // Any other parameter that carries a stand-in, as it is or escaped (in JSON), would keep it for good.
    const others = compiled.parameters.filter((_, k) => slots[k]! < 0).map(asText);
    standIns.forEach((s, i) => {
      const marker = `gavel-argument-${i}\\u0000`;
      if (!slots.includes(i) || compiled.sql.includes(s) || others.some((t) => t.includes(s) || t.includes(marker)))
        throw new Error(`statement: argument ${i} is not a parameter of ${compiled.sql}`);
    });
    markPrepared(compiled.sql);
    return { compiled, slots: slots.map((i) => (i < 0 ? null : i)) };
  };
  return async (db, ...args) => {
    shape ??= learn(db, args.length);
    const { compiled, slots } = shape;
    const parameters = compiled.parameters.map((p, k) => (slots[k] === null ? p : args[slots[k]!]));
    const result = await db.executeQuery<O>({ ...compiled, parameters, queryId: createQueryId() });
    return result.rows;
  };
}

/** A parameter as text, to search for a stand-in in it. */
function asText(p: unknown): string {
  if (typeof p === 'string') return p;
  try {
    return JSON.stringify(p) ?? '';
  } catch {
    return String(p);
  }
}

function markPrepared(sql: string): void {
  if (!statementNames.has(sql)) {
    statementNames.set(sql, `gavel_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`);
  }
}

/** A pg client that sends the marked statements by name (pg prepares a name once per connection). */
class PreparingClient extends pg.Client {
  // pg's query has many overloads; this only looks at the (text, values) form Kysely uses.
  override query(...args: unknown[]): never {
    const [text, values] = args;
    const name = typeof text === 'string' && args.length <= 2 ? statementNames.get(text) : undefined;
    const call = super.query as (...a: unknown[]) => never;
    return name ? call.call(this, { name, text, values }) : call.apply(this, args);
  }
}

// bigint (bigserial ids, counts) arrives as text; keep it that way rather than lose precision.
export function createDb(connectionString: string, max = 10): Kysely<Database> {
  const pool = new pg.Pool({
    Client: PreparingClient,
    connectionString,
    max,
    // A server that takes the connection but never answers must not hold a request forever.
    connectionTimeoutMillis: 5000,
    keepAlive: true,
  });
  // An idle client's error (database restarted) must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  // Nor may a checked-out client's: between two queries of a transaction the pool's idle listener is
  // detached, and pg emits the lost connection as an 'error' event, which without a listener ends the
  // process. The pending or next query fails instead, and the pool drops the broken client on release.
  pool.on('connect', (client) => client.on('error', () => {}));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
