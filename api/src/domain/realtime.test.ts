import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import { EVENT_KINDS, ServerEvent } from './realtime.ts';

const SRC = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return sources(path);
    return d.name.endsWith('.ts') && !d.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('the realtime protocol', () => {
  it('lists only events the API publishes: each kind is named where it is sent', () => {
    // The compiler keeps every publish inside the protocol; this keeps the protocol to what is published.
    const code = sources(SRC)
      .filter((f) => relative(SRC, f) !== join('domain', 'realtime.ts'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const unsent = EVENT_KINDS.filter((k) => !code.includes(`'${k}'`));
    expect(unsent).toEqual([]);
    expect(new Set(EVENT_KINDS).size).toBe(EVENT_KINDS.length);
  });

  it('checks payloads: a state the hearing cannot be in, or a missing field, is refused', () => {
    expect(Value.Check(ServerEvent, { kind: 'hearing.state', payload: { state: 'in_session' } })).toBe(true);
    expect(Value.Check(ServerEvent, { kind: 'hearing.state', payload: { state: 'asleep' } })).toBe(false);
    expect(Value.Check(ServerEvent, { kind: 'participant.muted', payload: { participantId: 'p' } })).toBe(false);
    expect(Value.Check(ServerEvent, { kind: 'recording.started', payload: {} })).toBe(false);
  });
});
