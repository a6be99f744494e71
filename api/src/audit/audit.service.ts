import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import type { ActorType } from './audit.table.ts';
import { GENESIS_HASH, canonicalJson, eventHash } from './audit.hash.ts';
import * as repo from './audit.repository.ts';
import { verifyRecordContents, type RecordDifference } from './record-contents.ts';
import { headKey, headSignatureHolds, signHead } from './head.ts';

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

/** The stream's last event (its seq and hash), if it has one. */
export { lastEvent } from './audit.repository.ts';

/**
 * Locks the stream until the transaction ends and reads its head: until then nothing but this
 * transaction appends to it, so what the transaction computes from the head stays the head's.
 */
export async function lockHead(trx: Transaction<Database>, stream: string) {
  return repo.lockAndReadHead(trx, stream);
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
  const last = await lockHead(trx, input.stream);
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
  const event = {
    stream: input.stream,
    seq,
    occurred_at: occurredAt,
    actor_type: input.actor.type,
    actor_id: input.actor.id,
    action: input.action,
    payload: JSON.stringify(payload),
    prev_hash: prevHash,
    hash,
  };
  // The stream's head, signed, moves with the event in the same statement.
  const key = headKey();
  const signedAt = new Date();
  const id = key
    ? await repo.insertEventAndHead(trx, event, {
        seq,
        hash,
        signed_at: signedAt,
        key_id: key.keyId,
        signature: signHead(key, { stream: input.stream, seq, hash, signedAt }),
      })
    : await repo.insertEvent(trx, event);
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
  /** The stream's signed head as stored, when there is one. */
  head?: { seq: number; hash: string; signedAt: string; keyId: string; signature: string };
  /** The first row of the hearing's record that no longer matches what its audit event recorded. */
  recordDifference?: RecordDifference;
}

/** Recomputes a stream's chain from its first event and names the first link that does not hold. */
export async function verifyStream(db: Kysely<Database>, stream: string): Promise<StreamVerification> {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let count = 0;
  let lastAt: Date | null = null;
  const stored = await db.selectFrom('audit_heads').selectAll().where('stream', '=', stream).executeTakeFirst();
  const head = stored && {
    seq: stored.seq,
    hash: stored.hash,
    signedAt: stored.signed_at.toISOString(),
    keyId: stored.key_id,
    signature: stored.signature,
  };
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
        ...(head ? { head } : {}),
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
      lastAt = e.occurred_at;
      expectedSeq++;
    }
  }
  const lastSeq = expectedSeq - 1;
  const headBreak = await checkHead(db, stream, stored, { seq: lastSeq, hash: prevHash, at: lastAt });
  if (headBreak) {
    return { stream, events: count, ok: false, firstBreak: headBreak, ...(head ? { head } : {}) };
  }
  const recordDifference = await verifyRecordContents(db, stream);
  if (recordDifference) return { stream, events: count, ok: false, recordDifference, ...(head ? { head } : {}) };
  return { stream, events: count, ok: true, ...(head ? { head } : {}) };
}

/**
 * The chain's last event against the stream's signed head: a head further on than the chain means events
 * were cut from its tail; a chain further on than its head, events appended without Gavel's key.
 */
async function checkHead(
  db: Kysely<Database>,
  stream: string,
  stored: { seq: number; hash: string; signed_at: Date; key_id: string; signature: string } | undefined,
  last: { seq: number; hash: string; at: Date | null },
): Promise<ChainBreak | undefined> {
  const key = headKey();
  const at = (seq: number, reason: string): ChainBreak => ({ seq, id: '', reason });
  if (!stored) {
    if (!key || !last.at) return undefined;
    const since = await db.selectFrom('record_hashing').select('heads_since').executeTakeFirst();
    if (since && last.at < since.heads_since) return undefined;
    return at(last.seq, 'the stream has no signed head (it was removed)');
  }
  if (key) {
    if (stored.key_id !== key.keyId) return at(stored.seq, 'the signed head was signed by another key');
    const h = { stream, seq: stored.seq, hash: stored.hash, signedAt: stored.signed_at };
    if (!headSignatureHolds(key, h, stored.signature))
      return at(stored.seq, 'the signed head’s signature does not hold');
  }
  if (stored.seq > last.seq) {
    return at(
      last.seq + 1,
      `the signed head is at seq ${stored.seq} but the chain ends at seq ${last.seq}: events were removed from its tail`,
    );
  }
  if (stored.seq < last.seq) {
    return at(stored.seq + 1, `events after the signed head (seq ${stored.seq}) were not signed by Gavel`);
  }
  if (stored.hash !== last.hash) return at(stored.seq, 'the last event’s hash differs from the signed head');
  return undefined;
}

export async function verifyAll(db: Kysely<Database>): Promise<StreamVerification[]> {
  const results: StreamVerification[] = [];
  for (const stream of await repo.streams(db)) results.push(await verifyStream(db, stream));
  return results;
}
