import type { Kysely, Transaction } from 'kysely';
import type { ActorType, Database } from '../db/schema.ts';
import { GENESIS_HASH, canonicalJson, eventHash } from './audit.hash.ts';
import * as repo from './audit.repository.ts';

export const SYSTEM_STREAM = 'system';

export interface Actor {
  type: ActorType;
  id: string | null;
}

export const SYSTEM_ACTOR: Actor = { type: 'system', id: null };

export interface AppendInput {
  stream: string;
  actor: Actor;
  action: string;
  payload?: Record<string, unknown>;
}

export interface AppendedEvent {
  id: string;
  stream: string;
  seq: number;
  hash: string;
}

/**
 * The one way to write to the audit trail. Pass the caller's transaction so the event commits or
 * rolls back with the action it records; given the Kysely instance it opens its own.
 */
export async function append(db: Kysely<Database> | Transaction<Database>, input: AppendInput): Promise<AppendedEvent> {
  if (!db.isTransaction) {
    return (db as Kysely<Database>).transaction().execute((trx) => append(trx, input));
  }
  const trx = db as Transaction<Database>;
  await repo.lockStream(trx, input.stream);
  const last = await repo.lastEvent(trx, input.stream);
  const seq = (last?.seq ?? 0) + 1;
  const prevHash = last?.hash ?? GENESIS_HASH;
  // Round-trip through JSON so what is hashed is exactly what jsonb will give back.
  const payload: unknown = JSON.parse(canonicalJson(input.payload ?? {}));
  const occurredAt = new Date();
  const hash = eventHash(prevHash, {
    stream: input.stream,
    seq,
    occurredAt,
    actorType: input.actor.type,
    actorId: input.actor.id,
    action: input.action,
    payload,
  });
  const id = await repo.insertEvent(trx, {
    stream: input.stream,
    seq,
    occurred_at: occurredAt,
    actor_type: input.actor.type,
    actor_id: input.actor.id,
    action: input.action,
    payload: JSON.stringify(payload),
    prev_hash: prevHash,
    hash,
  });
  return { id, stream: input.stream, seq, hash };
}

export interface ChainBreak {
  seq: number;
  id: string;
  reason: string;
}

export interface StreamVerification {
  stream: string;
  events: number;
  ok: boolean;
  firstBreak?: ChainBreak;
}

/** Recomputes a stream's chain from its first event and names the first link that does not hold. */
export async function verifyStream(db: Kysely<Database>, stream: string): Promise<StreamVerification> {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let count = 0;
  for (;;) {
    const page = await repo.eventsOfStream(db, stream, expectedSeq - 1, 1000);
    if (page.length === 0) break;
    for (const e of page) {
      count++;
      const fail = (reason: string): StreamVerification => ({
        stream,
        events: count,
        ok: false,
        firstBreak: { seq: e.seq, id: e.id, reason },
      });
      if (e.seq !== expectedSeq) return fail(`expected seq ${expectedSeq}, found ${e.seq} (an event is missing)`);
      if (e.prev_hash !== prevHash) return fail('prev_hash does not match the previous event');
      const recomputed = eventHash(prevHash, {
        stream: e.stream,
        seq: e.seq,
        occurredAt: e.occurred_at,
        actorType: e.actor_type,
        actorId: e.actor_id,
        action: e.action,
        payload: e.payload,
      });
      if (recomputed !== e.hash) return fail('content does not match its hash (the event was altered)');
      prevHash = e.hash;
      expectedSeq++;
    }
  }
  return { stream, events: count, ok: true };
}

export async function verifyAll(db: Kysely<Database>): Promise<StreamVerification[]> {
  const results: StreamVerification[] = [];
  for (const stream of await repo.streams(db)) results.push(await verifyStream(db, stream));
  return results;
}
