import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/**
 * The database probe behind GET /api/health, shared: one `select 1` at a time and a success reused for
 * `ttlMs`, so a load balancer (or a storm of them) polling every instance costs the database at most one
 * round trip a second per instance. An outage shows at once: any request that finds the database gone
 * drops the reused success, and a failure is never reused.
 */
export class HealthProbe {
  private readonly db: Kysely<Database>;
  private readonly ttlMs: number;
  private inFlight: Promise<boolean> | undefined;
  private last: { ok: true; at: number } | undefined;

  constructor(db: Kysely<Database>, ttlMs = 1000) {
    this.db = db;
    this.ttlMs = ttlMs;
  }

  /**
   * Another request just found the database gone: the next health check probes again instead of answering
   * from a probe made before the outage began.
   */
  sawOutage(): void {
    this.last = undefined;
  }

  /** Whether the database answered, as of at most `ttlMs` ago. */
  check(): Promise<boolean> | boolean {
    const last = this.last;
    if (last && performance.now() - last.at < this.ttlMs) return last.ok;
    this.inFlight ??= sql`select 1`
      .execute(this.db)
      .then(
        () => true,
        () => false,
      )
      .then((ok) => {
        // Only a success is reused: while the database is down every check asks again (one at a time), so
        // health says it is back as soon as it is.
        this.last = ok ? { ok, at: performance.now() } : undefined;
        this.inFlight = undefined;
        return ok;
      });
    return this.inFlight;
  }
}
