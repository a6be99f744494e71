import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, canonicalJson, eventHash, type HashedFields } from './audit.hash.ts';

describe('canonicalJson', () => {
  it('sorts object keys at every depth, and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: [{ z: 1, y: 2 }, 3] })).toBe('{"a":[{"y":2,"z":1},3],"b":1}');
    expect(canonicalJson({ b: 1, a: 2 })).toBe(canonicalJson({ a: 2, b: 1 }));
  });

  it('sorts keys by UTF-16 code unit, not by locale', () => {
    expect(canonicalJson({ b: 1, B: 2, 法: 3, a: 4 })).toBe('{"B":2,"a":4,"b":1,"法":3}');
  });

  it('drops undefined members, keeps null, and writes a lone undefined as null', () => {
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
    expect(canonicalJson([undefined, null])).toBe('[null,null]');
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('writes scalars and strings as JSON does', () => {
    expect(canonicalJson('say "hi"\n')).toBe('"say \\"hi\\"\\n"');
    expect(canonicalJson(1.5)).toBe('1.5');
    expect(canonicalJson(true)).toBe('true');
    expect(canonicalJson({})).toBe('{}');
    expect(canonicalJson([])).toBe('[]');
  });
});

describe('eventHash', () => {
  const event: HashedFields = {
    stream: 'hearing-1',
    seq: 3,
    occurredAt: new Date('2026-12-01T09:30:00.000Z'),
    actorType: 'user',
    actorId: 'u1',
    action: 'hearing.opened',
    payload: { to: 'open', from: 'scheduled' },
  };

  it('is the SHA-256 of the previous hash, a line break and the event’s canonical JSON', () => {
    const body =
      '{"action":"hearing.opened","actorId":"u1","actorType":"user","occurredAt":"2026-12-01T09:30:00.000Z",' +
      '"payload":{"from":"scheduled","to":"open"},"seq":3,"stream":"hearing-1"}';
    const expected = createHash('sha256').update(`${GENESIS_HASH}\n${body}`).digest('hex');
    expect(eventHash(GENESIS_HASH, event)).toBe(expected);
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });

  it('does not depend on the order of the payload’s keys', () => {
    expect(eventHash(GENESIS_HASH, { ...event, payload: { from: 'scheduled', to: 'open' } })).toBe(
      eventHash(GENESIS_HASH, event),
    );
  });

  it('changes with the previous hash and with every field', () => {
    const base = eventHash(GENESIS_HASH, event);
    const changed: HashedFields[] = [
      { ...event, stream: 'hearing-2' },
      { ...event, seq: 4 },
      { ...event, occurredAt: new Date('2026-12-01T09:30:00.001Z') },
      { ...event, actorType: 'system' },
      { ...event, actorId: null },
      { ...event, action: 'hearing.started' },
      { ...event, payload: { to: 'open', from: 'postponed' } },
    ];
    const hashes = changed.map((e) => eventHash(GENESIS_HASH, e));
    for (const h of hashes) expect(h).not.toBe(base);
    expect(new Set(hashes).size).toBe(hashes.length);
    expect(eventHash('f'.repeat(64), event)).not.toBe(base);
  });
});
