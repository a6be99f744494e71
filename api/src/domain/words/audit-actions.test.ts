import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { en } from './en.ts';
import { zhCN } from './zh-CN.ts';

// The audit page names each action in words. Every action the API can write gets a label in both
// languages, found by reading the API's source: a new action without one fails here.
const apiSource = fileURLToPath(new URL('../../', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Actions written from a template: what each can become. */
const TEMPLATES: Record<string, string[]> = {
  'exhibit.${ruling}': ['exhibit.admitted', 'exhibit.rejected'],
  'consultation.request_${outcome}': ['accepted', 'declined', 'withdrawn', 'expired', 'cancelled'].map(
    (o) => `consultation.request_${o}`,
  ),
};

/** `action: 'x.y'`, `action: c ? 'x.y' : 'x.z'` and the state table's `audit: 'hearing.x'`. */
function auditActions(source: string): { codes: string[]; templates: string[] } {
  const codes = new Set<string>();
  const templates = new Set<string>();
  for (const line of source.split('\n')) {
    if (!/\b(action|audit):/.test(line)) continue;
    // A policy action as a parameter's default, or a realtime event's field: not audit actions.
    if (/:\s*Action\s*=/.test(line) || /\bevent\(/.test(line)) continue;
    for (const m of line.matchAll(/\b(?:action|audit):[^,]*?'([a-z_]+\.[a-z_.]+)'(?:\s*:\s*'([a-z_]+\.[a-z_.]+)')?/g)) {
      codes.add(m[1]!);
      if (m[2]) codes.add(m[2]);
    }
    for (const m of line.matchAll(/\b(?:action|audit):\s*`([^`]*)`/g)) templates.add(m[1]!);
  }
  return { codes: [...codes], templates: [...templates] };
}

const found = sourceFiles(apiSource).map((f) => auditActions(readFileSync(f, 'utf8')));
const templates = [...new Set(found.flatMap((f) => f.templates))];
const codes = [
  ...new Set([...found.flatMap((f) => f.codes), ...templates.flatMap((tpl) => TEMPLATES[tpl] ?? [])]),
].sort();

describe('audit actions in words', () => {
  it('reads the actions from the API source, including conditional ones', () => {
    expect(codes).toEqual(
      expect.arrayContaining(['transcript.entry_added', 'transcript.imported', 'hearing.recessed']),
    );
    expect(codes.length).toBeGreaterThan(60);
    expect(auditActions("      action: x ? 'a.b' : 'c.d',\n  fn(action: Action = 'record.read')").codes).toEqual([
      'a.b',
      'c.d',
    ]);
  });

  it('knows what each templated action can become', () => {
    expect(templates.filter((tpl) => !(tpl in TEMPLATES))).toEqual([]);
  });

  it.each([
    ['en', en],
    ['zh-CN', zhCN],
  ] as const)('has a label for every action in %s', (_, messages) => {
    const missing = codes.filter((c) => typeof (messages as Record<string, unknown>)[`audit.action.${c}`] !== 'string');
    expect(missing).toEqual([]);
  });
});
